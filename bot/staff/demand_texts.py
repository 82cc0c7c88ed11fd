"""What coordinators read about unmet demand (/demanda, `juntos report demand`): usted or
neutral, brief, every small count already suppressed by the domain ("< 5")."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date

from bot.i18n import Translator
from bot.texts import category_label
from domain.demand import ANY_NEED, MIN_SHOWN, UNMEASURED_NEEDS, WITHIN_KM, Share, Shown
from domain.emergency import DangerKind
from domain.services.demand import PeriodChoice
from domain.services.demand_report import DemandReport, NewServiceArea
from domain.taxonomy import parse_category

#: Rows of the ranked table in a Telegram message (the CSV has them all).
MESSAGE_ROWS = 8
#: Weeks of the trend in a Telegram message (the picture has them all).
MESSAGE_WEEKS = 6


def need_name(t: Translator, need: str) -> str:
    if need == ANY_NEED:
        return t.pgettext("demand", "Any kind of help")
    category = parse_category(need)
    return category_label(t, category) if category is not None else need


def kind_name(t: Translator, kind: str) -> str:
    labels = {
        DangerKind.SUICIDE_SELF_HARM: t.pgettext("danger", "Suicide or self-harm"),
        DangerKind.VIOLENCE_NOW: t.pgettext("danger", "Violence happening now"),
        DangerKind.THREAT: t.pgettext("danger", "Threats"),
        DangerKind.SEXUAL_VIOLENCE: t.pgettext("danger", "Sexual violence"),
        DangerKind.SHOOTING: t.pgettext("danger", "Shooting"),
        DangerKind.KIDNAPPING: t.pgettext("danger", "Kidnapping"),
        DangerKind.CHILD_ABUSE: t.pgettext("danger", "Child abuse"),
        DangerKind.EMERGENCY: t.pgettext("danger", "Emergency (unspecified)"),
    }
    try:
        return labels[DangerKind(kind)]
    except ValueError:
        return kind


def shown(t: Translator, count: Shown) -> str:
    """A count, or "< 5" (the same in every language)."""
    return str(count) if count.suppressed else t.number(count.value)


def share_text(t: Translator, need: str, share: Share) -> str:
    if need in UNMEASURED_NEEDS:
        return t.gettext("not measured (confidential places)")
    if share.percent is None:
        return t.gettext("< {minimum} searches").format(minimum=MIN_SHOWN)
    # Translators: share is like "40%".
    return t.gettext("{share} of {total}").format(
        share=f"{share.percent}%", total=t.number(share.total)
    )


def day(t: Translator, value: date) -> str:
    return format_date(value, format="medium", locale=t.locale)


def period_label(t: Translator, choice: PeriodChoice) -> str:
    labels = {
        PeriodChoice.MONTH: t.pgettext("period", "This month"),
        PeriodChoice.QUARTER: t.pgettext("period", "Last 3 months"),
        PeriodChoice.YEAR: t.pgettext("period", "This year"),
    }
    return labels[choice]


def ask_period(t: Translator, municipality: str) -> str:
    return t.gettext(
        "Where help is missing in {municipality}: searches without a service within {km} km. "
        "Which period?"
    ).format(municipality=municipality, km=t.km(WITHIN_KM))


def ask_municipality(t: Translator) -> str:
    return t.gettext("Which municipality?")


def name_a_municipality(t: Translator) -> str:
    return t.gettext("Which municipality? For example: /demanda Juárez, Chihuahua")


def not_your_municipality(t: Translator) -> str:
    return t.gettext(
        "You can see the unmet demand of the municipalities you coordinate only. Nothing was shown."
    )


def csv_caption(t: Translator) -> str:
    return t.gettext("The whole table (counts under {minimum} shown as “< {minimum}”).").format(
        minimum=MIN_SHOWN
    )


def demand_only_coordinators(t: Translator) -> str:
    return t.gettext(
        "The map of unmet demand is for the coordinators of a municipality. Nothing was shown."
    )


def nothing_in_period(t: Translator, municipality: str, start: date, end: date) -> str:
    return t.gettext(
        "No searches were counted in {municipality} from {start} to {end}. Nothing to draw yet."
    ).format(municipality=municipality, start=day(t, start), end=day(t, end))


def map_title(t: Translator, report: DemandReport) -> str:
    title = t.gettext("Where help is missing: {municipality}").format(
        municipality=report.municipality.name
    )
    if report.need is not None:
        title += f" · {need_name(t, report.need)}"
    return title


def period_line(t: Translator, report: DemandReport) -> str:
    line = t.gettext("{start} to {end}").format(
        start=day(t, report.period.start), end=day(t, report.period.end)
    )
    if report.fictional:
        line += " · " + t.gettext("includes fictional demo counts")
    return line


def legend_unmet(t: Translator) -> str:
    return t.gettext("Searches without a service within {km} km").format(km=t.km(WITHIN_KM))


def legend_suppressed(t: Translator) -> str:
    return t.gettext("Fewer than {minimum} searches (not shaded)").format(minimum=MIN_SHOWN)


def legend_service(t: Translator) -> str:
    return t.gettext("Public service")


def legend_new_service(t: Translator) -> str:
    return t.gettext("Where one new service would serve the most")


def legend_trend(t: Translator) -> str:
    return t.gettext("Searches per week (dark: without a service within {km} km)").format(
        km=t.km(WITHIN_KM)
    )


def legend_area(t: Translator) -> str:
    return t.gettext("A1, A2…: areas of about 5 km², most unmet searches first")


def unmet_title(t: Translator) -> str:
    return t.gettext("Needs without a service nearby:")


def shares_title(t: Translator) -> str:
    return t.gettext("Served within {km} km, by need:").format(km=t.km(WITHIN_KM))


def picks_title(t: Translator) -> str:
    return t.gettext("Where one new service would serve the most unmet searches:")


def pick_line(t: Translator, pick: NewServiceArea) -> str:
    return t.gettext("{need} in {area}: {count} searches").format(
        need=need_name(t, pick.need), area=pick.area.label, count=shown(t, pick.serves)
    )


def crises_title(t: Translator) -> str:
    return t.gettext("Crisis lines shown, by kind:")


def week_header(t: Translator) -> str:
    return t.gettext("week")


def hidden_groups(t: Translator, count: int) -> str:
    return t.ngettext(
        "{count} more group with fewer than {minimum} (in the CSV as “< {minimum}”).",
        "{count} more groups with fewer than {minimum} each (in the CSV as “< {minimum}”).",
        count,
    ).format(count=count, minimum=MIN_SHOWN)


def summary(t: Translator, report: DemandReport) -> str:
    """The Telegram message that goes with the map (the CSV has every row)."""
    _ = t.gettext
    lines = [
        map_title(t, report),
        period_line(t, report),
        _("Searches: {total} · without a service within {km} km: {unmet}").format(
            total=shown(t, report.total), km=t.km(WITHIN_KM), unmet=shown(t, report.unmet)
        ),
        "",
        unmet_title(t),
    ]
    visible = [r for r in report.unmet_rows if not r.unmet.suppressed]
    lines.extend(
        f"{i}. {need_name(t, r.need)} · {r.area.label}: {shown(t, r.unmet)}"
        for i, r in enumerate(visible[:MESSAGE_ROWS], start=1)
    )
    if len(visible) > MESSAGE_ROWS:
        more = len(visible) - MESSAGE_ROWS
        lines.append(
            t.ngettext(
                "{count} more row in the CSV.", "{count} more rows in the CSV.", more
            ).format(count=more)
        )
    hidden = len(report.unmet_rows) - len(visible)
    if not visible:
        lines.append(_("None with {minimum} searches or more.").format(minimum=MIN_SHOWN))
    if hidden:
        lines.append(hidden_groups(t, hidden))
    lines += ["", shares_title(t)]
    lines.extend(
        f"{need_name(t, need)}: {share_text(t, need, share)}" for need, share in report.shares
    )
    if report.new_service_areas:
        lines += ["", picks_title(t)]
        lines.extend(pick_line(t, a) for a in report.new_service_areas)
    lines += ["", _("Recent weeks (searches / without service):")]
    lines.extend(
        f"{w.week}: {shown(t, w.searches)} / {shown(t, w.unmet)}"
        for w in report.trend[-MESSAGE_WEEKS:]
    )
    if report.crises:
        lines += ["", crises_title(t)]
        lines.extend(f"{kind_name(t, kind)}: {shown(t, n)}" for kind, n in report.crises)
    return "\n".join(lines)


def csv_header(t: Translator) -> list[str]:
    _ = t.gettext
    return [
        _("need"),
        _("area"),
        _("cell"),
        _("latitude"),
        _("longitude"),
        _("searches"),
        _("without service within 10 km"),
    ]


def file_name(report: DemandReport, extension: str) -> str:
    return (
        f"demanda-{report.municipality.inegi_code}-{report.period.start.isoformat()}"
        f"-{report.period.end.isoformat()}.{extension}"
    )
