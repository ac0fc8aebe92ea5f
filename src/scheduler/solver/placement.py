"""Placing the overstaffing team in vacancies: an assignment model in CP-SAT.

Each team member goes to at most one vacancy and each vacancy gets at most one member. Hours are
not split: a vacancy is one position (one employment, one unit manager); a member whose contract
is larger than the vacancy keeps the rest as pool time, which the capacity report shows.

A pair is *allowed* when the member has every required competence (the vacancy's and, for a
vacancy in a client's group, the client's), the hours differ by at most ``max_hours_gap`` and
the member is not absent on the start date. An allowed pair's *fit* is a sum of points (see
``PlacementWeights``); the model maximises the total fit. ``PlacementSettings`` guarantees every
allowed pair scores above zero, so no member is left out while a vacancy they fit stays empty.
A placement in a client's group without the client's approval is kept, marked
"needs introduction" (the client decides after meeting the assistant).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Final, Literal

from ortools.sat.python import cp_model
from pydantic import BaseModel, ConfigDict, Field

from scheduler.domain.placement import Vacancy
from scheduler.domain.scenario import Scenario
from scheduler.domain.staff import Staff
from scheduler.solver.params import CpSatStatus, status_name

PlacementStatus = Literal["placed", "needs introduction"]
SolveStatus = CpSatStatus
PLACED: Final = "placed"
NEEDS_INTRODUCTION: Final = "needs introduction"


# --- fit ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fit:
    member: str
    vacancy: str
    parts: dict[str, int]  # criterion → points (the hours gap is negative)
    needs_introduction: bool

    @property
    def total(self) -> int:
        return sum(self.parts.values())


def team_members(scenario: Scenario) -> list[Staff]:
    return [s for s in scenario.staff if s.overstaffing_team]


def required_competences(scenario: Scenario, vacancy: Vacancy) -> list[str]:
    """The vacancy's own, plus the client's: a member who cannot work for the client is no use."""
    needed = list(vacancy.required_competences)
    if vacancy.client is not None:
        client = scenario.client_by_id()[vacancy.client]
        needed += [c for c in client.required_competences if c not in needed]
    return needed


def blockers(scenario: Scenario, member: Staff, vacancy: Vacancy) -> list[str]:
    """Why ``member`` cannot take ``vacancy`` (empty: the pair is allowed)."""
    out = []
    missing = [c for c in required_competences(scenario, vacancy) if c not in member.competences]
    if missing:
        out.append(f"lacks {', '.join(missing)}")
    gap = vacancy.hours_per_week - member.contract_hours_per_week
    allowed = scenario.placement.max_hours_gap
    if abs(gap) > allowed + 1e-9:
        short = "the vacancy" if gap < 0 else "their contract"
        out.append(
            f"{short} has too few hours ({vacancy.hours_per_week:g} h/week vacancy, "
            f"{member.contract_hours_per_week:g} h/week contract; at most {allowed:g} h apart)"
        )
    if _absent_on(member, vacancy.start):
        out.append(f"absent on the start date {vacancy.start}")
    return out


def _absent_on(member: Staff, day: date) -> bool:
    midday = datetime.combine(day, datetime.min.time()).replace(hour=12)
    return any(a.start.replace(tzinfo=None) <= midday < a.end.replace(tzinfo=None)
               for a in member.absences)


def fit(scenario: Scenario, member: Staff, vacancy: Vacancy) -> Fit:
    """Points for placing ``member`` in ``vacancy`` (whether allowed or not: see ``blockers``)."""
    w = scenario.placement.weights
    parts = {
        "placed": w.placed,
        "hours_gap": -round(w.hours_gap * abs(vacancy.hours_per_week
                                              - member.contract_hours_per_week)),
        "desired_competences": w.desired_competence
        * sum(c in member.competences for c in vacancy.desired_competences),
        "preference": 0,
        "home_area": w.home_area if vacancy.area and vacancy.area == member.home_area else 0,
        "approved_by_client": 0,
        "same_unit": w.same_unit
        if vacancy.unit == member.home_unit or vacancy.unit in member.also_units else 0,
    }
    prefs = member.preferred_units
    if vacancy.unit in prefs:
        # First choice full points, later choices proportionally less.
        parts["preference"] = round(w.preference * (len(prefs) - prefs.index(vacancy.unit))
                                    / len(prefs))
    introduction = False
    if vacancy.client is not None:
        approved = member.id in scenario.client_by_id()[vacancy.client].approved_staff
        parts["approved_by_client"] = w.approved_by_client if approved else 0
        introduction = not approved
    return Fit(member.id, vacancy.id, parts, introduction)


def allowed_fits(scenario: Scenario) -> dict[tuple[str, str], Fit]:
    """(member, vacancy) → fit, for the allowed pairs only."""
    return {
        (m.id, v.id): fit(scenario, m, v)
        for m in team_members(scenario)
        for v in scenario.vacancies
        if not blockers(scenario, m, v)
    }


# --- the result (JSON contract) ----------------------------------------------------------------


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Placement(_Out):
    member: str
    vacancy: str
    unit: str
    client: str | None
    start: date
    vacancy_hours_per_week: float
    contract_hours_per_week: float
    fit: int
    fit_parts: dict[str, int] = Field(description="Points per criterion; they sum to fit.")
    status: PlacementStatus


class NotPlaced(_Out):
    member: str
    contract_hours_per_week: float
    reason: str


class Unfilled(_Out):
    vacancy: str
    unit: str
    client: str | None
    hours_per_week: float
    reason: str


class PlacementSolve(_Out):
    status: SolveStatus
    objective: int
    best_bound: float
    wall_seconds: float
    time_limit_seconds: float
    allowed_pairs: int


class PlacementResult(_Out):
    scenario: str
    placements: list[Placement]
    not_placed: list[NotPlaced]
    unfilled: list[Unfilled]
    solve: PlacementSolve

    def vacancy_of(self) -> dict[str, str]:
        """member → vacancy for every placement (also those needing an introduction)."""
        return {p.member: p.vacancy for p in self.placements}


# --- the model ---------------------------------------------------------------------------------



@dataclass
class _Model:
    model: cp_model.CpModel
    x: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)


def build_model(scenario: Scenario, fits: dict[tuple[str, str], Fit]) -> _Model:
    built = _Model(cp_model.CpModel())
    model = built.model
    for m, v in fits:
        built.x[m, v] = model.new_bool_var(f"place__{m}__{v}")
    for member in team_members(scenario):
        own = [var for (m, _), var in built.x.items() if m == member.id]
        if own:
            model.add_at_most_one(own).with_name(f"one_vacancy__{member.id}")
    for vacancy in scenario.vacancies:
        own = [var for (_, v), var in built.x.items() if v == vacancy.id]
        if own:
            model.add_at_most_one(own).with_name(f"one_member__{vacancy.id}")
    model.maximize(sum(fits[key].total * var for key, var in built.x.items()))
    return built


def place(scenario: Scenario, *, time_limit: float | None = None, seed: int = 0
          ) -> PlacementResult:
    """The best placement of the team in the vacancies, with a reason for everyone left out."""
    started = time.perf_counter()
    limit = scenario.placement.time_limit_seconds if time_limit is None else time_limit
    fits = allowed_fits(scenario)
    built = build_model(scenario, fits)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = limit
    solver.parameters.num_workers = 1  # deterministic; the assignment model is tiny
    solver.parameters.random_seed = seed
    code = solver.solve(built.model)
    chosen: dict[str, str] = {}
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        chosen = {m: v for (m, v), var in built.x.items() if solver.boolean_value(var)}
    objective = sum(fits[m, v].total for m, v in chosen.items())
    info = PlacementSolve(
        status=status_name(code),
        objective=objective,
        best_bound=float(solver.best_objective_bound),
        wall_seconds=round(time.perf_counter() - started, 3),
        time_limit_seconds=limit,
        allowed_pairs=len(fits),
    )
    return _result(scenario, fits, chosen, info)


def _result(scenario: Scenario, fits: dict[tuple[str, str], Fit], chosen: dict[str, str],
            info: PlacementSolve) -> PlacementResult:
    vacancies = {v.id: v for v in scenario.vacancies}
    staff = scenario.staff_by_id()
    placements = []
    for m, v in sorted(chosen.items(), key=lambda mv: (vacancies[mv[1]].start, mv[1])):
        f, vac = fits[m, v], vacancies[v]
        placements.append(Placement(
            member=m, vacancy=v, unit=vac.unit, client=vac.client, start=vac.start,
            vacancy_hours_per_week=vac.hours_per_week,
            contract_hours_per_week=staff[m].contract_hours_per_week,
            fit=f.total, fit_parts=f.parts,
            status=NEEDS_INTRODUCTION if f.needs_introduction else PLACED,
        ))
    holder = {v: m for m, v in chosen.items()}
    not_placed = [
        NotPlaced(member=m.id, contract_hours_per_week=m.contract_hours_per_week,
                  reason=_member_reason(scenario, m, fits, holder, info.status))
        for m in team_members(scenario) if m.id not in chosen
    ]
    unfilled = [
        Unfilled(vacancy=v.id, unit=v.unit, client=v.client, hours_per_week=v.hours_per_week,
                 reason=_vacancy_reason(scenario, v, fits, chosen))
        for v in scenario.vacancies if v.id not in holder
    ]
    return PlacementResult(scenario=scenario.name, placements=placements, not_placed=not_placed,
                           unfilled=unfilled, solve=info)


def _member_reason(scenario: Scenario, member: Staff, fits: dict[tuple[str, str], Fit],
                   holder: dict[str, str], status: str) -> str:
    if not scenario.vacancies:
        return "no vacancies in the scenario"
    matching = [v for v in scenario.vacancies if (member.id, v.id) in fits]
    if not matching:
        why = {v.id: blockers(scenario, member, v) for v in scenario.vacancies}
        if all(b[0].startswith("lacks") for b in why.values()):
            detail = "; ".join(f"{vid} needs {b[0].removeprefix('lacks ')}"
                               for vid, b in why.items())
            return f"no vacancy matches their competences ({detail})"
        # Competent somewhere: name what stops it there (hours, absence).
        detail = "; ".join(f"{vid}: {', '.join(b)}" for vid, b in why.items()
                           if not b[0].startswith("lacks"))
        headline = "hours do not match" if "hours" in detail else "not available"
        return f"{headline} in the vacancies they are competent for ({detail})"
    free = [v.id for v in matching if v.id not in holder]
    if free:  # only when the solver stopped before optimality
        return f"not placed within the time limit (status {status}) though {', '.join(free)} " \
               "is free"
    own = {v.id: fits[member.id, v.id].total for v in matching}
    detail = "; ".join(f"{vid} → {holder[vid]} (fit {fits[holder[vid], vid].total} vs "
                       f"{own[vid]})" for vid in own)
    return f"all matching vacancies are taken by members who fit better overall: {detail}"


def _vacancy_reason(scenario: Scenario, vacancy: Vacancy, fits: dict[tuple[str, str], Fit],
                    chosen: dict[str, str]) -> str:
    members = team_members(scenario)
    if not members:
        return "no overstaffing-team members in the scenario"
    candidates = [m.id for m in members if (m.id, vacancy.id) in fits]
    if candidates:
        detail = ", ".join(f"{m} → {chosen[m]}" for m in candidates if m in chosen)
        return f"every member who fits is placed where the total fit is higher ({detail})"
    needed = required_competences(scenario, vacancy)
    competent = [m for m in members if set(needed) <= set(m.competences)]
    if not competent:
        return f"no team member has {', '.join(needed)}"
    return "the competent members do not match: " + "; ".join(
        f"{m.id}: {', '.join(blockers(scenario, m, vacancy))}" for m in competent
    )


# --- output ------------------------------------------------------------------------------------















