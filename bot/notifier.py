"""The domain's Notifier and RelayMessenger ports, delivered on Telegram.

Staff read notices in their own language (`StaffMember.locale`), with the case code and the
one-tap actions; members, in theirs (`Member.locale`), with a neutral first line. Relay
messages are sent by the bot itself (never forwarded: no account is ever shown). A person who
cannot be reached (blocked the bot) is skipped with a warning that names nobody, or reported
to the domain as Unreachable.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from telegram import Bot, ForceReply, InlineKeyboardMarkup
from telegram.error import Forbidden, TelegramError

from bot import sending, texts
from bot.i18n import Catalogs, Translator
from bot.relay import keyboards as rkb
from bot.relay import texts as rtexts
from bot.staff import keyboards as skb
from bot.staff import texts as stexts
from domain.cases import Case, Referral, ReferralStatus, Reminder, ReminderKind
from domain.geo import Point
from domain.people import Member, StaffMember
from domain.ports import DeliveryFailed, PlaceFinder, ReminderSubject, UnitOfWork, Unreachable
from domain.relay import RelayThread
from domain.services.members import next_option

log = logging.getLogger(__name__)

Render = Callable[[Translator], tuple[str, InlineKeyboardMarkup | None]]
ReplyMarkup = InlineKeyboardMarkup | ForceReply


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

    @sending.sends_at(sending.Priority.RELAY)
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

    # --- members ------------------------------------------------------------------------------

    async def _to_member(self, member: Member, text: str, markup: ReplyMarkup | None = None) -> int:
        try:
            sent = await self._bot.send_message(member.chat_id, text, reply_markup=markup)
        except Forbidden as exc:
            raise Unreachable(member.actor) from exc
        return sent.message_id

    @sending.sends_at(sending.Priority.RELAY)
    async def request_answered(self, member: Member, referral: Referral, case: Case) -> None:
        """The member hears what happened to their request: accepted, rejected (with the next
        option, one tap away), finished (¿te sirvió?), or closed by the organisation."""
        t = self._catalogs.get(member.locale)
        name = await self._organization_name(referral.to_organization_id) or ""
        assert referral.id is not None
        assert case.id is not None
        text: str | None = None
        markup: ReplyMarkup | None = None
        status = referral.status
        if status is ReferralStatus.ACCEPTED:
            text = rtexts.request_accepted(t, name, case.code)
        elif status is ReferralStatus.REJECTED:
            option = await next_option(case, self._municipality_point(case), self._uow())
            text = rtexts.request_rejected(t, name, option.organization_name if option else None)
            if option is not None:
                markup = rkb.next_option(t, case.id, option.service_id)
        elif status is ReferralStatus.COMPLETED:
            text = rtexts.request_completed(t, name)
            markup = rkb.outcome(t, referral.id)
        elif status in (ReferralStatus.CANCELLED, ReferralStatus.FAILED):
            text = rtexts.request_cancelled(t, name)
        if text is None:
            return
        try:
            await self._to_member(member, text, markup)
        except (Unreachable, TelegramError) as exc:
            log.warning(
                "could not tell member %s about %s: %s", member.id, case.code, type(exc).__name__
            )

    @sending.sends_at(sending.Priority.RELAY)
    async def request_withdrawn(self, referral: Referral, case: Case) -> None:
        def render(t: Translator) -> tuple[str, InlineKeyboardMarkup | None]:
            return rtexts.withdrawn(t, case.code), None

        await self._tell(await self._staff_of(referral.to_organization_id), case.code, render)

    def _municipality_point(self, case: Case) -> Point | None:
        if self._places is None or case.municipality_code is None:
            return None
        found = self._places.municipality(case.municipality_code)
        if found is None or found.latitude is None or found.longitude is None:
            return None
        return Point(found.latitude, found.longitude)

    # --- the relay (RelayMessenger) ----------------------------------------------------------

    @sending.sends_at(sending.Priority.RELAY)
    async def to_member(
        self, member: Member, organization_name: str, text: str, thread: RelayThread
    ) -> int:
        t = self._catalogs.get(member.locale)
        assert thread.id is not None
        return await self._to_member(
            member,
            rtexts.relayed_to_member(t, organization_name, text),
            rkb.to_member(t, thread.id, organization_name),
        )

    @sending.sends_at(sending.Priority.RELAY)
    async def to_staff(
        self, staff: StaffMember, case: Case, text: str, thread: RelayThread, crisis: bool
    ) -> int:
        t = self._catalogs.get(staff.locale)
        assert thread.id is not None
        assert staff.chat_id is not None
        try:
            sent = await self._bot.send_message(
                staff.chat_id,
                rtexts.relayed_to_staff(t, case.code, case.alias, text, crisis),
                reply_markup=rkb.to_staff(t, thread.id),
            )
        except Forbidden as exc:
            raise Unreachable(staff.actor) from exc
        return sent.message_id

    @sending.sends_at(sending.Priority.RELAY)
    async def thread_closed(
        self, recipient: Member | StaffMember, case: Case, organization_name: str, reason: str
    ) -> None:
        if isinstance(recipient, Member):
            t = self._catalogs.get(recipient.locale)
            await self._to_member(recipient, rtexts.member_closed_by_staff(t, organization_name))
            return
        if recipient.chat_id is None:
            return
        t = self._catalogs.get(recipient.locale)
        try:
            await self._bot.send_message(
                recipient.chat_id, rtexts.thread_ended(t, case.code, reason)
            )
        except Forbidden as exc:
            raise Unreachable(recipient.actor) from exc

    # --- reminders ----------------------------------------------------------------------------

    async def remind(
        self, reminder: Reminder, recipient: StaffMember, about: ReminderSubject
    ) -> None:
        """Send a due reminder to one recipient, in their language. A new referral's notice
        goes in the relays' lane, at once (the receivers see it while the sender reads "sent");
        the reminders proper at the lowest priority of the send lane (its only pace: replies
        to people never wait behind reminders). Inside the quiet hours (`about.quiet`) the
        notice is sent without sound. 403 means they blocked the bot (Unreachable, not
        retried); any other error is raised as DeliveryFailed for a retry with backoff."""
        assert recipient.chat_id is not None
        t = self._catalogs.get(recipient.locale)
        municipality = self._municipality(about.case) if about.case is not None else None
        level = (
            sending.Priority.RELAY
            if reminder.kind is ReminderKind.REFERRAL_NEW
            else sending.Priority.BACKGROUND
        )
        try:
            with sending.at_most(level):
                for text, markup in reminder_messages(t, reminder, about, municipality):
                    await self._bot.send_message(
                        recipient.chat_id,
                        text,
                        reply_markup=markup,
                        disable_notification=about.quiet or None,
                    )
        except Forbidden as exc:
            raise Unreachable(recipient.actor) from exc
        except TelegramError as exc:
            raise DeliveryFailed(type(exc).__name__) from exc


def reminder_messages(
    t: Translator, reminder: Reminder, about: ReminderSubject, municipality: str | None = None
) -> list[tuple[str, InlineKeyboardMarkup | None]]:
    """What a reminder says (case code, what to do) and its buttons, in one language
    (`municipality`: the case's, by name, for a new referral's notice)."""
    case, referral = about.case, about.referral
    kind = reminder.kind
    if kind is ReminderKind.REFERRAL_NEW:
        assert case is not None
        assert case.id is not None
        assert referral is not None
        assert referral.id is not None
        text = stexts.new_referral(
            t,
            code=case.code,
            urgent=referral.urgent,
            needs=stexts.needs_text(t, sorted(case.needs)),
            age=case.age,
            municipality=municipality,
            sender=about.organization_name,
        )
        return [(text, skb.answer(t, referral.id, case.id))]
    if kind is ReminderKind.CAPACITY_CHECKIN:
        organization = about.organization_name or ""
        return [
            (stexts.capacity_question(t, s.name, organization), skb.capacity(t, s.id))
            for s in about.services
        ]
    if kind is ReminderKind.STAFF_UNREACHABLE:
        assert about.staff is not None
        text = stexts.reminder_staff_unreachable(
            t, about.staff.display_name, about.organization_name or ""
        )
        return [(text, None)]
    assert case is not None
    assert case.id is not None
    if kind is ReminderKind.REFERRAL_PENDING and referral is not None and referral.id:
        needs = ", ".join(texts.category_label(t, c) for c in sorted(case.needs))
        text = texts.staff_reminder(t, case.code, needs, t.date(referral.created_at))
        return [(text, skb.answer(t, referral.id, case.id))]
    waited = about.waited or timedelta(0)
    if kind is ReminderKind.REFERRAL_ESCALATED and referral is not None:
        hours = int(waited.total_seconds() // 3600)
        text = stexts.reminder_escalated(t, case.code, about.organization_name or "", hours)
        return [(text, skb.open_case(t, case.id))]
    if kind is ReminderKind.FOLLOW_UP_DUE:
        return [(stexts.reminder_follow_up_due(t, case.code), skb.open_case(t, case.id))]
    if kind is ReminderKind.FOLLOW_UP_OVERDUE and about.follow_up is not None:
        due = t.short_date(about.follow_up.due_date)
        return [(stexts.reminder_follow_up_overdue(t, case.code, due), skb.open_case(t, case.id))]
    return [(stexts.reminder_case_inactive(t, case.code, waited.days), skb.open_case(t, case.id))]
