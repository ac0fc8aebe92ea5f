"""Issue 15's probe findings, each reproduced: bad dates and zones (2), NaN/Infinity/absurd and
true-as-a-number (3), the personal-identity-number filter (4), and the smaller ones (7)."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from apihelpers import Api, gate_only, make_settings

from builders import week_data
from scheduler.api.db import Role
from scheduler.api.gate import RedactPersonalNumbers
from scheduler.api.pii import find_personal_numbers
from scheduler.domain.scenario import Scenario


def _stored_count(api: Api) -> int:
    return len(api.client.get("/scenarios?limit=500", headers=api.coordinator).json())


def _post_raw(api: Api, path: str, text: str) -> Any:
    return api.client.post(path, content=text.encode(),
                           headers={**api.coordinator, "Content-Type": "application/json"})


# -- 2: dates near the ends of the calendar, absurd time zones: 422 and never stored --------

def _zone(data: dict[str, Any]) -> None:
    data["horizon"]["timezone"] = "A" * 300


def _far_start(data: dict[str, Any]) -> None:
    data["horizon"]["start"] = "9999-12-25"


def _whole_calendar(data: dict[str, Any]) -> None:
    data["clients"][0]["need"]["exceptions"] = [
        {"start": "0001-01-01T00:00", "end": "9999-12-31T00:00", "staff": 0}]


@pytest.mark.parametrize("change, field", [
    (_zone, "horizon.timezone"), (_far_start, "horizon.start"),
    (_whole_calendar, "need.exceptions"),
])
def test_dates_and_zones_that_overflowed_are_refused_and_not_stored(api: Api, change: Any,
                                                                     field: str) -> None:
    before = _stored_count(api)
    data = week_data(name="bad-dates")
    change(data)
    for path in ("/scenarios", "/scenarios/validate"):
        response = api.client.post(path, json=data, headers=api.coordinator)
        assert response.status_code == 422, response.text
        assert any(field in p for p in response.json()["problems"])
    assert api.client.post("/jobs", json={"scenario": data},
                           headers=api.coordinator).status_code == 422
    assert _stored_count(api) == before


# -- 3: NaN, Infinity, absurd magnitudes, true as a number ---------------------------------

@pytest.mark.parametrize("field, value", [
    ('"uncovered": 8', '"uncovered": NaN'),
    ('"uncovered": 8', '"uncovered": Infinity'),
    ('"uncovered": 8', '"uncovered": 1e14'),
    ('"contract_hours_per_week": 40', '"contract_hours_per_week": -Infinity'),
    ('"contract_hours_per_week": 40', '"contract_hours_per_week": 1e300'),
    ('"granted_hours_per_week": 56', '"granted_hours_per_week": NaN'),
    ('"time_limit_seconds": 2', '"time_limit_seconds": Infinity'),
])
def test_nan_infinity_and_absurd_numbers_are_refused(api: Api, field: str, value: str) -> None:
    data = week_data(name="nan")
    data["weights"] = {"uncovered": 8}
    data["solver"] = {"time_limit_seconds": 2, "workers": 1}
    text = json.dumps(data)
    assert field in text
    before = _stored_count(api)
    response = _post_raw(api, "/scenarios", text.replace(field, value, 1))
    assert response.status_code == 422, response.text
    assert _stored_count(api) == before


def test_every_number_in_a_scenario_has_an_upper_bound() -> None:
    """The schema walk that found the unbounded ones (placement weights, the seed)."""
    unbounded: list[str] = []

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict):
            if (node.get("type") in ("number", "integer") and "enum" not in node
                    and "maximum" not in node and "exclusiveMaximum" not in node):
                unbounded.append(path)
            for key, value in node.items():
                walk(value, f"{path}.{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{path}[{index}]")

    walk(Scenario.model_json_schema(), "$")
    # slot_minutes is a choice among a few values (Literal), which the schema gives as an enum
    # of integers on some pydantic versions and as a typed const list on others.
    assert [p for p in unbounded if "slot_minutes" not in p] == []


@pytest.mark.parametrize("body", [
    {"time_limit_seconds": True}, {"workers": True}, {"seed": False},
])
def test_true_is_not_a_number_for_a_job(api: Api, body: dict[str, Any]) -> None:
    response = api.client.post("/jobs", json={"scenario": week_data(), **body},
                               headers=api.coordinator)
    assert response.status_code == 422, response.text
    assert "not a number" in response.text


def test_true_is_not_a_number_in_a_scenario(api: Api) -> None:
    data = week_data()
    data["staff"][0]["contract_hours_per_week"] = True
    response = api.client.post("/scenarios/validate", json=data, headers=api.coordinator)
    assert response.status_code == 422
    assert any("contract_hours_per_week" in p for p in response.json()["problems"])
    data = week_data()
    data["solver"] = {"deterministic": True}  # a real boolean field still takes one
    assert api.client.post("/scenarios/validate", json=data,
                           headers=api.coordinator).status_code == 200


# -- 4: the personal-identity-number filter -------------------------------------------------

DISGUISED = [
    "19800101 1234", "800101 1234", "800101\u20131234", "800101 \u2013 1234",
    "800101\u00ad1234", "8001\u200b011234", "80\u200d0101-1234", "８００１０１-１２３４",
    "800101\u22121234", "800161-1234",  # samordningsnummer (day + 60)
]


@pytest.mark.parametrize("text", DISGUISED)
def test_a_disguised_personal_number_is_found_in_free_text(api: Api, text: str) -> None:
    data = week_data()
    data["description"] = f"brukare {text}"
    response = api.client.post("/scenarios", json=data, headers=api.coordinator)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "$.description" in detail and "1234" not in detail and "0101" not in detail


def test_a_personal_number_as_an_integer_is_found(api: Api) -> None:
    data = week_data()
    data["solver"] = {"seed": 198001011234}
    response = api.client.post("/scenarios/validate", json=data, headers=api.coordinator)
    assert response.status_code == 422 and "$.solver.seed" in response.json()["detail"]
    assert find_personal_numbers({"x": 8001011234.0}) == ["$.x"]


def test_compare_bodies_are_scanned_and_a_missing_job_is_not_echoed(api: Api) -> None:
    response = api.client.post("/compare", json={"job_ids": ["19800101-1234", "b"]},
                               headers=api.coordinator)
    assert response.status_code == 422 and "1234" not in response.text
    response = api.client.post("/compare", json={"job_ids": ["secret-ish-id", "b"]},
                               headers=api.coordinator)
    assert response.status_code == 404
    assert "secret-ish-id" not in response.text and "job_ids[0]" in response.text


@pytest.mark.parametrize("url", [
    "/scenarios/19800101-1234", "/jobs/800101%E2%80%931234", "/jobs?scenario_id=800101+1234",
    "/jobs/x/result?note=8001%C2%AD011234",
])
def test_a_personal_number_in_the_url_is_refused_without_echo(api: Api, url: str) -> None:
    response = api.client.get(url, headers=api.coordinator)
    assert response.status_code == 400, response.text  # declared by every route
    assert response.json()["code"] == "bad_request"
    assert "1234" not in response.text


def test_the_access_log_never_holds_a_personal_number() -> None:
    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1,
                               '%s - "%s %s HTTP/%s" %d',
                               ("127.0.0.1:5", "GET", "/scenarios/800101%E2%80%931234?a=1",
                                "1.1", 422), None)
    RedactPersonalNumbers().filter(record)
    line = record.getMessage()
    assert "1234" not in line and "[personnummer]" in line and "GET" in line


@pytest.mark.parametrize("text", [
    "2027-02-01 08:00", "08:00-16:00", "1 200 000 kr", "tel 08-123 456 78", "20270201",
])
def test_dates_times_and_amounts_are_not_mistaken_for_one(text: str) -> None:
    assert find_personal_numbers({"t": text}) == []


# -- 7: the smaller findings -----------------------------------------------------------------

def test_a_malformed_body_without_a_token_gets_401_not_422(api: Api) -> None:
    response = api.client.post("/scenarios", content=b"{not json",
                               headers={"Content-Type": "application/json"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


def test_security_headers_on_every_answer(api: Api) -> None:
    for response in (api.client.get("/health"), api.client.get("/jobs"),
                     api.client.get("/jobs", headers=api.coordinator)):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["cache-control"] == "no-store"
        assert "default-src 'none'" in response.headers["content-security-policy"]


def test_a_scenario_name_over_200_characters_is_refused(api: Api) -> None:
    before = _stored_count(api)
    response = api.client.post("/scenarios", json=week_data(name="x" * 201),
                               headers=api.coordinator)
    assert response.status_code == 422 and "name" in response.json()["problems"][0]
    assert _stored_count(api) == before


def test_a_coordinator_held_to_a_unit_lists_only_that_units_keys(api: Api) -> None:
    scoped = api.key(Role.COORDINATOR, ["U1"])
    own = api.client.get("/keys/me", headers=scoped).json()["key_id"]
    listed = api.client.get("/keys", headers=scoped).json()
    assert own in [k["id"] for k in listed]
    assert all(k["units"] and set(k["units"]) <= {"U1"} for k in listed)
    everything = api.client.get("/keys", headers=api.coordinator).json()
    assert len(everything) > len(listed)  # the unscoped coordinator sees the others


def test_openapi_json_is_hidden_with_docs_off(tmp_path: Path) -> None:
    with gate_only(make_settings(tmp_path, docs=False)) as (client, keys):
        assert client.get("/openapi.json").status_code == 404
        assert client.get("/openapi.json", headers=keys["coordinator"]).status_code == 404
        assert client.get("/docs", headers=keys["coordinator"]).status_code == 404
    with gate_only(make_settings(tmp_path / "on")) as (client, _):
        assert client.get("/openapi.json").status_code == 200


def test_the_viewer_role_reads_and_changes_nothing(tmp_path: Path) -> None:
    with gate_only(make_settings(tmp_path)) as (client, keys):
        stored = client.post("/scenarios", json=week_data(), headers=keys["coordinator"])
        scenario_id = stored.json()["id"]
        viewer = keys["viewer"]
        assert client.get("/scenarios", headers=viewer).status_code == 200
        assert client.get(f"/scenarios/{scenario_id}", headers=viewer).status_code == 200
        assert client.get("/jobs", headers=viewer).status_code == 200
        assert client.post("/scenarios/validate", json=week_data(),
                           headers=viewer).status_code == 200
        assert client.post("/compare", json={"job_ids": ["a", "b"]},
                           headers=viewer).status_code == 404  # allowed; no such jobs
        for method, path, body in [
            ("POST", "/scenarios", week_data()), ("DELETE", f"/scenarios/{scenario_id}", None),
            ("POST", "/jobs", {"scenario_id": scenario_id}), ("POST", "/jobs/x/cancel", None),
            ("POST", "/placement", {"scenario_id": scenario_id}),
        ]:
            response = client.request(method, path, json=body, headers=viewer)
            assert response.status_code == 403, (method, path, response.text)
        assert client.get(f"/scenarios/{scenario_id}",
                          headers=keys["coordinator"]).status_code == 200


# -- 6: request rates ----------------------------------------------------------------------

def test_wrong_tokens_from_one_address_are_cut_off(tmp_path: Path) -> None:
    with gate_only(make_settings(tmp_path, auth_failure_limit="5/minute")) as (client, keys):
        wrong = {"Authorization": "Bearer sk_000000000000_wrong"}
        codes = [client.get("/jobs", headers=wrong).status_code for _ in range(8)]
        assert codes == [401] * 5 + [429] * 3
        response = client.get("/jobs", headers=keys["coordinator"])
        assert response.status_code == 429 and int(response.headers["retry-after"]) >= 1
        assert client.get("/health").status_code == 200


def test_one_keys_request_rate_is_limited_not_the_others(tmp_path: Path) -> None:
    with gate_only(make_settings(tmp_path, rate_limit="5/minute")) as (client, keys):
        codes = [client.get("/jobs", headers=keys["system"]).status_code for _ in range(7)]
        assert codes == [200] * 5 + [429] * 2
        assert client.get("/jobs", headers=keys["coordinator"]).status_code == 200


def test_a_nul_character_is_refused_in_the_body_and_the_url(api: Api) -> None:
    """PostgreSQL cannot store one in a text column: it must never get that far."""
    data = week_data(name="nul\u0000name")
    response = api.client.post("/scenarios", json=data, headers=api.coordinator)
    assert response.status_code == 422 and "NUL" in response.text
    assert api.client.get("/jobs/a%00b", headers=api.coordinator).status_code == 400
    assert api.client.get("/jobs?scenario_id=a%00b",
                          headers=api.coordinator).status_code == 400
    odd = {"Authorization": "Bearer sk_ab\x00cd_secret"}
    assert api.client.get("/jobs", headers=odd).status_code == 401
