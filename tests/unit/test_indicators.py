"""The pure parts of the coordinators' figures: suppression, percentiles, periods, the digest's
week and hours, time zones, and the /indicadores buttons (untrusted)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.indicators import callbacks as icb
from domain.errors import InvalidValue
from domain.indicators import (
    Duration,
    IndicatorFigures,
    PairCount,
    Period,
    ReferralCounts,
    digest_week,
    percentile,
    suppress,
)
from domain.municipal_time import zone_for_municipality


def test_groups_of_one_to_four_are_never_shown_but_zero_and_five_are() -> None:
    assert [suppress(n) for n in range(7)] == [0, None, None, None, None, 5, 6]


def test_percentiles_read_the_hour_histogram_like_a_sorted_list() -> None:
    hours = {6: 1, 12: 1, 24: 1, 36: 1, 48: 1, 72: 1, 96: 1}
    assert percentile(hours, 0.5) == 36 and percentile(hours, 0.9) == 96
    assert percentile({24: 2, 72: 2}, 0.5) == 48  # even count: the two middle values
    assert percentile({}, 0.5) is None


def test_a_duration_over_fewer_than_five_referrals_is_not_shown() -> None:
    assert Duration.of({10: 4}) == Duration(None, None, None)
    assert Duration.of({24: 5}) == Duration(1.0, 1.0, 5)


def test_a_period_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(InvalidValue):
        Period(date(2026, 3, 2), date(2026, 3, 1))


def test_period_days_are_counted_in_the_municipality_time_zone() -> None:
    start, end = Period.month(2026, 3).bounds("America/Ciudad_Juarez")
    # Mountain time: UTC-7 on 1 March, UTC-6 after the US change on 8 March.
    assert start == datetime(2026, 3, 1, 7, tzinfo=UTC)
    assert end == datetime(2026, 4, 1, 6, tzinfo=UTC)
    assert Period.last_months(date(2026, 2, 10), 3) == Period(date(2025, 12, 1), date(2026, 2, 10))


def test_the_digest_is_due_from_monday_nine_local_time_and_never_at_night() -> None:
    zone = "America/Tijuana"
    monday_0830 = datetime(2026, 3, 16, 15, 30, tzinfo=UTC)  # UTC-7 in March
    assert digest_week(monday_0830, zone) is None
    week = digest_week(datetime(2026, 3, 16, 16, 5, tzinfo=UTC), zone)
    assert week is not None and week.key == "2026-W12"
    assert week.covered == Period(date(2026, 3, 9), date(2026, 3, 15))
    assert digest_week(datetime(2026, 3, 18, 6, 0, tzinfo=UTC), zone) is None  # 23:00
    wednesday = digest_week(datetime(2026, 3, 18, 18, 0, tzinfo=UTC), zone)
    assert wednesday == week  # still this week's digest if the bot was down on Monday


@pytest.mark.parametrize(
    ("municipality", "state", "zone"),
    [
        ("Tijuana", "Baja California", "America/Tijuana"),
        ("Juárez", "Chihuahua", "America/Ciudad_Juarez"),
        ("Chihuahua", "Chihuahua", "America/Chihuahua"),
        ("Guadalupe", "Nuevo León", "America/Monterrey"),
        ("Guadalupe", "Zacatecas", "America/Mexico_City"),
        ("Morelia", "Michoacán", "America/Mexico_City"),
        ("Tijuana", None, "America/Tijuana"),
        ("Ciudad Juárez", None, "America/Ciudad_Juarez"),
    ],
)
def test_each_municipality_has_its_time_zone(
    municipality: str, state: str | None, zone: str
) -> None:
    assert zone_for_municipality(municipality, state) == zone


def test_the_cross_sector_count_leaves_out_same_sector_and_members_own_requests() -> None:
    from domain.indicators import OrganizationFacts, build_indicators
    from domain.taxonomy import Sector

    orgs = {
        "a": OrganizationFacts("A", Sector.GOVERNMENT),
        "b": OrganizationFacts("B", Sector.GOVERNMENT),
        "c": OrganizationFacts("C", Sector.ACADEMIC),
    }
    pairs = (
        PairCount("a", "b", 7, 0, 0, 0),
        PairCount("a", "c", 6, 0, 0, 0),
        PairCount(None, "c", 9, 0, 0, 0),
    )
    figures = IndicatorFigures(ReferralCounts(made=22), pairs, (), {}, {}, orgs)
    found = build_indicators(figures, Period.month(2026, 3), ["08037"])
    assert found.cross_sector == 6
    assert found.sector_matrix[("government", "government")] == 7
    assert found.sector_matrix[("member_request", "academic")] == 9


@pytest.mark.parametrize(
    "data",
    [
        "ix:p:week",
        "ix:m:2026-3",
        "ix:m:1999-01",
        "ix:p",
        "ix:m:2026-01:x",
        "sc:o:1",
        "",
        "ix:" * 30,
    ],
)
def test_forged_or_malformed_period_buttons_parse_to_nothing(data: str) -> None:
    assert icb.parse(data) is None


def test_a_month_button_must_be_one_that_was_offered() -> None:
    today = date(2026, 4, 2)
    action = icb.parse("ix:m:2026-03")
    assert action is not None and icb.period_of(action, today) == Period.month(2026, 3)
    future = icb.parse("ix:m:2026-05")
    assert future is not None
    with pytest.raises(InvalidValue):
        icb.period_of(future, today)
    for period in icb.PERIODS:
        assert icb.parse(icb.encode(icb.ChoosePeriod(period))) == icb.ChoosePeriod(period)
