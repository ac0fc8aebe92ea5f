"""Benchmark: the engine against the greedy baseline and a plain CP-SAT model, generated instances.

    python bench/run.py --quick                 # S and M, engine at 10 and 60 s
    python bench/run.py                         # S, M, L, XL, engine at 10, 60 and 300 s
    python bench/run.py --sizes L --limits 30   # one size, one time limit
    python bench/run.py --sizes M,L --limits 60 --seeds 0,1,2   # medians of three seeds

Planners (``--planners``): ``greedy`` (the manual-planning baseline, no time limit), ``plain``
(the plain CP-SAT model: shifts fixed to the need blocks, one Boolean per eligible assistant and
block, the same registered rules and objective, ``engine.solve_plain``) and ``engine``. Each
timed run is a separate solve with that time limit and solver seed, in a fresh process so its
peak memory is its own (the process's peak resident memory plus its move workers' peaks,
``solver.move_pool``); with several seeds a median row follows each planner's runs.
Each instance's lower bound (data-only and LP relaxation per part, the LP with the staff
timelines' clique rows, ``engine.scenario_bound``) is computed once, apart from the timed runs;
an engine row's bound and gap are against the better of it and the run's own bound. Every
schedule, the baseline's too, is re-checked by the independent validator. The table is printed
and written as JSON (``--out``).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import platform
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from scheduler.planning.benchmark import (
    forced_uncovered,
    median_row,
    render,
    run,
    size_of,
    with_forced,
    with_instance_bound,
)
from scheduler.planning.instances import generate

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="S,M,L,XL", help="comma-separated: tiny,S,M,L,XL")
    parser.add_argument("--limits", default="10,60,300", help="engine time limits, seconds")
    parser.add_argument("--quick", action="store_true", help="S and M at 10 and 60 s")
    parser.add_argument("--smoke", action="store_true", help="tiny at 3 s (CI)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0, help="instance seed")
    parser.add_argument("--seeds", default="0", help="solver seeds, comma-separated")
    parser.add_argument("--planners", default="greedy,plain,engine",
                        help="comma-separated: greedy, plain, engine")
    parser.add_argument("--no-lp-bound", action="store_true",
                        help="gaps against the runs' own bounds only (skip the LP per instance)")
    parser.add_argument("--deterministic", action="store_true",
                        help="the engine in deterministic mode: each second of its limits "
                        "counts as a fixed amount of CP-SAT's deterministic time, so any machine "
                        "gives the same schedule (A/B of search changes on a noisy machine); "
                        "greedy and plain are unchanged")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "latest.json")
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.limits = "S,M", "10,60"
    if args.smoke:
        args.sizes, args.limits = "tiny", "3"
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    limits = [float(x) for x in args.limits.split(",") if x.strip()]
    seeds = [int(x) for x in args.seeds.split(",") if x.strip()]
    planners = [p.strip() for p in args.planners.split(",") if p.strip()]

    rows: list[dict[str, Any]] = []
    instances = {}
    for size in sizes:
        scenario = generate(size, seed=args.seed)  # type: ignore[arg-type]
        if args.deterministic:
            scenario = scenario.model_copy(update={"solver": scenario.solver.model_copy(
                update={"deterministic": True})})
        instances[size] = size_of(scenario)
        bound = None
        forced = forced_uncovered(scenario)  # no schedule covers it: the data alone says so
        instances[size].update(forced)
        if not args.no_lp_bound:
            # Once per instance, outside the timed runs: the LP takes seconds to a minute.
            found = run("bound", scenario, 0, args.workers, args.seed)
            bound = found.get("bound")
            instances[size]["lower_bound"] = found
            print(f"{size}: lower bound {bound} in {found.get('wall_seconds')} s", flush=True)
        if "greedy" in planners:  # deterministic: one run, whatever the seeds
            base = run("greedy", scenario, 0, args.workers, seeds[0])
            rows.append(with_forced({"instance": size, "planner": "greedy", "limit_s": None,
                                     **base}, forced["forced_uncovered_hours"]))
            print(render(rows[-1:]).splitlines()[-1], flush=True)
        for limit in limits:
            for planner in (p for p in planners if p != "greedy"):
                runs = []
                for seed in seeds:
                    row = run(planner, scenario, limit, args.workers, seed)
                    runs.append(with_forced(with_instance_bound(
                        {"instance": size, "planner": planner, "limit_s": limit, "seed": seed,
                         **row}, bound), forced["forced_uncovered_hours"]))
                    print(render(runs[-1:]).splitlines()[-1], flush=True)
                rows.extend(runs)
                if len(runs) > 1:
                    rows.append(median_row(runs))
                    print(render(rows[-1:]).splitlines()[-1], flush=True)
    table = render(rows)
    print()
    print(table)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({
        "when": datetime.now().isoformat(timespec="seconds"),
        "machine": {"python": sys.version.split()[0], "platform": platform.platform(),
                    "processor": platform.processor(), "cpus": multiprocessing.cpu_count()},
        "workers": args.workers, "seed": args.seed, "seeds": seeds,
        "deterministic": args.deterministic, "instances": instances,
        "rows": rows,
    }, indent=2))
    print(f"\nwritten: {args.out}")
    return 0 if all(r["valid"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
