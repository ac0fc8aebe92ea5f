"""Health, OpenAPI, and the scenario endpoints: validate, store, list, read, delete."""

from __future__ import annotations

from apihelpers import Api

from builders import week_data


def test_health_is_open(api: Api) -> None:
    response = api.client.get("/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_openapi_lists_every_resource_with_examples(api: Api) -> None:
    schema = api.client.get("/openapi.json").json()
    paths = set(schema["paths"])
    assert {"/health", "/scenarios", "/scenarios/validate", "/scenarios/{scenario_id}", "/jobs",
            "/jobs/{job_id}", "/jobs/{job_id}/result", "/jobs/{job_id}/cancel", "/keys",
            "/keys/me", "/compare", "/placement"} <= paths
    body = schema["paths"]["/jobs"]["post"]["requestBody"]["content"]["application/json"]
    assert "inline" in body["examples"]
    assert "HTTPBearer" in schema["components"]["securitySchemes"]
    assert api.client.get("/docs").status_code == 200


def test_validate_summarises_a_good_scenario(api: Api) -> None:
    response = api.client.post("/scenarios/validate", json=week_data(), headers=api.system)
    assert response.status_code == 200
    summary = response.json()["summary"]
    assert summary["units"] == ["U1"]
    assert summary["need_person_hours"] == 56.0


def test_validate_names_field_and_id_of_a_bad_reference(api: Api) -> None:
    data = week_data()
    data["clients"][0]["unit"] = "U9"
    response = api.client.post("/scenarios/validate", json=data, headers=api.coordinator)
    assert response.status_code == 422
    assert any("clients[C1].unit" in p and "U9" in p for p in response.json()["problems"])


def test_personal_identity_numbers_are_refused_as_ids_and_in_free_text(api: Api) -> None:
    as_id = week_data()
    as_id["clients"][0]["id"] = "19800101-1234"
    in_text = week_data()
    in_text["description"] = "för brukare 800101-1234, se akten"
    in_reason = week_data()
    in_reason["staff"][0]["absences"] = [{"start": "2027-02-02T00:00", "end": "2027-02-03T00:00",
                                          "reason": "vab 201501019876"}]
    for data, path in ((as_id, "$.clients[0].id"), (in_text, "$.description"),
                       (in_reason, "$.staff[0].absences[0].reason")):
        for url in ("/scenarios/validate", "/scenarios"):
            response = api.client.post(url, json=data, headers=api.coordinator)
            assert response.status_code == 422, url
            detail = response.json()["detail"]
            assert "personal identity number" in detail and path in detail
            assert "1234" not in detail and "9876" not in detail  # never echoed back
        response = api.client.post("/jobs", json={"scenario": data}, headers=api.coordinator)
        assert response.status_code == 422
    # Dates, times and ordinary numbers are not mistaken for one.
    assert api.client.post("/scenarios/validate", json=week_data(),
                           headers=api.coordinator).status_code == 200


def test_store_list_read_delete(api: Api) -> None:
    created = api.client.post("/scenarios", json=week_data(name="store-me"), headers=api.manager_u1)
    assert created.status_code == 201
    scenario_id = created.json()["id"]
    assert created.headers["location"] == f"/scenarios/{scenario_id}"
    listed = api.client.get("/scenarios", headers=api.manager_u1).json()
    assert scenario_id in [s["id"] for s in listed]
    read = api.client.get(f"/scenarios/{scenario_id}", headers=api.manager_u1).json()
    assert read["scenario"]["name"] == "store-me" and read["summary"]["staff"] == 3
    assert api.client.delete(f"/scenarios/{scenario_id}",
                             headers=api.manager_u1).status_code == 204
    assert api.client.get(f"/scenarios/{scenario_id}",
                          headers=api.manager_u1).status_code == 404


def test_unknown_scenario_is_404(api: Api) -> None:
    assert api.client.get("/scenarios/nope", headers=api.coordinator).status_code == 404
    assert api.client.delete("/scenarios/nope", headers=api.coordinator).status_code == 404


def test_keys_me_and_list(api: Api) -> None:
    me = api.client.get("/keys/me", headers=api.manager_u1).json()
    assert me["role"] == "unit_manager" and me["units"] == ["U1"]
    keys = api.client.get("/keys", headers=api.coordinator).json()
    assert {"coordinator", "system", "unit_manager"} <= {k["role"] for k in keys}
    assert all("hash" not in str(k) and "salt" not in k for k in keys)
