"""The domain's Notifier port, delivered on Telegram to the staff of the organisations involved.

Each staff member reads notices in their own language (`StaffMember.locale`), with the case
code and the one-tap actions. A person who cannot be reached (blocked the bot, left) is
skipped with a warning that names nobody.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from telegram import Bot, InlineKeyboardMarkup
from telegram.error import TelegramError

from bot import texts
from bot.i18n import Catalogs, Translator
from bot.staff import keyboards as skb
from bot.staff import texts as stexts
from domain.cases import Case, Referral, Reminder
from domain.people import StaffMember
from domain.ports import PlaceFinder, UnitOfWork

log = logging.getLogger(__name__)

Render = Callable[[Translator], tuple[str, InlineKeyboardMarkup | None]]


class TelegramNotifier:
    def __init__(
        self,
        bot: Bot,
        uow: Callable[[], UnitOfWork],
        catalogs: Catalogs,
        places: PlaceFinder | None = None,
    ) -> None:
        self._bot = bot
        self._uow = uow
        self._catalogs = catalogs
        self._places = places

    async def _staff_of(self, organization_id: str) -> list[StaffMember]:
        async with self._uow() as uow:
            staff = await uow.people.staff_of(organization_id)
        return [p for p in staff if p.active and p.chat_id is not None]

    async def _tell(self, people: list[StaffMember], subject: str, render: Render) -> bool:
        """Send each person the message rendered in their language.

        True unless every attempt failed (nobody reachable is not a failure to retry).
        """
        delivered = 0
        for person in people:
            assert person.chat_id is not None
            text, markup = render(self._catalogs.get(person.locale))
            try:
                await self._bot.send_message(person.chat_id, text, reply_markup=markup)
                delivered += 1
            except TelegramError as exc:
                log.warning(
                    "could not notify staff %s of %s: %s", person.id, subject, type(exc).__name__
                )
        return delivered > 0 or not people

    async def _organization_name(self, organization_id: str | None) -> str | None:
        if organization_id is None:
            return None
        async with self._uow() as uow:
            return await uow.directory.organization_name(organization_id)

    def _municipality(self, case: Case) -> str | None:
        if self._places is None or case.municipality_code is None:
            return None
        found = self._places.municipality(case.municipality_code)
        return found.name if found else None

    async def referral_requested(self, referral: Referral, case: Case) -> None:
        """The receiving organisation's staff get the referral at once, with accept / reject."""
        sender = await self._organization_name(referral.from_organization_id)
        municipality = self._municipality(case)
        assert referral.id is not None
        assert case.id is not None
        referral_id, case_id = referral.id, case.id

        def render(t: Translator) -> tuple[str, InlineKeyboardMarkup | None]:
            text = stexts.new_referral(
                t,
                code=case.code,
                urgent=referral.urgent,
                needs=stexts.needs_text(t, sorted(case.needs)),
                age=case.age,
                municipality=municipality,
                sender=sender,
            )
            return text, skb.answer(t, referral_id, case_id)

        await self._tell(await self._staff_of(referral.to_organization_id), case.code, render)

    async def referral_answered(self, referral: Referral, case: Case) -> None:
        """The sending organisation's staff hear the receiver's answer or status move."""
        if referral.from_organization_id is None:
            return  # a member's own request: they hear back through the relay (another issue)
        receiver = await self._organization_name(referral.to_organization_id) or ""
        assert case.id is not None
        case_id = case.id

        def render(t: Translator) -> tuple[str, InlineKeyboardMarkup | None]:
            text = stexts.sender_told(
                t, case.code, receiver, referral.status, referral.rejection_reason
            )
            return text, skb.open_case(t, case_id)

        await self._tell(await self._staff_of(referral.from_organization_id), case.code, render)

    async def reminder_due(
        self, reminder: Reminder, referral: Referral | None, case: Case | None
    ) -> bool:
        """A referral nobody answered: remind the receiving organisation's staff."""
        if referral is None or case is None:
            return True
        assert referral.id is not None
        assert case.id is not None
        referral_id, case_id = referral.id, case.id

        def render(t: Translator) -> tuple[str, InlineKeyboardMarkup | None]:
            needs = ", ".join(texts.category_label(t, c) for c in sorted(case.needs))
            text = texts.staff_reminder(t, case.code, needs, t.date(referral.created_at))
            return text, skb.answer(t, referral_id, case_id)

        people = await self._staff_of(referral.to_organization_id)
        return await self._tell(people, case.code, render)
