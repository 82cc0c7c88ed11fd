"""Scheduled work (PTB's JobQueue is APScheduler): delivering due reminders, forgetting idle
conversation state."""

from __future__ import annotations

import logging
from typing import Any

from telegram.ext import Application

from bot import sending
from bot.context import JuntosContext, services_of
from domain.ports import ForgottenState, StateScope
from domain.services.relay import purge_relay_messages
from domain.services.reminders import claim_due_reminders, release_failed_reminder
from domain.services.retention import forget_idle_conversations

log = logging.getLogger(__name__)

#: How often due reminders are looked for; one that came due while the bot was down is
#: delivered by the first sweep after start.
SWEEP_SECONDS = 60.0
#: Idle conversation state is looked for once a day, and once this soon after start (so a bot
#: that is restarted every night still forgets on time).
FORGET_SECONDS = 24 * 3600.0
FORGET_FIRST_SECONDS = 60.0


async def sweep_reminders(context: JuntosContext) -> None:
    """Claim the due reminders (marked sent in the same transaction), then deliver them at
    the lowest send priority (after crisis replies, replies and relays)."""
    services = services_of(context)
    for due in await claim_due_reminders(services.uow(), services.clock):
        with sending.background():
            delivered = await services.notifier.reminder_due(due.reminder, due.referral, due.case)
        if not delivered and due.reminder.id is not None:
            await release_failed_reminder(due.reminder.id, services.uow())


async def forget_idle_state(context: JuntosContext) -> None:
    """Delete conversation state idle past the retention period, saved and in memory."""
    services = services_of(context)
    if services.states is None:
        return
    application = context.application
    # Activity not yet written counts: write it first, so only truly idle state is forgotten.
    await application.update_persistence()
    forgotten = await forget_idle_conversations(
        services.states, services.clock, services.state_retention
    )
    for state in forgotten:
        drop_from_memory(application, state)
    if forgotten:
        log.info("forgot %d idle conversation state(s)", len(forgotten))


async def purge_relay(context: JuntosContext) -> None:
    """Delete relayed messages older than the retention period (daily, like idle state)."""
    services = services_of(context)
    deleted = await purge_relay_messages(services.uow(), services.clock, services.relay_retention)
    if deleted:
        log.info("purged %d relayed message(s) past retention", deleted)


def drop_from_memory(
    application: Application[Any, Any, Any, Any, Any, Any], state: ForgottenState
) -> None:
    """Drop forgotten state from the running application, so it is not written back."""
    owner = state.key[0] if state.key else None
    if state.scope is StateScope.USER and isinstance(owner, int):
        if owner in application.user_data:
            application.drop_user_data(owner)
    elif state.scope is StateScope.CHAT and isinstance(owner, int):
        if owner in application.chat_data:
            application.drop_chat_data(owner)
    elif state.scope is StateScope.CONVERSATION and state.conversation is not None:
        # PTB has no public call that ends one conversation of a persistent
        # ConversationHandler from outside it; this mapping is the one the handler reads and
        # the persistence writes (a pop is written back as "no state", which deletes nothing
        # more).
        conversations = application._conversation_handler_conversations.get(state.conversation)
        if conversations is not None:
            conversations.pop(state.key, None)
