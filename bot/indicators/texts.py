"""What coordinators read: indicator labels (chart, CSV, terminal), the period question, the
weekly digest. Usted or neutral, brief; numbers formatted by Babel for the reader's locale."""

from __future__ import annotations

from datetime import date

from babel.dates import format_skeleton
from babel.numbers import format_percent

from bot.i18n import Translator
from bot.staff.demand_texts import need_name as demand_need_name
from bot.staff.texts import gender_name, reason_name
from bot.texts import category_label, with_danger_line
from domain.cases import Gender, MemberOutcome, RejectionReason
from domain.indicators import (
    MEMBER_REQUEST,
    SMALL_CELL,
    UNKNOWN_SECTOR,
    AgeGroup,
    Period,
    Shown,
    WeeklyDigest,
)
from domain.taxonomy import Category, Sector

# --- numbers ------------------------------------------------------------------------------------


def count(t: Translator, value: Shown) -> str:
    """A count, or "< 5" for a small group (never the number itself)."""
    return f"< {SMALL_CELL}" if value is None else t.number(value)


def days(t: Translator, value: float | None) -> str:
    return "–" if value is None else t.number(value)


def percent(t: Translator, value: float | None) -> str:
    return "–" if value is None else format_percent(value, locale=t.locale)


def period_label(t: Translator, period: Period) -> str:
    """'1 mar 2026 – 31 mar 2026' / 'Mar 1, 2026 – Mar 31, 2026'."""
    start = format_skeleton("yMMMd", period.start, locale=t.locale)
    end = format_skeleton("yMMMd", period.end, locale=t.locale)
    return f"{start} – {end}"


def month_label(t: Translator, year: int, month: int) -> str:
    return format_skeleton("yMMM", date(year, month, 1), locale=t.locale)


# --- labels -------------------------------------------------------------------------------------


def sector_name(t: Translator, key: str) -> str:
    names = {
        Sector.CIVIL_SOCIETY.value: t.pgettext("sector", "Civil society"),
        Sector.GOVERNMENT.value: t.pgettext("sector", "Government"),
        Sector.PRIVATE.value: t.pgettext("sector", "Private sector"),
        Sector.ACADEMIC.value: t.pgettext("sector", "Academia"),
        MEMBER_REQUEST: t.pgettext("sector", "Request through Juntos"),
        UNKNOWN_SECTOR: t.pgettext("sector", "Not recorded"),
    }
    return names[key]


def age_name(t: Translator, group: AgeGroup) -> str:
    if group is AgeGroup.UNKNOWN:
        return t.pgettext("age group", "Not stated")
    return group.value


def gender_label(t: Translator, key: str) -> str:
    if key == UNKNOWN_SECTOR:
        return t.pgettext("gender", "Not stated")
    return gender_name(t, Gender(key))


def outcome_name(t: Translator, outcome: MemberOutcome) -> str:
    names = {
        MemberOutcome.USEFUL: t.pgettext("outcome", "It helped"),
        MemberOutcome.PARTLY: t.pgettext("outcome", "It helped a little"),
        MemberOutcome.NOT_USEFUL: t.pgettext("outcome", "It did not help"),
    }
    return names[outcome]


def reason_label(t: Translator, reason: RejectionReason) -> str:
    return reason_name(t, reason)


def need_name(t: Translator, code: str) -> str:
    return category_label(t, Category(code))


def figure_names(t: Translator) -> dict[str, str]:
    """Labels of the single figures and of the sections (chart, CSV, terminal)."""
    return {
        "made": t.pgettext("indicator", "Referrals made"),
        "accepted": t.pgettext("indicator", "Accepted"),
        "completed": t.pgettext("indicator", "Completed"),
        "rejected": t.pgettext("indicator", "Rejected"),
        "completion_rate": t.pgettext("indicator", "Completion rate (completed / made)"),
        "acceptance_median": t.pgettext("indicator", "Days to acceptance, median"),
        "acceptance_p90": t.pgettext("indicator", "Days to acceptance, 90th percentile"),
        "contact_median": t.pgettext("indicator", "Days to first contact, median"),
        "contact_p90": t.pgettext("indicator", "Days to first contact, 90th percentile"),
        "people": t.pgettext("indicator", "People served"),
        "cross_sector": t.pgettext("indicator", "Referrals between sectors"),
        "referrals": t.pgettext("indicator section", "Referrals"),
        "times": t.pgettext("indicator section", "Time to answer"),
        "rejections": t.pgettext("indicator section", "Rejections by reason"),
        "age": t.pgettext("indicator section", "People by age group"),
        "gender": t.pgettext("indicator section", "People by gender"),
        "need": t.pgettext("indicator section", "People by need"),
        "outcome": t.pgettext("indicator section", "Did it help? (people's answers)"),
        "organization": t.pgettext("indicator section", "By receiving organisation"),
        "matrix": t.pgettext("indicator section", "Referrals between sectors (from → to)"),
        "received": t.pgettext("indicator", "Received"),
    }


def chart_title(t: Translator, places: str) -> str:
    return t.gettext("Indicators · {places}").format(places=places)


def all_municipalities(t: Translator) -> str:
    return t.gettext("All municipalities")


def suppression_note(t: Translator) -> str:
    return t.gettext("Groups of fewer than {n} people are shown as “< {n}”.").format(n=SMALL_CELL)


def days_axis(t: Translator) -> str:
    return t.pgettext("chart axis", "days")


def median_label(t: Translator) -> str:
    return t.pgettext("chart legend", "median")


def p90_label(t: Translator) -> str:
    return t.pgettext("chart legend", "90th percentile")


def to_acceptance_short(t: Translator) -> str:
    return t.pgettext("chart", "to acceptance")


def to_contact_short(t: Translator) -> str:
    return t.pgettext("chart", "to first contact")


def from_label(t: Translator) -> str:
    return t.pgettext("chart axis", "sent by")


def to_label(t: Translator) -> str:
    return t.pgettext("chart axis", "received by")


# --- /indicadores -------------------------------------------------------------------------------


def coordinators_only(t: Translator, member: bool) -> str:
    """Staff, and members (who also get the danger line: no dead end)."""
    text = t.gettext(
        "Indicators are for the coordination of a municipality. If you coordinate one, ask for "
        "an invitation link as coordinator."
    )
    return with_danger_line(t, text) if member else text


def ask_period(t: Translator, places: str) -> str:
    return t.gettext("Indicators of {places}. Which period?").format(places=places)


def ask_month(t: Translator) -> str:
    return t.gettext("Which month?")


def period_buttons(t: Translator) -> dict[str, str]:
    return {
        "month": t.pgettext("period", "This month"),
        "3m": t.pgettext("period", "Last 3 months"),
        "year": t.pgettext("period", "This year"),
        "other": t.pgettext("period", "Another month"),
    }


def empty_period(t: Translator, period: Period) -> str:
    return t.gettext(
        "No referrals were made in {period}, so there is nothing to chart. Choose another "
        "period below."
    ).format(period=period_label(t, period))


def not_theirs(t: Translator) -> str:
    return t.gettext("Those indicators are not of your municipalities. Nothing was shown.")


def photo_caption(t: Translator, places: str, period: Period, made: str, rate: str) -> str:
    return t.gettext(
        "{places}, {period}: {made} referrals made, {rate} completed. The numbers are in the "
        "CSV file below."
    ).format(places=places, period=period_label(t, period), made=made, rate=rate)


def csv_name(t: Translator, period: Period) -> str:
    stem = t.pgettext("file name", "indicators")
    return f"{stem}-{period.start.isoformat()}-{period.end.isoformat()}.csv"


def stale(t: Translator) -> str:
    return t.gettext("That button is no longer valid. Write /indicadores to start again.")


# --- the weekly digest --------------------------------------------------------------------------


def digest_text(
    t: Translator, digest: WeeklyDigest, places: str, unmet_place: str | None = None
) -> str:
    """Short enough for a phone: what needs action first, then the week's figures;
    `unmet_place` names the municipality of the week's largest unmet need."""
    _ = t.gettext
    week = digest.week.covered
    lines = [
        _("Weekly summary · {places} · {period}").format(
            places=places, period=period_label(t, week)
        )
    ]
    if digest.overdue_total:
        lines.append(
            t.ngettext(
                "⏰ {n} case has an overdue follow-up (buttons below).",
                "⏰ {n} cases have an overdue follow-up (buttons below).",
                digest.overdue_total,
            ).format(n=t.number(digest.overdue_total))
        )
    else:
        lines.append(_("No overdue follow-ups."))
    lines.append(
        _(
            "Referrals: {made} new · {accepted} accepted · {completed} completed · "
            "{rejected} rejected"
        ).format(
            made=count(t, digest.made),
            accepted=count(t, digest.accepted),
            completed=count(t, digest.completed),
            rejected=count(t, digest.rejected),
        )
    )
    if digest.rejected_by_reason:
        reasons = [
            f"{reason_name(t, reason)} {count(t, n)}"
            for reason, n in digest.rejected_by_reason.items()
        ]
        lines.append(_("Rejected because: {reasons}").format(reasons=", ".join(reasons)))
    lines.append(
        _("Median days to acceptance: {accept} · to first contact: {contact}").format(
            accept=days(t, digest.to_acceptance.median_days),
            contact=days(t, digest.to_first_contact.median_days),
        )
    )
    if digest.failed_reminders != 0:
        lines.append(
            _("Reminders that could not be delivered: {n}").format(
                n=count(t, digest.failed_reminders)
            )
        )
    if digest.silent_organizations:
        lines.append(
            # Translators: organisations that have not answered the weekly "do you have room?"
            # question for two weeks; members see their capacity as unknown.
            _("No answer to the capacity check-in for two weeks: {names}").format(
                names=t.and_list(list(digest.silent_organizations))
            )
        )
    if digest.unmet_need is not None:
        lines.append(
            # Translators: the need most searched this week with no service within 10 km.
            _(
                "Most searched without a service within 10 km: {need} in {place} ({n} searches)"
            ).format(
                need=demand_need_name(t, digest.unmet_need.need),
                place=unmet_place or digest.unmet_need.municipality_code,
                n=t.number(digest.unmet_need.searches),
            )
        )
    return "\n".join(lines)


def full_indicators_button(t: Translator) -> str:
    return t.pgettext("button", "Full indicators")
