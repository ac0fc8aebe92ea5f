"""The access matrix: no token 401, wrong role 403, another unit's data 403."""

from __future__ import annotations

from typing import Any

import pytest
from apihelpers import Api

from builders import week_data
from scheduler.api.db import Role

PROTECTED: list[tuple[str, str, Any]] = [
    ("POST", "/scenarios/validate", week_data()),
    ("POST", "/scenarios", week_data()),
    ("GET", "/scenarios", None),
    ("GET", "/scenarios/x", None),
    ("DELETE", "/scenarios/x", None),
    ("POST", "/jobs", {"scenario": week_data()}),
    ("GET", "/jobs", None),
    ("GET", "/jobs/x", None),
    ("GET", "/jobs/x/result", None),
    ("POST", "/jobs/x/cancel", None),
    ("POST", "/compare", {"job_ids": ["a", "b"]}),
    ("POST", "/placement", {"scenario": week_data()}),
    ("GET", "/keys", None),
    ("GET", "/keys/me", None),
]


@pytest.mark.parametrize(("method", "path", "body"), PROTECTED,
                         ids=[f"{m} {p}" for m, p, _ in PROTECTED])
@pytest.mark.parametrize("headers", [
    {}, {"Authorization": "Bearer sk_000000000000_wrong"}, {"Authorization": "Basic abc"},
    {"Authorization": "Bearer "},
], ids=["none", "unknown", "basic", "empty"])
def test_no_valid_token_is_401(api: Api, method: str, path: str, body: Any,
                               headers: dict[str, str]) -> None:
    response = api.client.request(method, path, json=body, headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


def test_a_revoked_key_stops_working(api: Api) -> None:
    from scheduler.api.security import revoke_key

    headers = api.key(Role.SYSTEM, [])
    assert api.client.get("/keys/me", headers=headers).status_code == 200
    key_id = api.client.get("/keys/me", headers=headers).json()["key_id"]
    with api.app.state.sessions() as session:
        assert revoke_key(session, key_id)
    assert api.client.get("/keys/me", headers=headers).status_code == 401


def test_wrong_role_is_403(api: Api) -> None:
    assert api.client.get("/keys", headers=api.manager_u1).status_code == 403
    assert api.client.get("/keys", headers=api.system).status_code == 403
    scenario_id = api.client.post("/scenarios", json=week_data(), headers=api.system).json()["id"]
    response = api.client.delete(f"/scenarios/{scenario_id}", headers=api.system)
    assert response.status_code == 403 and "system" in response.json()["detail"]
    assert api.client.delete(f"/scenarios/{scenario_id}",
                             headers=api.coordinator).status_code == 204


def test_a_unit_manager_never_reaches_another_units_data(api: Api) -> None:
    u2 = api.manager_u2
    created = api.client.post("/scenarios", json=week_data("U1"), headers=api.manager_u1)
    scenario_id = created.json()["id"]
    job_id = api.client.post("/jobs", json={"scenario_id": scenario_id},
                             headers=api.manager_u1).json()["id"]
    assert api.wait(job_id, api.manager_u1)["state"] == "succeeded"
    forbidden = [
        ("GET", f"/scenarios/{scenario_id}", None),
        ("DELETE", f"/scenarios/{scenario_id}", None),
        ("POST", "/scenarios/validate", week_data("U1")),
        ("POST", "/scenarios", week_data("U1")),
        ("POST", "/jobs", {"scenario_id": scenario_id}),
        ("POST", "/jobs", {"scenario": week_data("U1")}),
        ("GET", f"/jobs/{job_id}", None),
        ("GET", f"/jobs/{job_id}/result", None),
        ("POST", f"/jobs/{job_id}/cancel", None),
        ("POST", "/compare", {"job_ids": [job_id, job_id + "x"]}),
        ("POST", "/placement", {"scenario_id": scenario_id}),
    ]
    for method, path, body in forbidden:
        response = api.client.request(method, path, json=body, headers=u2)
        assert response.status_code == 403, (method, path, response.json())
    # Lists leave it out rather than refuse.
    assert scenario_id not in [s["id"] for s in api.client.get("/scenarios", headers=u2).json()]
    assert job_id not in [j["id"] for j in api.client.get("/jobs", headers=u2).json()]
    assert scenario_id in [s["id"] for s in api.client.get("/scenarios",
                                                           headers=api.manager_u1).json()]
    # A scenario that also covers U2 is out of reach for U1's manager (all units must match).
    both = week_data("U1")
    both["units"].append({"id": "U2"})
    assert api.client.post("/scenarios", json=both, headers=api.manager_u1).status_code == 403
    assert api.client.post("/scenarios", json=both, headers=api.coordinator).status_code == 201
    # U2's own manager does fine with U2's data.
    own = api.client.post("/scenarios/validate", json=week_data("U2"), headers=u2)
    assert own.status_code == 200


def test_a_coordinator_limited_to_units_is_held_to_them(api: Api) -> None:
    headers = api.key(Role.COORDINATOR, ["U2"])
    assert api.client.post("/scenarios", json=week_data("U1"), headers=headers).status_code == 403
    assert api.client.post("/scenarios", json=week_data("U2"), headers=headers).status_code == 201
