"""Benchmark: the engine against the greedy manual-planning baseline on generated instances.

    python bench/run.py --quick                 # S and M, engine at 10 and 60 s
    python bench/run.py                         # S, M, L, XL, engine at 10, 60 and 300 s
    python bench/run.py --sizes L --limits 30   # one size, one time limit

Each engine run is a separate solve with that time limit, in a fresh process so its peak memory
(max RSS) is its own. Each instance's lower bound (data-only and LP relaxation per part,
``engine.scenario_bound``) is computed once, apart from the timed runs; an engine row's bound
and gap are against the better of it and the run's own bound. Every schedule, the baseline's
too, is re-checked by the independent validator. The table is printed and written as JSON
(``--out``).
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

from scheduler.planning.benchmark import render, run, size_of, with_instance_bound
from scheduler.planning.instances import generate

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="S,M,L,XL", help="comma-separated: tiny,S,M,L,XL")
    parser.add_argument("--limits", default="10,60,300", help="engine time limits, seconds")
    parser.add_argument("--quick", action="store_true", help="S and M at 10 and 60 s")
    parser.add_argument("--smoke", action="store_true", help="tiny at 3 s (CI)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-lp-bound", action="store_true",
                        help="gaps against the runs' own bounds only (skip the LP per instance)")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "latest.json")
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.limits = "S,M", "10,60"
    if args.smoke:
        args.sizes, args.limits = "tiny", "3"
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    limits = [float(x) for x in args.limits.split(",") if x.strip()]

    rows: list[dict[str, Any]] = []
    instances = {}
    for size in sizes:
        scenario = generate(size, seed=args.seed)  # type: ignore[arg-type]
        instances[size] = size_of(scenario)
        bound = None
        if not args.no_lp_bound:
            # Once per instance, outside the timed runs: the LP takes seconds to a minute.
            found = run("bound", scenario, 0, args.workers, args.seed)
            bound = found.get("bound")
            instances[size]["lower_bound"] = found
            print(f"{size}: lower bound {bound} in {found.get('wall_seconds')} s", flush=True)
        base = run("greedy", scenario, 0, args.workers, args.seed)
        rows.append({"instance": size, "planner": "greedy", "limit_s": None, **base})
        print(render(rows[-1:]).splitlines()[-1], flush=True)
        for limit in limits:
            row = run("engine", scenario, limit, args.workers, args.seed)
            rows.append(with_instance_bound(
                {"instance": size, "planner": "engine", "limit_s": limit, **row}, bound))
            print(render(rows[-1:]).splitlines()[-1], flush=True)
    table = render(rows)
    print()
    print(table)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({
        "when": datetime.now().isoformat(timespec="seconds"),
        "machine": {"python": sys.version.split()[0], "platform": platform.platform(),
                    "processor": platform.processor(), "cpus": multiprocessing.cpu_count()},
        "workers": args.workers, "seed": args.seed, "instances": instances, "rows": rows,
    }, indent=2))
    print(f"\nwritten: {args.out}")
    return 0 if all(r["valid"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
