"""Whether a service has room this week: what its organisation answered on Monday.

HSDS 3.1 keeps this in `service_capacity`; an answer older than two weeks says nothing any
more (shown as unknown, and the coordinators' digest names the organisation).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

#: An answer this old no longer counts.
STALE_AFTER = timedelta(days=14)


class CapacityLevel(StrEnum):
    OPEN = "open"
    LIMITED = "limited"
    FULL = "full"
    UNKNOWN = "unknown"


#: What staff may answer (unknown is what silence means).
ANSWERS = (CapacityLevel.OPEN, CapacityLevel.LIMITED, CapacityLevel.FULL)


@dataclass
class CapacityAnswer:
    id: int | None
    service_id: str
    level: CapacityLevel
    answered_at: datetime
    answered_by: str = "system"


def current_level(answer: CapacityAnswer | None, now: datetime) -> CapacityLevel:
    """The level to show now: the answer, unless there is none or it is two weeks old."""
    if answer is None or now - answer.answered_at >= STALE_AFTER:
        return CapacityLevel.UNKNOWN
    return answer.level
