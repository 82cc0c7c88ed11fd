"""The domain's Notifier port, delivered on Telegram to the receiving organisation's staff."""

from __future__ import annotations

import logging
from collections.abc import Callable

from telegram import Bot
from telegram.error import TelegramError

from bot import texts
from bot.i18n import Catalogs
from domain.cases import Case, Referral, Reminder
from domain.ports import UnitOfWork

log = logging.getLogger(__name__)
STAFF_LOCALE = "es_MX"


class TelegramNotifier:
    def __init__(self, bot: Bot, uow: Callable[[], UnitOfWork], catalogs: Catalogs) -> None:
        self._bot = bot
        self._uow = uow
        self._catalogs = catalogs

    async def _tell_staff(self, organization_id: str, subject: str, text: str) -> bool:
        """Message every active staff member of the organisation who uses Telegram.

        True unless every attempt failed (nobody reachable is not a failure to retry).
        """
        async with self._uow() as uow:
            staff = await uow.people.staff_of(organization_id)
        reachable = [p for p in staff if p.active and p.chat_id is not None]
        delivered = 0
        for person in reachable:
            assert person.chat_id is not None
            try:
                await self._bot.send_message(person.chat_id, text)
                delivered += 1
            except TelegramError as exc:
                log.warning(
                    "could not notify staff %s of %s: %s", person.id, subject, type(exc).__name__
                )
        return delivered > 0 or not reachable

    def _needs(self, case: Case) -> str:
        t = self._catalogs.get(STAFF_LOCALE)
        return ", ".join(texts.category_label(t, c) for c in sorted(case.needs))

    async def referral_requested(self, referral: Referral, case: Case) -> None:
        """Tell the receiving organisation's staff (if they use Telegram)."""
        t = self._catalogs.get(STAFF_LOCALE)
        text = texts.staff_new_request(t, case.code, self._needs(case))
        await self._tell_staff(referral.to_organization_id, case.code, text)

    async def reminder_due(
        self, reminder: Reminder, referral: Referral | None, case: Case | None
    ) -> bool:
        """A referral nobody answered: remind the receiving organisation's staff."""
        if referral is None or case is None:
            return True
        t = self._catalogs.get(STAFF_LOCALE)
        text = texts.staff_reminder(t, case.code, self._needs(case), t.date(referral.created_at))
        return await self._tell_staff(referral.to_organization_id, case.code, text)
