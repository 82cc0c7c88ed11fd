"""docs/textos.md: every message a member can read, in Spanish and English, with when it is shown.

Generated from the catalogs (locales/) and the text modules, so a psychologist or a youth worker
can review the bot's words without reading code. `make textos` (`python -m bot.texts_doc
--write`) writes it; tests/i18n/test_texts_doc.py checks it is current and that every message of
the member text modules is described here (or named as staff-only).

Each message is found where the code asks for it (Babel's extractor, with the translator
comments), grouped by the text function it belongs to; "when it is shown" comes from the table
below. Composite replies (the crisis reply, the consent) are also shown whole, as sent.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from bot import texts
from bot.i18n import SUPPORTED, Catalogs, Translator
from domain.crisis import CrisisSignal
from domain.emergency import DangerKind

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "textos.md"
LOCALES = ROOT / "locales"
#: The same keywords and comment tag as `make pot`.
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "N_": None,
}
COMMENT_TAG = "Translators:"

MEMBER_TEXTS = "bot/texts.py"
RELAY_TEXTS = "bot/relay/texts.py"
STAFF_TEXTS = "bot/staff/texts.py"
INDICATOR_TEXTS = "bot/indicators/texts.py"
#: Modules whose every message must be described below or named in NOT_FOR_MEMBERS.
CHECKED_MODULES = (MEMBER_TEXTS, RELAY_TEXTS)
#: Text functions of those modules that only staff read.
NOT_FOR_MEMBERS = {
    (MEMBER_TEXTS, "staff_reminder"),
    *(
        (RELAY_TEXTS, name)
        for name in (
            "write_button",
            "staff_buttons",
            "staff_prompt",
            "staff_sent",
            "relayed_to_staff",
            "sensitive_warning",
            "not_sent",
            "no_member",
            "not_writable",
            "thread_ended",
            "staff_closed",
            "withdrawn",
        )
    ),
}

M, R, S = MEMBER_TEXTS, RELAY_TEXTS, STAFF_TEXTS
#: (section title, [(module, text function, when it is shown)]), in reading order.
WHEN: list[tuple[str, list[tuple[str, str, str]]]] = [
    (
        "Inicio, menú y ayuda",
        [
            (M, "welcome", "Al escribir /start: lo primero que lee una persona nueva."),
            (M, "menu_prompt", "Sobre los botones del menú principal."),
            (M, "menu_buttons", "Botones del menú principal."),
            (M, "about", "Botón «¿Qué es Juntos?»."),
            (M, "help_text", "/ayuda."),
            (M, "command_descriptions", "El menú de comandos de Telegram, junto a la caja."),
            (M, "cancelled", "/cancelar."),
            (M, "greeting", "Cuando la persona saluda («hola»)."),
            (M, "thanks_reply", "Cuando la persona da las gracias."),
            (M, "goodbye", "Cuando la persona se despide."),
            (M, "language_prompt", "/idioma, o el botón «Idioma / Language»."),
            (M, "language_set", "Después de elegir el idioma."),
            (M, "language_name", "El nombre del idioma, en /mis_datos."),
        ],
    ),
    (
        "Cuando el bot no puede ayudar (nunca un callejón sin salida)",
        [
            (
                M,
                "danger_line",
                "Debajo de toda respuesta que no puede ayudar: un renglón con los números "
                "para llamar si la persona está en peligro.",
            ),
            (M, "not_understood", "Texto que el bot no entiende ahí donde está; luego, el menú."),
            (M, "unknown_command", "Un comando que no existe (p. ej. /hola); luego, el menú."),
            (
                M,
                "stale_button",
                "Un botón viejo (de una pregunta ya contestada) o que el bot no hizo; luego, "
                "el menú.",
            ),
            (
                M,
                "unsupported_message",
                "Una nota de voz, un sticker o una foto sin texto; luego, el menú.",
            ),
            (M, "out_of_scope", "Cuando piden algo que Juntos no hace; luego, el menú."),
            (
                M,
                "error_apology",
                "Cuando algo falla dentro del bot (p. ej. la base de datos no responde).",
            ),
        ],
    ),
    (
        "Peligro",
        [
            (
                M,
                "crisis",
                "La respuesta de crisis: en cuanto un mensaje muestra peligro, antes que "
                "cualquier otra cosa, y con el botón «Estoy en peligro». Completa, arriba.",
            ),
            (
                M,
                "_crisis_frame",
                "El primer renglón (validar) y el paso de seguridad de la respuesta de crisis, "
                "según el tipo de peligro.",
            ),
            (M, "emergency_line", "Cada número de la respuesta de crisis, uno por renglón."),
            (
                M,
                "line_facts",
                "Lo que es cierto de cada número (gratis, 24 h, sin dar tu nombre), entre "
                "paréntesis; sale de las constantes de domain/emergency.py.",
            ),
            (M, "crisis_buttons", "Los botones bajo la respuesta de crisis."),
            (
                M,
                "situation_reply",
                "Cuando alguien cuenta lo que vive y no se detectó peligro.",
            ),
        ],
    ),
    (
        "Buscar ayuda cerca",
        [
            (M, "category_label", "Los tipos de ayuda, en botones y resultados."),
            (M, "category_prompt", "Al buscar ayuda, o al pedir que te contacten."),
            (M, "any_category", "Botón bajo los tipos de ayuda."),
            (M, "place_prompt", "Después de elegir el tipo de ayuda, si falta el lugar."),
            (M, "share_location_button", "Botón bajo la caja de texto."),
            (M, "place_not_found", "Un lugar escrito que el bot no encontró."),
            (M, "place_choices", "Un lugar escrito que puede ser varios."),
            (M, "approximate_place", "Un lugar escrito que solo se conoce por su municipio."),
            (
                M,
                "searching_near_municipality",
                "Después de un lugar escrito, arriba de lo que sigue (los resultados o la "
                "siguiente pregunta), en el mismo mensaje.",
            ),
            (M, "results_header", "Sobre los resultados."),
            (M, "nothing_within", "Cuando no hay nada a menos de 50 km."),
            (M, "nothing_found", "Cuando no hay nada de ese tipo a menos de 300 km."),
            (M, "no_more_results", "«Más resultados», cuando ya no hay."),
            (M, "_opening", "El horario de cada resultado."),
            (
                M,
                "_capacity",
                "Tras el horario, si la organización respondió esta semana que tiene pocos "
                "lugares o que está llena (los llenos van al final de la página).",
            ),
            (
                M,
                "result_entry",
                "Cada resultado; si el lugar publicó un aviso, va justo bajo el nombre.",
            ),
            (
                M,
                "result_facts",
                "En cada resultado, un renglón con lo que aplica: gratis, para quién, lenguas, "
                "accesibilidad y qué llevar.",
            ),
            (M, "filter_label", "Los filtros activos, arriba de los resultados («🔎 Gratis · …»)."),
            (M, "filters_prompt", "Botón «🔎 Filtrar» bajo los resultados."),
            (
                M,
                "filter_buttons",
                "Los filtros para elegir (los activos con ✓) y «Quitar» cuando no hay nada.",
            ),
            (
                M,
                "filter_outdated",
                "Un botón de filtro de un mensaje anterior que ya no corresponde; luego, los "
                "filtros como están.",
            ),
            (
                M,
                "nothing_with_filters",
                "Cuando ningún lugar cercano cumple todos los filtros: un botón quita cada uno.",
            ),
            (
                M,
                "confidential_offers",
                "Bajo los resultados: refugios y lugares confidenciales del municipio, sin "
                "dirección.",
            ),
            (M, "location_outside", "Una ubicación fuera de México."),
            (M, "result_buttons", "Botones bajo los resultados."),
            (M, "venue_unavailable", "Botón «Mapa» de un lugar sin dirección pública."),
            (M, "age_prompt", "Botón «Filtrar por edad»."),
            (M, "age_buttons", "Las edades para elegir (siempre con «Prefiero no decir»)."),
        ],
    ),
    (
        "Pedir que me contacten",
        [
            (
                M,
                "consent_prompt",
                "Antes de enviar una solicitud: qué se comparte, con quién, quién escribe, "
                "cómo y cuándo, y el límite de la confidencialidad para menores.",
            ),
            (M, "consent_buttons", "Bajo el permiso."),
            (M, "consent_declined", "Cuando la persona no da permiso."),
            (M, "contact_requested", "Solicitud enviada: la clave."),
            (M, "contact_unavailable", "Cuando ninguna organización cercana puede escribirle."),
            (M, "status_line", "/estado: cada solicitud y cómo va."),
            (M, "no_requests", "/estado sin solicitudes."),
            (M, "requests_header", "/estado y /mis_datos, sobre las solicitudes."),
        ],
    ),
    (
        "Privacidad",
        [
            (M, "privacy", "/privacidad."),
            (M, "my_data", "/mis_datos."),
            (M, "delete_prompt", "/borrar, antes de borrar."),
            (M, "delete_buttons", "Bajo la pregunta de /borrar."),
            (M, "deleted", "Después de borrar."),
            (M, "delete_kept", "Cuando la persona decide no borrar."),
            (
                M,
                "quick_exit_line",
                "/salir: lo único que queda en el chat después de borrar los mensajes.",
            ),
        ],
    ),
    (
        "Noticias de una solicitud y mensajes con la organización",
        [
            (
                R,
                "neutral_head",
                "Primer renglón de todo mensaje que llega sin pedirlo (lo que se ve en la "
                "pantalla bloqueada): neutral a propósito.",
            ),
            (R, "request_accepted", "La organización aceptó la solicitud."),
            (R, "request_rejected", "La organización no pudo tomarla."),
            (R, "next_option_buttons", "Bajo «¿Quieres que se la pida a …?»."),
            (R, "asked_again", "Después de pedírsela a otra organización."),
            (R, "request_completed", "La organización dio por terminada la solicitud."),
            (R, "outcome_buttons", "Bajo «¿Te sirvió?»."),
            (R, "outcome_thanks", "Después de contestar «¿Te sirvió?»."),
            (R, "request_cancelled", "La organización cerró la solicitud."),
            (R, "relayed_to_member", "Un mensaje de la organización, por Juntos."),
            (R, "member_buttons", "Bajo cada mensaje de la organización."),
            (R, "member_reply_prompt", "Botón «Responder a …»."),
            (R, "member_sent", "Después de responder."),
            (R, "member_closed", "Cuando la persona termina la conversación."),
            (R, "member_closed_by_staff", "Cuando la organización termina la conversación."),
            (R, "member_block_question", "Botón «No quiero más mensajes de ahí»."),
            (R, "member_block_buttons", "Bajo esa pregunta."),
            (R, "member_blocked", "Después de bloquear a la organización."),
            (R, "member_kept", "Cuando la persona decide no bloquear."),
            (
                R,
                "only_text",
                "Una foto, nota de voz o sticker como respuesta (también al personal).",
            ),
            (R, "too_long", "Un mensaje demasiado largo (también al personal)."),
            (R, "too_many", "Muchos mensajes en una hora (también al personal)."),
            (R, "conversation_over", "Una respuesta en una conversación que ya terminó."),
            (R, "cannot_now", "Un botón de estas noticias que ya no aplica."),
        ],
    ),
    (
        "Textos del personal que una persona también puede leer",
        [
            (
                S,
                "staff_only",
                "Un comando o botón del personal (/casos, /referir…) usado por una persona.",
            ),
            (
                S,
                "invite_unknown",
                "Un enlace de invitación equivocado (también si lo abre una persona).",
            ),
            (S, "invite_used", "Un enlace de invitación ya usado."),
            (S, "invite_expired", "Un enlace de invitación vencido."),
            (S, "invite_locked", "Cinco códigos equivocados en una hora."),
            (
                INDICATOR_TEXTS,
                "coordinators_only",
                "/indicadores o un botón de indicadores usado por una persona.",
            ),
        ],
    ),
]

ORGANIZATION = "Colectivo Vecinal Puentes de Paz Juárez (demo)"


def _signal(*kinds: DangerKind, uncertain: bool = False) -> CrisisSignal:
    return CrisisSignal(frozenset(kinds), uncertain=uncertain)


#: Whole replies as sent (several messages of the catalogs put together).
EXAMPLES: list[tuple[str, Callable[[Translator], str]]] = [
    ("Bienvenida (/start)", texts.welcome),
    (
        "Respuesta de crisis: suicidio o autolesión",
        lambda t: texts.crisis(t, _signal(DangerKind.SUICIDE_SELF_HARM)),
    ),
    (
        "Respuesta de crisis: alguien te hace daño ahora",
        lambda t: texts.crisis(t, _signal(DangerKind.VIOLENCE_NOW)),
    ),
    (
        "Respuesta de crisis: amenazas (con el 089)",
        lambda t: texts.crisis(t, _signal(DangerKind.THREAT)),
    ),
    (
        "Respuesta de crisis: botón «Estoy en peligro»",
        lambda t: texts.crisis(t, _signal(DangerKind.EMERGENCY)),
    ),
    (
        "Respuesta de crisis: señal dudosa (después sigue la respuesta normal)",
        lambda t: texts.crisis(t, _signal(DangerKind.SUICIDE_SELF_HARM, uncertain=True)),
    ),
    ("No te entendí", texts.not_understood),
    (
        "Permiso para que te contacten (edad no dicha, o menor de 18)",
        lambda t: texts.consent_prompt(t, ORGANIZATION, None),
    ),
    (
        "Permiso para que te contacten (18 años o más)",
        lambda t: texts.consent_prompt(t, ORGANIZATION, 24),
    ),
    ("Solicitud enviada", lambda t: texts.contact_requested(t, "CASO-0001", ORGANIZATION)),
]


@dataclass(frozen=True)
class Found:
    """One message as the code asks for it."""

    module: str
    function: str
    context: str | None
    msgid: str | tuple[str, str]
    comments: tuple[str, ...]


def _functions(path: Path) -> list[tuple[int, int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        (node.lineno, node.end_lineno or node.lineno, node.name)
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
    ]


def found_messages(module: str) -> list[Found]:
    """Every message of `module`, in source order, with the text function it belongs to."""
    path = ROOT / module
    spans = _functions(path)
    found = []
    for lineno, message, comments, context in extract_from_file(
        "python", path, keywords=KEYWORDS, comment_tags=(COMMENT_TAG,), strip_comment_tags=True
    ):
        owner = next((name for start, end, name in spans if start <= lineno <= end), "")
        msgid: str | tuple[str, str] = (
            message if isinstance(message, str) else (message[0], message[1])
        )
        found.append(Found(module, owner, context, msgid, tuple(comments)))
    return found


def _catalogs() -> dict[str, Catalog]:
    catalogs = {}
    for locale in SUPPORTED:
        with (LOCALES / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
            catalogs[locale] = read_po(handle, locale=locale)
    return catalogs


def _fenced(text: str) -> list[str]:
    return ["```text", *text.splitlines(), "```"]


def cell(text: str) -> str:
    """A message inside a table cell: its line breaks as <br>, nothing read as markup."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace("|", "\\|")
    return escaped.replace("\n", "<br>")


def _translation(message: Message | None) -> str:
    """A catalog entry as reviewers read it: its text, or its singular and plural forms."""
    if message is None or not message.string:
        return "(sin traducir)"
    if isinstance(message.string, tuple | list):
        forms = list(dict.fromkeys(str(s) for s in message.string))
        return "<br>".join(f"• {cell(form)}" for form in forms)  # one, then many
    return cell(str(message.string))


#: What a message's context means, for reviewers.
_CONTEXTS = {
    "button": "botón",
    "category": "tipo de ayuda",
    "age": "edad",
    "line fact": "dato",
    "outcome": "botón",
}


def _table(messages: list[Found], catalogs: dict[str, Catalog]) -> list[str]:
    """One function's messages: a row each (numbered), then the translator notes."""
    lines = ["| | Español | English |", "|---|---|---|"]
    notes = []
    for index, found in enumerate(messages, start=1):
        key = found.msgid if isinstance(found.msgid, str) else found.msgid[0]
        label = str(index)
        if found.context:
            label += f" ({_CONTEXTS.get(found.context, found.context)})"
        texts_ = [
            _translation(catalogs[locale].get(key, context=found.context)) for locale in SUPPORTED
        ]
        lines.append(f"| {label} | {' | '.join(texts_)} |")
        if found.comments:
            notes.append(f"> {index}. Nota para traducir: {' '.join(found.comments)}")
    lines.append("")
    if notes:
        lines += [*"\n>\n".join(notes).split("\n"), ""]
    return lines


def listing() -> str:
    """The whole page."""
    catalogs = _catalogs()
    translators = Catalogs(LOCALES)
    by_function: dict[tuple[str, str], list[Found]] = {}
    for module in (MEMBER_TEXTS, RELAY_TEXTS, STAFF_TEXTS, INDICATOR_TEXTS):
        for found in found_messages(module):
            by_function.setdefault((found.module, found.function), []).append(found)
    lines = [
        "# Lo que Juntos les dice a las personas",
        "",
        "<!-- Generated by `make textos` (python -m bot.texts_doc --write) from the catalogs "
        "in locales/; do not edit by hand. -->",
        "",
        "Cada mensaje que una persona puede leer, en español y en inglés, con cuándo se "
        "muestra, para revisarlo sin leer código. Lo que va entre llaves (`{organization}`, "
        "`{code}`…) lo llena el bot al enviarlo. Para cambiar una palabra: el español está en "
        "`locales/es_MX/LC_MESSAGES/messages.po`, el inglés en "
        "`locales/en/LC_MESSAGES/messages.po`; esta página se vuelve a generar con "
        "`make textos`.",
        "",
        "## Respuestas completas, como se envían",
        "",
    ]
    for title, render in EXAMPLES:
        lines += [f"### {title}", ""]
        for locale, label in (("es_MX", "Español"), ("en", "English")):
            lines += [f"{label}:", "", *_fenced(render(translators.get(locale))), ""]
    lines += ["## Todos los mensajes", ""]
    for section, entries in WHEN:
        lines += [f"### {section}", ""]
        for module, function, when in entries:
            lines += [f"#### `{function}`", "", f"**Cuándo:** {when}", ""]
            lines += _table(by_function.get((module, function), []), catalogs)
    return "\n".join(lines).rstrip("\n") + "\n"


def write(path: Path = DOC) -> None:
    path.write_text(listing(), encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--write", action="store_true", help=f"write docs/{DOC.name}")
    args = parser.parse_args(argv)
    if args.write:
        write()
    else:
        sys.stdout.write(listing())


if __name__ == "__main__":
    main()
