"""When reminders are due, and when nobody is disturbed: the rules, per municipality.

The defaults are the program's; the admin overrides them, for everyone or for one
municipality, in a TOML file read and validated at start (`juntos reminders check`).
Quiet hours are read in the recipient municipality's own time zone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from domain.municipal_time import zone_for_municipality

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class RulesError(ValueError):
    """The rules file cannot be used; the message names the place and the value."""


@dataclass(frozen=True)
class ReminderRules:
    #: A referral still `requested` this long reminds the receiving organisation's staff...
    referral_unanswered_hours: int = 48
    #: ...and this long, the municipality's coordinators.
    referral_escalate_hours: int = 72
    #: An open case with no activity this long is brought to the coordinators.
    case_inactive_days: int = 14
    #: Follow-ups (on their due date, and overdue the next day) are sent at this local time.
    follow_up_time: time = time(9, 0)
    #: Nothing is sent from quiet_start to quiet_end (local); what comes due waits.
    quiet_start: time = time(21, 0)
    quiet_end: time = time(8, 0)
    #: The weekly capacity check-in: day and local time.
    capacity_day: str = "monday"
    capacity_time: time = time(9, 0)
    #: A delivery that failed is retried this many times in all, waiting longer each time.
    max_attempts: int = 5
    retry_after_seconds: int = 60

    @property
    def referral_unanswered(self) -> timedelta:
        return timedelta(hours=self.referral_unanswered_hours)

    @property
    def referral_escalate(self) -> timedelta:
        return timedelta(hours=self.referral_escalate_hours)

    @property
    def case_inactive(self) -> timedelta:
        return timedelta(days=self.case_inactive_days)

    def backoff(self, attempts: int) -> timedelta:
        """Wait before the next attempt: 1, 2, 4, 8... times retry_after_seconds (max 1 day)."""
        return timedelta(seconds=min(self.retry_after_seconds * 2 ** max(attempts - 1, 0), 86400))

    def quiet_until(self, at: datetime, zone: str) -> datetime | None:
        """When `at` falls in quiet hours in `zone`: the end of them (aware, UTC), else None."""
        tz = ZoneInfo(zone)
        local = at.astimezone(tz)
        now = local.time().replace(tzinfo=None)
        start, end = self.quiet_start, self.quiet_end
        if start == end:
            return None
        overnight = start > end
        quiet = (now >= start or now < end) if overnight else start <= now < end
        if not quiet:
            return None
        day = local.date()
        if overnight and now >= start:
            day = day + timedelta(days=1)
        # Built from the wall clock, so a DST change during the night is taken into account.
        return datetime.combine(day, end, tzinfo=tz).astimezone(at.tzinfo)

    def at_local(self, day_at: datetime, moment: time, zone: str) -> datetime:
        """The given local time on the local day of `day_at` in `zone`, as an aware datetime."""
        tz = ZoneInfo(zone)
        local_day = day_at.astimezone(tz).date()
        return datetime.combine(local_day, moment, tzinfo=tz).astimezone(day_at.tzinfo)


DEFAULT_RULES = ReminderRules()


@dataclass(frozen=True)
class RuleBook:
    """The default rules and the municipalities (INEGI codes) that override some of them."""

    defaults: ReminderRules = DEFAULT_RULES
    municipalities: Mapping[str, ReminderRules] = field(default_factory=dict)

    def for_municipality(self, code: str | None) -> ReminderRules:
        if code is None:
            return self.defaults
        return self.municipalities.get(code, self.defaults)

    def zone(self, code: str | None) -> str:
        return zone_for_municipality(code or "")


DEFAULT_BOOK = RuleBook()

_FIELDS = {f.name: f for f in fields(ReminderRules)}


def _parse_value(where: str, key: str, value: Any) -> Any:
    kind = type(getattr(DEFAULT_RULES, key))
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise RulesError(f"{where}.{key}: expected a whole number of at least 1, got {value!r}")
        return value
    if kind is time:
        if not isinstance(value, str):
            raise RulesError(f'{where}.{key}: expected a time like "21:00", got {value!r}')
        try:
            hours, minutes = value.split(":")
            return time(int(hours), int(minutes))
        except ValueError:
            raise RulesError(
                f'{where}.{key}: expected a time like "21:00", got {value!r}'
            ) from None
    if key == "capacity_day":
        if not isinstance(value, str) or value.strip().lower() not in WEEKDAYS:
            raise RulesError(f"{where}.{key}: expected one of {', '.join(WEEKDAYS)}, got {value!r}")
        return value.strip().lower()
    raise RulesError(f"{where}.{key}: cannot be set")  # pragma: no cover - every field is typed


def _apply(base: ReminderRules, where: str, table: Any) -> ReminderRules:
    if not isinstance(table, Mapping):
        raise RulesError(f"{where}: expected a table of settings, got {table!r}")
    changes: dict[str, Any] = {}
    for key, value in table.items():
        if key not in _FIELDS:
            raise RulesError(
                f"{where}.{key}: unknown setting (known: {', '.join(sorted(_FIELDS))})"
            )
        changes[key] = _parse_value(where, key, value)
    rules = replace(base, **changes)
    if rules.referral_escalate_hours <= rules.referral_unanswered_hours:
        raise RulesError(
            f"{where}: referral_escalate_hours ({rules.referral_escalate_hours}) must be later "
            f"than referral_unanswered_hours ({rules.referral_unanswered_hours})"
        )
    return rules


def parse_rule_book(data: Mapping[str, Any]) -> RuleBook:
    """Read the parsed TOML: `[defaults]` and `[municipality."<INEGI code>"]` tables."""
    unknown = set(data) - {"defaults", "municipality"}
    if unknown:
        raise RulesError(
            f"unknown section(s) {', '.join(sorted(unknown))} (known: defaults, municipality)"
        )
    defaults = _apply(DEFAULT_RULES, "defaults", data.get("defaults", {}))
    overrides = data.get("municipality", {})
    if not isinstance(overrides, Mapping):
        raise RulesError(
            f'municipality: expected tables like [municipality."02004"], got {overrides!r}'
        )
    municipalities: dict[str, ReminderRules] = {}
    for code, table in overrides.items():
        if not (isinstance(code, str) and len(code) == 5 and code.isdigit()):
            raise RulesError(
                f'municipality.{code}: expected a 5-digit INEGI code like "02004" (Tijuana)'
            )
        municipalities[code] = _apply(defaults, f"municipality.{code}", table)
    return RuleBook(defaults, municipalities)
