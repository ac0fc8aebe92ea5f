"""The API contract, tried as an integrator would: generate a client from the served
``/openapi.json`` with openapi-python-client, import it, and run the whole flow through it
against the app served by uvicorn on a loopback port — auth, validate, store, submit, poll,
result, list, compare, place, cancel, delete, and every error code. Each answer must parse into
the generated model its status declares (never ``None``, never ``UnexpectedStatus``), and every
response is also checked against the document's schema (``conformance``), so the test fails
when the document and the server disagree; ``test_a_mismatch_is_caught`` shows that it would.
"""

from __future__ import annotations

import importlib
import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
import uvicorn
from apihelpers import make_settings
from conformance import Conformance, ContractError
from fastapi.testclient import TestClient

from builders import heavy_data, staff, week_data
from scheduler.api import create_app
from scheduler.api.db import JobRow, JobState, Role, utcnow
from scheduler.api.security import create_key

PACKAGE = "scheduler_contract_client"  # the generated package (a name nothing else uses)
FINISHED = {"succeeded", "failed", "cancelled"}


@dataclass
class Served:
    app: Any
    url: str
    document: dict[str, Any]
    tokens: dict[str, str]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The app on a free loopback port (uvicorn in a thread, workers included): one solve at a
    time and one job waiting at most, so a full queue (429) is quick to reach."""
    settings = make_settings(tmp_path_factory.mktemp("contract"), max_concurrent_solves=1,
                             max_queued_jobs=1, cancel_wait_seconds=8)
    app = create_app(settings)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    with app.state.sessions() as session:
        tokens = {
            "coordinator": create_key(session, Role.COORDINATOR, []).token,
            "system": create_key(session, Role.SYSTEM, []).token,
            "u1": create_key(session, Role.UNIT_MANAGER, ["U1"]).token,
            "u2": create_key(session, Role.UNIT_MANAGER, ["U2"]).token,
        }
    document = httpx.get(f"{url}/openapi.json", timeout=30).json()  # the served document
    try:
        yield Served(app, url, document, tokens)
    finally:
        server.should_exit = True
        thread.join(timeout=60)
        sock.close()


def generate(document: dict[str, Any], into: Path) -> ModuleType:
    """Generate the client package with openapi-python-client and import it."""
    spec = into / "openapi.json"
    spec.write_text(json.dumps(document))
    config = into / "config.yaml"
    config.write_text("post_hooks: []\n")  # no formatter run: the test needs none
    run = subprocess.run(
        [sys.executable, "-m", "openapi_python_client", "generate", "--path", str(spec),
         "--output-path", str(into / PACKAGE), "--meta", "none", "--config", str(config)],
        capture_output=True, text=True, timeout=300, check=False,
    )
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    assert "warning" not in output.lower(), output  # nothing skipped or guessed
    sys.path.insert(0, str(into))
    for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
        del sys.modules[name]
    importlib.invalidate_caches()
    return importlib.import_module(PACKAGE)


@pytest.fixture(scope="module")
def gen(served: Served, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    into = tmp_path_factory.mktemp("generated")
    module = generate(served.document, into)
    yield module
    sys.path.remove(str(into))


def op(gen: ModuleType, tag: str, name: str) -> ModuleType:
    return importlib.import_module(f"{gen.__name__}.api.{tag}.{name}")


def models(gen: ModuleType) -> ModuleType:
    return importlib.import_module(f"{gen.__name__}.models")


class Integrator:
    """The generated client for one key: every response is checked against the document."""

    def __init__(self, gen: ModuleType, served: Served, token: str | None):
        self.gen, self.m = gen, models(gen)
        hooks = {"event_hooks": {"response": [Conformance(served.document).hook]}}
        timeout = httpx.Timeout(60)
        if token is None:
            self.client = gen.Client(base_url=served.url, raise_on_unexpected_status=True,
                                     timeout=timeout, httpx_args=hooks)
        else:
            self.client = gen.AuthenticatedClient(base_url=served.url, token=token,
                                                  raise_on_unexpected_status=True,
                                                  timeout=timeout, httpx_args=hooks)

    def call(self, tag: str, name: str, status: int, model: Any, **kwargs: Any) -> Any:
        """Call an operation; assert the status and that the answer parsed into ``model``."""
        response = op(self.gen, tag, name).sync_detailed(client=self.client, **kwargs)
        assert response.status_code == status, (name, response.status_code,
                                                response.content[:500])
        parsed = response.parsed
        if model is None:
            assert parsed is None
        elif isinstance(model, tuple) and model[0] is list:
            assert isinstance(parsed, list) and all(isinstance(x, model[1]) for x in parsed)
        else:
            assert isinstance(parsed, model), (name, type(parsed))
        return response

    def error(self, tag: str, name: str, status: int, code: str, **kwargs: Any) -> Any:
        """Call an operation that must fail with ``status`` and the error ``code``."""
        response = self.call(tag, name, status, self.m.ErrorResponse, **kwargs)
        error = response.parsed
        assert error.code == self.m.ErrorCode(code), (name, error.code, error.detail)
        assert error.detail
        return response

    def wait(self, job_id: str, states: set[str] = FINISHED, timeout: float = 120) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            job = self.call("jobs", "get_job", 200, self.m.JobPublic, job_id=job_id).parsed
            if job.state.value in states or time.monotonic() > deadline:
                return job
            time.sleep(0.1)


def test_the_generated_client_runs_the_integrators_flow(gen: ModuleType, served: Served
                                                         ) -> None:
    m = models(gen)
    anyone = Integrator(gen, served, None)
    system = Integrator(gen, served, served.tokens["system"])
    u1 = Integrator(gen, served, served.tokens["u1"])
    u2 = Integrator(gen, served, served.tokens["u2"])
    coordinator = Integrator(gen, served, served.tokens["coordinator"])

    # Health and auth: 401 with WWW-Authenticate for no key and for a wrong one.
    health = anyone.call("health", "get_health", 200, m.Health).parsed
    assert health.status == "ok" and health.workers == 1
    me = u1.call("keys", "get_me", 200, m.Me).parsed
    assert me.role == m.Role.UNIT_MANAGER and me.units == ["U1"]
    stranger = Integrator(gen, served, "sk_nope_nope")
    denied = stranger.error("keys", "get_me", 401, "unauthorized")
    assert denied.headers["www-authenticate"] == "Bearer"
    keys = coordinator.call("keys", "list_keys", 200, (list, m.KeyPublic)).parsed
    assert {k.role for k in keys} >= {m.Role.COORDINATOR, m.Role.UNIT_MANAGER}
    system.error("keys", "list_keys", 403, "role_forbidden")

    # Validate: a typed summary; an invalid scenario's problems name the field and the id.
    scenario = m.Scenario.from_dict(week_data())
    checked = u1.call("scenarios", "validate_scenario", 200, m.ValidationResult, body=scenario)
    assert checked.parsed.summary.need_person_hours == 56.0
    bad = week_data()
    bad["clients"][0]["unit"] = "U9"
    refused = u1.error("scenarios", "validate_scenario", 422, "invalid_scenario",
                       body=m.Scenario.from_dict(bad)).parsed
    assert any("clients[C1].unit" in p and "U9" in p for p in refused.problems)
    assert all(isinstance(e, m.FieldError) for e in refused.errors)
    u2.error("scenarios", "validate_scenario", 403, "unit_forbidden", body=scenario)
    named = week_data()
    named["description"] = "brukare 800101-1234"
    u1.error("scenarios", "validate_scenario", 422, "personal_number",
             body=m.Scenario.from_dict(named))

    # Store, read (the document as a typed Scenario), list.
    stored = u1.call("scenarios", "store_scenario", 201, m.ScenarioPublic, body=scenario)
    scenario_id = stored.parsed.id
    assert stored.headers["location"] == f"/scenarios/{scenario_id}"
    detail = u1.call("scenarios", "get_scenario", 200, m.ScenarioDetail,
                     scenario_id=scenario_id).parsed
    assert isinstance(detail.scenario, m.Scenario)
    assert isinstance(detail.scenario.clients[0], m.ClientCase)
    assert detail.scenario.clients[0].need.weekly[0].start == "08:00"
    u2.error("scenarios", "get_scenario", 403, "unit_forbidden", scenario_id=scenario_id)
    u1.error("scenarios", "get_scenario", 404, "not_found", scenario_id="nope")
    listed = u1.call("scenarios", "list_scenarios", 200, (list, m.ScenarioPublic)).parsed
    assert scenario_id in [s.id for s in listed]
    u1.error("scenarios", "list_scenarios", 422, "validation_error", limit=100_000)

    # Submit a stored scenario (202 + Location), poll, fetch the typed result.
    submitted = system.call("jobs", "submit_job", 202, m.JobPublic,
                            body=m.JobForStoredScenario(scenario_id=scenario_id,
                                                        time_limit_seconds=2, seed=3))
    job_id = submitted.parsed.id
    assert submitted.headers["location"] == f"/jobs/{job_id}"
    done = system.wait(job_id)
    assert done.state == m.JobStatePublic.SUCCEEDED, done.error
    assert done.solver_status in (m.SolveStatus.OPTIMAL, m.SolveStatus.FEASIBLE)
    result = system.call("jobs", "get_job_result", 200, m.ResultPublic, job_id=job_id).parsed
    schedule = result.schedule
    assert result.validation.ok and schedule.shifts and schedule.solve.seed == 3
    totals = schedule.kpis.totals
    assert isinstance(totals, m.KpiTotals) and totals.uncovered_person_hours == 0
    assert totals.need_person_hours == 56.0 and totals.shifts == len(schedule.shifts)
    assert isinstance(schedule.kpis.staff[0], m.StaffKpi)
    assert isinstance(schedule.kpis.decisions[0], m.DecisionKpi)
    assert schedule.horizon_start.isoformat() == "2027-02-01"
    u2.error("jobs", "get_job", 403, "unit_forbidden", job_id=job_id)
    u2.error("jobs", "get_job_result", 403, "unit_forbidden", job_id=job_id)
    system.error("jobs", "get_job", 404, "not_found", job_id="nope")
    system.error("jobs", "cancel_job", 409, "job_already_finished", job_id=job_id)
    system.error("jobs", "submit_job", 404, "not_found",
                 body=m.JobForStoredScenario(scenario_id="nope"))

    # A second job, the scenario sent along; then compare the two.
    fewer = week_data(name="two assistants")
    fewer["staff"] = fewer["staff"][:2]
    fewer["clients"][0]["approved_staff"] = ["A1", "A2"]
    second = system.call("jobs", "submit_job", 202, m.JobPublic,
                         body=m.JobWithScenario(scenario=m.Scenario.from_dict(fewer),
                                                time_limit_seconds=2)).parsed
    assert system.wait(second.id).state == m.JobStatePublic.SUCCEEDED
    compared = system.call("compare", "compare_jobs", 200, m.CompareResult,
                           body=m.CompareRequest(job_ids=[job_id, second.id])).parsed
    assert all(c.status in (m.SolveStatus.OPTIMAL, m.SolveStatus.FEASIBLE)
               for c in compared.columns)
    assert {r.key for r in compared.rows} >= {"need_hours"}
    system.error("compare", "compare_jobs", 422, "validation_error",
                 body=m.CompareRequest(job_ids=[job_id, job_id]))
    listed_jobs = system.call("jobs", "list_jobs", 200, (list, m.JobPublic),
                              state=m.JobStatePublic.SUCCEEDED).parsed
    assert {job_id, second.id} <= {j.id for j in listed_jobs}

    # Back to back: a history job that does not fit is 422 invalid_history.
    system.error("jobs", "submit_job", 422, "invalid_history",
                 body=m.JobWithScenario(scenario=m.Scenario.from_dict(week_data()),
                                        history_job_id=job_id))

    # Placement of the overstaffing team, typed.
    team = week_data()
    team["staff"] += [staff("T1", 30, overstaffing_team=True),
                      staff("T2", 30, overstaffing_team=True, competences=["lift"])]
    team["vacancies"] = [{"id": "V1", "unit": "U1", "hours_per_week": 30,
                          "start": "2027-02-01", "required_competences": ["lift"]}]
    placed = u1.call("placement", "place_team", 200, m.PlacementResult,
                     body=m.PlacementWithScenario(scenario=m.Scenario.from_dict(team))).parsed
    assert [(p.member, p.vacancy) for p in placed.placements] == [("T2", "V1")]

    # One worker, one waiting job: a long job runs, the next waits (409 job_not_finished on
    # its result), the queue is then full (429 queue_full with Retry-After); cancelling the
    # waiting one leaves it without a schedule (409 job_cancelled), and a scenario with a job
    # still running cannot be deleted (409 scenario_in_use).
    heavy = m.Scenario.from_dict(heavy_data())
    long = system.call("jobs", "submit_job", 202, m.JobPublic,
                       body=m.JobWithScenario(scenario=heavy, time_limit_seconds=3)).parsed
    system.wait(long.id, states={"running"} | FINISHED)
    waiting = system.call("jobs", "submit_job", 202, m.JobPublic,
                          body=m.JobForStoredScenario(scenario_id=scenario_id)).parsed
    assert waiting.state == m.JobStatePublic.QUEUED and waiting.queue_position == 1
    system.error("jobs", "get_job_result", 409, "job_not_finished", job_id=waiting.id)
    full = system.error("jobs", "submit_job", 429, "queue_full",
                        body=m.JobForStoredScenario(scenario_id=scenario_id))
    assert int(full.headers["retry-after"]) > 0
    coordinator.error("scenarios", "delete_scenario", 409, "scenario_in_use",
                      scenario_id=scenario_id)
    dropped = system.call("jobs", "cancel_job", 200, m.CancelResult, job_id=waiting.id).parsed
    assert dropped.job.state == m.JobStatePublic.CANCELLED
    system.error("jobs", "get_job_result", 409, "job_cancelled", job_id=waiting.id)
    stopping = op(gen, "jobs", "cancel_job").sync_detailed(client=system.client, job_id=long.id)
    assert stopping.status_code in (200, 202)  # 202: still stopping (a loaded machine)
    assert isinstance(stopping.parsed, m.CancelResult)
    ended = system.wait(long.id)
    assert ended.state in (m.JobStatePublic.CANCELLED, m.JobStatePublic.SUCCEEDED)
    if ended.interrupted:  # stopped while running: the best schedule so far
        kept = system.call("jobs", "get_job_result", 200, m.ResultPublic, job_id=long.id)
        assert kept.parsed.interrupted and kept.parsed.validation.ok

    # A job the server marked failed (as after a crash): 409 job_failed, with the reason.
    with served.app.state.sessions() as session:
        session.add(JobRow(id="failedjob", scenario_id=scenario_id, state=JobState.FAILED,
                           created_by="test", time_limit_seconds=1, workers=1, seed=0,
                           cancel_requested=False, interrupted=False, solutions=0,
                           finished_at=utcnow(), error="the solve worker process stopped"))
        session.commit()
    failed = system.error("jobs", "get_job_result", 409, "job_failed", job_id="failedjob")
    assert "worker process stopped" in failed.parsed.detail

    # 413 from the size limit (before any parsing), in the same error model.
    large = week_data()
    large["description"] = "x" * 400_000
    system.error("scenarios", "store_scenario", 413, "body_too_large",
                 body=m.Scenario.from_dict(large))

    # Delete: not the system role; the coordinator may (the jobs are finished now).
    system.error("scenarios", "delete_scenario", 403, "role_forbidden", scenario_id=scenario_id)
    coordinator.call("scenarios", "delete_scenario", 204, None, scenario_id=scenario_id)
    coordinator.error("scenarios", "delete_scenario", 404, "not_found", scenario_id=scenario_id)


def test_a_malformed_content_length_is_400_in_the_error_model(gen: ModuleType,
                                                              served: Served) -> None:
    # uvicorn answers a malformed Content-Length itself; other ASGI servers pass it on, and the
    # size-limit middleware then answers 400. Sent to the app directly (no lifespan needed).
    m = models(gen)
    raw = TestClient(served.app).post("/scenarios", content=b"{}", headers={
        "Authorization": f"Bearer {served.tokens['system']}", "Content-Length": "many",
        "Content-Type": "application/json"})
    Conformance(served.document).check("POST", "/scenarios", raw.status_code,
                                       raw.headers["content-type"], raw.content)
    client = gen.AuthenticatedClient(base_url="http://testserver", token="x",
                                     raise_on_unexpected_status=True)
    parsed = op(gen, "scenarios", "store_scenario")._build_response(client=client,
                                                                     response=raw).parsed
    assert raw.status_code == 400 and isinstance(parsed, m.ErrorResponse)
    assert parsed.code == m.ErrorCode.BAD_REQUEST


def test_a_mismatch_is_caught(gen: ModuleType, served: Served) -> None:
    """What the flow test would meet if the server and the document disagreed: the generated
    client or the conformance check fails on each (answers from a mock server)."""
    answers: dict[str, httpx.Response] = {}

    def server(request: httpx.Request) -> httpx.Response:
        return answers[request.url.path]

    client = gen.AuthenticatedClient(base_url="http://mock", token="x",
                                     raise_on_unexpected_status=True)
    client.set_httpx_client(httpx.Client(base_url="http://mock",
                                         transport=httpx.MockTransport(server)))
    get_job = op(gen, "jobs", "get_job")
    error_of = {"code": "not_found", "detail": "no such job", "errors": [], "problems": []}
    check = Conformance(served.document)

    # A status the operation does not declare (e.g. 409 on getJob): UnexpectedStatus.
    answers["/jobs/a"] = httpx.Response(409, json={**error_of, "code": "job_failed"})
    with pytest.raises(importlib.import_module(f"{gen.__name__}.errors").UnexpectedStatus):
        get_job.sync_detailed(client=client, job_id="a")
    with pytest.raises(ContractError, match="status not declared"):
        check.check("GET", "/jobs/a", 409, "application/json",
                    answers["/jobs/a"].content)
    # The old 422 shape ({detail: [...], problems}) where ErrorResponse is declared.
    old = {"detail": [{"loc": ["body"], "msg": "x", "type": "missing"}], "problems": ["x"]}
    answers["/jobs/b"] = httpx.Response(404, json=old)
    with pytest.raises(KeyError):
        get_job.sync_detailed(client=client, job_id="b")
    with pytest.raises(ContractError, match="does not match"):
        check.check("GET", "/jobs/b", 404, "application/json", json.dumps(old).encode())
    # A code the document does not list.
    answers["/jobs/c"] = httpx.Response(404, json={**error_of, "code": "gone"})
    with pytest.raises(ValueError):
        get_job.sync_detailed(client=client, job_id="c")
    # A field the model does not have, a wrong type: the generated client would not notice,
    # the conformance check does.
    for extra in ({**error_of, "hint": "x"}, {**error_of, "detail": 3}):
        with pytest.raises(ContractError, match="does not match"):
            check.check("GET", "/jobs/d", 404, "application/json", json.dumps(extra).encode())
    # And a conforming answer passes both.
    answers["/jobs/e"] = httpx.Response(404, json=error_of)
    parsed = get_job.sync_detailed(client=client, job_id="e").parsed
    assert parsed.code.value == "not_found"
    check.check("GET", "/jobs/e", 404, "application/json", json.dumps(error_of).encode())
