"""Scattered clients' visits (``solver.rounds``): rounds that travel, and waiting.

``visits``: every visit of a shift is need of a scattered client of the shift's unit, inside the
shift, reachable from the visit before in the travel time between the homes, held at most the
client's ``visit_window_minutes`` from its asked time (never a visit for two, never meeting
the client's other visits), and served by someone approved and competent for every client
visited. It holds by construction: the
candidates are grown only from reachable visits (``solver.rounds``), and the model's context
gives a shift with visits assignment variables only for staff who may serve all its clients.

``waiting`` and ``travel``: the hours of a shift that are neither a visit nor a break are paid
all the same; waiting is what the action plan wants gone, travel the price of a round.
"""

from __future__ import annotations

from collections.abc import Callable

from scheduler.solver.context import ModelContext, Penalty, PenaltySpec
from scheduler.solver.rules.base import Rule
from scheduler.solver.rules.eligibility import by_construction
from scheduler.solver.shifts import CandidateShift

WAITING = PenaltySpec("waiting", "paid waiting between or after visits", "hours", "waiting")
TRAVEL = PenaltySpec("travel", "travel between homes in rounds", "hours", "travel")


def _minutes_worked(ctx: ModelContext, spec: PenaltySpec,
                    minutes: Callable[[CandidateShift], int]) -> list[Penalty]:
    """Hours of ``minutes`` of each shift, per person on it."""
    shifts = ctx.shifts_by_index
    return [Penalty(spec, sum(minutes(shifts[i]) * var for (_, i), var in ctx.x.items()
                              if minutes(shifts[i])), 60)]


def add_waiting(ctx: ModelContext) -> list[Penalty]:
    return _minutes_worked(ctx, WAITING, lambda s: s.waiting_minutes)


def add_travel(ctx: ModelContext) -> list[Penalty]:
    return _minutes_worked(ctx, TRAVEL, lambda s: s.travel_minutes)


RULES = [
    Rule(
        id="visits",
        kind="hard",
        title="A shift's visits are scattered clients' need, in order, each reachable from the "
        "one before in the travel time and held within its client's visit window, by someone "
        "approved for every client visited",
        source="Action plan: scattered hours organised home-care-like (rounds)",
        add=by_construction,
    ),
    Rule(
        id="waiting",
        kind="soft",
        title="Little paid waiting between or after a scattered client's visits",
        source="Action plan: scattered hours cause extensive waiting time",
        add=add_waiting,
        penalties=(WAITING,),
    ),
    Rule(
        id="travel",
        kind="soft",
        title="Little travel between homes in rounds",
        source="Action plan: scattered hours organised home-care-like",
        add=add_travel,
        penalties=(TRAVEL,),
    ),
]
