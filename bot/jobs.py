"""Scheduled work (PTB's JobQueue is APScheduler): the sweep that delivers due reminders."""

from __future__ import annotations

from bot.context import JuntosContext, services_of
from domain.services.reminders import claim_due_reminders, release_failed_reminder

#: How often due reminders are looked for; one that came due while the bot was down is
#: delivered by the first sweep after start.
SWEEP_SECONDS = 60.0


async def sweep_reminders(context: JuntosContext) -> None:
    """Claim the due reminders (marked sent in the same transaction), then deliver them."""
    services = services_of(context)
    for due in await claim_due_reminders(services.uow(), services.clock):
        delivered = await services.notifier.reminder_due(due.reminder, due.referral, due.case)
        if not delivered and due.reminder.id is not None:
            await release_failed_reminder(due.reminder.id, services.uow())
