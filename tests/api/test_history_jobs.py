"""Back-to-back planning through the API: a job may name a finished job whose schedule is the
history of its scenario (as `scheduler solve --history` does)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from apihelpers import Api

from scheduler import validator
from scheduler.domain.scenario import Scenario
from scheduler.domain.schedule import Schedule
from scheduler.planning.continuity import join

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios" / "back_to_back"


def _document(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((SCENARIOS / name).read_text())
    return Scenario.model_validate(data).model_dump(mode="json")


def _solved(api: Api, body: dict[str, Any]) -> dict[str, Any]:
    job = api.client.post("/jobs", json={"time_limit_seconds": 3, **body},
                          headers=api.coordinator)
    assert job.status_code == 202, job.text
    done = api.wait(job.json()["id"])
    assert done["state"] == "succeeded", done
    return done


def test_a_job_continues_from_a_finished_job(api: Api) -> None:
    first = _solved(api, {"scenario": _document("weeks_1_2.yaml")})
    second = _solved(api, {"scenario": _document("weeks_3_4.yaml"),
                           "history_job_id": first["id"]})
    stored = api.client.get(f"/scenarios/{second['scenario_id']}", headers=api.coordinator)
    history = stored.json()["scenario"]["history"]
    schedules = [Schedule.model_validate(api.client.get(
        f"/jobs/{job['id']}/result", headers=api.coordinator).json()["schedule"])
        for job in (first, second)]
    assert sum(len(s["shifts"]) for s in history["staff"]) == len(schedules[0].shifts)
    whole = Scenario.model_validate(_document("four_weeks.yaml"))
    report = validator.check_schedule(whole, join(whole, schedules))
    assert report.ok, validator.format_report(report)


def test_a_history_job_that_does_not_end_before_the_horizon_is_refused(api: Api) -> None:
    whole = _solved(api, {"scenario": _document("four_weeks.yaml")})
    response = api.client.post("/jobs", json={"scenario": _document("weeks_3_4.yaml"),
                                              "history_job_id": whole["id"]},
                               headers=api.coordinator)
    assert response.status_code == 422, response.text
    assert "end after the scenario's horizon starts" in response.json()["detail"]


def test_an_unknown_history_job_is_404(api: Api) -> None:
    response = api.client.post("/jobs", json={"scenario": _document("weeks_3_4.yaml"),
                                              "history_job_id": "nosuchjob"},
                               headers=api.coordinator)
    assert response.status_code == 404, response.text
