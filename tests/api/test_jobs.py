"""Solve jobs: submit (202), progress, result, list, cancel, the time-limit cap."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from apihelpers import FINISHED, Api, make_settings, running_api

from builders import heavy_data, week_data
from scheduler.planning.instances import generate
from scheduler.solver.baseline import plan_greedy


def test_submit_poll_and_fetch_the_result(api: Api) -> None:
    response = api.client.post("/jobs", json={"scenario": week_data(), "seed": 3},
                               headers=api.system)
    assert response.status_code == 202
    job = response.json()
    assert job["state"] in ("queued", "running")
    assert response.headers["location"] == f"/jobs/{job['id']}"
    done = api.wait(job["id"], api.system)
    assert done["state"] == "succeeded", done
    assert done["solver_status"] == "optimal" and done["result_available"]
    progress = done["progress"]
    assert progress["objective"] is not None and progress["gap"] is not None
    result = api.client.get(f"/jobs/{job['id']}/result", headers=api.system)
    assert result.status_code == 200
    body = result.json()
    assert body["validation"]["ok"] is True
    assert body["schedule"]["shifts"], "the need can be covered"
    schedule = body["schedule"]  # solve, penalties and KPIs once, in the schedule document
    assert not {"solve", "penalties", "kpis"} & set(body)
    assert {p["rule"] for p in schedule["penalties"]} >= {"uncovered_need", "overtime"}
    assert schedule["kpis"]["totals"]["uncovered_person_hours"] == 0
    assert schedule["solve"]["seed"] == 3


def test_submit_a_stored_scenario_and_list_jobs(api: Api) -> None:
    scenario_id = api.client.post("/scenarios", json=week_data(name="stored"),
                                  headers=api.coordinator).json()["id"]
    response = api.client.post("/jobs", json={"scenario_id": scenario_id},
                               headers=api.coordinator)
    assert response.status_code == 202
    job_id = response.json()["id"]
    api.wait(job_id)
    listed = api.client.get("/jobs", params={"scenario_id": scenario_id},
                            headers=api.coordinator).json()
    assert [j["id"] for j in listed] == [job_id]
    succeeded = api.client.get("/jobs", params={"state": "succeeded", "limit": 500},
                               headers=api.coordinator).json()
    assert job_id in [j["id"] for j in succeeded]
    # A scenario with jobs can be deleted once they are finished; the jobs go with it.
    assert api.client.delete(f"/scenarios/{scenario_id}",
                             headers=api.coordinator).status_code == 204
    assert api.client.get(f"/jobs/{job_id}", headers=api.coordinator).status_code == 404


def test_bad_submissions(api: Api) -> None:
    both = {"scenario": week_data(), "scenario_id": "x"}
    assert api.client.post("/jobs", json=both, headers=api.system).status_code == 422
    assert api.client.post("/jobs", json={}, headers=api.system).status_code == 422
    missing = api.client.post("/jobs", json={"scenario_id": "nope"}, headers=api.system)
    assert missing.status_code == 404
    assert api.client.get("/jobs/nope", headers=api.system).status_code == 404
    assert api.client.get("/jobs/nope/result", headers=api.system).status_code == 404
    assert api.client.post("/jobs/nope/cancel", headers=api.system).status_code == 404


def test_time_limit_is_capped(api: Api) -> None:
    job = api.client.post("/jobs", json={"scenario": week_data(), "time_limit_seconds": 3600,
                                         "workers": 8}, headers=api.system).json()
    assert job["time_limit_seconds"] == 3 and job["workers"] == 1
    api.wait(job["id"])


@pytest.fixture(scope="module")
def long_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """A server whose solves may run 30 s (the shared one caps them at 3), with one worker. A job
    given the whole 30 s cannot end on its own before the test has cancelled it, and a cancel
    waits long enough for the job's reply even on a loaded machine."""
    settings = make_settings(tmp_path_factory.mktemp("long"), max_time_limit_seconds=LONG,
                             max_concurrent_solves=1, cancel_grace_seconds=10,
                             cancel_wait_seconds=60)
    with running_api(settings) as running:
        yield running


LONG = 30  # seconds: the long server's cap, the time limit of the jobs its tests cancel


@pytest.fixture(scope="module")
def medium() -> tuple[dict[str, Any], float]:
    """The generated M instance (a unit, ~12 clients, ~50 staff: neighbourhood search runs
    to its time limit) as JSON, and the greedy baseline's objective for it."""
    scenario = generate("M", seed=1)
    greedy = plan_greedy(scenario).solve
    assert greedy is not None and greedy.objective is not None
    return scenario.model_dump(mode="json"), greedy.objective


def _wait_for_progress(api: Api, job_id: str, timeout: float = 120) -> dict[str, Any]:
    """Poll until the job is running and its search has reported an objective; a queued job
    is waited for, a finished one returned at once (bounded)."""
    deadline = time.monotonic() + timeout
    while True:
        job = api.client.get(f"/jobs/{job_id}", headers=api.coordinator).json()
        progressed = job["state"] == "running" and job["progress"]["objective"] is not None
        if progressed or job["state"] in FINISHED or time.monotonic() > deadline:
            return job
        time.sleep(0.05)


def test_cancel_a_running_solve_keeps_the_best_schedule_so_far(
        long_api: Api, medium: tuple[dict[str, Any], float]) -> None:
    api, (scenario, greedy_objective) = long_api, medium
    job = api.client.post("/jobs", json={"scenario": scenario, "time_limit_seconds": LONG},
                          headers=api.coordinator).json()
    assert job["time_limit_seconds"] == LONG
    running = _wait_for_progress(api, job["id"])
    assert running["state"] == "running" and running["progress"]["objective"] is not None
    assert api.client.get(f"/jobs/{job['id']}/result",
                          headers=api.coordinator).status_code == 409
    response = api.client.post(f"/jobs/{job['id']}/cancel", headers=api.coordinator)
    assert response.status_code == 200, response.json()["job"]
    body = response.json()
    # Interrupted: the engine saw the stop signal (it did not run to its limit) and replied
    # with the search's best schedule; a greedy stand-in would say status "greedy".
    assert body["job"]["state"] == "cancelled" and body["job"]["interrupted"], body["job"]
    result = body["result"]
    assert result["interrupted"] and result["state"] == "cancelled"
    # The search's own best schedule, not the greedy stand-in: complete, valid, no worse than
    # the greedy start nor than the best objective reported before the cancel.
    solve = result["schedule"]["solve"]
    assert solve["status"] in ("feasible", "optimal"), solve
    assert result["validation"]["ok"], result["validation"]["violations"][:3]
    assert result["schedule"]["shifts"] and result["schedule"]["horizon_days"] == 28
    objective = solve["objective"]
    assert objective <= greedy_objective + 1e-6, (objective, greedy_objective)
    assert objective <= running["progress"]["objective"] + 1e-6
    assert body["job"]["progress"]["objective"] == objective
    again = api.client.post(f"/jobs/{job['id']}/cancel", headers=api.coordinator)
    assert again.status_code == 409


def test_a_solve_that_does_not_stop_in_time_falls_back_to_greedy(
        long_api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    # Stand in for a CP-SAT part that finds no new solution (it polls the cancel signal only
    # when its time share ends): the dispatcher records the cancel but never signals it, and
    # gives the solve 1 s to stop before it falls back. The greedy plan that replaces it gets
    # the settings' generous grace (a fresh worker process must start first).
    runner = long_api.app.state.runner
    monkeypatch.setattr(runner, "settings",
                        runner.settings.model_copy(update={"cancel_grace_seconds": 60}))

    def record_only(worker: Any) -> None:
        worker.cancel_since = time.monotonic()
        worker.deadline = worker.cancel_since + 1.0

    monkeypatch.setattr(runner, "_cancel_running", record_only)
    api = long_api
    job = api.client.post("/jobs", json={"scenario": heavy_data(), "time_limit_seconds": LONG},
                          headers=api.coordinator).json()
    running = api.wait(job["id"], states={"running"})
    assert running["state"] == "running", running
    response = api.client.post(f"/jobs/{job['id']}/cancel", headers=api.coordinator)
    assert response.status_code in (200, 202)
    done = api.wait(job["id"])
    assert done["state"] == "cancelled" and done["interrupted"], done
    result = api.client.get(f"/jobs/{job['id']}/result", headers=api.coordinator).json()
    assert result["schedule"]["solve"]["status"] == "greedy" and result["interrupted"]
    assert result["validation"]["ok"] and result["schedule"]["shifts"]


def test_cancel_a_queued_job(long_api: Api) -> None:
    # One worker: once a long job runs on it, the next job waits in the queue.
    api = long_api
    blocker = api.client.post("/jobs", json={"scenario": heavy_data(),
                                             "time_limit_seconds": LONG},
                              headers=api.coordinator).json()["id"]
    assert api.wait(blocker, states={"running"})["state"] == "running"
    queued = api.client.post("/jobs", json={"scenario": week_data()},
                             headers=api.coordinator).json()
    assert queued["state"] == "queued" and queued["queue_position"] == 1
    response = api.client.post(f"/jobs/{queued['id']}/cancel", headers=api.coordinator)
    assert response.status_code == 200
    assert response.json()["job"]["state"] == "cancelled"
    assert response.json()["result"] is None
    result = api.client.get(f"/jobs/{queued['id']}/result", headers=api.coordinator)
    assert result.status_code == 409 and "cancelled" in result.json()["detail"]
    api.client.post(f"/jobs/{blocker}/cancel", headers=api.coordinator)
    assert api.wait(blocker)["state"] == "cancelled"
