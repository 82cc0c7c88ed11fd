"""Everything the bot says, as whole translatable sentences with named placeholders.

Message ids are English; the Spanish (es_MX) catalog is the one most people read. Keep each
message short (≤ 3 short lines before the buttons), warm, with tú for members. Never echo back
what a person disclosed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.i18n import Translator
from domain.cases import ReferralStatus
from domain.emergency import LINE_911, LINE_LIFE, EmergencyLine
from domain.nearby import ConfidentialOffer, NearbyService
from domain.services.members import CaseStatus
from domain.taxonomy import Category


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
        Category.CHILD_PROTECTION: t.pgettext("category", "Child protection"),
    }
    return labels[category]


# --- start, menu, help ------------------------------------------------------------------------


def welcome(t: Translator) -> str:
    _ = t.gettext
    return _(
        "Hi, I'm Juntos. I help you find free support near you: someone to talk to, legal aid, "
        "youth programs and more.\n"
        "I don't keep what you write. Type /salir at any time to erase this chat.\n"
        "Juntos is not an emergency line: if you are in danger, call 911."
    )


def menu_prompt(t: Translator) -> str:
    return t.gettext("What would you like to do?")


def menu_buttons(t: Translator) -> dict[str, str]:
    return {
        "search": t.pgettext("button", "Find help near me"),
        "danger": t.pgettext("button", "I'm in danger"),
        "about": t.pgettext("button", "What is Juntos?"),
        "lang": t.pgettext("button", "Idioma / Language"),
    }


def about(t: Translator) -> str:
    _ = t.gettext
    return _(
        "Juntos brings together community organisations, your municipality and partners "
        "working to prevent violence. I show you their free services near you and, if you "
        "want, ask one of them to contact you.\n"
        "It does not replace emergency services: if you are in danger, call 911."
    )


def help_text(t: Translator) -> str:
    _ = t.gettext
    return _(
        "This is what I can do:\n"
        "/start – main menu\n"
        "/idioma – change language\n"
        "/privacidad – what I keep and who sees it\n"
        "/mis_datos – see what is saved about you\n"
        "/borrar – delete your data\n"
        "/estado – see your requests\n"
        "/salir – quick exit: erase this chat\n"
        "/cancelar – stop what we were doing\n"
        "You can also just write what you need, for example “I need a psychologist in Juárez”."
    )


def cancelled(t: Translator) -> str:
    return t.gettext("Okay, I stopped. Nothing was lost.")


def not_understood(t: Translator) -> str:
    return t.gettext("I didn't quite understand. You can choose an option:")


def stale_button(t: Translator) -> str:
    return t.gettext("That button is no longer active. Here is the menu:")


def unsupported_message(t: Translator) -> str:
    """Voice notes, stickers, photos without text: what works, and the lines in one line."""
    _ = t.gettext
    return _(
        "I can only read text and locations, not voice notes, stickers or photos without "
        "text.\n"
        "If you are in danger: {emergency} (emergencies) or Línea de la Vida {life_line} "
        "(free, 24 h).\n"
        "You can choose an option:"
    ).format(emergency=LINE_911.number, life_line=LINE_LIFE.number)


def greeting(t: Translator) -> str:
    return t.gettext("Hi! I'm here to help you find support near you.")


def thanks_reply(t: Translator) -> str:
    return t.gettext("You're welcome. I'm here whenever you need me.")


def goodbye(t: Translator) -> str:
    return t.gettext("Take care. Remember: /salir erases this chat.")


def out_of_scope(t: Translator) -> str:
    _ = t.gettext
    return _(
        "I can't help with that, sorry. I can find free support near you (someone to talk to, "
        "legal aid, youth programs, health...) and ask an organisation to contact you."
    )


def error_apology(t: Translator) -> str:
    _ = t.gettext
    return _(
        "Sorry, something went wrong on my side. Please try again in a moment.\n"
        "If you are in danger, call 911."
    )


# --- language -----------------------------------------------------------------------------------


def language_prompt(t: Translator) -> str:
    return t.gettext("Choose your language:")


def language_set(t: Translator) -> str:
    return t.gettext("Done, I'll write to you in English.")


# --- crisis -------------------------------------------------------------------------------------


def _line_description(t: Translator, line: EmergencyLine) -> str:
    _ = t.gettext
    descriptions = {
        "emergency_911": _("Emergencies: police, ambulance, fire. Free, 24 h."),
        "linea_de_la_vida": _(
            "Línea de la Vida: emotional crisis, suicidal thoughts, addictions, violence. "
            "Free, 24 h."
        ),
        "denuncia_anonima_089": _("Anonymous report: they don't ask your name."),
    }
    return descriptions.get(line.key, "")


def crisis(t: Translator, lines: tuple[EmergencyLine, ...], uncertain: bool) -> str:
    """The emergency reply: built only from constants and the loaded catalogs."""
    _ = t.gettext
    head = (
        _("If you are in danger or thinking of hurting yourself, you can call now:")
        if uncertain
        else _("You are not alone. Please call now:")
    )
    body = "\n".join(f"{line.number} — {_line_description(t, line)}" for line in lines)
    tail = _("Juntos is not an emergency line, but I can help you find support.")
    return f"☎️ {head}\n{body}\n{tail}"


def crisis_buttons(t: Translator) -> dict[str, str]:
    return {
        "contact": t.pgettext("button", "I want someone to contact me"),
        "search": t.pgettext("button", "Find help near me"),
    }


def situation_reply(t: Translator) -> str:
    _ = t.gettext
    return _(
        "Thank you for telling me. What you are going through is not your fault.\n"
        "If you want, I can look for people near you who can support you.\n"
        "Remember: /salir erases this chat."
    )


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
    _ = t.gettext
    return _(
        "I couldn't find that place. Try writing it another way (colonia and city, or your "
        "código postal), or share your location."
    )


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


def results_header(t: Translator, count: int, category: Category | None) -> str:
    if category is None:
        return t.ngettext(
            "The closest place that can help:",
            "The {count} closest places that can help:",
            count,
        ).format(count=count)
    return t.ngettext(
        "The closest place for {category}:",
        "The {count} closest places for {category}:",
        count,
    ).format(count=count, category=category_label(t, category))


def nothing_within(t: Translator, radius_km: float, nearest_km: float) -> str:
    return t.gettext(
        "There is nothing within {radius} km. The closest is {distance} km away:"
    ).format(radius=t.km(radius_km), distance=t.km(nearest_km))


def nothing_found(t: Translator) -> str:
    _ = t.gettext
    return _(
        "I couldn't find services of this kind in the directory yet. Try another kind of help, "
        "or call Línea de la Vida 800 911 2000 (free, 24 h)."
    )


def no_more_results(t: Translator) -> str:
    return t.gettext("There are no more results in this area.")


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


def result_entry(t: Translator, number: int, result: NearbyService, now: datetime) -> str:
    _ = t.gettext
    category = category_label(t, result.category) if result.category else ""
    lines = [
        _("{number}. {service} — {organization}").format(
            number=number, service=result.service_name, organization=result.organization_name
        ),
        _("{category} · {distance} km · {opening}").format(
            category=category, distance=t.km(result.distance_km), opening=_opening(t, result, now)
        ),
    ]
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
    _ = t.gettext
    return _(
        "That location is outside the area I know (Mexico). Share your location again, or "
        "write your colonia, código postal or municipio.\n"
        "If you are in danger, call 911."
    )


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
    return t.gettext("This place has no public address. You can ask them to contact you.")


def age_prompt(t: Translator) -> str:
    return t.gettext("How old are you? It helps me show services for your age.")


def age_buttons(t: Translator) -> dict[str, str]:
    return {
        "u12": t.pgettext("age", "Under 12"),
        "12_17": t.pgettext("age", "12 to 17"),
        "18_29": t.pgettext("age", "18 to 29"),
        "30p": t.pgettext("age", "30 or older"),
        "na": t.pgettext("age", "Prefer not to say"),
    }


# --- asking to be contacted -------------------------------------------------------------------


def consent_prompt(t: Translator, organization: str | None, has_age: bool) -> str:
    _ = t.gettext
    shared = (
        _("the kind of help you need, your municipality, your age range and a case code")
        if has_age
        else _("the kind of help you need, your municipality and a case code")
    )
    who = organization or _("a nearby organisation")
    return _(
        "To be contacted, I will share with {organization}: {shared}. Not your name or phone "
        "number. They will write to you here, on Telegram.\n"
        "You can withdraw it at any time with /borrar. Do you agree?"
    ).format(organization=who, shared=shared)


def consent_buttons(t: Translator) -> dict[str, str]:
    return {
        "yes": t.pgettext("button", "Yes, I agree"),
        "no": t.pgettext("button", "No, thanks"),
    }


def consent_declined(t: Translator) -> str:
    return t.gettext("Okay, I didn't share anything. You can still look for places near you.")


def contact_requested(t: Translator, code: str, organization: str) -> str:
    _ = t.gettext
    return _(
        "Done. Your case code is {code}. {organization} will write to you here.\n"
        "Use /estado to see how it is going, and /salir to erase this chat."
    ).format(code=code, organization=organization)


def contact_unavailable(t: Translator) -> str:
    _ = t.gettext
    return _(
        "I couldn't find an organisation that can contact you in your area yet. I didn't save "
        "anything. You can look at the places near you or call Línea de la Vida 800 911 2000."
    )


def status_line(
    t: Translator, code: str, status: ReferralStatus | None, organization: str | None
) -> str:
    _ = t.gettext
    labels = {
        ReferralStatus.REQUESTED: _("sent, waiting for an answer"),
        ReferralStatus.ACCEPTED: _("accepted: they will contact you"),
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
    return _(
        "I don't keep what you write. I keep your language, the step we are on and, while you "
        "search, the approximate area. Only if you ask to be contacted do I keep your Telegram "
        "chat number, encrypted, so the organisation can answer you, and a case with a code "
        "(not your name).\n"
        "/mis_datos shows it, /borrar deletes it and /salir erases this chat."
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
        "Do you want me to delete your data? I'll forget your language, your search and your "
        "chat number. Requests already sent keep only their code, with nothing that identifies "
        "you."
    )


def delete_buttons(t: Translator) -> dict[str, str]:
    return {
        "yes": t.pgettext("button", "Yes, delete"),
        "no": t.pgettext("button", "No, keep it"),
    }


def deleted(t: Translator) -> str:
    return t.gettext("Done, I deleted your data.")


def delete_kept(t: Translator) -> str:
    return t.gettext("Okay, I didn't delete anything.")


def quick_exit_line(t: Translator) -> str:
    return t.gettext("See you soon.")


# --- staff notices ----------------------------------------------------------------------------


def staff_reminder(t: Translator, code: str, category: str, since: str) -> str:
    _ = t.gettext
    return _(
        "Reminder: request {code} ({category}) has been waiting for an answer since {since}."
    ).format(code=code, category=category, since=since)


# --- commands (setMyCommands) -----------------------------------------------------------------


def command_descriptions(t: Translator) -> list[tuple[str, str]]:
    _ = t.gettext
    return [
        ("start", _("Main menu")),
        ("ayuda", _("What I can do")),
        ("idioma", _("Change language")),
        ("privacidad", _("What I keep and who sees it")),
        ("mis_datos", _("See what is saved about you")),
        ("estado", _("See your requests")),
        ("borrar", _("Delete your data")),
        ("salir", _("Quick exit: erase this chat")),
        ("cancelar", _("Stop what we were doing")),
    ]
