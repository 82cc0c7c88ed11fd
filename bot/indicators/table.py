"""The indicators as rows (section, key, label, value): the CSV file and the terminal table.

Values are plain (a dot for decimals, no thousands separator) so a spreadsheet reads them in
any locale; a small group is the text "< 5". Nothing about one person is ever a row: no alias,
note, chat id or case code.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

from bot.i18n import Translator
from bot.indicators import texts as itexts
from domain.indicators import RECEIVER_KEYS, SENDER_KEYS, SMALL_CELL, Indicators, Shown


@dataclass(frozen=True)
class Row:
    section: str
    key: str
    label: str
    value: str


def plain(value: Shown | float) -> str:
    if value is None:
        return f"< {SMALL_CELL}"
    return str(value)


def _optional(value: float | None) -> str:
    return "" if value is None else str(value)


def rows(t: Translator, found: Indicators) -> list[Row]:
    names = itexts.figure_names(t)
    out: list[Row] = []

    def add(section: str, key: str, label: str, value: str) -> None:
        out.append(Row(section, key, label, value))

    for key in ("made", "accepted", "completed", "rejected"):
        add("referrals", key, names[key], plain(getattr(found, key)))
    add("referrals", "completion_rate", names["completion_rate"], _optional(found.completion_rate))
    add("referrals", "cross_sector", names["cross_sector"], plain(found.cross_sector))
    for prefix, duration in (
        ("acceptance", found.to_acceptance),
        ("contact", found.to_first_contact),
    ):
        add("times", f"{prefix}_median", names[f"{prefix}_median"], _optional(duration.median_days))
        add("times", f"{prefix}_p90", names[f"{prefix}_p90"], _optional(duration.p90_days))
    for reason, n in found.rejected_by_reason.items():
        add("rejections", reason.value, itexts.reason_label(t, reason), plain(n))
    add("people", "people", names["people"], plain(found.people))
    for group, n in found.by_age.items():
        add("age", group.value, itexts.age_name(t, group), plain(n))
    for gender, n in found.by_gender.items():
        add("gender", gender, itexts.gender_label(t, gender), plain(n))
    for need, n in found.by_need.items():
        add("need", need.value, itexts.need_name(t, need.value), plain(n))
    for outcome, n in found.outcomes.items():
        add("outcome", outcome.value, itexts.outcome_name(t, outcome), plain(n))
    for org in found.organizations:
        for key, n in (
            ("received", org.received),
            ("accepted", org.accepted),
            ("completed", org.completed),
            ("rejected", org.rejected),
        ):
            add("organization", key, f"{org.name} · {names[key]}", plain(n))
    for sender in SENDER_KEYS:
        for receiver in RECEIVER_KEYS:
            n = found.sector_matrix[(sender, receiver)]
            label = f"{itexts.sector_name(t, sender)} → {itexts.sector_name(t, receiver)}"
            add("matrix", f"{sender}>{receiver}", label, plain(n))
    return out


def csv_bytes(t: Translator, found: Indicators) -> bytes:
    """UTF-8 with a byte order mark (spreadsheets then read the accents right)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["section", "key", "label", "value"])
    writer.writerow(["period", "start", itexts.period_label(t, found.period), found.period.start])
    writer.writerow(["period", "end", itexts.period_label(t, found.period), found.period.end])
    for code in found.municipality_codes:
        writer.writerow(["municipality", "inegi_code", code, code])
    for row in rows(t, found):
        writer.writerow([row.section, row.key, row.label, row.value])
    writer.writerow(["note", "small_cells", itexts.suppression_note(t), f"< {SMALL_CELL}"])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def as_json(t: Translator, found: Indicators) -> str:
    data: dict[str, Any] = {
        "period": {"start": found.period.start.isoformat(), "end": found.period.end.isoformat()},
        "municipalities": list(found.municipality_codes),
        "small_cell": f"< {SMALL_CELL}",
        "rows": [row.__dict__ for row in rows(t, found)],
    }
    return json.dumps(data, ensure_ascii=False, indent=2)
