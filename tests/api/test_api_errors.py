"""The one error model: every error, also outside the declared operations, is an
``ErrorResponse`` with a stable code; request-validation errors are located without pydantic's
union tags and name the scenario's fields by id."""

from __future__ import annotations

from typing import Any

from apihelpers import Api

from builders import week_data
from scheduler.api.errors import ErrorResponse


def _error(response: Any, status: int, code: str) -> ErrorResponse:
    assert response.status_code == status, response.text
    error = ErrorResponse.model_validate(response.json())
    assert error.code.value == code and error.detail
    return error


def test_unknown_paths_and_methods_get_the_error_model(api: Api) -> None:
    _error(api.client.get("/nowhere", headers=api.coordinator), 404, "not_found")
    _error(api.client.put("/jobs", headers=api.coordinator), 405, "method_not_allowed")


def test_a_scenario_sent_with_a_job_is_located_from_the_body(api: Api) -> None:
    bad = week_data()
    bad["clients"][0]["decisions"][0]["granted_hours_per_week"] = -1
    error = _error(api.client.post("/jobs", json={"scenario": bad}, headers=api.coordinator),
                   422, "invalid_scenario")
    # loc and problems as the caller wrote the body: no 'scenario_sent' union tag in between.
    assert error.errors[0].loc[:3] == ["body", "scenario", "clients"]
    assert any(p.startswith("scenario.clients[C1].decisions[D1].granted_hours_per_week")
               for p in error.problems), error.problems


def test_exactly_one_of_scenario_id_and_scenario(api: Api) -> None:
    for body in ({}, {"scenario_id": "x", "scenario": week_data()}):
        for url in ("/jobs", "/placement"):
            error = _error(api.client.post(url, json=body, headers=api.coordinator),
                           422, "validation_error")
            assert "exactly one of scenario_id and scenario" in error.detail


def test_a_plain_field_error_is_a_validation_error(api: Api) -> None:
    error = _error(api.client.get("/jobs?limit=0", headers=api.coordinator), 422,
                   "validation_error")
    assert error.errors[0].loc == ["query", "limit"] and error.errors[0].type


def test_job_states_without_a_schedule_have_their_own_409_codes(api: Api) -> None:
    job = api.client.post("/jobs", json={"scenario": week_data()}, headers=api.coordinator)
    job_id = job.json()["id"]
    response = api.client.get(f"/jobs/{job_id}/result", headers=api.coordinator)
    if response.status_code == 409:  # still queued or running (it may already be done)
        _error(response, 409, "job_not_finished")
    assert api.wait(job_id)["state"] == "succeeded"
    _error(api.client.post(f"/jobs/{job_id}/cancel", headers=api.coordinator), 409,
           "job_already_finished")
