"""Telegram side of the relay and of a member's news: thin handlers over domain/services/relay.py
and domain/services/members.py.

A relay thread is answered by replying to one of its messages (the "Responder" buttons send a
prompt that makes the app open such a reply), so neither side needs a conversation state: the
domain knows which message in whose chat belongs to which thread. Staff text that carries a
phone number or a confidential place's address waits, encrypted in the staff member's state,
on a warning card until they confirm or drop it.
"""

from __future__ import annotations

import contextlib
import logging

from telegram import Update
from telegram.error import BadRequest

from bot import texts
from bot.context import JuntosContext, services_of
from bot.handlers.common import say, show_menu, translator, user_data
from bot.i18n import Translator
from bot.relay import callbacks as rcb
from bot.relay import keyboards as rkb
from bot.relay import texts as rtexts
from bot.staff import texts as stexts
from bot.staff.identity import current_staff
from domain.cases import format_case_code
from domain.errors import AccessDenied, DomainError, NotFound
from domain.people import StaffMember
from domain.ports import RelayMessenger, Unreachable
from domain.relay import RelayRateLimited, RelayTooLong, ThreadClosed, ThreadStatus
from domain.services.members import ask_next_option, record_outcome
from domain.services.relay import (
    NeedsConfirmation,
    NoMemberToWrite,
    close_by_member,
    close_by_staff,
    member_thread,
    note_prompt,
    open_conversation,
    reply_target,
    staff_thread,
    write_to_member,
    write_to_staff,
)

log = logging.getLogger(__name__)

#: Staff text waiting on the warning card, by thread (in the persisted, encrypted state).
PENDING_KEY = "relay_pending"
#: The update a crisis reply already relayed (the text handler must not relay it twice).
RELAYED_KEY = "relay_done"


def _messenger(context: JuntosContext) -> RelayMessenger:
    return services_of(context).relay


# --- prompts -----------------------------------------------------------------------------------


async def _prompt(
    update: Update, context: JuntosContext, thread_id: int, actor: str, text: str
) -> None:
    message = await say(update, text, rkb.prompt(text))
    if message is not None:
        await note_prompt(thread_id, actor, message.message_id, services_of(context).uow())


async def start_writing(
    update: Update, context: JuntosContext, staff: StaffMember, case_id: int
) -> None:
    """ "Escribir a la persona" on a case card."""
    t = translator(update, context)
    services = services_of(context)
    code = format_case_code(case_id)
    try:
        conversation = await open_conversation(code, staff, services.uow(), services.clock)
    except NotFound:
        await say(update, stexts.case_not_found(t, code))
        return
    except AccessDenied:
        await say(update, rtexts.not_writable(t))
        return
    except NoMemberToWrite:
        await say(update, rtexts.no_member(t, code))
        return
    except ThreadClosed as exc:
        reason = "blocked" if exc.status is ThreadStatus.BLOCKED else "closed"
        await say(update, rtexts.thread_ended(t, code, reason))
        return
    assert conversation.thread.id is not None
    text = rtexts.staff_prompt(t, code, conversation.organization_name)
    await _prompt(update, context, conversation.thread.id, staff.actor, text)


# --- replies (text) ---------------------------------------------------------------------------


async def relay_reply(update: Update, context: JuntosContext, *, crisis: bool = False) -> bool:
    """A reply to a relay message goes to the other side. True when it was one (handled)."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None or message.reply_to_message is None:
        return False
    data = user_data(context)
    if data.get(RELAYED_KEY) == update.update_id:
        return True
    services = services_of(context)
    target = await reply_target(chat.id, message.reply_to_message.message_id, services.uow())
    if target is None:
        return False
    data[RELAYED_KEY] = update.update_id
    t = translator(update, context)
    text = message.text or message.caption
    if not text:
        await say(update, rtexts.only_text(t))
        return True
    assert target.thread.id is not None
    if target.staff is not None:
        await _staff_writes(update, context, target.staff, target.thread.id, text)
    else:
        await _member_writes(update, context, target.thread.id, text, crisis)
    return True


async def _member_writes(
    update: Update, context: JuntosContext, thread_id: int, text: str, crisis: bool
) -> None:
    chat = update.effective_chat
    assert chat is not None
    t = translator(update, context)
    services = services_of(context)
    try:
        relayed = await write_to_staff(
            thread_id,
            chat.id,
            text,
            services.uow(),
            services.clock,
            _messenger(context),
            crisis=crisis,
        )
    except RelayTooLong as exc:
        await say(update, rtexts.too_long(t, exc.length))
        return
    except RelayRateLimited:
        await say(update, rtexts.too_many(t))
        return
    except (ThreadClosed, NotFound):
        await say(update, rtexts.conversation_over(t))
        return
    if crisis:
        return  # the crisis reply already answered; the staff member was told
    name = relayed.conversation.organization_name
    await say(update, rtexts.member_sent(t, name), rkb.reply_again(t, thread_id, name))


async def _staff_writes(
    update: Update,
    context: JuntosContext,
    staff: StaffMember,
    thread_id: int,
    text: str,
    *,
    confirmed: bool = False,
) -> None:
    t = translator(update, context)
    services = services_of(context)
    try:
        result = await write_to_member(
            thread_id,
            staff,
            text,
            services.uow(),
            services.clock,
            _messenger(context),
            confirmed=confirmed,
        )
    except RelayTooLong as exc:
        await say(update, rtexts.too_long(t, exc.length))
        return
    except RelayRateLimited:
        await say(update, rtexts.too_many(t))
        return
    except ThreadClosed as exc:
        conversation = await staff_thread(thread_id, staff, services.uow())
        reason = "blocked" if exc.status is ThreadStatus.BLOCKED else "closed"
        await say(update, rtexts.thread_ended(t, conversation.case.code, reason))
        return
    except Unreachable:
        conversation = await staff_thread(thread_id, staff, services.uow())
        await say(update, rtexts.thread_ended(t, conversation.case.code, "unreachable"))
        return
    except (NotFound, AccessDenied, NoMemberToWrite):
        await say(update, rtexts.not_writable(t))
        return
    if isinstance(result, NeedsConfirmation):
        pending = user_data(context).setdefault(PENDING_KEY, {})
        pending[str(thread_id)] = text
        found = result.sensitive
        await say(
            update,
            rtexts.sensitive_warning(t, found.phone, found.confidential_address),
            rkb.send_anyway(t, thread_id),
        )
        return
    await say(update, rtexts.staff_sent(t, result.conversation.case.code))


# --- buttons ----------------------------------------------------------------------------------


async def press_relay_button(update: Update, context: JuntosContext) -> None:
    """Every `rl:` button: parse, find who pressed it, let the domain decide."""
    query, chat = update.callback_query, update.effective_chat
    if query is None or chat is None:
        return
    with contextlib.suppress(BadRequest):
        await query.answer()
    t = translator(update, context)
    action = rcb.parse(query.data)
    if action is None:
        await show_menu(update, t, texts.stale_button(t))
        return
    staff = await current_staff(update, context)
    try:
        await _act(update, context, t, action, staff, chat.id)
    except (NotFound, AccessDenied):
        if staff is not None:
            await say(update, stexts.not_allowed(t))
        else:
            await show_menu(update, t, rtexts.cannot_now(t))
    except DomainError as exc:
        log.info("relay button refused: %s", type(exc).__name__)
        await show_menu(update, t, rtexts.cannot_now(t))


async def _act(
    update: Update,
    context: JuntosContext,
    t: Translator,
    action: rcb.Action,
    staff: StaffMember | None,
    chat_id: int,
) -> None:
    services = services_of(context)
    uow, clock, messenger = services.uow, services.clock, _messenger(context)
    match action:
        case rcb.Write(case_id):
            if staff is None:
                await say(update, stexts.staff_only(t))
                return
            await start_writing(update, context, staff, case_id)
        case rcb.Reply(thread_id):
            if staff is not None and await _is_staff_thread(thread_id, staff, context):
                conversation = await staff_thread(thread_id, staff, uow())
                text = rtexts.staff_prompt(
                    t, conversation.case.code, conversation.organization_name
                )
                await _prompt(update, context, thread_id, staff.actor, text)
                return
            conversation = await member_thread(chat_id, thread_id, uow())
            if not conversation.thread.is_open:
                await say(update, rtexts.conversation_over(t))
                return
            assert conversation.member_actor is not None
            text = rtexts.member_reply_prompt(t, conversation.organization_name)
            await _prompt(update, context, thread_id, conversation.member_actor, text)
        case rcb.Close(thread_id):
            if staff is not None and await _is_staff_thread(thread_id, staff, context):
                conversation = await close_by_staff(thread_id, staff, uow(), clock, messenger)
                await say(update, rtexts.staff_closed(t, conversation.case.code))
                return
            conversation = await close_by_member(chat_id, thread_id, uow(), clock, messenger)
            await say(update, rtexts.member_closed(t, conversation.organization_name))
        case rcb.Block(thread_id, sure):
            conversation = await member_thread(chat_id, thread_id, uow())
            name = conversation.organization_name
            if not sure:
                await say(
                    update, rtexts.member_block_question(t, name), rkb.confirm_block(t, thread_id)
                )
                return
            await close_by_member(chat_id, thread_id, uow(), clock, messenger, block=True)
            await say(update, rtexts.member_blocked(t, name))
        case rcb.SendAnyway(thread_id, send):
            pending = user_data(context).get(PENDING_KEY, {})
            waiting = pending.pop(str(thread_id), None) if isinstance(pending, dict) else None
            if staff is None:
                await show_menu(update, t, rtexts.cannot_now(t))
                return
            if not isinstance(waiting, str):
                await say(update, stexts.stale(t))
                return
            if not send:
                await say(update, rtexts.not_sent(t))
                return
            await _staff_writes(update, context, staff, thread_id, waiting, confirmed=True)
        case rcb.Outcome(referral_id, outcome):
            await record_outcome(chat_id, referral_id, outcome, uow(), clock)
            await say(update, rtexts.outcome_thanks(t))
        case rcb.NextOption(case_id, service_id):
            result = await ask_next_option(
                chat_id, format_case_code(case_id), service_id, uow(), clock, services.notifier
            )
            await say(update, rtexts.asked_again(t, result.organization_name, result.case_code))


async def _is_staff_thread(thread_id: int, staff: StaffMember, context: JuntosContext) -> bool:
    try:
        await staff_thread(thread_id, staff, services_of(context).uow())
    except (NotFound, AccessDenied):
        return False
    return True
