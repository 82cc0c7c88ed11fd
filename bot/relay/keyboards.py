"""Keyboards of the relay and of a member's news (labels from bot/relay/texts.py)."""

from __future__ import annotations

from telegram import ForceReply, InlineKeyboardButton, InlineKeyboardMarkup

from bot import callbacks as member_cb
from bot.i18n import Translator
from bot.relay import callbacks as rcb
from bot.relay import texts as rtexts
from domain.cases import MemberOutcome


def _b(label: str, action: rcb.Action) -> InlineKeyboardButton:
    return InlineKeyboardButton(label[:64], callback_data=rcb.encode(action))


def to_member(t: Translator, thread_id: int, organization: str) -> InlineKeyboardMarkup:
    labels = rtexts.member_buttons(t, organization)
    return InlineKeyboardMarkup(
        [
            [_b(labels["reply"], rcb.Reply(thread_id))],
            [
                _b(labels["close"], rcb.Close(thread_id)),
                _b(labels["block"], rcb.Block(thread_id, False)),
            ],
        ]
    )


def reply_again(t: Translator, thread_id: int, organization: str) -> InlineKeyboardMarkup:
    labels = rtexts.member_buttons(t, organization)
    return InlineKeyboardMarkup([[_b(labels["reply"], rcb.Reply(thread_id))]])


def confirm_block(t: Translator, thread_id: int) -> InlineKeyboardMarkup:
    labels = rtexts.member_block_buttons(t)
    return InlineKeyboardMarkup(
        [[_b(labels["yes"], rcb.Block(thread_id, True)), _b(labels["no"], rcb.Reply(thread_id))]]
    )


def to_staff(t: Translator, thread_id: int) -> InlineKeyboardMarkup:
    labels = rtexts.staff_buttons(t)
    return InlineKeyboardMarkup(
        [[_b(labels["reply"], rcb.Reply(thread_id)), _b(labels["close"], rcb.Close(thread_id))]]
    )


def send_anyway(t: Translator, thread_id: int) -> InlineKeyboardMarkup:
    labels = rtexts.staff_buttons(t)
    return InlineKeyboardMarkup(
        [
            [
                _b(labels["send"], rcb.SendAnyway(thread_id, True)),
                _b(labels["drop"], rcb.SendAnyway(thread_id, False)),
            ]
        ]
    )


def write(t: Translator, case_id: int) -> InlineKeyboardButton:
    return _b(rtexts.write_button(t), rcb.Write(case_id))


def outcome(t: Translator, referral_id: int) -> InlineKeyboardMarkup:
    labels = rtexts.outcome_buttons(t)
    answers = {
        "u": MemberOutcome.USEFUL,
        "p": MemberOutcome.PARTLY,
        "n": MemberOutcome.NOT_USEFUL,
    }
    return InlineKeyboardMarkup(
        [[_b(labels[k], rcb.Outcome(referral_id, answer)) for k, answer in answers.items()]]
    )


def next_option(t: Translator, case_id: int, service_id: str) -> InlineKeyboardMarkup:
    labels = rtexts.next_option_buttons(t)
    no = InlineKeyboardButton(
        labels["no"], callback_data=member_cb.encode(member_cb.MenuChoice(member_cb.Menu.HOME))
    )
    return InlineKeyboardMarkup([[_b(labels["yes"], rcb.NextOption(case_id, service_id)), no]])


def prompt(placeholder: str) -> ForceReply:
    """Makes the member's (or staff member's) app open a reply to this prompt."""
    return ForceReply(selective=True, input_field_placeholder=placeholder[:64])
