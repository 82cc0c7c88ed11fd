"""Keyboards. Labels come from `texts` (translated); callback data from `callbacks` (typed)."""

from __future__ import annotations

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from bot import callbacks as cb
from bot import texts
from bot.i18n import Translator
from bot.state import Candidate, Offer, Venue
from domain.languages import FILTER_LANGUAGES
from domain.nearby import SearchFilters
from domain.taxonomy import Category, Eligibility


def _button(label: str, action: cb.Action) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=cb.encode(action))


def main_menu(t: Translator) -> InlineKeyboardMarkup:
    labels = texts.menu_buttons(t)
    return InlineKeyboardMarkup(
        [
            [_button(labels["search"], cb.MenuChoice(cb.Menu.SEARCH))],
            [_button(labels["danger"], cb.MenuChoice(cb.Menu.DANGER))],
            [
                _button(labels["about"], cb.MenuChoice(cb.Menu.ABOUT)),
                _button(labels["lang"], cb.MenuChoice(cb.Menu.LANGUAGE)),
            ],
        ]
    )


def categories(t: Translator, for_contact: bool = False) -> InlineKeyboardMarkup:
    buttons = [
        _button(texts.category_label(t, c), cb.PickCategory(c, for_contact)) for c in Category
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    if not for_contact:
        rows.append([_button(texts.any_category(t), cb.PickCategory(None))])
    return InlineKeyboardMarkup(rows)


def share_location(t: Translator) -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        [[KeyboardButton(texts.share_location_button(t), request_location=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


def place_candidates(candidates: list[Candidate]) -> InlineKeyboardMarkup:
    rows = []
    for index, candidate in enumerate(candidates):
        label = candidate.name
        if candidate.municipality and candidate.municipality != candidate.name:
            label = f"{candidate.name}, {candidate.municipality}"
        rows.append([_button(label[:60], cb.PickPlace(index))])
    return InlineKeyboardMarkup(rows)


def results(
    t: Translator, venues: list[Venue], offers: list[Offer], approximate: bool, more: bool
) -> InlineKeyboardMarkup:
    labels = texts.result_buttons(t)
    per_result = [
        _button(labels["map"].format(number=index + 1), cb.ShowMap(index))
        for index, venue in enumerate(venues)
        if venue.latitude is not None
    ]
    rows = [per_result[i : i + 3] for i in range(0, len(per_result), 3)]
    rows.extend(
        [_button(labels["contact"].format(letter=texts.offer_letter(index)), cb.AskContact(index))]
        for index in range(len(offers))
    )
    actions = []
    if more:
        actions.append(_button(labels["more"], cb.ResultsAction(cb.ResultAction.MORE)))
    actions.append(_button(labels["chcat"], cb.ResultsAction(cb.ResultAction.CHANGE_CATEGORY)))
    rows.append(actions)
    last = [
        _button(texts.filter_buttons(t)["open"], cb.ResultsAction(cb.ResultAction.FILTERS)),
        _button(labels["age"], cb.ResultsAction(cb.ResultAction.AGE)),
    ]
    if approximate:
        last.append(_button(labels["exact"], cb.ResultsAction(cb.ResultAction.EXACT)))
    rows.append(last)
    return InlineKeyboardMarkup(rows)


_TERM_KEYS = {
    Eligibility.WOMEN: "women",
    Eligibility.ADOLESCENTS: "adolescents",
    Eligibility.FAMILIES: "families",
    Eligibility.LGBTQ: "lgbtq",
    Eligibility.MIGRANTS: "migrants",
}


def _toggle(
    label: str, on: bool, name: cb.FilterName, value: str | None = None
) -> InlineKeyboardButton:
    """A filter that is on shows ✓ and turns off; one that is off turns on."""
    return _button(f"✓ {label}" if on else label, cb.SetFilter(name, not on, value))


def filters(t: Translator, current: SearchFilters) -> InlineKeyboardMarkup:
    """Every filter, those on with ✓ (tapping one shows the results again at once)."""
    labels = texts.filter_buttons(t)
    flags = [
        _toggle(labels["free"], current.free, cb.FilterName.FREE),
        _toggle(labels["open_now"], current.open_now, cb.FilterName.OPEN_NOW),
        _toggle(labels["accessible"], current.accessible, cb.FilterName.ACCESSIBLE),
    ]
    terms = [
        _toggle(labels[key], current.eligibility is term, cb.FilterName.FOR, term.value)
        for term, key in _TERM_KEYS.items()
    ]
    languages = [
        _toggle(
            f"🗣 {texts.language_label(t, code)}",
            current.language == code,
            cb.FilterName.LANGUAGE,
            code,
        )
        for code in FILTER_LANGUAGES
    ]
    rows = [flags[:2], flags[2:] + terms[:1], terms[1:3], terms[3:]]
    rows.extend(languages[i : i + 3] for i in range(0, len(languages), 3))
    return InlineKeyboardMarkup(rows)


def drop_filters(
    t: Translator, current: SearchFilters, offers: list[Offer]
) -> InlineKeyboardMarkup:
    """After "nothing with all these filters": one tap removes one (and the confidential
    places of the municipality can still be asked to make contact)."""
    label = texts.filter_buttons(t)["drop"]
    contact = texts.result_buttons(t)["contact"]
    rows = [
        [_button(contact.format(letter=texts.offer_letter(index)), cb.AskContact(index))]
        for index in range(len(offers))
    ]
    for name in current.active():
        action = cb.SetFilter(
            _FILTER_NAMES[name],
            False,
            current.eligibility.value
            if name == "eligibility" and current.eligibility
            else (current.language if name == "language" else None),
        )
        rows.append([_button(label.format(filter=texts.filter_label(t, name, current)), action)])
    rows.append(
        [
            _button(
                texts.result_buttons(t)["chcat"], cb.ResultsAction(cb.ResultAction.CHANGE_CATEGORY)
            )
        ]
    )
    return InlineKeyboardMarkup(rows)


#: SearchFilters field -> the button's filter name.
_FILTER_NAMES = {
    "free": cb.FilterName.FREE,
    "open_now": cb.FilterName.OPEN_NOW,
    "accessible": cb.FilterName.ACCESSIBLE,
    "eligibility": cb.FilterName.FOR,
    "language": cb.FilterName.LANGUAGE,
}


def ages(t: Translator) -> InlineKeyboardMarkup:
    labels = texts.age_buttons(t)
    buttons = [_button(labels[b.value], cb.PickAge(b)) for b in cb.AgeBracket]
    return InlineKeyboardMarkup([buttons[:2], buttons[2:4], buttons[4:]])


def crisis(t: Translator) -> InlineKeyboardMarkup:
    labels = texts.crisis_buttons(t)
    return InlineKeyboardMarkup(
        [
            [_button(labels["contact"], cb.AskContact(None))],
            [_button(labels["search"], cb.MenuChoice(cb.Menu.SEARCH))],
        ]
    )


def situation(t: Translator) -> InlineKeyboardMarkup:
    """After a disclosure: the kinds of help that usually fit, and the menu."""
    suggested = (
        Category.PSYCHOLOGICAL_SUPPORT,
        Category.GENDER_VIOLENCE,
        Category.LEGAL_AID,
        Category.CHILD_PROTECTION,
    )
    buttons = [_button(texts.category_label(t, c), cb.PickCategory(c)) for c in suggested]
    rows = [buttons[:2], buttons[2:]]
    rows.append([_button(texts.crisis_buttons(t)["contact"], cb.AskContact(None))])
    return InlineKeyboardMarkup(rows)


def languages() -> InlineKeyboardMarkup:
    # Each language is named in itself, so no translation applies.
    return InlineKeyboardMarkup(
        [[_button("Español", cb.PickLanguage("es_MX")), _button("English", cb.PickLanguage("en"))]]
    )


def confirm(t: Translator, topic: str) -> InlineKeyboardMarkup:
    labels = texts.consent_buttons(t) if topic == "consent" else texts.delete_buttons(t)
    return InlineKeyboardMarkup(
        [
            [
                _button(labels["yes"], cb.Confirm(topic, True)),
                _button(labels["no"], cb.Confirm(topic, False)),
            ]
        ]
    )
