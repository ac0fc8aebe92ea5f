"""Issue 15: the summary stored with the scenario (5), costs in results, signed callbacks,
fair queueing per key (6), and the bounded placement (1)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from apihelpers import Api, bearer, gate_only, make_settings, running_api

from builders import heavy_data, week_data
from scheduler.api.callbacks import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify
from scheduler.api.db import JobRow, JobState, Role, ScenarioRow
from scheduler.api.jobs import JobRunner
from scheduler.api.pii import new_id
from scheduler.api.security import create_key
from scheduler.domain.scenario import Scenario
from scheduler.domain.schedule import Schedule
from scheduler.results.costing import compute_costs

SECRET = "a-test-secret-of-some-length"


# -- 5: the summary is stored, not recomputed ------------------------------------------------

def test_reading_a_scenario_does_not_validate_it_again(api: Api,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    scenario_id = api.client.post("/scenarios", json=week_data(name="summary"),
                                  headers=api.coordinator).json()["id"]

    class Refuse:
        @staticmethod
        def model_validate(*_: Any, **__: Any) -> Any:
            raise AssertionError("the stored scenario was validated again on read")

    import scheduler.api.routers.scenarios as scenarios

    monkeypatch.setattr(scenarios, "Scenario", Refuse)
    read = api.client.get(f"/scenarios/{scenario_id}", headers=api.coordinator)
    assert read.status_code == 200, read.text
    assert read.json()["summary"]["staff"] == 3 and read.json()["summary"]["clients"] == 1


def test_a_row_without_a_summary_gets_one_on_first_read(api: Api) -> None:
    scenario_id = api.client.post("/scenarios", json=week_data(name="old-row"),
                                  headers=api.coordinator).json()["id"]
    with api.app.state.sessions() as session:
        row = session.get(ScenarioRow, scenario_id)
        row.summary = None
        session.commit()
    read = api.client.get(f"/scenarios/{scenario_id}", headers=api.coordinator).json()
    assert read["summary"]["need_person_hours"] == 56
    with api.app.state.sessions() as session:
        assert session.get(ScenarioRow, scenario_id).summary is not None


# -- results carry the cost figures ----------------------------------------------------------

def test_a_result_carries_its_costs(api: Api) -> None:
    job_id = api.client.post("/jobs", json={"scenario": week_data()},
                             headers=api.system).json()["id"]
    assert api.wait(job_id, api.system)["state"] == "succeeded"
    body = api.client.get(f"/jobs/{job_id}/result", headers=api.system).json()
    costs = body["costs"]
    assert costs["currency"] == "SEK" and [u["unit"] for u in costs["by_unit"]] == ["U1"]
    expected = compute_costs(Scenario.model_validate(week_data()),
                             Schedule.model_validate(body["schedule"]))
    assert costs["total"]["total_cost"] == pytest.approx(expected.total["total_cost"], abs=0.01)
    assert costs["total"]["total_cost"] > 0 and costs["total"]["revenue"] > 0


# -- callbacks -------------------------------------------------------------------------------

class _Receiver(BaseHTTPRequestHandler):
    received: list[tuple[dict[str, str], bytes]]
    arrived: threading.Event

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((dict(self.headers), body))
        self.send_response(204)
        self.end_headers()
        type(self).arrived.set()

    def log_message(self, *_: Any) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[tuple[str, type[_Receiver]]]:
    handler = type("Receiver", (_Receiver,), {"received": [], "arrived": threading.Event()})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook", handler
    finally:
        server.shutdown()
        server.server_close()


def test_a_job_calls_back_signed_when_it_ends(tmp_path: Path,
                                              receiver: tuple[str, type[_Receiver]]) -> None:
    url, handler = receiver
    settings = make_settings(tmp_path, callback_secret=SECRET, callback_allow_http=True,
                             max_concurrent_solves=1)
    with running_api(settings) as api:
        job_id = api.client.post("/jobs", json={"scenario": week_data(), "callback_url": url},
                                 headers=api.system).json()["id"]
        assert api.wait(job_id, api.system)["state"] == "succeeded"
        assert handler.arrived.wait(30), "no callback arrived"
    headers, body = handler.received[0]
    payload = json.loads(body)
    assert payload["job_id"] == job_id and payload["state"] == "succeeded"
    assert payload["links"]["result"] == f"/jobs/{job_id}/result"
    assert verify(SECRET, headers[TIMESTAMP_HEADER], body, headers[SIGNATURE_HEADER])
    assert not verify("another-secret-entirely", headers[TIMESTAMP_HEADER], body,
                      headers[SIGNATURE_HEADER])
    assert not verify(SECRET, headers[TIMESTAMP_HEADER], body.replace(b"succeeded", b"failed"),
                      headers[SIGNATURE_HEADER])


@pytest.mark.parametrize("url, reason", [
    ("https://example.invalid/hook", "callbacks are off"),
])
def test_no_callbacks_without_a_secret(api: Api, url: str, reason: str) -> None:
    response = api.client.post("/jobs", json={"scenario": week_data(), "callback_url": url},
                               headers=api.system)
    assert response.status_code == 422 and reason in response.text


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:9/hook", "ftp://host/x", "https://user:pw@host/x", "/relative",
])
def test_a_callback_must_be_https_without_credentials(tmp_path: Path, url: str) -> None:
    with gate_only(make_settings(tmp_path, callback_secret=SECRET)) as (client, keys):
        client.app.state.runner = JobRunner(client.app.state.settings,  # type: ignore[attr-defined]
                                            client.app.state.sessions)  # type: ignore[attr-defined]
        response = client.post("/jobs", json={"scenario": week_data(), "callback_url": url},
                               headers=keys["system"])
        assert response.status_code == 422, response.text
        assert "callback_url" in response.text


# -- 6: fair queueing per key ----------------------------------------------------------------

def _queued_job(session: Any, scenario: ScenarioRow, key_id: str) -> str:
    job = JobRow(id=new_id(), scenario=scenario, state=JobState.QUEUED, created_by=key_id,
                 time_limit_seconds=1, workers=1, seed=0, cancel_requested=False,
                 interrupted=False, solutions=0, attempts=0)
    session.add(job)
    session.commit()
    return job.id


def test_the_next_job_comes_from_the_key_with_the_fewest_running(tmp_path: Path) -> None:
    with gate_only(make_settings(tmp_path)) as (client, _):
        app: Any = client.app
        runner = JobRunner(app.state.settings, app.state.sessions)
        with app.state.sessions() as session:
            scenario = ScenarioRow(id=new_id(), name="s", document=week_data(), created_by="k",
                                   units=[])
            session.add(scenario)
            session.commit()
            a = [_queued_job(session, scenario, "key-a") for _ in range(3)]
            b = [_queued_job(session, scenario, "key-b") for _ in range(2)]
        claimed = []
        for _ in range(5):
            job = runner._claim()
            assert job is not None
            claimed.append(job[0])
        # a's first (oldest), then b's (a has one running), then alternating; oldest first
        # within a key.
        assert claimed == [a[0], b[0], a[1], b[1], a[2]]
        assert runner._claim() is None
        with app.state.sessions() as session:
            rows = [session.get(JobRow, job_id) for job_id in claimed]
            assert all(r.claimed_by == runner.name and r.attempts == 1 and r.lease_until
                       for r in rows)


def test_one_key_cannot_fill_the_queue(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, max_concurrent_solves=1, max_queued_jobs_per_key=2,
                             max_time_limit_seconds=30)
    with running_api(settings) as api:
        busy = api.client.post("/jobs", json={"scenario": heavy_data(), "time_limit_seconds": 30},
                               headers=api.coordinator).json()["id"]
        api.wait(busy, states={"running"})
        codes = [api.client.post("/jobs", json={"scenario": week_data()},
                                 headers=api.manager_u1).status_code for _ in range(3)]
        assert codes == [202, 202, 429]
        refused = api.client.post("/jobs", json={"scenario": week_data()},
                                  headers=api.manager_u1)
        assert "this key has 2 jobs waiting" in refused.json()["detail"]
        assert refused.headers["retry-after"]
        other = api.client.post("/jobs", json={"scenario": week_data("U2")},
                                headers=api.manager_u2)
        assert other.status_code == 202  # another unit's key still gets in
        api.client.post(f"/jobs/{busy}/cancel", headers=api.coordinator)


# -- 1: placement bounded as a whole ---------------------------------------------------------

def _team(members: int, vacancies: int) -> dict[str, Any]:
    data = week_data()
    data["staff"] += [{"id": f"T{i}", "home_unit": "U1", "contract_hours_per_week": 30,
                       "overstaffing_team": True} for i in range(members)]
    data["vacancies"] = [{"id": f"V{i}", "unit": "U1", "hours_per_week": 30,
                          "start": "2027-02-01"} for i in range(vacancies)]
    return data


def test_a_placement_over_the_size_limit_is_refused_at_once(tmp_path: Path) -> None:
    with gate_only(make_settings(tmp_path, max_placement_pairs=100)) as (client, keys):
        small = client.post("/placement", json={"scenario": _team(5, 5)},
                            headers=keys["coordinator"])
        assert small.status_code == 200, small.text
        big = client.post("/placement", json={"scenario": _team(11, 10)},
                          headers=keys["coordinator"])
        assert big.status_code == 422
        assert "11 team members × 10 vacancies" in big.json()["detail"]


def test_placements_at_once_are_capped(tmp_path: Path) -> None:
    with gate_only(make_settings(tmp_path, max_concurrent_placements=1)) as (client, keys):
        slots: Any = client.app.state.placement_slots  # type: ignore[attr-defined]
        assert slots.acquire(blocking=False)  # as if another placement were running
        try:
            busy = client.post("/placement", json={"scenario": _team(2, 2)},
                               headers=keys["coordinator"])
            assert busy.status_code == 429 and busy.headers["retry-after"]
        finally:
            slots.release()
        assert client.post("/placement", json={"scenario": _team(2, 2)},
                           headers=keys["coordinator"]).status_code == 200


def test_a_viewer_key_is_issued_like_any_other(tmp_path: Path) -> None:
    with gate_only(make_settings(tmp_path)) as (client, _):
        app: Any = client.app
        with app.state.sessions() as session:
            token = create_key(session, Role.VIEWER, ["U1"]).token
        assert client.get("/keys/me", headers=bearer(token)).json()["role"] == "viewer"
