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
from domain.taxonomy import Category


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
    last = [_button(labels["age"], cb.ResultsAction(cb.ResultAction.AGE))]
    if approximate:
        last.append(_button(labels["exact"], cb.ResultsAction(cb.ResultAction.EXACT)))
    rows.append(last)
    return InlineKeyboardMarkup(rows)


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
