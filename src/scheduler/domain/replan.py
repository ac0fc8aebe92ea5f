"""Re-planning: a new plan made from a previous one after something changed (a sick call, a
client in hospital), from a given moment on.

Everything of the previous plan before ``start`` (and a shift already running then) is kept as
pinned shifts; no other shift may start before ``start``. From then on the previous plan's
shifts are the reference the changes are counted against: each hour of a previous shift the new
plan does not keep exactly (same staff member, client or unit, start and end) and each hour of
a new shift the previous plan did not have costs ``weights.change``, so a re-plan changes only
what must change and what clearly pays. ``scheduler replan`` fills this in from a previous
schedule (``planning.replan``); the validator re-checks both against this section alone.
"""

from __future__ import annotations

from pydantic import Field

from scheduler.domain.common import Frozen, LocalDateTime
from scheduler.domain.pins import PlannedShift


class Replan(Frozen):
    start: LocalDateTime = Field(
        description="From this moment on the plan may change (``--from``); before it, only "
        "pinned shifts (the previous plan's) are worked.")
    previous_shifts: list[PlannedShift] = Field(
        default_factory=list,
        description="The previous plan's shifts that start at or after ``start``: what changes "
        "are counted against.")
