"""Solve jobs: submit (202), progress, result, list, cancel, the time-limit cap."""

from __future__ import annotations

from apihelpers import Api, heavy, tiny


def test_submit_poll_and_fetch_the_result(api: Api) -> None:
    response = api.client.post("/jobs", json={"scenario": tiny(), "seed": 3},
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
    assert {p["rule"] for p in body["penalties"]} >= {"uncovered_need", "overtime"}
    assert body["penalties"] == body["schedule"]["penalties"]
    assert body["kpis"]["totals"]["uncovered_person_hours"] == 0
    assert body["solve"]["seed"] == 3


def test_submit_a_stored_scenario_and_list_jobs(api: Api) -> None:
    scenario_id = api.client.post("/scenarios", json=tiny(name="stored"),
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
    both = {"scenario": tiny(), "scenario_id": "x"}
    assert api.client.post("/jobs", json=both, headers=api.system).status_code == 422
    assert api.client.post("/jobs", json={}, headers=api.system).status_code == 422
    missing = api.client.post("/jobs", json={"scenario_id": "nope"}, headers=api.system)
    assert missing.status_code == 404
    assert api.client.get("/jobs/nope", headers=api.system).status_code == 404
    assert api.client.get("/jobs/nope/result", headers=api.system).status_code == 404
    assert api.client.post("/jobs/nope/cancel", headers=api.system).status_code == 404


def test_time_limit_is_capped(api: Api) -> None:
    job = api.client.post("/jobs", json={"scenario": tiny(), "time_limit_seconds": 3600,
                                         "workers": 8}, headers=api.system).json()
    assert job["time_limit_seconds"] == 3 and job["workers"] == 1
    api.wait(job["id"])


def test_cancel_a_running_solve_stops_it_and_keeps_a_valid_schedule(api: Api) -> None:
    job = api.client.post("/jobs", json={"scenario": heavy(), "time_limit_seconds": 3},
                          headers=api.coordinator).json()
    running = api.wait(job["id"], states={"running", "succeeded", "failed", "cancelled"})
    assert running["state"] == "running"
    assert api.client.get(f"/jobs/{job['id']}/result",
                          headers=api.coordinator).status_code == 409
    response = api.client.post(f"/jobs/{job['id']}/cancel", headers=api.coordinator)
    assert response.status_code == 200, response.json()["job"]
    body = response.json()
    if body["job"]["state"] == "succeeded":  # it finished just before the cancel arrived
        return
    assert body["job"]["state"] == "cancelled" and body["job"]["interrupted"], body["job"]
    result = body["result"]
    assert result["solve"]["status"] == "greedy" and result["interrupted"]
    assert result["validation"]["ok"] and result["schedule"]["shifts"]
    assert result["schedule"]["horizon_days"] == 28
    again = api.client.post(f"/jobs/{job['id']}/cancel", headers=api.coordinator)
    assert again.status_code == 409


def test_cancel_a_queued_job(api: Api) -> None:
    # Two workers: occupy both, then the third job waits in the queue.
    blockers = [api.client.post("/jobs", json={"scenario": heavy(), "time_limit_seconds": 3},
                                headers=api.coordinator).json()["id"] for _ in range(2)]
    queued = api.client.post("/jobs", json={"scenario": tiny()}, headers=api.coordinator).json()
    assert queued["state"] == "queued" and queued["queue_position"] >= 1
    response = api.client.post(f"/jobs/{queued['id']}/cancel", headers=api.coordinator)
    assert response.status_code == 200
    assert response.json()["job"]["state"] == "cancelled"
    assert response.json()["result"] is None
    result = api.client.get(f"/jobs/{queued['id']}/result", headers=api.coordinator)
    assert result.status_code == 409 and "cancelled" in result.json()["detail"]
    for job_id in blockers:
        api.client.post(f"/jobs/{job_id}/cancel", headers=api.coordinator)
