"""Benchmark: scattered hours served in rounds against one-client shifts (issue 18).

    python bench/rounds.py                        # 40 clients, 2 units, 14 days; 60 s, seeds 0,1,2
    python bench/rounds.py --days 7 --limit 30 --seeds 0
    python bench/rounds.py --staffing 3 --seeds 0  # twice the staff (contract hours)
    python bench/rounds.py --window 30            # every visit within ± 30 min of its time
    python bench/rounds.py --smoke                # 6 clients, 1 unit, 3 days, 5 s (CI)

The instance is ``planning.instances.generate_scattered`` (``--instance-seed``): scattered
clients with 2–4 short visits a day, homes on a local plane, a staff group per unit. It is
solved twice with the same time limit, workers and solver seeds: with rounds enabled, and with
``rounds.enabled: false`` (one-client shifts that wait between a client's visits: today's
practice); the greedy baseline (``solver.baseline.plan_greedy``, deterministic: one run) plans
both too unless ``--no-greedy``. Every schedule goes through the whole pipeline
(``planning.pipeline.plan``: KPIs and the independent validator, ``validator.check_schedule``);
a row is valid only if the validator finds no violation and agrees with its stated penalties.

Per run, from the schedule's KPIs (``results.kpi``, never from solver internals; the same
figures ``scheduler compare`` shows): paid hours (shift hours less unpaid breaks), visit hours,
paid waiting hours and travel hours (waiting per visit hour served too, as a plan that reaches
fewer visits waits less in all), rounds (shifts with visits of several clients), uncovered
person-hours, the cost in kr (``results.costing``: pay, OB, premiums and employer's
contributions; salaried staff's unused contract hours are paid too), unused contract hours,
hours beyond contract, shifts, and the solve's wall seconds (plan, KPIs and check). Medians
over the seeds per mode follow, then the issue's targets: waiting with rounds at most half of
the one-client plan's, and no more uncovered need. Everything is written as JSON (``--out``).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import platform
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from scheduler.domain.scenario import Scenario
from scheduler.planning.instances import generate_scattered, summary, with_rounds
from scheduler.planning.pipeline import PlannedSchedule, plan
from scheduler.results.costing import compute_costs

HERE = Path(__file__).resolve().parent
MODES = ("rounds", "one_client")
FIGURES = ("solve_s", "paid_hours", "visit_hours", "waiting_hours", "waiting_per_visit_hour",
           "travel_hours",
           "uncovered_hours", "cost_kr", "unused_contract_hours", "beyond_contract_hours",
           "shifts", "rounds", "objective")


def figures(planned: PlannedSchedule, wall: float) -> dict[str, Any]:
    """The row's figures, from the schedule, its KPIs, its cost and the validator's report."""
    schedule, totals, report = planned.schedule, planned.kpis.totals, planned.report
    shifts = schedule.shifts
    cost = compute_costs(planned.scenario, schedule, planned.kpis)
    return {
        "solve_s": round(wall, 2),
        "status": schedule.solve.status,
        "objective": schedule.solve.objective,
        "paid_hours": round(totals["paid_hours"], 2),
        "visit_hours": round(totals["visit_hours"], 2),
        "waiting_hours": round(totals["waiting_hours"], 2),
        "travel_hours": round(totals["travel_hours"], 2),
        "waiting_per_visit_hour": None,
        "uncovered_hours": round(totals["uncovered_person_hours"], 2),
        "cost_kr": round(cost.total["total_cost"]),
        "unused_contract_hours": round(totals["unused_contract_hours"], 2),
        "beyond_contract_hours": round(totals["additional_hours"] + totals["overtime_hours"], 2),
        "shifts": len(shifts),
        "rounds": int(totals["rounds"]),
        "valid": report.ok and not report.penalty_mismatches,
        "violations": len(report.violations),
    }


def per_visit_hour(row: dict[str, Any]) -> dict[str, Any]:
    """Waiting per visit hour served: a plan that reaches fewer visits waits less in all, so
    the ratio compares the practices at what they deliver."""
    visits = row.get("visit_hours")
    return {**row, "waiting_per_visit_hour": round(row["waiting_hours"] / visits, 3)
            if visits else None}


def one(scenario: Scenario, planner: str, limit: float, workers: int, seed: int
        ) -> dict[str, Any]:
    began = time.perf_counter()
    planned = plan(scenario, planner="greedy" if planner == "greedy" else "engine",
                   time_limit=limit, workers=workers, seed=seed)
    return per_visit_hour(figures(planned, time.perf_counter() - began))


def medians(rows: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {k: rows[0][k] for k in ("planner", "mode")}
    out["seed"] = "median"
    for key in FIGURES:
        values = [r[key] for r in rows if isinstance(r.get(key), int | float)]
        out[key] = statistics.median(values) if values else None
    out["valid"] = all(r["valid"] for r in rows)
    return out


def targets(rounds: dict[str, Any], single: dict[str, Any]) -> dict[str, Any]:
    """The issue's targets on two median rows: waiting at least halved, no more uncovered."""
    waiting, base = rounds["waiting_hours"], single["waiting_hours"]
    ratio = waiting / base if base else None
    per_visit = (rounds["waiting_per_visit_hour"] / single["waiting_per_visit_hour"]
                 if rounds.get("waiting_per_visit_hour") is not None
                 and single.get("waiting_per_visit_hour") else None)
    return {
        "waiting_ratio": None if ratio is None else round(ratio, 3),
        "waiting_per_visit_hour_ratio": None if per_visit is None else round(per_visit, 3),
        "waiting_halved": base > 0 and waiting <= 0.5 * base,
        "uncovered_not_more": rounds["uncovered_hours"] <= single["uncovered_hours"] + 1e-6,
    }


COLUMNS = (("planner", "planner"), ("mode", "shifts of"), ("seed", "seed"),
           ("solve_s", "solve s"), ("paid_hours", "paid h"), ("visit_hours", "visit h"),
           ("waiting_hours", "waiting h"), ("waiting_per_visit_hour", "waiting per visit h"),
           ("travel_hours", "travel h"),
           ("uncovered_hours", "uncovered h"), ("cost_kr", "cost kr"),
           ("unused_contract_hours", "unused h"), ("shifts", "shifts"), ("rounds", "rounds"),
           ("valid", "check"))


def render(rows: list[dict[str, Any]]) -> str:
    def cell(value: Any, key: str) -> str:
        if value is None:
            return "—"
        if key == "valid":
            return "ok" if value else "FAIL"
        if key == "mode":
            return {"rounds": "rounds", "one_client": "one client"}[value]
        if isinstance(value, float):
            if key == "waiting_per_visit_hour":
                return f"{value:.2f}"
            return f"{value:,.0f}" if key == "cost_kr" else f"{value:,.1f}"
        if isinstance(value, int):
            return f"{value:,}"
        return str(value)

    lines = ["| " + " | ".join(label for _, label in COLUMNS) + " |",
             "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(cell(r.get(k), k) for k, _ in COLUMNS) + " |" for r in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=40)
    parser.add_argument("--units", type=int, default=2)
    parser.add_argument("--days", type=int, default=14)
    parser.add_argument("--instance-seed", type=int, default=0)
    parser.add_argument("--staffing", type=float, default=1.5,
                        help="monthly contract hours per visit hour of each unit")
    parser.add_argument("--window", type=int, default=0,
                        help="every client's visit window, ± minutes (visit_window_minutes)")
    parser.add_argument("--limit", type=float, default=60, help="engine time limit, seconds")
    parser.add_argument("--seeds", default="0,1,2", help="solver seeds, comma-separated")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-greedy", action="store_true", help="the engine only")
    parser.add_argument("--smoke", action="store_true", help="6 clients, 1 unit, 3 days, 5 s")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "rounds.json")
    args = parser.parse_args(argv)
    if args.smoke:
        args.clients, args.units, args.days, args.limit, args.seeds = 6, 1, 3, 5.0, "0"
    seeds = [int(x) for x in args.seeds.split(",") if x.strip()]
    base = generate_scattered(args.instance_seed, clients=args.clients, units=args.units,
                              days=args.days, staffing=args.staffing,
                              visit_window=args.window)
    scenarios = {"rounds": with_rounds(base, True), "one_client": with_rounds(base, False)}
    print(f"instance: {base.description}", flush=True)

    rows: list[dict[str, Any]] = []
    summary_rows: list[dict[str, Any]] = []
    planners = ["engine"] if args.no_greedy else ["greedy", "engine"]
    for planner in planners:
        for mode in MODES:
            runs = []
            for seed in seeds[:1] if planner == "greedy" else seeds:  # greedy: deterministic
                row = {"planner": planner, "mode": mode, "seed": seed,
                       **one(scenarios[mode], planner, args.limit, args.workers, seed)}
                runs.append(row)
                print(render([row]).splitlines()[-1], flush=True)
            rows += runs
            summary_rows.append(runs[0] if len(runs) == 1 else medians(runs))
    checks = {}
    for planner in planners:
        mine = {r["mode"]: r for r in summary_rows if r["planner"] == planner}
        checks[planner] = targets(mine["rounds"], mine["one_client"])
    print()
    print(render(summary_rows))
    for planner, check in checks.items():
        print(f"{planner}: waiting with rounds / one-client = {check['waiting_ratio']} "
              f"(target ≤ 0.5: {'met' if check['waiting_halved'] else 'NOT met'}), per visit "
              f"hour {check['waiting_per_visit_hour_ratio']}; "
              f"uncovered not more: {'met' if check['uncovered_not_more'] else 'NOT met'}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({
        "when": datetime.now().isoformat(timespec="seconds"),
        "machine": {"python": sys.version.split()[0], "platform": platform.platform(),
                    "cpus": multiprocessing.cpu_count()},
        "instance": {"seed": args.instance_seed, "clients": args.clients, "units": args.units,
                     "days": args.days, "staffing": args.staffing,
                     "visit_window_minutes": args.window, **summary(base)},
        "limit_s": args.limit, "workers": args.workers, "seeds": seeds,
        "rows": rows, "summary": summary_rows, "targets": checks,
    }, indent=2) + "\n")
    print(f"\nwritten: {args.out}")
    return 0 if all(r["valid"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
