"""Re-planning through the API: a job may re-plan a finished job's schedule for a changed
scenario from a moment on (as `scheduler replan` does), and `getJobDiff` lists the changes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from apihelpers import Api

from builders import assistance_week, staff
from scheduler import validator
from scheduler.api.db import Role
from scheduler.domain.scenario import Scenario
from scheduler.domain.schedule import Schedule

FROM = "2027-02-03T06:30"


def _week() -> dict[str, Any]:
    sc = assistance_week(staff=[staff(f"A{i}", 30) for i in (1, 2, 3, 4)], time_limit=3)
    return sc.model_dump(mode="json")


def _solved(api: Api, body: dict[str, Any]) -> dict[str, Any]:
    job = api.client.post("/jobs", json={"time_limit_seconds": 3, "seed": 1, **body},
                          headers=api.coordinator)
    assert job.status_code == 202, job.text
    done = api.wait(job.json()["id"])
    assert done["state"] == "succeeded", done
    return done


def _schedule(api: Api, job_id: str) -> Schedule:
    result = api.client.get(f"/jobs/{job_id}/result", headers=api.coordinator)
    return Schedule.model_validate(result.json()["schedule"])


def test_a_job_replans_a_finished_job_after_a_sick_call(api: Api) -> None:
    first = _solved(api, {"scenario": _week()})
    before = _schedule(api, first["id"])
    sick = next(s.staff for s in sorted(before.shifts, key=lambda s: s.start)
                if s.start.replace(tzinfo=None) >= datetime.fromisoformat(FROM))
    changed = _week()
    for member in changed["staff"]:
        if member["id"] == sick:
            member["absences"] = [{"start": FROM, "end": "2027-02-04T00:00", "reason": "sick"}]
    second = _solved(api, {"scenario": changed, "replan_job_id": first["id"],
                           "replan_from": FROM})
    after = _schedule(api, second["id"])
    stored = api.client.get(f"/scenarios/{second['scenario_id']}", headers=api.coordinator)
    scenario = Scenario.model_validate(stored.json()["scenario"])
    assert scenario.replan is not None and scenario.pinned_shifts
    assert validator.check_schedule(scenario, after).ok
    cut = datetime.fromisoformat(FROM)
    assert ({(s.staff, s.start) for s in before.shifts if s.start.replace(tzinfo=None) < cut}
            == {(s.staff, s.start) for s in after.shifts if s.start.replace(tzinfo=None) < cut})

    diff = api.client.get(f"/jobs/{second['id']}/diff", params={"against": first["id"]},
                          headers=api.coordinator)
    assert diff.status_code == 200, diff.text
    body = diff.json()
    assert body["since"].startswith(FROM)
    mine = [c for c in body["changes"] if sick in (c["staff"], c["previous_staff"])]
    assert mine and any("absent (sick" in c["reason"] for c in mine)
    stated = next(p.raw for p in after.penalties if p.rule == "changes")
    assert abs(stated - body["changed_hours"]) < 1e-6


def test_a_replan_whose_shifts_do_not_fit_is_refused(api: Api) -> None:
    first = _solved(api, {"scenario": _week()})
    worker = _schedule(api, first["id"]).shifts[0].staff
    changed = _week()
    changed["staff"] = [m for m in changed["staff"] if m["id"] != worker]
    for c in changed["clients"]:
        c["approved_staff"] = [s for s in c["approved_staff"] if s != worker]
    response = api.client.post("/jobs", json={"scenario": changed, "replan_job_id": first["id"],
                                              "replan_from": FROM}, headers=api.coordinator)
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "invalid_replan"
    assert f"unknown staff '{worker}'" in response.json()["detail"]


def test_replan_job_and_moment_come_together(api: Api) -> None:
    response = api.client.post("/jobs", json={"scenario": _week(), "replan_job_id": "x"},
                               headers=api.coordinator)
    assert response.status_code == 422, response.text
    assert "replan_job_id and replan_from" in response.text


def test_a_diff_against_an_unknown_job_is_404(api: Api) -> None:
    first = _solved(api, {"scenario": _week()})
    response = api.client.get(f"/jobs/{first['id']}/diff", params={"against": "nosuchjob"},
                              headers=api.coordinator)
    assert response.status_code == 404, response.text


def test_a_finished_jobs_report_is_served_with_the_same_access(api: Api) -> None:
    done = _solved(api, {"scenario": _week()})
    page = api.client.get(f"/jobs/{done['id']}/report", headers=api.coordinator)
    assert page.status_code == 200, page.text
    assert page.headers["content-type"].startswith("text/html")
    shift = _schedule(api, done["id"]).shifts[0]
    local_start = f"{shift.start:%H:%M}"
    assert shift.staff in page.text and local_start in page.text
    assert 'lang="sv"' in page.text
    english = api.client.get(f"/jobs/{done['id']}/report", params={"lang": "en"},
                             headers=api.coordinator)
    assert english.status_code == 200 and 'lang="en"' in english.text
    assert api.client.get(f"/jobs/{done['id']}/report",
                          params={"lang": "fi"}, headers=api.coordinator).status_code == 422
    assert api.client.get(f"/jobs/{done['id']}/report").status_code == 401
    other = api.key(Role.UNIT_MANAGER, ["U9"])
    assert api.client.get(f"/jobs/{done['id']}/report", headers=other).status_code == 403
