"""What members read, as whole translatable sentences with named placeholders.

Message ids are English; the Spanish (es_MX) catalog is the one most people read. Keep each
message short (≤ 3 short lines before the buttons), warm, with tú for members, in plain words
("clave", "tu solicitud"; never "folio", "caso", "canalización", "rango de edad", "cifrado").
Say it is a bot where it matters (welcome, crisis, not understood); never echo back what a
person disclosed. A reply that cannot help ends with `danger_line` (no dead ends). The
reviewers' page docs/textos.md is generated from these (`make textos`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.i18n import Translator
from domain.capacity import CapacityLevel
from domain.cases import ReferralStatus
from domain.crisis import CrisisSignal, lines_for
from domain.emergency import HARM_BY_OTHERS, LINE_911, LINE_LIFE, DangerKind, EmergencyLine
from domain.languages import MEXICAN_LANGUAGES
from domain.nearby import NO_FILTERS, ConfidentialOffer, NearbyService, SearchFilters
from domain.services.members import CaseStatus
from domain.taxonomy import Category, Eligibility


def category_label(t: Translator, category: Category) -> str:
    labels = {
        Category.PSYCHOLOGICAL_SUPPORT: t.pgettext("category", "Psychological support"),
        Category.LEGAL_AID: t.pgettext("category", "Legal aid"),
        Category.SHELTER: t.pgettext("category", "Shelter"),
        Category.ADDICTION_TREATMENT: t.pgettext("category", "Addiction care"),
        Category.YOUTH_PROGRAMS: t.pgettext("category", "Youth programs"),
        Category.EDUCATION_EMPLOYMENT: t.pgettext("category", "School and work"),
        Category.MEDIATION: t.pgettext("category", "Mediation"),
        Category.HEALTH: t.pgettext("category", "Health"),
        Category.GENDER_VIOLENCE: t.pgettext("category", "Support for women"),
        # Translators: Spanish "Protección a menores" (not "infantil": teenagers read it).
        Category.CHILD_PROTECTION: t.pgettext("category", "Child protection"),
    }
    return labels[category]


# --- start, menu, help ------------------------------------------------------------------------


def danger_line(t: Translator) -> str:
    """The one line every reply that cannot help carries: a number to call if in danger."""
    # Translators: added under every reply that cannot help (not understood, nothing found,
    # errors...). Invite, never order: "puedes llamar", not "llama".
    return t.gettext(
        "If you are in danger, you can call {emergency} or Línea de la Vida {life_line} ({facts})."
    ).format(emergency=LINE_911.number, life_line=LINE_LIFE.number, facts=line_facts(t, LINE_LIFE))


def with_danger_line(t: Translator, text: str) -> str:
    """`text` (a reply that cannot help), then the danger line."""
    return f"{text}\n{danger_line(t)}"


def welcome(t: Translator) -> str:
    _ = t.gettext
    # Translators: the first message after /start. Line 1 says plainly that Juntos is a bot;
    # line 2 what /salir does (Telegram lets a bot delete only messages under 48 hours) and
    # how to delete the whole chat in the Telegram app ("Eliminar chat" in its menu).
    return _(
        "Hi, I'm Juntos, a bot (not a person). I help you find free support near you and, if "
        "you want, ask an organisation to write to you.\n"
        "I don't keep what you write. /salir deletes the messages of the last 48 hours; to "
        "delete the whole chat, choose “Delete chat” in the chat's menu in Telegram.\n"
        "Juntos is not an emergency line: if you are in danger, you can call {emergency}."
    ).format(emergency=LINE_911.number)


def menu_prompt(t: Translator) -> str:
    return t.gettext("What would you like to do?")


def menu_buttons(t: Translator) -> dict[str, str]:
    return {
        "search": t.pgettext("button", "Find help near me"),
        # Translators: opens the crisis reply with the emergency numbers.
        "danger": t.pgettext("button", "I'm in danger"),
        "about": t.pgettext("button", "What is Juntos?"),
        "lang": t.pgettext("button", "Idioma / Language"),
    }


def about(t: Translator) -> str:
    _ = t.gettext
    return _(
        "Juntos is a bot, not a person. It brings together the free services of community "
        "organisations, your municipality and partners working to prevent violence: I show you "
        "the ones near you and, if you want, ask one of them to write to you.\n"
        "It is not an emergency line: if you are in danger, you can call {emergency}."
    ).format(emergency=LINE_911.number)


def help_text(t: Translator) -> str:
    _ = t.gettext
    # Translators: the command names (/start, /salir...) are the same in both languages.
    return _(
        "This is what I can do:\n"
        "/start – main menu\n"
        "/idioma – change language\n"
        "/privacidad – what I keep and who sees it\n"
        "/mis_datos – see what is saved about you\n"
        "/borrar – delete your data\n"
        "/estado – see your requests\n"
        "/salir – quick exit: delete recent messages\n"
        "/cancelar – stop what we were doing\n"
        "You can also just write what you need, for example “I need a psychologist in Juárez”."
    )


def cancelled(t: Translator) -> str:
    return t.gettext("Okay, I stopped. Nothing was lost.")


def not_understood(t: Translator) -> str:
    # Translators: free text the bot could not read where the member is; the menu follows.
    text = t.gettext(
        "I'm a bot and I didn't understand that. You can write it another way or use the buttons."
    )
    return with_danger_line(t, text)


def unknown_command(t: Translator) -> str:
    # Translators: a command the bot does not have (e.g. /hola); the menu follows.
    text = t.gettext("I'm a bot and I don't know that command. /ayuda shows what I can do.")
    return with_danger_line(t, text)


def stale_button(t: Translator) -> str:
    # Translators: an old button (from a question already answered) or one the bot did not
    # make; the menu follows.
    return with_danger_line(t, t.gettext("That button is no longer active."))


def unsupported_message(t: Translator) -> str:
    """Voice notes, stickers, photos without text: what works, and the lines in one line."""
    # Translators: the member sent a voice note, sticker, photo without caption...; the menu
    # follows. Their content cannot be read, so the danger line always follows too.
    text = t.gettext(
        "I'm a bot and I can only read text and locations: I can't listen to voice notes or see "
        "stickers or photos without text."
    )
    return with_danger_line(t, text)


def greeting(t: Translator) -> str:
    return t.gettext("Hi! I'm Juntos, a bot that helps you find support near you.")


def thanks_reply(t: Translator) -> str:
    return t.gettext("You're welcome. I'm here whenever you need me.")


def goodbye(t: Translator) -> str:
    return t.gettext("Take care. Remember: /salir deletes recent messages.")


def out_of_scope(t: Translator) -> str:
    # Translators: the member asked for something Juntos does not do; the menu follows.
    text = t.gettext(
        "I'm a bot and I can't help with that, sorry. I can find free support near you and ask "
        "an organisation to write to you."
    )
    return with_danger_line(t, text)


def error_apology(t: Translator) -> str:
    # Translators: something failed inside the bot (database down...); nothing was lost.
    text = t.gettext("Sorry, something went wrong on my side. Please try again in a moment.")
    return with_danger_line(t, text)


# --- language -----------------------------------------------------------------------------------


def language_prompt(t: Translator) -> str:
    return t.gettext("Choose your language:")


def language_set(t: Translator) -> str:
    return t.gettext("Done, I'll write to you in English.")


# --- crisis -------------------------------------------------------------------------------------


def line_facts(t: Translator, line: EmergencyLine) -> str:
    """What is true of `line` when you call (free, 24 h, no name asked), from its constants.

    Never empty: whether a call is free is always said."""
    facts = [
        # Translators: facts about an emergency number, listed in brackets after it:
        # "(gratis, a cualquier hora y no te piden tu nombre)".
        t.pgettext("line fact", "free") if line.free else t.pgettext("line fact", "it may cost"),
    ]
    if line.open_24h:
        facts.append(t.pgettext("line fact", "open 24 h"))
    if line.anonymous:
        facts.append(t.pgettext("line fact", "they don't ask your name"))
    return t.and_list(facts)


def emergency_line(t: Translator, line: EmergencyLine) -> str:
    """One number of the crisis reply: the number first (so the phone can dial it), what it is
    for and what happens when you call, then its facts."""
    _ = t.gettext
    lines = {
        # Translators: one line of the crisis reply; the number goes first, as plain digits,
        # so the phone can dial it. {facts}: e.g. "gratis y a cualquier hora".
        "emergency_911": _(
            "{number} — Emergencies: a person answers and can send police or an ambulance "
            "({facts})."
        ),
        "linea_de_la_vida": _(
            "{number} — Línea de la Vida: a trained person listens to you ({facts})."
        ),
        "denuncia_anonima_089": _(
            "{number} — Anonymous report: you can tell them what is happening ({facts})."
        ),
    }
    template = lines.get(line.key) or _("{number} ({facts}).")
    return template.format(number=line.number, facts=line_facts(t, line))


#: Someone hurting the person (not "danger around them"): the reply says it is not their fault.
ABUSE = frozenset({DangerKind.VIOLENCE_NOW, DangerKind.SEXUAL_VIOLENCE, DangerKind.CHILD_ABUSE})


def _crisis_frame(t: Translator, kinds: frozenset[DangerKind]) -> tuple[str, str]:
    """The validating first line and the one safety step, for the kind of danger."""
    _ = t.gettext
    # Translators: "sola ni solo": we never know the person's gender.
    not_alone = _("Thank you for telling me. You are not alone.")
    safe = _("If you can, get somewhere safe and tell someone you trust.")
    if kinds & ABUSE:
        return (
            _("Thank you for telling me. What is happening to you is not your fault."),
            _(
                "If you can, go somewhere safe or to someone you trust. /salir deletes these "
                "messages."
            ),
        )
    if kinds & HARM_BY_OTHERS:
        return not_alone, safe
    if DangerKind.SUICIDE_SELF_HARM in kinds:
        return not_alone, _("If you can, find someone you trust to be with you now.")
    # Translators: after the "I'm in danger" button: nothing was told, so no "thank you".
    return _("You are not alone."), safe


def crisis(t: Translator, signal: CrisisSignal) -> str:
    """The emergency reply (≤ 8 short lines before the buttons): validate, the numbers with
    what happens when you call, one safety step, "I'm a bot, but I'm still here", the offers.
    Built only from constants and the loaded catalogs: no database, no NLU."""
    _ = t.gettext
    numbers = [emergency_line(t, line) for line in lines_for(signal)]
    if signal.uncertain:
        # Translators: the words may or may not mean danger; the normal answer follows.
        head = _("☎️ If you are in danger or thinking of hurting yourself, you can call now:")
        return "\n".join([head, *numbers, _("I'm a bot, but I'm still here.")])
    validation, safety = _crisis_frame(t, signal.kinds)
    # Translators: invite, never order ("puedes llamar", not "llama").
    invite = _("☎️ If you want, you can call now:")
    # Translators: the last line before the buttons "I want someone to contact me" and
    # "Find help near me".
    offer = _("I'm a bot, but I'm still here. Would you like an organisation to contact you?")
    return "\n".join([validation, invite, *numbers, safety, offer])


def crisis_buttons(t: Translator) -> dict[str, str]:
    return {
        "contact": t.pgettext("button", "I want someone to contact me"),
        "search": t.pgettext("button", "Find help near me"),
    }


def situation_reply(t: Translator) -> str:
    _ = t.gettext
    # Translators: the answer to someone telling what they are living through (no danger
    # detected): believe and validate, never repeat what they said.
    text = _(
        "Thank you for telling me. What you are going through is not your fault.\n"
        "If you want, I can look for support near you or ask an organisation to write to you."
    )
    return "\n".join([text, danger_line(t), _("/salir deletes recent messages.")])


# --- search ---------------------------------------------------------------------------------


def category_prompt(t: Translator) -> str:
    return t.gettext("What kind of help are you looking for?")


def any_category(t: Translator) -> str:
    return t.pgettext("button", "Any kind of help")


def place_prompt(t: Translator) -> str:
    _ = t.gettext
    return _(
        "Where are you? Share your location with the button below, or write your colonia, "
        "código postal or municipio."
    )


def share_location_button(t: Translator) -> str:
    return t.pgettext("button", "📍 Share my location")


def place_not_found(t: Translator) -> str:
    text = t.gettext(
        "I couldn't find that place. Try writing it another way (colonia and city, or your "
        "código postal), or share your location."
    )
    return with_danger_line(t, text)


def place_choices(t: Translator) -> str:
    return t.gettext("Which of these places do you mean?")


def approximate_place(t: Translator, place: str, municipality: str) -> str:
    _ = t.gettext
    return _(
        "I only know “{place}” approximately, so I'm searching near the centre of "
        "{municipality}. Share your location for closer results."
    ).format(place=place, municipality=municipality)


def searching_near_municipality(t: Translator, municipality: str) -> str:
    return t.gettext("Searching near the centre of {municipality}.").format(
        municipality=municipality
    )


def results_header(
    t: Translator, count: int, category: Category | None, filters: SearchFilters = NO_FILTERS
) -> str:
    if category is None:
        header = t.ngettext(
            "The closest place that can help:",
            "The {count} closest places that can help:",
            count,
        ).format(count=count)
    else:
        header = t.ngettext(
            "The closest place for {category}:",
            "The {count} closest places for {category}:",
            count,
        ).format(count=count, category=category_label(t, category))
    if filters:
        return f"{filters_summary(t, filters)}\n{header}"
    return header


def language_label(t: Translator, code: str, fallback: str | None = None) -> str:
    """A language's name in the member's language: Mexico's languages by our table, others by
    CLDR, else the feed's own name, else the code."""
    if code in MEXICAN_LANGUAGES:
        spanish, english = MEXICAN_LANGUAGES[code]
        return english if t.locale.startswith("en") else spanish
    name = t.babel_locale.languages.get(code)
    return str(name) if name else (fallback or code)


def filter_label(t: Translator, name: str, filters: SearchFilters) -> str:
    """One active filter as the header says it ("gratis", "para mujeres", "en rarámuri")."""
    if name == "free":
        return t.pgettext("filter", "free")
    if name == "open_now":
        return t.pgettext("filter", "open now")
    if name == "accessible":
        return t.pgettext("filter", "accessible")
    if name == "language" and filters.language:
        return t.pgettext("filter", "in {language}").format(
            language=language_label(t, filters.language)
        )
    assert filters.eligibility is not None
    return {
        Eligibility.WOMEN: t.pgettext("filter", "for women"),
        Eligibility.ADOLESCENTS: t.pgettext("filter", "for adolescents"),
        Eligibility.FAMILIES: t.pgettext("filter", "for families"),
        Eligibility.LGBTQ: t.pgettext("filter", "for LGBTQ+ people"),
        Eligibility.MIGRANTS: t.pgettext("filter", "for migrants"),
    }[filters.eligibility]


def filters_summary(t: Translator, filters: SearchFilters) -> str:
    """The filters on, as the results header shows them: "🔎 Gratis · abierto ahora"."""
    text = " · ".join(filter_label(t, name, filters) for name in filters.active())
    return f"🔎 {text[:1].upper()}{text[1:]}"


def filters_prompt(t: Translator, filters: SearchFilters) -> str:
    text = t.gettext("What should the place offer? Tap to add a filter, or ✓ to remove it.")
    if filters:
        return f"{filters_summary(t, filters)}\n{text}"
    return text


def filter_buttons(t: Translator) -> dict[str, str]:
    """The filter menu, and the button under results that opens it."""
    return {
        "open": t.pgettext("button", "🔎 Filter"),
        "free": t.pgettext("button", "Free only"),
        "open_now": t.pgettext("button", "Open now"),
        "accessible": t.pgettext("button", "Wheelchair access"),
        "women": t.pgettext("button", "For women"),
        "adolescents": t.pgettext("button", "For adolescents"),
        "families": t.pgettext("button", "For families"),
        "lgbtq": t.pgettext("button", "LGBTQ+"),
        "migrants": t.pgettext("button", "For migrants"),
        # Translators: under "nothing found with these filters": one button per filter.
        "drop": t.pgettext("button", "Remove: {filter}"),
    }


def filter_outdated(t: Translator) -> str:
    # Translators: a filter button of an older message that no longer fits the search.
    return t.gettext("That button is from an earlier message. These are your filters now:")


def nothing_with_filters(t: Translator, filters: SearchFilters) -> str:
    # Translators: nothing near the member passes every filter; buttons below remove one.
    text = t.gettext(
        "I found no place near you with all of these: {filters}. Remove one to see more:"
    ).format(filters=filters_summary(t, filters).removeprefix("🔎 "))
    return with_danger_line(t, text)


_WHEELCHAIR = ("silla de ruedas", "wheelchair", "rampa", "ramp")


def result_facts(t: Translator, result: NearbyService) -> str:
    """What applies to one result, in one short line: "Gratis · Solo mujeres · Se habla
    rarámuri · Acceso para silla de ruedas · Lleva tu INE" (empty when nothing is known)."""
    _ = t.gettext
    facts: list[str] = []
    if result.free:
        facts.append(_("Free"))
    facts.extend(
        {
            Eligibility.WOMEN: _("Women only"),
            Eligibility.ADOLESCENTS: _("Adolescents only"),
            Eligibility.FAMILIES: _("For families"),
            Eligibility.LGBTQ: _("For LGBTQ+ people"),
            Eligibility.MIGRANTS: _("For migrants"),
        }[term]
        for term in result.eligibility
    )
    spoken = [language_label(t, code, name) for code, name in result.languages if code != "es"]
    if spoken:
        facts.append(_("{languages} spoken").format(languages=t.and_list(spoken)))
    if result.accessibility:
        said = " ".join(result.accessibility).casefold()
        if any(word in said for word in _WHEELCHAIR):
            facts.append(_("Wheelchair access"))
        else:
            facts.append(_("Accessible"))
    if result.documents:
        facts.append(
            _("Bring your {documents}").format(documents=t.and_list(list(result.documents)))
        )
    return " · ".join(facts)


def nothing_within(t: Translator, radius_km: float, nearest_km: float) -> str:
    return t.gettext(
        "There is nothing within {radius} km. The closest is {distance} km away:"
    ).format(radius=t.km(radius_km), distance=t.km(nearest_km))


def nothing_found(t: Translator) -> str:
    # Translators: nothing of this kind of help within 300 km of the member.
    text = t.gettext(
        "I couldn't find this kind of help near you yet. You can try another kind of help."
    )
    return with_danger_line(t, text)


def no_more_results(t: Translator) -> str:
    # Translators: after "More results", when there are none.
    return with_danger_line(t, t.gettext("There are no more results in this area."))


def _opening(t: Translator, result: NearbyService, now: datetime) -> str:
    _ = t.gettext
    if result.open_now:
        return _("Open now")
    if result.next_opening is not None:
        zone = ZoneInfo(result.timezone)
        days = (result.next_opening.astimezone(zone).date() - now.astimezone(zone).date()).days
        time = t.time(result.next_opening, result.timezone)
        if days == 0:
            return _("Opens today, {time}").format(time=time)
        if days == 1:
            return _("Opens tomorrow, {time}").format(time=time)
        weekday = t.weekday(result.next_opening, result.timezone)
        return _("Opens {weekday}, {time}").format(weekday=weekday, time=time)
    if result.has_schedule:
        return _("Closed this week")
    return _("Hours not listed")


def _capacity(t: Translator, result: NearbyService) -> str:
    """What the organisation said on Monday about room this week (nothing when unknown)."""
    if result.capacity is CapacityLevel.LIMITED:
        return " · " + t.gettext("limited places")
    if result.capacity is CapacityLevel.FULL:
        return " · " + t.gettext("full this week")
    return ""


def result_entry(t: Translator, number: int, result: NearbyService, now: datetime) -> str:
    """One result: its name, its notice first of all, then kind, distance, hours, what
    applies and where (issue 10's "cupo limitado" belongs here too)."""
    _ = t.gettext
    category = category_label(t, result.category) if result.category else ""
    lines = [
        _("{number}. {service} — {organization}").format(
            number=number, service=result.service_name, organization=result.organization_name
        ),
        _("{category} · {distance} km · {opening}").format(
            category=category, distance=t.km(result.distance_km), opening=_opening(t, result, now)
        )
        + _capacity(t, result),
    ]
    if result.alert:
        lines.insert(1, _("⚠️ Notice: {alert}").format(alert=result.alert))
    facts = result_facts(t, result)
    if facts:
        lines.append(facts)
    if result.address:
        lines.append(result.address)
    if result.phones:
        lines.append(_("Phone: {phone}").format(phone=", ".join(result.phones[:2])))
    return "\n".join(lines)


def offer_letter(index: int) -> str:
    """Confidential places are lettered (A, B, C), public results numbered by distance."""
    return "ABCDEFGHIJ"[index]


def confidential_offers(
    t: Translator, offers: Sequence[ConfidentialOffer], municipality: str
) -> str:
    """Confidential places of the municipality: by name, never with an address or a distance."""
    _ = t.gettext
    # Translators: shelters and other confidential places; their address is never shown.
    lines = [
        t.ngettext(
            "There is a confidential place in {municipality} that can help. Its address is "
            "never shown: ask them to contact you.",
            "There are {count} confidential places in {municipality} that can help. Their "
            "address is never shown: ask them to contact you.",
            len(offers),
        ).format(count=len(offers), municipality=municipality)
    ]
    for index, offer in enumerate(offers):
        kinds = ", ".join(category_label(t, c) for c in offer.categories)
        lines.append(
            _("🔒 {letter}. {organization} ({kinds})").format(
                letter=offer_letter(index), organization=offer.organization_name, kinds=kinds
            )
        )
    return "\n".join(lines)


def location_outside(t: Translator) -> str:
    # Translators: a shared location outside the Mexican municipalities the bot knows.
    text = t.gettext(
        "That location is outside the area I know (Mexico). Share your location again, or "
        "write your colonia, código postal or municipio."
    )
    return with_danger_line(t, text)


def result_buttons(t: Translator) -> dict[str, str]:
    return {
        "map": t.pgettext("button", "Map {number}"),
        "contact": t.pgettext("button", "Contact me: {letter}"),
        "more": t.pgettext("button", "More results"),
        "chcat": t.pgettext("button", "Other kind of help"),
        "age": t.pgettext("button", "Filter by age"),
        "exact": t.pgettext("button", "📍 Use my exact location"),
    }


def venue_unavailable(t: Translator) -> str:
    text = t.gettext("This place has no public address. You can ask them to contact you.")
    return with_danger_line(t, text)


def age_prompt(t: Translator) -> str:
    return t.gettext("If you want, tell me your age: it helps me show services for you.")


def age_buttons(t: Translator) -> dict[str, str]:
    return {
        "u12": t.pgettext("age", "Under 12"),
        "12_17": t.pgettext("age", "12 to 17"),
        "18_29": t.pgettext("age", "18 to 29"),
        "30p": t.pgettext("age", "30 or older"),
        # Translators: always offered: nobody has to say their age.
        "na": t.pgettext("age", "Prefer not to say"),
    }


# --- asking to be contacted -------------------------------------------------------------------


#: Under this age an organisation may be obliged to report abuse to the authorities (Ley
#: General de los Derechos de Niñas, Niños y Adolescentes, art. 12: anyone who knows of a
#: child's rights being violated must tell the competent authorities).
ADULT_AGE = 18


def consent_prompt(t: Translator, organization: str | None, age: int | None) -> str:
    """What "que me contacten" means, concretely: who writes (the organisation named), how and
    roughly when, what is shared, the limit of confidentiality for minors, how to take it back."""
    _ = t.gettext
    who = organization or _("a nearby organisation")
    shared = (
        _("the kind of help you need, your municipality, your approximate age and a code")
        if age is not None
        else _("the kind of help you need, your municipality and a code")
    )
    parts = [
        # Translators: who will write (the organisation), how (a Telegram message through the
        # bot: not a call, they never see the member's account) and roughly when.
        _(
            "If you agree, someone from {organization} will write to you here, in a message "
            "through Juntos, usually within a few days. It is not a call, and they won't see "
            "your Telegram account."
        ).format(organization=who),
        _("I only share with them {shared}; never your name or phone.").format(shared=shared),
    ]
    if age is None or age < ADULT_AGE:
        # Translators: the limit of confidentiality for minors: never promise total secrecy.
        parts.append(
            _(
                "If you are under 18 and tell them someone is hurting you, the organisation may "
                "have to tell the authorities, to protect you."
            )
        )
    parts.append(_("You can take it back at any time with /borrar. Do you agree?"))
    return "\n".join(parts)


def consent_buttons(t: Translator) -> dict[str, str]:
    return {
        "yes": t.pgettext("button", "Yes, I agree"),
        "no": t.pgettext("button", "No, thanks"),
    }


def consent_declined(t: Translator) -> str:
    return t.gettext("Okay, I didn't share anything. You can still look for places near you.")


def contact_requested(t: Translator, code: str, organization: str) -> str:
    # Translators: {code} is the request's code (CASO-0001): call it "clave", never "folio".
    return t.gettext(
        "Done, I sent your request to {organization}. Your code is {code}.\n"
        "I'll tell you here when they answer. /estado shows how it is going and /salir "
        "deletes recent messages."
    ).format(code=code, organization=organization)


def contact_unavailable(t: Translator) -> str:
    # Translators: no organisation near the member can take a request for this kind of help.
    text = t.gettext(
        "I couldn't find an organisation near you that can write to you yet. I didn't save "
        "anything. You can look at the places near you."
    )
    return with_danger_line(t, text)


def status_line(
    t: Translator, code: str, status: ReferralStatus | None, organization: str | None
) -> str:
    _ = t.gettext
    labels = {
        # Translators: where a member's request stands, after its code in /estado.
        ReferralStatus.REQUESTED: _("sent, waiting for an answer"),
        ReferralStatus.ACCEPTED: _("accepted: they will write to you here"),
        ReferralStatus.REJECTED: _("they could not take it; you can ask again"),
        ReferralStatus.IN_PROGRESS: _("in progress"),
        ReferralStatus.COMPLETED: _("completed"),
        ReferralStatus.FAILED: _("closed without contact"),
        ReferralStatus.CANCELLED: _("cancelled"),
    }
    label = labels[status] if status else _("no organisation yet")
    if organization:
        return _("{code} ({organization}): {status}").format(
            code=code, organization=organization, status=label
        )
    return _("{code}: {status}").format(code=code, status=label)


def no_requests(t: Translator) -> str:
    return t.gettext("You have no requests to be contacted.")


def requests_header(t: Translator, count: int) -> str:
    return t.ngettext("Your request:", "Your {count} requests:", count).format(count=count)


def requests_list(t: Translator, cases: Sequence[CaseStatus]) -> str:
    """The member's requests, one line each, under a header that counts them."""
    lines = [requests_header(t, len(cases))]
    lines += [status_line(t, c.code, c.status, c.organization_name) for c in cases]
    return "\n".join(lines)


# --- privacy --------------------------------------------------------------------------------


def privacy(t: Translator) -> str:
    _ = t.gettext
    return (
        # Translators: no office words ("cifrado", "folio", "caso"): "protegido", "clave".
        _(
            "I don't keep what you write. I keep your language, the step we are on and, while you "
            "search, the approximate area. Only if you ask to be contacted do I keep, protected, "
            "what I need to write to you on Telegram (not your name or phone), and your request "
            "with a code.\n"
            "/mis_datos shows it, /borrar deletes it and /salir deletes recent messages."
        )
        + "\n"
        + _(
            "Each search is only counted, with no name, chat or exact place: how many per week and "
            "area, so coordinators see where help is missing."
        )
    )


def my_data(t: Translator, language: str, has_area: bool, contact_consent: str | None) -> str:
    _ = t.gettext
    lines = [_("What I keep about you:"), _("Language: {language}").format(language=language)]
    lines.append(_("Search area: saved") if has_area else _("Search area: none"))
    if contact_consent:
        lines.append(_("Consent to be contacted: given on {date}").format(date=contact_consent))
    else:
        lines.append(_("Consent to be contacted: not given"))
    return "\n".join(lines)


def language_name(t: Translator, locale: str) -> str:
    return t.gettext("English") if locale == "en" else t.gettext("Spanish")


def delete_prompt(t: Translator) -> str:
    _ = t.gettext
    return _(
        "Do you want me to delete your data? I'll forget your language, your search and how to "
        "write to you: no organisation will be able to write to you, and your open requests "
        "are cancelled. Requests already sent keep only their code, with nothing that "
        "identifies you."
    )


def delete_buttons(t: Translator) -> dict[str, str]:
    return {
        "yes": t.pgettext("button", "Yes, delete"),
        "no": t.pgettext("button", "No, keep it"),
    }


def deleted(t: Translator) -> str:
    return t.gettext(
        "Done, I deleted your data. No organisation can write to you any more. If you need "
        "something, write /start."
    )


def delete_kept(t: Translator) -> str:
    return t.gettext("Okay, I didn't delete anything.")


def quick_exit_line(t: Translator) -> str:
    # Translators: all that is left in the chat after /salir: neutral on purpose.
    return t.gettext("See you soon.")


# --- staff notices ----------------------------------------------------------------------------


def staff_reminder(t: Translator, code: str, category: str, since: str) -> str:
    _ = t.gettext
    return _(
        "Reminder: request {code} ({category}) has been waiting for an answer since {since}."
    ).format(code=code, category=category, since=since)


# --- commands (setMyCommands) -----------------------------------------------------------------


def command_descriptions(t: Translator) -> list[tuple[str, str]]:
    """The command menu Telegram shows next to the text box (setMyCommands)."""
    _ = t.gettext
    return [
        ("start", _("Main menu")),
        ("ayuda", _("What I can do")),
        ("idioma", _("Change language")),
        ("privacidad", _("What I keep and who sees it")),
        ("mis_datos", _("See what is saved about you")),
        ("estado", _("See your requests")),
        ("borrar", _("Delete your data")),
        ("salir", _("Quick exit: delete recent messages")),
        ("cancelar", _("Stop what we were doing")),
    ]
