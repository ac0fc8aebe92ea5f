"""Benchmark: re-planning after a one-day sick call on a generated instance.

    python bench/replan.py                      # L, seeds 0 1 2, re-plan limits 10 and 30 s
    python bench/replan.py --size M --seeds 0 --limits 5

Per seed: the instance's first plan (engine, ``--first-limit`` s), then on day ``--day`` at
06:30 the assistant whose shift starts first from then calls in sick for the rest of the day,
and the plan is re-planned from 06:30 (``planning.replan``, the whole pipeline: compile, pins,
engine, KPIs, the independent check) at each limit. Reported per run: the wall time of the
whole re-plan, the engine's time to its first valid re-plan (the previous plan patched) and to
the one returned, the changed shifts (all, on the sick day, outside it) of the shifts after
``--from``, the changed shift-hours, uncovered hours before and after, and the validator's
verdict. Medians over the seeds are printed last; everything is written as JSON (``--out``).
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from scheduler.domain.scenario import Scenario
from scheduler.planning.instances import generate
from scheduler.planning.pipeline import plan
from scheduler.planning.replan import replan

HERE = Path(__file__).resolve().parent


def sick_call(scenario: Scenario, sid: str, start: datetime) -> Scenario:
    data = scenario.model_dump(mode="python")
    for s in data["staff"]:
        if s["id"] == sid:
            s["absences"] = [*s["absences"], {"start": start, "reason": "sick",
                                              "end": start.replace(hour=0, minute=0)
                                              + timedelta(days=1)}]
    return Scenario.model_validate(data)


def uncovered_hours(kpis: dict[str, Any]) -> float:
    return float(kpis["totals"]["uncovered_person_hours"])


def one(size: str, seed: int, day: int, first_limit: float, limits: list[float]
        ) -> list[dict[str, Any]]:
    scenario = generate(size, seed)  # type: ignore[arg-type]
    first = plan(scenario, time_limit=first_limit, seed=seed)
    start = datetime.combine(scenario.horizon.start + timedelta(days=day), datetime.min.time()
                             ).replace(hour=6, minute=30)
    sid = next(s.staff for s in sorted(first.schedule.shifts, key=lambda s: s.start)
               if s.start.replace(tzinfo=None) >= start)
    changed = sick_call(scenario, sid, start)
    rows = []
    for limit in limits:
        began = time.perf_counter()
        result = replan(changed, first.schedule, start, time_limit=limit, seed=seed)
        wall = time.perf_counter() - began
        diff, info = result.diff, result.planned.schedule.solve
        on_day = sum(1 for c in diff.changes
                     if (c.before_start or c.after_start).date() == start.date())  # type: ignore[union-attr]
        rows.append({
            "size": size, "seed": seed, "limit_s": limit, "sick": sid,
            "from": start.isoformat(timespec="minutes"),
            "wall_s": round(wall, 2),
            "first_valid_s": info.time_to_first_solution_seconds,
            "best_s": info.time_to_best_seconds,
            "status": info.status,
            "shifts_after_from": diff.shifts_before,
            "changed": len(diff.changes), "changed_on_sick_day": on_day,
            "changed_elsewhere": len(diff.changes) - on_day,
            "changed_hours": diff.changed_hours,
            "uncovered_h_before": uncovered_hours(first.schedule.kpis or {}),
            "uncovered_h_after": uncovered_hours(result.planned.schedule.kpis or {}),
            "valid": result.planned.report.ok,
        })
        print(json.dumps(rows[-1]), flush=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="L")
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--day", type=int, default=10, help="the sick day, days after the start")
    parser.add_argument("--first-limit", type=float, default=60)
    parser.add_argument("--limits", default="10,30", help="re-plan time limits, seconds")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "replan.json")
    args = parser.parse_args(argv)
    limits = [float(x) for x in args.limits.split(",")]
    rows = [row for seed in args.seeds.split(",")
            for row in one(args.size, int(seed), args.day, args.first_limit, limits)]
    print(f"\nmedians over seeds {args.seeds} ({args.size}, first plan {args.first_limit:g} s):")
    for limit in limits:
        mine = [r for r in rows if r["limit_s"] == limit]
        med = {k: statistics.median(float(r[k] or 0) for r in mine)
               for k in ("wall_s", "first_valid_s", "best_s", "changed", "changed_elsewhere",
                         "shifts_after_from", "changed_hours")}
        ok = all(r["valid"] for r in mine)
        print(f"  limit {limit:g} s: whole re-plan {med['wall_s']:.1f} s, first valid "
              f"{med['first_valid_s']:.1f} s, best {med['best_s']:.1f} s; changed "
              f"{med['changed']:g} of {med['shifts_after_from']:g} shifts "
              f"({med['changed_elsewhere']:g} outside the sick day), "
              f"{med['changed_hours']:.1f} shift-hours; all valid: {ok}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"machine": platform.platform(), "python": sys.version,
                                    "date": datetime.now().isoformat(timespec="seconds"),
                                    "rows": rows}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
