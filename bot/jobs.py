"""Scheduled work (PTB's JobQueue is APScheduler): delivering due reminders, planning the weekly
capacity check-ins, forgetting idle conversation state."""

from __future__ import annotations

import logging
from typing import Any

from telegram.ext import Application

from bot import sending
from bot.context import JuntosContext, services_of
from bot.indicators.digest import send_due_digests
from domain.ports import ForgottenState, StateScope
from domain.services.relay import purge_relay_messages
from domain.services.reminders import drain_reminders, plan_capacity_checkins
from domain.services.retention import forget_idle_conversations

log = logging.getLogger(__name__)

#: How often due reminders are looked for; one that came due while the bot was down is
#: delivered by the first sweep after start.
SWEEP_SECONDS = 60.0
#: How often this week's capacity check-in rows are made sure of (idempotent).
CHECKIN_PLAN_SECONDS = 3600.0
#: Idle conversation state is looked for once a day, and once this soon after start (so a bot
#: that is restarted every night still forgets on time).
FORGET_SECONDS = 24 * 3600.0
FORGET_FIRST_SECONDS = 60.0


async def deliver_reminders(context: JuntosContext) -> None:
    """Claim due reminders with a lease, deliver each, mark each sent; batch after batch (a
    backlog after downtime drains at the send pace)."""
    services = services_of(context)
    with sending.background():  # after crisis replies, replies and relays
        report = await drain_reminders(
            services.uow,
            services.clock,
            services.notifier,
            services.worker,
            services.rules,
            limit=services.reminder_batch,
            lease=services.reminder_lease,
        )
    if report.claimed or report.deferred or report.cancelled:
        log.info(
            "reminders: %d delivered, %d retried, %d failed, %d unreachable, %d deferred, "
            "%d cancelled; longest send-to-mark %.3f s",
            report.delivered,
            report.retried,
            report.failed,
            report.unreachable,
            report.deferred,
            report.cancelled,
            report.max_window,
        )


async def plan_checkins(context: JuntosContext) -> None:
    """Make sure each organisation has this week's capacity check-in (Monday, 09:00 local)."""
    services = services_of(context)
    added = await plan_capacity_checkins(services.uow(), services.clock, services.rules)
    if added:
        log.info("planned %d capacity check-in(s)", added)


async def sweep_digests(context: JuntosContext) -> None:
    """Send the coordinators' weekly digests that are due (claimed once across processes)."""
    with sending.background():
        await send_due_digests(context.bot, services_of(context))


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
