"""The variable container every rule works on, and the penalty terms soft rules return.

Assignment variables exist only for eligible combinations (approved, competent, available for the
whole shift), so most of the eligibility rules hold by construction.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from scheduler.solver.problem import Problem
from scheduler.solver.shifts import CandidateShift

# Objective coefficients are integers: raw values are scaled so every unit divides this.
OBJECTIVE_SCALE = 6000


@dataclass(frozen=True)
class PenaltySpec:
    """A soft rule's penalty term, declared once: its id (as reported in a schedule), the label
    and unit people read, and the ``weights`` field that prices one unit of it. The schedule's
    penalty list, the validator's recomputation and ``docs/rules.md`` all follow this."""

    id: str
    label: str
    unit: str
    weight_field: str  # a field of ``domain.settings.Weights``


@dataclass(frozen=True)
class Penalty:
    """A soft rule's raw penalty in the model: ``expr / scale`` units of ``spec``."""

    spec: PenaltySpec
    expr: cp_model.LinearExprT
    scale: int

    @property
    def rule(self) -> str:
        return self.spec.id


@dataclass
class ModelContext:
    problem: Problem
    model: cp_model.CpModel
    shifts: list[CandidateShift]
    owners: list[str]  # demand owner keys (clients and group units)
    staff_ids: list[str]
    x: dict[tuple[str, int], cp_model.IntVar] = field(default_factory=dict)
    by_staff: dict[str, list[tuple[CandidateShift, cp_model.IntVar]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    by_shift: dict[int, list[tuple[str, cp_model.IntVar]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    staffed: dict[int, cp_model.IntVar] = field(default_factory=dict)
    restricted: bool = False  # built with ``only``: a given schedule or a move's pairs
    # Intervals per (staff, timeline); each timeline becomes one NoOverlap.
    timelines: dict[tuple[str, str], list[cp_model.IntervalVar]] = field(
        default_factory=lambda: defaultdict(list)
    )
    # Left by rules for the relaxation's cuts (``solver.cuts``): "works for" per (client, staff)
    # from continuity; per staff member the additional hours and overtime (minutes) of each
    # limiting period from the contract balance.
    works_for: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)
    beyond_contract: dict[str, list[cp_model.IntVar]] = field(
        default_factory=lambda: defaultdict(list)
    )

    @classmethod
    def build(cls, problem: Problem, shifts: list[CandidateShift], owners: list[str],
              staff_ids: list[str], only: set[tuple[str, int]] | None = None) -> ModelContext:
        """``only`` restricts the assignments to these (staff, shift) pairs: a model of one
        given schedule, used to evaluate it exactly and to complete hints."""
        ctx = cls(problem, cp_model.CpModel(), shifts, owners, staff_ids,
                  restricted=only is not None)
        staff_set = set(staff_ids)
        prefix = {sid: problem.staff[sid].available_prefix for sid in staff_ids}
        rules = problem.scenario.rules
        eligible_sets: dict[str, set[str]] = {}

        def eligible_set(owner: str) -> set[str]:
            if owner not in eligible_sets:
                eligible_sets[owner] = set(problem.demands[owner].eligible_staff)
            return eligible_sets[owner]

        # With ``only`` (a move's or a schedule's pairs, a few per shift), each shift's own
        # pairs in the order of its eligible staff: the same variables in the same order as
        # walking every eligible member, without walking them.
        only_by_shift: dict[int, list[str]] = defaultdict(list)
        for sid, index in only or ():
            only_by_shift[index].append(sid)
        positions: dict[str, dict[str, int]] = {}

        def asked(shift: CandidateShift, eligible: list[str]) -> list[str]:
            if only is None:
                return eligible
            mine = only_by_shift.get(shift.index)
            if not mine:
                return []
            if shift.owner not in positions:
                positions[shift.owner] = {sid: k for k, sid in enumerate(eligible)}
            place = positions[shift.owner]
            return sorted((sid for sid in mine if sid in place), key=place.__getitem__)

        for shift in shifts:
            data = problem.demands[shift.owner]
            # A round: someone who may serve every client it visits.
            visited = ([eligible_set(o) for o in {v.owner for v in shift.visits}]
                       if shift.visits else [])
            for sid in asked(shift, data.eligible_staff):
                if sid not in staff_set:
                    continue
                if any(sid not in e for e in visited):
                    continue
                p = prefix[sid]
                if p[shift.end] - p[shift.start] != shift.end - shift.start:
                    continue  # absent or outside availability for part of the shift
                if not rules.allows_shift(sid, shift.client_id, shift.minutes / 60):
                    continue  # a long shift only for the staff its exception names
                var = ctx.model.new_bool_var(f"assign__{sid}__{data.label}__{shift.index}")
                ctx.x[sid, shift.index] = var
                ctx.by_staff[sid].append((shift, var))
                ctx.by_shift[shift.index].append((sid, var))
        for shift in shifts:
            takers = ctx.by_shift.get(shift.index, [])
            if not takers:
                continue
            top = min(int(problem.demands[o].demand.count[a:b].min()) for o, a, b in shift.served)
            y = ctx.model.new_int_var(0, min(top, len(takers)), f"staffed__{shift.index}")
            # LinearExpr.sum: the same constraint as sum(), faster to build.
            ctx.model.add(cp_model.LinearExpr.sum([v for _, v in takers]) == y).with_name(
                f"staffed_def__{shift.index}")
            ctx.staffed[shift.index] = y
        return ctx

    @property
    def shifts_by_index(self) -> dict[int, CandidateShift]:
        return {s.index: s for s in self.shifts}

    @property
    def live_shifts(self) -> list[CandidateShift]:
        """Shifts someone could take."""
        return [s for s in self.shifts if s.index in self.staffed]

