"""The weekly capacity answers as HSDS 3.1 `service_capacity` (and the one `units` row it uses).

HSDS counts capacity in units; a check-in answer is a level, so the unit is Juntos' own
"weekly capacity level" (scheme `juntos`): 2 there is room, 1 few places, 0 full. The
description repeats the level in words and `updated` is when staff answered; readers decide
how old is too old (Juntos shows an answer older than two weeks as unknown).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from pathlib import Path

from domain.capacity import CapacityAnswer, CapacityLevel
from storage.hsds.csvio import write_table

CAPACITY_COLUMNS = ("id", "service_id", "unit_id", "available", "maximum", "description", "updated")
UNIT_COLUMNS = ("id", "name", "scheme", "identifier", "uri")
_NAMESPACE = uuid.UUID("6f1d9a52-3c1e-4f7e-9a77-0c8f7b1f2d10")
UNIT_ID = str(uuid.uuid5(_NAMESPACE, "unit:weekly-capacity-level"))
LEVELS = {CapacityLevel.OPEN: "2", CapacityLevel.LIMITED: "1", CapacityLevel.FULL: "0"}


def capacity_rows(answers: Sequence[CapacityAnswer]) -> list[list[str]]:
    return [
        [
            str(uuid.uuid5(_NAMESPACE, f"capacity:{a.service_id}")),
            a.service_id,
            UNIT_ID,
            LEVELS.get(a.level, ""),
            "2",
            a.level.value,
            a.answered_at.isoformat(),
        ]
        for a in sorted(answers, key=lambda a: a.service_id)
        if a.level in LEVELS
    ]


def write_capacity(answers: Sequence[CapacityAnswer], target: Path) -> int:
    """Write service_capacity.csv and units.csv into `target`; rows of service_capacity."""
    rows = capacity_rows(answers)
    write_table(target / "service_capacity.csv", CAPACITY_COLUMNS, rows)
    unit = [UNIT_ID, "Weekly capacity level (2 room, 1 few places, 0 full)", "juntos", "level", ""]
    write_table(target / "units.csv", UNIT_COLUMNS, [unit])
    return len(rows)
