"""What the bot says to partner staff and coordinators: brief, neutral (usted), with case codes.

Whole translatable sentences with named placeholders (es_MX first, English complete).
Staff read aliases, ages and needs of the cases they may see; never a member's Telegram name.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.i18n import Translator
from bot.texts import category_label, with_danger_line
from domain.capacity import CapacityLevel
from domain.cases import (
    MAX_NOTE_CHARS,
    AuditEntry,
    Gender,
    Note,
    ReferralStatus,
    RejectionReason,
)
from domain.people import Role
from domain.taxonomy import Category

# --- words ---------------------------------------------------------------------------------


def role_name(t: Translator, role: Role) -> str:
    names = {
        Role.STAFF: t.pgettext("role", "staff"),
        Role.COORDINATOR: t.pgettext("role", "coordinator"),
        Role.ADMIN: t.pgettext("role", "administrator"),
        Role.MEMBER: t.pgettext("role", "member"),
    }
    return names[role]


def status_name(t: Translator, status: ReferralStatus) -> str:
    names = {
        ReferralStatus.REQUESTED: t.pgettext("referral status", "waiting for an answer"),
        ReferralStatus.ACCEPTED: t.pgettext("referral status", "accepted"),
        ReferralStatus.REJECTED: t.pgettext("referral status", "rejected"),
        ReferralStatus.IN_PROGRESS: t.pgettext("referral status", "in progress"),
        ReferralStatus.COMPLETED: t.pgettext("referral status", "completed"),
        ReferralStatus.FAILED: t.pgettext("referral status", "closed without result"),
        ReferralStatus.CANCELLED: t.pgettext("referral status", "cancelled"),
    }
    return names[status]


def status_button(t: Translator, status: ReferralStatus) -> str:
    labels = {
        ReferralStatus.ACCEPTED: t.pgettext("button", "Accept"),
        ReferralStatus.REJECTED: t.pgettext("button", "Reject"),
        ReferralStatus.IN_PROGRESS: t.pgettext("button", "In progress"),
        ReferralStatus.COMPLETED: t.pgettext("button", "Completed"),
        ReferralStatus.FAILED: t.pgettext("button", "Closed without result"),
        ReferralStatus.CANCELLED: t.pgettext("button", "Cancel referral"),
        ReferralStatus.REQUESTED: t.pgettext("button", "Requested"),
    }
    return labels[status]


def reason_name(t: Translator, reason: RejectionReason) -> str:
    names = {
        RejectionReason.NOT_ELIGIBLE: t.pgettext("rejection", "not eligible"),
        RejectionReason.NO_CAPACITY: t.pgettext("rejection", "no capacity"),
        RejectionReason.COULD_NOT_CONTACT: t.pgettext("rejection", "could not contact"),
        RejectionReason.OTHER: t.pgettext("rejection", "other reason"),
    }
    return names[reason]


def gender_name(t: Translator, gender: Gender) -> str:
    names = {
        Gender.FEMALE: t.pgettext("gender", "Woman"),
        Gender.MALE: t.pgettext("gender", "Man"),
        Gender.NON_BINARY: t.pgettext("gender", "Non-binary"),
        Gender.PREFER_NOT_TO_SAY: t.pgettext("gender", "Prefers not to say"),
    }
    return names[gender]


def needs_text(t: Translator, needs: Sequence[Category]) -> str:
    return ", ".join(category_label(t, c) for c in sorted(needs))


# --- joining ---------------------------------------------------------------------------------


def linked(t: Translator, organization: str, role: Role) -> str:
    _ = t.gettext
    return _(
        "Welcome. This Telegram account is now linked to {organization} as {role}.\n"
        "/casos – your organisation's open cases\n"
        "/referir – refer a person to another organisation\n"
        "/seguimiento CASO-0000 – log a follow-up\n"
        "You can also write it in one message, e.g. “referí a una joven de 16 a apoyo "
        "psicológico”."
    ).format(organization=organization, role=role_name(t, role))


def invite_unknown(t: Translator) -> str:
    return t.gettext(
        "That invitation code is not valid. Check that it was copied whole, or ask the person "
        "who invited you for a new one."
    )


def invite_used(t: Translator) -> str:
    return t.gettext("That invitation code was already used. Ask for a new one.")


def invite_expired(t: Translator) -> str:
    return t.gettext("That invitation code has expired. Ask for a new one.")


def invite_locked(t: Translator) -> str:
    return t.gettext("Too many wrong codes. Please try again in an hour.")


def staff_help(t: Translator) -> str:
    _ = t.gettext
    return _(
        "For partner staff:\n"
        "/casos – open cases, overdue first\n"
        "/caso CASO-0000 – a case and its history\n"
        "/referir – refer a person (guided)\n"
        "/seguimiento CASO-0000 – log a follow-up\n"
        "Or write it in one message: “seguimiento CASO-0042: ya asistió a su primera sesión”."
    )


def command_descriptions(t: Translator, role: Role = Role.STAFF) -> list[tuple[str, str]]:
    """The staff commands, for the command menu of a linked staff member's chat (coordinators
    and admins also get /indicadores)."""
    _ = t.gettext
    commands = [
        ("casos", _("Open cases of your organisation")),
        ("caso", _("A case and its history: /caso CASO-0042")),
        ("referir", _("Refer a person to another organisation")),
        ("seguimiento", _("Log a follow-up: /seguimiento CASO-0042")),
        ("demanda", _("Where help is missing (coordinators)")),
    ]
    if role in (Role.COORDINATOR, Role.ADMIN):
        commands.append(("indicadores", _("Indicators of your municipality (coordination)")))
    return commands


def staff_only(t: Translator) -> str:
    """Also read by members (a staff command typed, an old staff button): no dead end."""
    _ = t.gettext
    text = _(
        "That is for the staff of partner organisations. If you work with one, ask your "
        "coordinator for an invitation link. If you are looking for help, write /start."
    )
    return with_danger_line(t, text)


def not_allowed(t: Translator) -> str:
    return t.gettext("Your role does not allow that. Nothing was changed.")


def case_not_found(t: Translator, code: str) -> str:
    return t.gettext("I can't find {code} among your organisation's cases.").format(code=code)


def case_code_needed(t: Translator) -> str:
    return t.gettext("Write the case code too, for example /caso CASO-0042.")


def stale(t: Translator) -> str:
    return t.gettext("That button is no longer valid. Nothing was changed.")


def try_again(t: Translator) -> str:
    return t.gettext("That did not work on my side. Nothing was saved; please try again.")


# --- the crisis line for staff ----------------------------------------------------------------


def crisis_line(t: Translator, numbers: str) -> str:
    # Translators: shown to staff who describe someone else's danger; the flow goes on.
    return t.gettext("☎️ If the person is in danger now: {numbers}.").format(numbers=numbers)


def marked_urgent(t: Translator) -> str:
    return t.gettext("I marked this referral as urgent.")


# --- the guided referral ---------------------------------------------------------------------


def ask_alias(t: Translator) -> str:
    _ = t.gettext
    return _(
        "New referral. What alias shall we use for the person? A nickname or initials, never "
        "their full name. (/cancelar stops.)"
    )


def bad_alias(t: Translator) -> str:
    return t.gettext(
        "Please use a short alias (a nickname or initials, at most two words), never the full name."
    )


def ask_age(t: Translator) -> str:
    return t.gettext("How old is the person? Write the number.")


def bad_age(t: Translator) -> str:
    return t.gettext("Please write the age as a number between 0 and 120, or press “Unknown”.")


def ask_gender(t: Translator) -> str:
    return t.gettext("Gender (optional):")


def ask_municipality(t: Translator) -> str:
    return t.gettext("In which municipality does the person live? Choose or write it.")


def municipality_not_found(t: Translator) -> str:
    return t.gettext("I couldn't find that municipality. Try writing it another way.")


def ask_need(t: Translator) -> str:
    return t.gettext("What kind of help does the person need?")


def ask_destination(t: Translator, count: int) -> str:
    if count == 0:
        return t.gettext(
            "I found no other organisation offering that nearby. Write part of the "
            "organisation's name to search for it."
        )
    return t.gettext(
        "Where do you refer the person? The nearest services of other "
        "organisations, or search by name:"
    )


def ask_destination_name(t: Translator) -> str:
    return t.gettext("Write part of the organisation's name:")


def destination_not_found(t: Translator) -> str:
    return t.gettext("No other organisation has that name. Try another word.")


def ask_urgency(t: Translator) -> str:
    return t.gettext("Is it urgent?")


def ask_consent(t: Translator) -> str:
    _ = t.gettext
    return _(
        "Did the person agree to be referred and to have these details shared with the "
        "receiving organisation? Without their consent there is no referral."
    )


def no_consent(t: Translator) -> str:
    return t.gettext(
        "Then I can't make the referral, and nothing was saved. You can start again with "
        "/referir once the person agrees."
    )


def ask_note(t: Translator) -> str:
    return t.gettext(
        "A note for the receiving organisation (optional, up to {limit} characters):"
    ).format(limit=MAX_NOTE_CHARS)


def note_too_long(t: Translator, length: int) -> str:
    return t.gettext(
        "The note has {length} characters; the limit is {limit}. Please shorten it."
    ).format(length=length, limit=MAX_NOTE_CHARS)


def referral_card(
    t: Translator,
    *,
    alias: str,
    age: int | None,
    gender: Gender | None,
    municipality: str | None,
    need: Category | None,
    destination: str | None,
    urgent: bool,
    note: str | None,
) -> str:
    _ = t.gettext
    unknown = _("not given")
    lines = [
        _("Please check the referral:"),
        _("Alias: {alias}").format(alias=alias),
        _("Age: {age}").format(age=age if age is not None else unknown),
        _("Gender: {gender}").format(gender=gender_name(t, gender) if gender else unknown),
        _("Municipality: {municipality}").format(municipality=municipality or unknown),
        _("Need: {need}").format(need=category_label(t, need) if need else unknown),
        _("To: {destination}").format(destination=destination or unknown),
        _("Urgent: {urgent}").format(urgent=_("yes") if urgent else _("no")),
        _("Consent: given"),
    ]
    if note:
        lines.append(_("Note: {note}").format(note=note))
    return "\n".join(lines)


def ask_edit(t: Translator) -> str:
    return t.gettext("What do you want to change?")


def referral_sent(t: Translator, code: str, organization: str) -> str:
    return t.gettext(
        "Done: {code} was sent to {organization}. I'll tell you when they answer."
    ).format(code=code, organization=organization)


def referral_cancelled(t: Translator) -> str:
    return t.gettext("Referral cancelled. Nothing was saved.")


def button_labels(t: Translator) -> dict[str, str]:
    return {
        "unknown_age": t.pgettext("button", "Unknown"),
        "urgent": t.pgettext("button", "Urgent"),
        "not_urgent": t.pgettext("button", "Not urgent"),
        "consent_yes": t.pgettext("button", "Yes, they agreed"),
        "consent_no": t.pgettext("button", "No"),
        "no_note": t.pgettext("button", "No note"),
        "confirm": t.pgettext("button", "Confirm"),
        "edit": t.pgettext("button", "Edit"),
        "cancel": t.pgettext("button", "Cancel"),
        "by_name": t.pgettext("button", "🔎 Search by name"),
        "alias": t.pgettext("field", "Alias"),
        "age": t.pgettext("field", "Age"),
        "gender": t.pgettext("field", "Gender"),
        "muni": t.pgettext("field", "Municipality"),
        "need": t.pgettext("field", "Need"),
        "dest": t.pgettext("field", "Destination"),
        "urgent_field": t.pgettext("field", "Urgency"),
        "note": t.pgettext("field", "Note"),
        "accept": t.pgettext("button", "Accept"),
        "reject": t.pgettext("button", "Reject"),
        "open": t.pgettext("button", "See case"),
        "follow": t.pgettext("button", "Follow-up"),
        "previous": t.pgettext("button", "◀ Previous"),
        "next": t.pgettext("button", "Next ▶"),
        "add_note": t.pgettext("button", "Add a note"),
        "save": t.pgettext("button", "Save"),
        "typed_date": t.pgettext("button", "Other date"),
        "no_date": t.pgettext("button", "No date"),
        "in_days": t.pgettext("button", "+{days} d"),
    }


# --- receiving and answering -----------------------------------------------------------------


def new_referral(
    t: Translator,
    *,
    code: str,
    urgent: bool,
    needs: str,
    age: int | None,
    municipality: str | None,
    sender: str | None,
) -> str:
    _ = t.gettext
    head = (
        _("🔴 New URGENT referral {code}").format(code=code)
        if urgent
        else _("New referral {code}").format(code=code)
    )
    origin = (
        _("From: {organization}").format(organization=sender)
        if sender
        else _("From: a person who asked through Juntos to be contacted")
    )
    details = [needs]
    if age is not None:
        details.append(_("{age} years").format(age=age))
    if municipality:
        details.append(municipality)
    return "\n".join([head, origin, " · ".join(details), _("Do you accept it?")])


def ask_reason(t: Translator) -> str:
    return t.gettext("Why are you rejecting the referral?")


def answered_accepted(t: Translator, code: str) -> str:
    return t.gettext("You accepted {code}. Log what happens with /seguimiento {code}.").format(
        code=code
    )


def answered_rejected(t: Translator, code: str, reason: RejectionReason) -> str:
    return t.gettext("You rejected {code} ({reason}).").format(
        code=code, reason=reason_name(t, reason)
    )


def already_answered(t: Translator, status: ReferralStatus) -> str:
    return t.gettext("That referral was already answered: {status}. Nothing was changed.").format(
        status=status_name(t, status)
    )


def sender_told(
    t: Translator,
    code: str,
    organization: str,
    status: ReferralStatus,
    reason: RejectionReason | None,
) -> str:
    if status is ReferralStatus.REJECTED and reason is not None:
        return t.gettext(
            "{organization} rejected {code}: {reason}. You can refer the person elsewhere "
            "with /referir."
        ).format(organization=organization, code=code, reason=reason_name(t, reason))
    return t.gettext("{code}: {organization} changed it to “{status}”.").format(
        code=code, organization=organization, status=status_name(t, status)
    )


# --- cases --------------------------------------------------------------------------------------


def no_cases(t: Translator) -> str:
    return t.gettext("No open cases. /referir to refer someone.")


def cases_header(t: Translator, total: int, page: int, pages: int) -> str:
    return t.ngettext(
        "{total} open case (page {page} of {pages}):",
        "{total} open cases (page {page} of {pages}):",
        total,
    ).format(total=total, page=page, pages=pages)


def case_line(
    t: Translator,
    *,
    code: str,
    alias: str,
    status: ReferralStatus | None,
    needs: str,
    sent: bool | None,
    other: str | None,
    overdue: bool,
    urgent: bool,
    next_due: date | None,
) -> str:
    _ = t.gettext
    marks = ("⏰ " if overdue else "") + ("🔴 " if urgent else "")
    state = status_name(t, status) if status else _("no referral")
    line = _("{marks}{code} · {alias} · {needs} · {status}").format(
        marks=marks, code=code, alias=alias, needs=needs, status=state
    )
    if other:
        line += "\n   " + (
            _("sent to {organization}") if sent else _("from {organization}")
        ).format(organization=other)
    if next_due is not None:
        line += "\n   " + (
            _("follow-up overdue since {date}") if overdue else _("next follow-up {date}")
        ).format(date=t.short_date(next_due))
    return line


def case_card(
    t: Translator,
    *,
    code: str,
    alias: str,
    age: int | None,
    gender: Gender | None,
    municipality: str | None,
    needs: str,
    lines: Sequence[str],
    notes: Sequence[Note],
    history: Sequence[AuditEntry],
    next_due: date | None,
) -> str:
    _ = t.gettext
    about = [alias]
    if age is not None:
        about.append(_("{age} years").format(age=age))
    if gender is not None and gender is not Gender.PREFER_NOT_TO_SAY:
        about.append(gender_name(t, gender))
    if municipality:
        about.append(municipality)
    parts = [f"{code} · {' · '.join(about)}", needs, *lines]
    if next_due is not None:
        parts.append(_("Next follow-up: {date}").format(date=t.short_date(next_due)))
    if notes:
        parts.append(_("Notes:"))
        parts += [f"– {t.short_date(n.at.date())}: {n.text}" for n in notes[-3:]]
    if history:
        parts.append(_("History:"))
        parts += [f"– {t.short_date(e.at.date())}: {history_line(t, e)}" for e in history[-6:]]
    return "\n".join(parts)


def referral_line(
    t: Translator, sender: str | None, receiver: str, status: ReferralStatus, urgent: bool
) -> str:
    _ = t.gettext
    who = sender or _("Juntos (the person asked)")
    line = _("{sender} → {receiver}: {status}").format(
        sender=who, receiver=receiver, status=status_name(t, status)
    )
    return ("🔴 " + line) if urgent else line


def history_line(t: Translator, entry: AuditEntry) -> str:
    _ = t.gettext
    if entry.action == "referral.status":
        after = entry.detail.get("after", "")
        try:
            status = status_name(t, ReferralStatus(after))
        except ValueError:
            status = after
        return _("status: {status}").format(status=status)
    labels = {
        "case.open": _("case opened"),
        "referral.create": _("referral sent"),
        "follow_up.plan": _("follow-up planned"),
        "follow_up.done": _("follow-up done"),
        "note.add": _("note added"),
    }
    return labels.get(entry.action, entry.action)


# --- follow-up card ------------------------------------------------------------------------------


def follow_up_card(
    t: Translator,
    *,
    code: str,
    current: ReferralStatus,
    new_status: ReferralStatus | None,
    reason: RejectionReason | None,
    note: str | None,
    next_due: date | None,
) -> str:
    _ = t.gettext
    lines = [
        _("Follow-up of {code} (now: {status}).").format(code=code, status=status_name(t, current))
    ]
    if new_status is not None:
        change = status_name(t, new_status)
        if reason is not None:
            change += f" ({reason_name(t, reason)})"
        lines.append(_("New status: {status}").format(status=change))
    if note:
        lines.append(_("Note: {note}").format(note=note))
    if next_due is not None:
        lines.append(_("Next follow-up: {date}").format(date=t.short_date(next_due)))
    lines.append(_("Choose what to log, then Save."))
    return "\n".join(lines)


def ask_follow_up_note(t: Translator) -> str:
    return t.gettext("Write the note (up to {limit} characters):").format(limit=MAX_NOTE_CHARS)


def ask_follow_up_date(t: Translator) -> str:
    return t.gettext("When is the next follow-up? For example “el lunes”, “en 3 días” or “15/12”.")


def bad_date(t: Translator) -> str:
    return t.gettext(
        "I didn't understand that date (or it is in the past). Try “el lunes”, “en 3 días” "
        "or “15/12”."
    )


def nothing_to_save(t: Translator) -> str:
    return t.gettext("Choose a status, a note or a date first.")


def follow_up_saved(t: Translator, code: str) -> str:
    return t.gettext("Saved the follow-up of {code}.").format(code=code)


def follow_up_cancelled(t: Translator) -> str:
    return t.gettext("Follow-up discarded. Nothing was saved.")


# --- reminders (domain/services/reminders.py decides who and when) ----------------------------


def reminder_escalated(t: Translator, code: str, organization: str, hours: int) -> str:
    _ = t.gettext
    return _(
        "Escalated: referral {code} to {organization} has had no answer for {hours} hours.\n"
        "Please get in touch with the organisation so the person is not left waiting."
    ).format(code=code, organization=organization, hours=hours)


def reminder_follow_up_due(t: Translator, code: str) -> str:
    _ = t.gettext
    return _(
        "Follow-up due today for {code}.\n"
        "Log what happened (a status, a note or the next date) with the button below."
    ).format(code=code)


def reminder_follow_up_overdue(t: Translator, code: str, due: str) -> str:
    _ = t.gettext
    return _(
        "Overdue: the follow-up of {code} was due on {due}.\n"
        "Log it when you can with the button below."
    ).format(code=code, due=due)


def reminder_case_inactive(t: Translator, code: str, days: int) -> str:
    _ = t.gettext
    return _(
        "Case {code} is still open and has had no activity for {days} days.\n"
        "Please check on it with the organisations involved."
    ).format(code=code, days=days)


def reminder_staff_unreachable(t: Translator, name: str, organization: str) -> str:
    _ = t.gettext
    return _(
        "{name} ({organization}) blocked the bot: they no longer receive referrals or "
        "reminders. Please get in touch with them."
    ).format(name=name, organization=organization)


def capacity_question(t: Translator, service: str, organization: str) -> str:
    _ = t.gettext
    return _("Weekly check-in · {service} ({organization})\nDo you have room this week?").format(
        service=service, organization=organization
    )


def capacity_level(t: Translator, level: CapacityLevel) -> str:
    return {
        CapacityLevel.OPEN: t.pgettext("capacity", "yes, there is room"),
        CapacityLevel.LIMITED: t.pgettext("capacity", "few places"),
        CapacityLevel.FULL: t.pgettext("capacity", "full"),
        CapacityLevel.UNKNOWN: t.pgettext("capacity", "unknown"),
    }[level]


def capacity_button(t: Translator, level: CapacityLevel) -> str:
    return {
        CapacityLevel.OPEN: t.pgettext("button", "Yes"),
        CapacityLevel.LIMITED: t.pgettext("button", "Few places"),
        CapacityLevel.FULL: t.pgettext("button", "Full"),
        CapacityLevel.UNKNOWN: t.pgettext("button", "Unknown"),
    }[level]


def capacity_saved(t: Translator, service: str, level: CapacityLevel) -> str:
    _ = t.gettext
    return _("Thank you. {service} this week: {level}.").format(
        service=service, level=capacity_level(t, level)
    )
