"""Benchmark runs: one planner on one instance in a fresh process, and the figures reported.

Used by ``bench/run.py``; the worker lives in the package so ``spawn`` can import it.
"""

from __future__ import annotations

import multiprocessing
import resource
import statistics
import time
from queue import Empty
from typing import Any

from scheduler.domain.scenario import Scenario
from scheduler.planning.pins import check_pins
from scheduler.planning.pipeline import PlannedSchedule, attach_results, plan
from scheduler.solver.bounds import lower_bound
from scheduler.solver.candidates import generate_shifts
from scheduler.solver.engine import scenario_bound, solve_plain
from scheduler.solver.move_pool import peak_resident_mib, workers_peak_memory_mib
from scheduler.solver.parts import components
from scheduler.solver.problem import compile_problem


def metrics(planned: PlannedSchedule) -> dict[str, Any]:
    """The figures the table reports, from the schedule (never from solver internals)."""
    scenario, schedule, report, kpis = (planned.scenario, planned.schedule, planned.report,
                                        planned.kpis)
    raw = {p.rule: p.raw for p in schedule.penalties}
    decisions = kpis.decisions
    # Hours above granted: per decision, charged (jour at its rate) beyond the weekly grant ×
    # weeks of the horizon inside its period (what "performed beyond granted" means week to week).
    days_inside = {}
    horizon_end = scenario.horizon.end
    for client in scenario.clients:
        for d in client.decisions:
            start = max(d.settlement_period.start, scenario.horizon.start)
            end = min(d.settlement_period.end, horizon_end)
            days_inside[d.id] = max(0, (end - start).days + 1 if end < horizon_end else
                                    (horizon_end - start).days)
    grant = {d.id: d.granted_hours_per_week for c in scenario.clients for d in c.decisions}
    above = 0.0
    for row in decisions.to_dict(orient="records"):
        allowed = grant[row["decision"]] * days_inside[row["decision"]] / 7
        above += max(0.0, row["charged_hours"] - allowed)
    return {
        "objective": schedule.solve.objective,
        "bound": schedule.solve.best_bound,
        "gap": schedule.solve.gap,
        "status": schedule.solve.status,
        "uncovered_hours": raw.get("uncovered_need"),
        "hours_above_granted": round(above, 2),
        "overtime_hours": raw.get("overtime"),
        # Hours worked beyond the contract, whatever they cost: additional hours and overtime.
        "beyond_contract_hours": (raw.get("additional_hours") or 0.0)
        + (raw.get("overtime") or 0.0),
        "additional_hours": raw.get("additional_hours"),
        "unused_contract_hours": raw.get("unused_contract"),
        "shifts": len(schedule.shifts),
        "valid": report.ok and not report.penalty_mismatches,
        "violations": len(report.violations),
    }


def peak_memory_mib() -> float:
    """This process's peak resident memory, MiB. Linux's ``VmHWM`` (the peak of this process's
    own memory since it started its program): ``ru_maxrss`` also counts the parent's peak at
    the time of the spawn (measured: a parent holding 800 MiB gave an idle child 813 MiB), so
    a benchmark's child would report the driver's memory, not its solve's. ``ru_maxrss``
    elsewhere."""
    own = peak_resident_mib()
    if own is not None:
        return round(own, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _run(planner: str, scenario_json: str, limit: float, workers: int, seed: int,
         queue) -> None:
    scenario = Scenario.model_validate_json(scenario_json)
    started = time.perf_counter()
    if planner == "bound":
        value = scenario_bound(scenario)
        queue.put({"bound": value, "wall_seconds": round(time.perf_counter() - started, 2),
                   **forced_uncovered(scenario),
                   "peak_memory_mib": peak_memory_mib()})
        return
    if planner == "plain":
        # Scored like the others: the exact evaluation, the KPIs and the independent check.
        check_pins(scenario)
        planned = attach_results(scenario, solve_plain(scenario, time_limit=limit,
                                                       workers=workers, seed=seed))
    else:
        planned = plan(scenario, planner="greedy" if planner == "greedy" else "engine",
                       time_limit=limit, workers=workers, seed=seed)
    schedule = planned.schedule
    wall = time.perf_counter() - started
    result = metrics(planned)
    result.update(
        wall_seconds=round(wall, 2),
        first_feasible_seconds=schedule.solve.time_to_first_solution_seconds,
        best_found_seconds=schedule.solve.time_to_best_seconds,
        # The solve's own process and its move workers' (solver.move_pool), each at its peak:
        # the sum is at least what they held at any one time.
        peak_memory_mib=round(peak_memory_mib() + workers_peak_memory_mib(), 1),
        workers_peak_memory_mib=workers_peak_memory_mib(),
    )
    queue.put(result)


def run(planner: str, scenario: Scenario, limit: float, workers: int, seed: int
        ) -> dict[str, Any]:
    """One planner ("greedy", "engine", "plain": the plain CP-SAT model on the need blocks; or
    "bound": the instance's lower bound) on one instance in a fresh process (its own peak
    memory)."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(
        target=_run, args=(planner, scenario.model_dump_json(), limit, workers, seed, queue)
    )
    process.start()
    while True:  # a run that dies must show as a failed row, not hang the benchmark
        try:
            result = queue.get(timeout=5)
            break
        except Empty:
            if not process.is_alive():
                return {"valid": False, "error": f"the run ended with code {process.exitcode}"}
    process.join()
    if planner == "greedy":
        result["first_feasible_seconds"] = result["best_found_seconds"] = result["wall_seconds"]
    return result


def with_instance_bound(row: dict[str, Any], bound: float | None) -> dict[str, Any]:
    """The row's bound and gap against the better of its run's bound and the instance's
    (both valid lower bounds on the same optimum); the run's own stays as ``engine_bound``."""
    objective = row.get("objective")
    if row.get("planner") == "plain":
        # The block model's own bound holds for the blocks only, not for the full candidate set.
        row = {**row, "bound": None, "gap": None}
    if bound is None or objective is None or row.get("planner") == "greedy":
        return row
    own = row.get("bound")
    best = max(bound, own) if own is not None else bound
    out = {**row, "engine_bound": own, "bound": best}
    if best > objective + 1e-6 * max(1.0, abs(objective)):
        # A bound above a valid schedule's objective is a bug in a bound: fail the row.
        return {**out, "gap": None, "valid": False, "error": "lower bound above the objective"}
    return {**out, "gap": (objective - best) / objective if objective > 0 else 0.0}


def forced_uncovered(scenario: Scenario) -> dict[str, float]:
    """Person-hours of need no schedule can cover, from the data-only bound's terms summed over
    the parts: ``uncovered_nobody`` (no eligible assistant available for it, or no candidate
    shift over it) and ``uncovered_budget`` (the decisions' granted hours left cannot pay for
    it); ``forced_uncovered_hours`` their sum."""
    problem = compile_problem(scenario)
    shifts = generate_shifts(problem)
    out = {"uncovered_nobody": 0.0, "uncovered_budget": 0.0}
    for part in components(problem, shifts):
        terms = lower_bound(problem, part.owners, part.staff, part.shifts).terms
        for key in out:
            out[key] += terms[key]
    return {**{k: round(v, 2) for k, v in out.items()},
            "forced_uncovered_hours": round(sum(out.values()), 2)}


def with_forced(row: dict[str, Any], forced: float | None) -> dict[str, Any]:
    """The row's uncovered hours beyond what no schedule can cover (``forced_uncovered``):
    the coverable need the planner left uncovered."""
    unc = row.get("uncovered_hours")
    if forced is None or unc is None:
        return row
    return {**row, "coverable_uncovered_hours": round(unc - forced, 2)}


def median_row(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Per figure, the median over ``runs`` (one planner, instance and limit, several seeds);
    valid only if every run was. Medians per column, so the row need not be any one run."""
    out: dict[str, Any] = {k: runs[0].get(k) for k in ("instance", "planner", "limit_s")}
    out["seed"] = "median"
    for key in sorted({k for r in runs for k, v in r.items() if isinstance(v, int | float)}
                      - {"seed"}):
        values = [r[key] for r in runs if isinstance(r.get(key), int | float)
                  and not isinstance(r.get(key), bool)]
        if values:
            out[key] = statistics.median(values)
    out["valid"] = all(r.get("valid") for r in runs)
    return out


def size_of(scenario: Scenario) -> dict[str, Any]:
    return {"clients": len(scenario.clients), "staff": len(scenario.staff),
            "units": len(scenario.units), "days": scenario.horizon.days}


COLUMNS = [
    ("instance", "instance"), ("planner", "planner"), ("limit_s", "limit s"), ("seed", "seed"),
    ("first_feasible_seconds", "first s"), ("best_found_seconds", "best s"),
    ("objective", "objective"), ("bound", "bound"), ("gap", "gap"),
    ("uncovered_hours", "uncovered h"), ("coverable_uncovered_hours", "coverable uncovered h"),
    ("hours_above_granted", "above granted h"),
    ("beyond_contract_hours", "beyond contract h"), ("overtime_hours", "overtime h"),
    ("unused_contract_hours", "unused h"),
    ("peak_memory_mib", "peak MiB"), ("valid", "check"),
]


def render(rows: list[dict[str, Any]]) -> str:
    def cell(value: Any, key: str) -> str:
        if value is None:
            return "—"
        if key == "gap":
            return f"{100 * value:.1f} %"
        if key == "valid":
            return "pass" if value else "FAIL"
        if isinstance(value, float):
            return f"{value:,.1f}"
        return str(value)

    header = "| " + " | ".join(label for _, label in COLUMNS) + " |"
    rule = "|" + "|".join("---" for _ in COLUMNS) + "|"
    body = ["| " + " | ".join(cell(r.get(k), k) for k, _ in COLUMNS) + " |" for r in rows]
    return "\n".join([header, rule, *body])
