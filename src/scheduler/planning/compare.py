"""Scenarios side by side: solve each (in parallel processes), then hours, cost and risk.

Every figure in the table is recomputed from the schedules and the scenarios (``results.kpi``,
``scheduler.results.costing``), never read from the solver, so a test can re-derive each one.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from typing import Any

import pandas as pd

from scheduler.domain.scenario import Scenario
from scheduler.domain.schedule import Schedule
from scheduler.i18n import translator
from scheduler.planning.pipeline import plan
from scheduler.results.costing import CostReport, compute_costs
from scheduler.results.kpi import Kpis, compute_kpis, hours_between, kpis_to_dict


@dataclass
class ScenarioRun:
    label: str  # the column header: the scenario's name, made unique
    source: str  # the file it came from (or "")
    scenario: Scenario
    schedule: Schedule
    kpis: Kpis
    costs: CostReport
    violations: int | None = None  # hard-rule violations the validator found; None: not checked


# --- solving -----------------------------------------------------------------------------------


def _solve_job(scenario_json: str, time_limit: float | None, threads: int, seed: int | None
               ) -> tuple[str, int]:
    """Runs in a worker process: plain JSON in and out keeps the pickling trivial."""
    scenario = Scenario.model_validate_json(scenario_json)
    planned = plan(scenario, time_limit=time_limit, workers=threads, seed=seed)
    return planned.schedule.model_dump_json(), len(planned.report.violations)


def plan_workers(n_scenarios: int, workers: int | None) -> tuple[int, int]:
    """(processes, CP-SAT threads each) so that processes × threads ≤ the ``workers`` total."""
    total = workers if workers is not None else (os.cpu_count() or 2)
    total = max(1, total)
    processes = max(1, min(n_scenarios, total))
    return processes, max(1, total // processes)


def solve_all(scenarios: Sequence[Scenario], *, time_limit: float | None = None,
              workers: int | None = None, seed: int | None = None
              ) -> list[tuple[Schedule, int]]:
    """Solve every scenario; several at once in separate processes when ``workers`` allows."""
    processes, threads = plan_workers(len(scenarios), workers)
    jobs = [(s.model_dump_json(), time_limit, threads, seed) for s in scenarios]
    if processes == 1:
        results = [_solve_job(*job) for job in jobs]
    else:
        # spawn: OR-tools runs threads, and forking a process with threads is unsafe.
        with ProcessPoolExecutor(max_workers=processes, mp_context=get_context("spawn")) as pool:
            results = list(pool.map(_solve_job, *zip(*jobs, strict=True)))
    return [(Schedule.model_validate_json(text), violations) for text, violations in results]


def make_run(scenario: Scenario, schedule: Schedule, *, label: str | None = None,
             source: str = "", violations: int | None = None) -> ScenarioRun:
    kpis = compute_kpis(scenario, schedule)
    if not schedule.kpis:
        schedule = schedule.model_copy(update={"kpis": kpis_to_dict(kpis)})
    return ScenarioRun(
        label=label or scenario.name,
        source=source,
        scenario=scenario,
        schedule=schedule,
        kpis=kpis,
        costs=compute_costs(scenario, schedule, kpis),
        violations=violations,
    )


def run_comparison(scenarios: Sequence[Scenario], sources: Sequence[str] | None = None, *,
                   time_limit: float | None = None, workers: int | None = None,
                   seed: int | None = None) -> list[ScenarioRun]:
    sources = list(sources) if sources is not None else [""] * len(scenarios)
    solved = solve_all(scenarios, time_limit=time_limit, workers=workers, seed=seed)
    labels = unique_labels([s.name for s in scenarios])
    return [
        make_run(scenario, schedule, label=label, source=source, violations=violations)
        for scenario, (schedule, violations), label, source
        in zip(scenarios, solved, labels, sources, strict=True)
    ]


def unique_labels(names: Sequence[str]) -> list[str]:
    out: list[str] = []
    for name in names:
        label, n = name, 2
        while label in out:
            label, n = f"{name} ({n})", n + 1
        out.append(label)
    return out


# --- the table ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    unit: str  # "h", "kr", "%", "" (text)
    group: str
    # Which way is better: "lower" (cost, uncovered need, overtime), "higher" (coverage, net,
    # revenue) or "" (neither: a size, or a shift of hours between units).
    better: str = ""


def _(text: str) -> str:  # marks a message for the catalogue; translated where it is shown
    return text


COST_LABELS = {
    "base_pay": _("base pay"),
    "ob": _("OB supplements"),
    "jour": _("jour supplement"),
    "overtime_premium": _("overtime premium"),
    "additional_premium": _("additional-hours premium"),
    "employer_contributions": _("employer's contributions"),
    "total_cost": _("total cost"),
}


def unit_ids(runs: Sequence[ScenarioRun]) -> list[str]:
    """Every unit of every scenario, in order of first appearance."""
    seen: list[str] = []
    for run in runs:
        for unit in run.scenario.units:
            if unit.id not in seen:
                seen.append(unit.id)
    return seen


def has_visits(runs: Sequence[ScenarioRun]) -> bool:
    """A shift with visits in any run: the reports' rounds tables show only then."""
    return any(s.visits for r in runs for s in r.schedule.shifts)


def unit_names(runs: Sequence[ScenarioRun]) -> dict[str, str]:
    """Each unit's name for people: "Assistansgrupp Öst (U1)", or its id if it has no name."""
    out: dict[str, str] = {}
    for run in runs:
        for unit in run.scenario.units:
            out.setdefault(unit.id, f"{unit.name} ({unit.id})" if unit.name else unit.id)
    return out


def metrics(runs: Sequence[ScenarioRun], lang: str = "en") -> list[Metric]:
    """The table's rows, labelled in ``lang`` (the API's JSON keeps English)."""
    _ = translator(lang)
    names = unit_names(runs)

    def m(key: str, label: str, unit: str, group: str, better: str = "") -> Metric:
        return Metric(key, label, unit, group, better)

    out = [
        m("status", _("solver status"), "", "solve"),
        # Each scenario is solved within a time limit: differences smaller than the gap (an
        # upper estimate of the distance to the optimum) may be the solver's, not the variant's.
        m("gap", _("solver gap (upper estimate; smaller differences may be noise)"), "", "solve"),
        m("need_hours", _("need (person-hours)"), "h", "hours"),
        m("granted_hours", _("granted hours left for the horizon"), "h", "hours"),
        m("scheduled_decision_hours", _("scheduled on decisions"), "h", "hours"),
        # The terminal summary's per-decision column of the same figure has the same name.
        m("hours_above_granted", _("hours beyond granted (exception)"), "h", "hours", "lower"),
        m("uncovered_hours", _("uncovered need (person-hours)"), "h", "hours", "lower"),
        m("coverage_pct", _("need covered"), "%", "hours", "higher"),
        m("staff_hours", _("staff hours scheduled (incl. jour)"), "h", "hours"),
        m("jour_hours", _("of which jour"), "h", "hours"),
        m("work_hours", _("work time (jour counted in part)"), "h", "hours"),
        m("overtime_hours", _("overtime"), "h", "hours", "lower"),
        m("additional_hours", _("additional hours (mertid)"), "h", "hours", "lower"),
        m("unused_contract_hours", _("unused contract hours"), "h", "hours", "lower"),
        # Scattered clients (issue 18): rounds against one-client shifts.
        m("visit_hours", _("of which visits to scattered clients"), "h", "hours"),
        m("waiting_hours", _("paid waiting between or after visits"), "h", "hours", "lower"),
        m("travel_hours", _("travel between homes"), "h", "hours", "lower"),
        m("rounds", _("rounds"), "n", "hours"),
    ]
    out += [m(k, _(v), "kr", "cost", "lower") for k, v in COST_LABELS.items()]
    out += [
        m("revenue", _("revenue (FK hourly amount)"), "kr", "cost", "higher"),
        m("net", _("net (revenue − cost)"), "kr", "cost", "higher"),
    ]
    out += [Metric(f"unit_hours:{u}", _("staff hours in {unit}").format(unit=names[u]), "h",
                   "units") for u in names]
    out += [Metric(f"unit_cost:{u}", _("total cost of {unit}").format(unit=names[u]), "kr",
                   "units", "lower") for u in names]
    return out


def figures(run: ScenarioRun) -> dict[str, Any]:
    """Every figure of one scenario's column, keyed like ``metrics``."""
    d = run.kpis.decisions
    t = run.kpis.totals
    granted = d["available_without_exception_hours"].clip(lower=0)
    above = (d["charged_hours"] - granted).clip(lower=0)  # jour at each decision's rate
    out: dict[str, Any] = {
        "status": run.schedule.solve.status,
        "gap": "—" if run.schedule.solve.gap is None else f"{100 * run.schedule.solve.gap:.1f} %",
        "need_hours": t["need_person_hours"],
        "granted_hours": float(granted.sum()),
        "scheduled_decision_hours": float(d["scheduled_hours"].sum()),
        "hours_above_granted": float(above.sum()),
        "uncovered_hours": t["uncovered_person_hours"],
        "coverage_pct": t["coverage_pct"],
        "staff_hours": t["scheduled_hours"],
        "jour_hours": t["on_call_hours"],
        "work_hours": t["work_hours"],
        "overtime_hours": t["overtime_hours"],
        "additional_hours": t["additional_hours"],
        "unused_contract_hours": t["unused_contract_hours"],
        "visit_hours": t["visit_hours"],
        "waiting_hours": t["waiting_hours"],
        "travel_hours": t["travel_hours"],
        "rounds": t["rounds"],
    }
    per_unit: dict[str, float] = {}
    for s in run.schedule.shifts:
        per_unit[s.unit] = per_unit.get(s.unit, 0.0) + hours_between(s.start, s.end)
    for unit in run.scenario.units:
        out[f"unit_hours:{unit.id}"] = per_unit.get(unit.id, 0.0)
        out[f"unit_cost:{unit.id}"] = run.costs.by_unit.get(unit.id, {}).get("total_cost", 0.0)
    for key in COST_LABELS:
        out[key] = run.costs.total[key]
    out["revenue"] = run.costs.total["revenue"]
    out["net"] = run.costs.total["net"]
    return out


def comparison_table(runs: Sequence[ScenarioRun], lang: str = "en") -> pd.DataFrame:
    """One row per metric: key, metric (labelled in ``lang``), unit, then one column per
    scenario (None: not in it)."""
    columns = {run.label: figures(run) for run in runs}
    rows = []
    for m in metrics(runs, lang):
        row: dict[str, Any] = {"key": m.key, "metric": m.label, "unit": m.unit, "group": m.group}
        for label, values in columns.items():
            row[label] = values.get(m.key)
        rows.append(row)
    return pd.DataFrame(rows)


def format_value(value: Any, unit: str) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "–"
    if unit == "":
        return str(value)
    if unit == "kr":
        return f"{value:,.0f}".replace(",", " ")
    return f"{value:,.1f}".replace(",", " ")




# --- files -------------------------------------------------------------------------------------




