"""The benchmark script runs end to end on the tiny instance (the full run is not a test)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench" / "run.py"


def test_benchmark_smoke_run_passes_the_validator(tmp_path):
    spec = importlib.util.spec_from_file_location("bench_run", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = tmp_path / "smoke.json"
    assert module.main(["--smoke", "--out", str(out)]) == 0
    data = json.loads(out.read_text())
    planners = [r["planner"] for r in data["rows"]]
    assert planners == ["greedy", "plain", "engine"]
    assert all(r["valid"] for r in data["rows"])
    engine = data["rows"][2]
    # The engine starts from the greedy schedule and never returns anything worse.
    assert engine["objective"] <= data["rows"][0]["objective"] + 1e-6
    assert engine["peak_memory_mib"] > 0
    # The instance's bound (computed once, LP included) is valid: at most the engine's objective.
    bound = data["instances"]["tiny"]["lower_bound"]["bound"]
    assert 0 <= bound <= engine["objective"] + 1e-6
    assert engine["bound"] >= bound - 1e-6
    # The plain model's own bound holds for its block shifts only: its row is measured against
    # the instance's bound alone.
    plain = data["rows"][1]
    assert plain["engine_bound"] is None and plain["bound"] == bound
    assert plain["objective"] >= bound - 1e-6


def test_deterministic_runs_give_the_same_engine_objective_twice(tmp_path):
    spec = importlib.util.spec_from_file_location("bench_run", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rows = []
    for name in ("a", "b"):
        out = tmp_path / f"{name}.json"
        assert module.main(["--sizes", "tiny", "--limits", "2", "--planners", "engine",
                            "--no-lp-bound", "--deterministic", "--out", str(out)]) == 0
        data = json.loads(out.read_text())
        assert data["deterministic"] is True
        rows.append(data["rows"][0])
    assert rows[0]["valid"] and rows[1]["valid"]
    # Deterministic mode leaves the clock out of the schedule: no time to the first solution.
    assert rows[0]["first_feasible_seconds"] is None
    assert rows[0]["objective"] == rows[1]["objective"]


def test_median_row_takes_each_figure_median_and_fails_with_any_run():
    from scheduler.planning.benchmark import median_row

    runs = [{"instance": "M", "planner": "engine", "limit_s": 60.0, "seed": s,
             "objective": o, "uncovered_hours": u, "valid": v}
            for s, o, u, v in ((0, 30.0, 5.0, True), (1, 10.0, 9.0, True), (2, 20.0, 1.0, False))]
    row = median_row(runs)
    assert (row["objective"], row["uncovered_hours"], row["seed"]) == (20.0, 5.0, "median")
    assert row["valid"] is False
    assert median_row(runs[:2])["valid"] is True


def test_a_bound_above_a_valid_objective_fails_the_row():
    from scheduler.planning.benchmark import with_instance_bound

    row = {"planner": "engine", "objective": 100.0, "bound": 80.0, "valid": True}
    assert with_instance_bound(row, 90.0)["gap"] == 0.1
    assert with_instance_bound(row, 70.0)["bound"] == 80.0  # the run's own is better
    broken = with_instance_bound(row, 120.0)
    assert not broken["valid"] and broken["gap"] is None


def test_time_report_bench_catches_every_planted_error(tmp_path):
    spec = importlib.util.spec_from_file_location(
        "bench_timereports", BENCH.with_name("timereports.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    figures = module.measure("S", 0, tmp_path, per_kind=2, repeat=1)
    kinds = {kind for _, kind in figures["planted"]}
    # S has one client, whose decisions run on: nothing to plant outside a decision.
    assert kinds >= {"ob", "jour", "caregiver_supplement", "overtime", "off_plan", "unplanned",
                     "working_time"}
    assert figures["missed"] == []
    assert (tmp_path / "time_reports.csv").exists()


def test_rounds_bench_smoke_run(tmp_path):
    """bench/rounds.py end to end on its smoke instance (6 clients, 3 days): the greedy and the
    engine plan it with rounds and with one-client shifts, every schedule passes the validator,
    and the figures add up."""
    spec = importlib.util.spec_from_file_location("bench_rounds", BENCH.with_name("rounds.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = tmp_path / "rounds.json"
    assert module.main(["--smoke", "--out", str(out)]) == 0
    data = json.loads(out.read_text())
    assert [(r["planner"], r["mode"]) for r in data["rows"]] == [
        ("greedy", "rounds"), ("greedy", "one_client"), ("engine", "rounds"),
        ("engine", "one_client")]
    assert all(r["valid"] for r in data["rows"])
    rows = {(r["planner"], r["mode"]): r for r in data["rows"]}
    for r in data["rows"]:
        # Every shift's time is a visit, travel, waiting or a (paid) break: never less than
        # its visits and travel.
        assert r["paid_hours"] >= r["visit_hours"] + r["travel_hours"] + r["waiting_hours"] - 0.01
        assert r["shifts"] > 0
    # One-client shifts never travel and never hold a round; the engine with rounds makes some.
    for planner in ("greedy", "engine"):
        assert rows[planner, "one_client"]["travel_hours"] == 0
        assert rows[planner, "one_client"]["rounds"] == 0
    assert rows["engine", "rounds"]["rounds"] > 0
    engine = data["targets"]["engine"]
    assert engine["waiting_ratio"] == pytest.approx(
        rows["engine", "rounds"]["waiting_hours"] / rows["engine", "one_client"]["waiting_hours"],
        abs=1e-3)


def test_rounds_bench_targets_and_medians():
    spec = importlib.util.spec_from_file_location("bench_rounds", BENCH.with_name("rounds.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    single = {"waiting_hours": 40.0, "uncovered_hours": 10.0}
    assert module.targets({"waiting_hours": 20.0, "uncovered_hours": 10.0}, single) == {
        "waiting_ratio": 0.5, "waiting_per_visit_hour_ratio": None, "waiting_halved": True,
        "uncovered_not_more": True}
    # Per visit hour served: 20 h of waiting for 40 visit hours against 40 h for 20.
    assert module.targets(
        module.per_visit_hour({"waiting_hours": 20.0, "visit_hours": 40.0,
                               "uncovered_hours": 0.0}),
        module.per_visit_hour({"waiting_hours": 40.0, "visit_hours": 20.0,
                               "uncovered_hours": 20.0}))["waiting_per_visit_hour_ratio"] == 0.25
    worse = module.targets({"waiting_hours": 21.0, "uncovered_hours": 10.5}, single)
    assert not worse["waiting_halved"] and not worse["uncovered_not_more"]
    assert not module.targets({"waiting_hours": 0.0, "uncovered_hours": 0.0},
                              {"waiting_hours": 0.0, "uncovered_hours": 0.0})["waiting_halved"]
    runs = [{"planner": "engine", "mode": "rounds", "seed": s, "waiting_hours": w,
             "valid": v} for s, w, v in ((0, 3.0, True), (1, 1.0, True), (2, 2.0, False))]
    row = module.medians(runs)
    assert row["waiting_hours"] == 2.0 and row["seed"] == "median" and row["valid"] is False


def _report_peak(queue) -> None:  # module level: a spawned child imports it
    from scheduler.planning.benchmark import peak_memory_mib

    queue.put(peak_memory_mib())


def test_a_spawned_runs_peak_memory_is_its_own_not_its_parents():
    """``ru_maxrss`` in a spawned child starts at its parent's peak (Linux keeps the larger
    across the exec): a benchmark driver holding an instance would show in every run's figure."""
    import multiprocessing
    import sys

    import pytest

    if not sys.platform.startswith("linux"):
        pytest.skip("VmHWM is Linux's")
    held = bytearray(300 * 1024 * 1024)
    held[::4096] = b"\x01" * len(held[::4096])  # touched: resident, not just reserved
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    child = context.Process(target=_report_peak, args=(queue,))
    child.start()
    peak = queue.get(timeout=60)
    child.join()
    del held
    assert 0 < peak < 200  # an idle interpreter with the package imported, not the 300 MiB
