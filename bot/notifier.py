"""The domain's Notifier port, delivered on Telegram to the receiving organisation's staff."""

from __future__ import annotations

import logging
from collections.abc import Callable

from telegram import Bot
from telegram.error import TelegramError

from bot import texts
from bot.i18n import Catalogs
from domain.cases import Case, Referral
from domain.ports import UnitOfWork

log = logging.getLogger(__name__)
STAFF_LOCALE = "es_MX"


class TelegramNotifier:
    def __init__(self, bot: Bot, uow: Callable[[], UnitOfWork], catalogs: Catalogs) -> None:
        self._bot = bot
        self._uow = uow
        self._catalogs = catalogs

    async def referral_requested(self, referral: Referral, case: Case) -> None:
        """Tell every active staff member of the receiving organisation (if they use Telegram)."""
        async with self._uow() as uow:
            staff = await uow.people.staff_of(referral.to_organization_id)
        t = self._catalogs.get(STAFF_LOCALE)
        needs = ", ".join(texts.category_label(t, c) for c in sorted(case.needs))
        for person in staff:
            if not person.active or person.chat_id is None:
                continue
            try:
                await self._bot.send_message(
                    person.chat_id, texts.staff_new_request(t, case.code, needs)
                )
            except TelegramError as exc:
                log.warning(
                    "could not notify staff %s of %s: %s", person.id, case.code, type(exc).__name__
                )
