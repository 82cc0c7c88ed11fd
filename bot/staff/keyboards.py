"""Keyboards of the staff side. Labels from bot/staff/texts.py, data from bot/staff/callbacks.py."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import texts
from bot.i18n import Translator
from bot.relay import keyboards as relay_keyboards
from bot.staff import callbacks as scb
from bot.staff import texts as stexts
from domain.capacity import CapacityLevel
from domain.cases import Gender, ReferralStatus, RejectionReason
from domain.taxonomy import Category


def _b(label: str, action: scb.Action) -> InlineKeyboardButton:
    return InlineKeyboardButton(label[:64], callback_data=scb.encode(action))


def _rows(buttons: Sequence[InlineKeyboardButton], width: int) -> list[list[InlineKeyboardButton]]:
    return [list(buttons[i : i + width]) for i in range(0, len(buttons), width)]


def _r(field: str, value: str) -> scb.ReferralInput:
    return scb.ReferralInput(field, value)


def cancel_only(t: Translator) -> InlineKeyboardMarkup:
    labels = stexts.button_labels(t)
    return InlineKeyboardMarkup([[_b(labels["cancel"], _r("do", "cancel"))]])


def unknown_age(t: Translator) -> InlineKeyboardMarkup:
    labels = stexts.button_labels(t)
    return InlineKeyboardMarkup(
        [[_b(labels["unknown_age"], _r("age", "na")), _b(labels["cancel"], _r("do", "cancel"))]]
    )


def genders(t: Translator) -> InlineKeyboardMarkup:
    buttons = [_b(stexts.gender_name(t, g), _r("gender", g.value)) for g in Gender]
    return InlineKeyboardMarkup(_rows(buttons, 2))


def options(
    t: Translator, field: str, labels: Sequence[str], extra: InlineKeyboardButton | None = None
) -> InlineKeyboardMarkup:
    rows = [[_b(label, _r(field, str(i)))] for i, label in enumerate(labels[:9])]
    if extra is not None:
        rows.append([extra])
    rows.append([_b(stexts.button_labels(t)["cancel"], _r("do", "cancel"))])
    return InlineKeyboardMarkup(rows)


def destinations(t: Translator, labels: Sequence[str]) -> InlineKeyboardMarkup:
    search = _b(stexts.button_labels(t)["by_name"], _r("dest", "name"))
    return options(t, "dest", labels, search)


def needs(t: Translator) -> InlineKeyboardMarkup:
    buttons = [_b(texts.category_label(t, c), _r("need", c.value)) for c in Category]
    return InlineKeyboardMarkup(_rows(buttons, 2))


def urgency(t: Translator) -> InlineKeyboardMarkup:
    labels = stexts.button_labels(t)
    return InlineKeyboardMarkup(
        [[_b(labels["not_urgent"], _r("urgent", "0")), _b(labels["urgent"], _r("urgent", "1"))]]
    )


def consent(t: Translator) -> InlineKeyboardMarkup:
    labels = stexts.button_labels(t)
    return InlineKeyboardMarkup(
        [
            [
                _b(labels["consent_yes"], _r("consent", "1")),
                _b(labels["consent_no"], _r("consent", "0")),
            ]
        ]
    )


def no_note(t: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[_b(stexts.button_labels(t)["no_note"], _r("note", "none"))]])


def confirm(t: Translator) -> InlineKeyboardMarkup:
    labels = stexts.button_labels(t)
    return InlineKeyboardMarkup(
        [
            [_b(labels["confirm"], _r("do", "confirm"))],
            [_b(labels["edit"], _r("do", "edit")), _b(labels["cancel"], _r("do", "cancel"))],
        ]
    )


def edit_fields(t: Translator) -> InlineKeyboardMarkup:
    labels = stexts.button_labels(t)
    names = {
        "alias": labels["alias"],
        "age": labels["age"],
        "gender": labels["gender"],
        "muni": labels["muni"],
        "need": labels["need"],
        "dest": labels["dest"],
        "urgent": labels["urgent_field"],
        "note": labels["note"],
    }
    buttons = [_b(label, _r("edit", field)) for field, label in names.items()]
    return InlineKeyboardMarkup(_rows(buttons, 2))


# --- receiving -----------------------------------------------------------------------------------


def answer(t: Translator, referral_id: int, case_id: int) -> InlineKeyboardMarkup:
    labels = stexts.button_labels(t)
    return InlineKeyboardMarkup(
        [
            [
                _b(labels["accept"], scb.Answer(referral_id, accept=True)),
                _b(labels["reject"], scb.Answer(referral_id, accept=False)),
            ],
            [_b(labels["open"], scb.OpenCase(case_id))],
        ]
    )


def reasons(t: Translator, referral_id: int) -> InlineKeyboardMarkup:
    buttons = [
        _b(stexts.reason_name(t, r).capitalize(), scb.RejectWith(referral_id, r))
        for r in RejectionReason
    ]
    return InlineKeyboardMarkup(_rows(buttons, 2))


def open_case(t: Translator, case_id: int) -> InlineKeyboardMarkup:
    labels = stexts.button_labels(t)
    return InlineKeyboardMarkup(
        [[_b(labels["open"], scb.OpenCase(case_id)), _b(labels["follow"], scb.FollowCase(case_id))]]
    )


def capacity(t: Translator, service_id: str) -> InlineKeyboardMarkup:
    buttons = [
        _b(stexts.capacity_button(t, CapacityLevel(level)), scb.CapacityInput(service_id, code))
        for code, level in scb.CAPACITY_CODES.items()
    ]
    return InlineKeyboardMarkup([buttons])


def case_actions(
    t: Translator, case_id: int, answerable: int | None, can_follow: bool, can_write: bool = False
) -> InlineKeyboardMarkup | None:
    labels = stexts.button_labels(t)
    rows = []
    if can_write:
        rows.append([relay_keyboards.write(t, case_id)])
    if answerable is not None:
        rows.append(
            [
                _b(labels["accept"], scb.Answer(answerable, accept=True)),
                _b(labels["reject"], scb.Answer(answerable, accept=False)),
            ]
        )
    if can_follow:
        rows.append([_b(labels["follow"], scb.FollowCase(case_id))])
    return InlineKeyboardMarkup(rows) if rows else None


def case_list(
    t: Translator, codes: Sequence[tuple[int, str]], page: int, pages: int
) -> InlineKeyboardMarkup:
    labels = stexts.button_labels(t)
    rows = _rows([_b(code, scb.OpenCase(case_id)) for case_id, code in codes], 3)
    paging = []
    if page > 0:
        paging.append(_b(labels["previous"], scb.CasesPage(page - 1)))
    if page + 1 < pages:
        paging.append(_b(labels["next"], scb.CasesPage(page + 1)))
    if paging:
        rows.append(paging)
    return InlineKeyboardMarkup(rows)


# --- follow-up card ------------------------------------------------------------------------------


def _f(field: str, value: str) -> scb.FollowUpInput:
    return scb.FollowUpInput(field, value)


def follow_up(t: Translator, moves: Sequence[ReferralStatus]) -> InlineKeyboardMarkup:
    labels = stexts.button_labels(t)
    rows = _rows([_b(stexts.status_button(t, s), _f("status", s.value)) for s in moves], 2)
    rows.append(
        [_b(labels["in_days"].format(days=d), _f("due", str(d))) for d in (3, 7, 14)]
        + [_b(labels["typed_date"], _f("due", "typed"))]
    )
    rows.append([_b(labels["add_note"], _f("note", "add"))])
    rows.append([_b(labels["save"], _f("do", "save")), _b(labels["cancel"], _f("do", "cancel"))])
    return InlineKeyboardMarkup(rows)


def follow_up_reasons(t: Translator) -> InlineKeyboardMarkup:
    buttons = [
        _b(stexts.reason_name(t, r).capitalize(), _f("reason", r.value)) for r in RejectionReason
    ]
    return InlineKeyboardMarkup(_rows(buttons, 2))
