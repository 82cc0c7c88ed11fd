"""What a member can do that moves their conversation: the input kinds the flow tables name.

Handlers parse an update into one `Input` (a button's typed data, a usable location, a text
read by its intent, a command) and hand it to `bot/flows/conversation.py`. What does not move
any conversation (the crisis lines, the menu's "about" and language, /ayuda, /privacidad,
/mis_datos, /estado, small talk) is answered by its handler directly, in every state alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot import callbacks as cb
from domain.directory import Municipality
from domain.geo import Point
from domain.languages import MEXICAN_LANGUAGES, normalize_code
from domain.nearby import SearchFilters
from domain.taxonomy import Category, Eligibility, parse_category, parse_eligibility
from nlu.client import Parse


class Kind(StrEnum):
    # Buttons (callback data, bot/callbacks.py)
    SEARCH = "search"
    NEED = "need"
    CONTACT_NEED = "contact_need"
    CONTACT_ME = "contact_me"
    OFFER = "offer"
    CANDIDATE = "candidate"
    MAP = "map"
    MORE = "more"
    OTHER_NEED = "other_need"
    AGE_FILTER = "age_filter"
    AGE = "age"
    EXACT_PLACE = "exact_place"
    FILTERS = "filters"
    FILTER = "filter"
    CONSENT_YES = "consent_yes"
    CONSENT_NO = "consent_no"
    DELETE_YES = "delete_yes"
    DELETE_NO = "delete_no"
    # A shared location (or live location) inside a municipality we know
    LOCATION = "location"
    # Free text, by its Rasa intent
    PLACE_WORDS = "place_words"
    NEED_WORDS = "need_words"
    SAID_YES = "said_yes"
    SAID_NO = "said_no"
    UNCLEAR = "unclear"
    # Commands
    DELETE_ME = "delete_me"


#: How each kind reaches the bot (for docs/architecture.md).
TRIGGERS: dict[Kind, str] = {
    Kind.SEARCH: "button `m:search` (menu: Buscar ayuda cerca)",
    Kind.NEED: "button `c:<need>` or `c:*` (a kind of help, or any)",
    Kind.CONTACT_NEED: "button `cc:<need>` (a kind of help, to be contacted about)",
    Kind.CONTACT_ME: "button `k:-` (Quiero que me contacten, after the crisis lines)",
    Kind.OFFER: "button `k:<n>` (Que me contacten: A, on a confidential place)",
    Kind.CANDIDATE: "button `p:<n>` (one of the places offered for a typed name)",
    Kind.MAP: "button `v:<n>` (Mapa, on a public result)",
    Kind.MORE: "button `r:more` (Más resultados)",
    Kind.OTHER_NEED: "button `r:chcat` (Otro tipo de ayuda)",
    Kind.AGE_FILTER: "button `r:age` (Filtrar por edad)",
    Kind.AGE: "button `a:<bracket>` (an age bracket)",
    Kind.EXACT_PLACE: "button `r:exact` (Usar mi ubicación exacta)",
    Kind.FILTERS: "button `r:filt` (Filtrar)",
    Kind.FILTER: "button `f:+<filter>` or `f:-<filter>` (turn a filter on or off)",
    Kind.CONSENT_YES: "button `y:consent:1` (Sí, acepto)",
    Kind.CONSENT_NO: "button `y:consent:0` (No, gracias)",
    Kind.DELETE_YES: "button `y:delete:1` (Sí, borrar)",
    Kind.DELETE_NO: "button `y:delete:0` (No, conservar)",
    Kind.LOCATION: "a shared or live location inside a known municipality",
    Kind.PLACE_WORDS: "text, intent `informar_ubicacion`",
    Kind.NEED_WORDS: "text, intent `buscar_servicio`",
    Kind.SAID_YES: "text, intent `afirmar`",
    Kind.SAID_NO: "text, intent `negar`",
    Kind.UNCLEAR: "text, no intent (Rasa down or unsure) or one no member flow knows",
    Kind.DELETE_ME: "command `/borrar` or text, intent `borrar_datos`",
}

#: Intents with their own kind; the conversational ones (CHAT_INTENTS) are answered in place.
_INTENT_KINDS = {
    "informar_ubicacion": Kind.PLACE_WORDS,
    "buscar_servicio": Kind.NEED_WORDS,
    "afirmar": Kind.SAID_YES,
    "negar": Kind.SAID_NO,
    "borrar_datos": Kind.DELETE_ME,
}
#: Intents answered the same in every state (bot/handlers/text.py): never read as a place.
CHAT_INTENTS = frozenset(
    {
        "saludo",
        "despedida",
        "agradecer",
        "pedir_ayuda",
        "contar_situacion",
        "cambiar_idioma",
        "fuera_de_alcance",
        "consultar_caso",
    }
)


@dataclass(frozen=True)
class Input:
    """One thing the member did, already validated in shape (not yet against the state)."""

    kind: Kind
    category: Category | None = None  # NEED, CONTACT_NEED; NEED_WORDS' entity
    index: int = 0  # OFFER, CANDIDATE, MAP: which one of those shown
    age: int | None = None  # AGE (None: rather not say)
    point: Point | None = None  # LOCATION, memory only
    municipality: Municipality | None = None  # LOCATION
    place: str | None = None  # text: the postal code or place Rasa found
    text: str = ""  # text: the whole message (never logged, never persisted)
    change: cb.SetFilter | None = None  # FILTER: which filter, on or off
    #: NEED_WORDS: the filters the words ask for ("gratis", "para mujeres"), None when none.
    filters: SearchFilters | None = None

    @property
    def place_words(self) -> str:
        """What to look up in the gazetteer: the place Rasa found, else the whole text."""
        return self.place or self.text


_RESULT_ACTIONS = {
    cb.ResultAction.MORE: Kind.MORE,
    cb.ResultAction.CHANGE_CATEGORY: Kind.OTHER_NEED,
    cb.ResultAction.AGE: Kind.AGE_FILTER,
    cb.ResultAction.EXACT: Kind.EXACT_PLACE,
    cb.ResultAction.FILTERS: Kind.FILTERS,
}


def from_button(action: cb.Action) -> Input | None:
    """The input a (parsed) button stands for; None for the buttons no flow takes."""
    match action:
        case cb.MenuChoice(cb.Menu.SEARCH):
            return Input(Kind.SEARCH)
        case cb.PickCategory(category, for_contact):
            return Input(Kind.CONTACT_NEED if for_contact else Kind.NEED, category=category)
        case cb.AskContact(index):
            if index is None:
                return Input(Kind.CONTACT_ME)
            return Input(Kind.OFFER, index=index)
        case cb.PickPlace(index):
            return Input(Kind.CANDIDATE, index=index)
        case cb.ShowMap(index):
            return Input(Kind.MAP, index=index)
        case cb.ResultsAction(result_action):
            return Input(_RESULT_ACTIONS[result_action])
        case cb.PickAge(bracket):
            return Input(Kind.AGE, age=bracket.representative_age)
        case cb.SetFilter():
            return Input(Kind.FILTER, change=action)
        case cb.Confirm("consent", yes):
            return Input(Kind.CONSENT_YES if yes else Kind.CONSENT_NO)
        case cb.Confirm("delete", yes):
            return Input(Kind.DELETE_YES if yes else Kind.DELETE_NO)
    return None


def from_text(parse: Parse | None, text: str) -> Input:
    """A text (not a chat intent, not an emergency) as the flows read it."""
    kind = _INTENT_KINDS.get(parse.intent, Kind.UNCLEAR) if parse is not None else Kind.UNCLEAR
    if parse is None:
        return Input(kind, text=text)
    return Input(
        kind,
        category=parse_category(parse.entity("tipo_servicio") or ""),
        place=parse.entity("codigo_postal") or parse.entity("lugar"),
        text=text,
        filters=filters_from_words(parse) if kind is Kind.NEED_WORDS else None,
    )


#: Values of the NLU entity `filtro` that are flags (the others are eligibility terms).
_FLAG_VALUES = {"free": "free", "open_now": "open_now", "accessible": "accessible"}


def filters_from_words(parse: Parse) -> SearchFilters | None:
    """The filters one sentence asks for: entity `filtro` (free, open_now, accessible or an
    eligibility term) and `idioma_servicio` (an ISO 639 code). None when it asks for none."""
    flags: dict[str, bool] = {}
    eligibility: Eligibility | None = None
    for value in parse.values("filtro"):
        if value in _FLAG_VALUES:
            flags[_FLAG_VALUES[value]] = True
        elif eligibility is None:
            eligibility = parse_eligibility(value)
    language = None
    for value in parse.values("idioma_servicio"):
        code = normalize_code(value)
        if code is not None and code in MEXICAN_LANGUAGES and code != "es":
            language = code
            break
    found = SearchFilters(
        free=flags.get("free", False),
        open_now=flags.get("open_now", False),
        eligibility=eligibility,
        language=language,
        accessible=flags.get("accessible", False),
    )
    return found if found else None


def from_location(point: Point, municipality: Municipality) -> Input:
    return Input(Kind.LOCATION, point=point, municipality=municipality)
