"""Comparison of finished jobs and the overstaffing-team placement, over HTTP."""

from __future__ import annotations

from apihelpers import Api

from builders import staff, week_data


def test_compare_two_finished_jobs(api: Api) -> None:
    base = week_data(name="base")
    fewer = week_data(name="two assistants")
    fewer["staff"] = fewer["staff"][:2]
    fewer["clients"][0]["approved_staff"] = ["A1", "A2"]
    ids = [api.client.post("/jobs", json={"scenario": s}, headers=api.coordinator).json()["id"]
           for s in (base, fewer)]
    for job_id in ids:
        assert api.wait(job_id)["state"] == "succeeded"
    response = api.client.post("/compare", json={"job_ids": ids}, headers=api.coordinator)
    assert response.status_code == 200, response.text
    body = response.json()
    assert [c["label"] for c in body["columns"]] == ["base", "two assistants"]
    rows = {r["key"]: r for r in body["rows"]}
    assert rows["need_hours"]["values"] == {"base": 56.0, "two assistants": 56.0}
    assert "net" in rows


def test_compare_refuses_unfinished_or_repeated_jobs(api: Api) -> None:
    job_id = api.client.post("/jobs", json={"scenario": week_data()},
                             headers=api.coordinator).json()["id"]
    api.wait(job_id)
    twice = api.client.post("/compare", json={"job_ids": [job_id, job_id]},
                            headers=api.coordinator)
    assert twice.status_code == 422
    missing = api.client.post("/compare", json={"job_ids": [job_id, "nope"]},
                              headers=api.coordinator)
    assert missing.status_code == 404


def test_place_the_overstaffing_team(api: Api) -> None:
    data = week_data()
    data["staff"] += [staff("T1", 30, overstaffing_team=True),
                      staff("T2", 30, overstaffing_team=True, competences=["lift"])]
    data["vacancies"] = [{"id": "V1", "unit": "U1", "hours_per_week": 30, "start": "2027-02-01",
                          "required_competences": ["lift"]}]
    response = api.client.post("/placement", json={"scenario": data}, headers=api.manager_u1)
    assert response.status_code == 200, response.text
    body = response.json()
    assert [(p["member"], p["vacancy"]) for p in body["placements"]] == [("T2", "V1")]
    assert [n["member"] for n in body["not_placed"]] == ["T1"]
    assert body["not_placed"][0]["reason"]
    stored = api.client.post("/scenarios", json=data, headers=api.manager_u1).json()["id"]
    again = api.client.post("/placement", json={"scenario_id": stored}, headers=api.manager_u1)
    assert again.json()["placements"] == body["placements"]
