"""The OpenAPI document as a contract: stable operationIds, every error status declared with the
one error model, typed responses (no untyped dicts), valid examples, KPIs in step with
``results.kpi``, and a version with a README entry."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conformance import Conformance, ContractError
from fastapi.routing import APIRoute

from builders import build, tiny_week_data
from scheduler.api import Settings, create_app
from scheduler.api.app import API_VERSION
from scheduler.api.errors import STATUS, ErrorCode
from scheduler.api.kpis import DecisionKpi, DoubleDecisionKpi, KpiTotals, StaffKpi
from scheduler.api.routers import ROUTERS
from scheduler.api.schemas import ScheduleDocument
from scheduler.domain.loader import read_document
from scheduler.domain.scenario import Scenario
from scheduler.domain.schedule import Schedule
from scheduler.results.kpi import (
    DECISION_COLUMNS,
    DOUBLE_DECISION_COLUMNS,
    STAFF_COLUMNS,
    compute_kpis,
    kpis_to_dict,
)
from scheduler.solver.baseline import plan_greedy

DOCUMENT: dict[str, Any] = create_app(Settings(database_url="sqlite://")).openapi()
OPERATIONS = [(path, method, op) for path, ops in DOCUMENT["paths"].items()
              for method, op in ops.items()]
ERROR = {"$ref": "#/components/schemas/ErrorResponse"}
README = Path(__file__).resolve().parents[2] / "README.md"

# The operations of the API and their ids: a generated client's function names. Renaming a
# handler must not change them; changing this table is a breaking change (API_VERSION).
OPERATION_IDS = {
    ("get", "/health"): "getHealth",
    ("post", "/scenarios/validate"): "validateScenario",
    ("post", "/scenarios"): "storeScenario",
    ("get", "/scenarios"): "listScenarios",
    ("get", "/scenarios/{scenario_id}"): "getScenario",
    ("delete", "/scenarios/{scenario_id}"): "deleteScenario",
    ("post", "/jobs"): "submitJob",
    ("get", "/jobs"): "listJobs",
    ("get", "/jobs/{job_id}"): "getJob",
    ("get", "/jobs/{job_id}/result"): "getJobResult",
    ("post", "/jobs/{job_id}/cancel"): "cancelJob",
    ("get", "/jobs/{job_id}/diff"): "getJobDiff",
    ("get", "/jobs/{job_id}/report"): "getJobReport",
    ("post", "/compare"): "compareJobs",
    ("post", "/placement"): "placeTeam",
    ("get", "/keys/me"): "getMe",
    ("get", "/keys"): "listKeys",
}

# Maps (an object keyed by data, not by field names) that a response may hold, each with typed
# values: the comparison's value per column label, a placement's points per criterion, the
# scenario's wage per role, its invoicing rate per private provider and place price per paying
# municipality, a re-plan's change counts per staff member and per client. Anything else must
# be a model with named fields.
DOCUMENTED_MAPS = {("CompareRow", "values"), ("Placement", "fit_parts"), ("Wages", "roles"),
                   ("InvoicingRates", "provider_rates"), ("InvoicingRates", "place_prices"),
                   ("ScheduleDiff", "by_staff"), ("ScheduleDiff", "by_client")}


def test_every_operation_has_its_stable_id_a_description_and_an_example() -> None:
    assert {(method, path): op["operationId"] for path, method, op in OPERATIONS} == OPERATION_IDS
    for path, method, op in OPERATIONS:
        assert op.get("summary") and op.get("description"), (method, path)
        body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
        success = [r for status, r in op["responses"].items() if status.startswith("2")]
        examples = bool(body.get("examples") or body.get("example")) or any(
            "example" in c or "examples" in c
            for r in success for c in r.get("content", {}).values())
        assert examples or method == "delete", (method, path, "no example")


def test_every_error_status_is_declared_with_the_one_error_model() -> None:
    for path, method, op in OPERATIONS:
        where = (method, path)
        responses = op["responses"]
        errors = {s: r for s, r in responses.items() if s[0] in "45"}
        for status, response in errors.items():
            assert response["content"]["application/json"]["schema"] == ERROR, (where, status)
            # Each declared code has an example, with the status that code always has.
            for name, example in response["content"]["application/json"]["examples"].items():
                assert STATUS[ErrorCode(name)] == int(status), (where, status, name)
                assert example["value"]["code"] == name
        # The size limit answers every request before routing.
        assert {"400", "413"} <= set(errors), where
        secured = bool(op.get("security"))
        assert ("401" in errors) == secured, where
        if secured:
            assert "WWW-Authenticate" in errors["401"]["headers"], where
        params = {p["in"] for p in op.get("parameters", [])}
        # 422 exactly where a body or a query can be invalid (a path id is any string).
        assert ("422" in errors) == ("requestBody" in op or "query" in params), where
        if "path" in params:
            assert "404" in errors, where
        if "429" in errors:
            assert "Retry-After" in errors["429"]["headers"], where
    assert "HTTPValidationError" not in DOCUMENT["components"]["schemas"]


def _calls(dependant: Any) -> Iterator[Any]:
    for sub in dependant.dependencies:
        yield sub.call
        yield from _calls(sub)


def test_a_route_that_checks_the_role_declares_role_forbidden() -> None:
    checked = 0
    for route in (r for router in ROUTERS for r in router.routes):
        if not isinstance(route, APIRoute):
            continue
        if any(getattr(c, "__qualname__", "").startswith("require.") for c in _calls(
                route.dependant)):
            checked += 1
            for method in route.methods:
                op = DOCUMENT["paths"][route.path][method.lower()]
                examples = op["responses"]["403"]["content"]["application/json"]["examples"]
                assert "role_forbidden" in examples, (method, route.path)
    assert checked >= 2  # deleteScenario, listKeys


def test_created_and_accepted_resources_declare_their_location() -> None:
    for method, path in (("post", "/scenarios"), ("post", "/jobs")):
        success = next(r for s, r in DOCUMENT["paths"][path][method]["responses"].items()
                       if s in ("201", "202"))
        assert "Location" in success["headers"], path


def _reachable(schema: Any, names: set[str]) -> None:
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str):
            name = ref.rsplit("/", 1)[1]
            if name not in names:
                names.add(name)
                _reachable(DOCUMENT["components"]["schemas"][name], names)
        for value in schema.values():
            _reachable(value, names)
    elif isinstance(schema, list):
        for value in schema:
            _reachable(value, names)


def test_no_untyped_dict_in_any_response() -> None:
    names: set[str] = set()
    for _, _, op in OPERATIONS:
        for response in op["responses"].values():
            _reachable(response.get("content", {}), names)
    assert {"ResultPublic", "ScheduleKpis", "KpiTotals", "Scenario"} <= names
    schemas = DOCUMENT["components"]["schemas"]
    for name in sorted(names):
        for field, prop in schemas[name].get("properties", {}).items():
            for variant in [prop, *prop.get("anyOf", []), *prop.get("oneOf", [])]:
                if variant.get("type") != "object":
                    continue
                extra = variant.get("additionalProperties")
                assert (name, field) in DOCUMENTED_MAPS, f"{name}.{field} is an untyped object"
                assert isinstance(extra, dict) and extra, f"{name}.{field}: untyped values"
        if schemas[name].get("type") == "object":
            assert schemas[name].get("additionalProperties") is False, name


def test_closed_values_are_enums_and_clock_times_have_a_pattern() -> None:
    schemas = DOCUMENT["components"]["schemas"]

    def enum(prop: dict[str, Any]) -> bool:
        variants = [prop, *prop.get("anyOf", [])]
        return any("enum" in v or "$ref" in v for v in variants if v.get("type") != "null")

    # One named enum for the solve status wherever it appears (one class in generated code).
    solve_status = {"$ref": "#/components/schemas/SolveStatus"}
    assert solve_status in schemas["JobPublic"]["properties"]["solver_status"]["anyOf"]
    assert schemas["CompareColumn"]["properties"]["status"]["$ref"] == solve_status["$ref"]
    assert schemas["SolveInfo"]["properties"]["status"] == solve_status
    assert enum(schemas["KeyPublic"]["properties"]["role"])
    assert enum(schemas["Me"]["properties"]["role"])
    assert enum(schemas["ErrorResponse"]["properties"]["code"])
    assert schemas["ScenarioDetail"]["properties"]["scenario"] == {
        "$ref": "#/components/schemas/Scenario", "description": "The scenario as stored."}
    assert schemas["ScheduleDocument"]["properties"]["horizon_start"]["format"] == "date"
    window = schemas["NeedWindow"]["properties"]["start"]
    assert re.fullmatch(window["pattern"], "08:00") and not re.fullmatch(window["pattern"], "8h")
    since = schemas["History"]["properties"]["since"]
    assert re.fullmatch(since["pattern"], "2027-02-01T08:00")
    # "Exactly one of scenario_id and scenario": two request bodies, one of them.
    body = DOCUMENT["paths"]["/jobs"]["post"]["requestBody"]["content"]["application/json"]
    assert [v["$ref"].rsplit("/", 1)[1] for v in body["schema"]["oneOf"]] == [
        "JobForStoredScenario", "JobWithScenario"]
    assert "ClientCase" in schemas and "Client" not in schemas  # no clash with the HTTP Client


def test_examples_match_their_schemas() -> None:
    check = Conformance(DOCUMENT)
    for path, method, op in OPERATIONS:
        concrete = re.sub(r"\{[^}]+\}", "x", path)
        for status, response in op["responses"].items():
            content = response.get("content", {}).get("application/json", {})
            examples = [e["value"] for e in content.get("examples", {}).values()]
            examples += [content["example"]] if "example" in content else []
            for example in examples:
                check.check(method, concrete, int(status), "application/json",
                            json.dumps(example).encode())
    with pytest.raises(ContractError):  # the check itself is not a no-op
        check.check("get", "/jobs/x", 200, "application/json", b'{"id": 1}')


SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def test_kpi_models_are_exactly_the_kpis_results_computes() -> None:
    assert list(DecisionKpi.model_fields) == DECISION_COLUMNS
    assert list(StaffKpi.model_fields) == STAFF_COLUMNS
    assert list(DoubleDecisionKpi.model_fields) == DOUBLE_DECISION_COLUMNS
    assert set(ScheduleDocument.model_fields) == set(Schedule.model_fields)
    # Real plans' schedule documents parse into the typed model, KPIs and all: a small week,
    # and a KTV home with a double decision (its overlap rows hold local times).
    ktv = Scenario.model_validate(read_document(SCENARIOS / "ktv_home.yaml"))
    for scenario in (build(tiny_week_data()), ktv):
        schedule = plan_greedy(scenario)
        kpis = compute_kpis(scenario, schedule)
        assert list(KpiTotals.model_fields) == list(kpis.totals)
        document = schedule.model_copy(update={"kpis": kpis_to_dict(kpis)})
        typed = ScheduleDocument.model_validate(document.model_dump(mode="json"))
        assert typed.kpis.totals.need_person_hours == pytest.approx(
            kpis.totals["need_person_hours"])
        assert len(typed.kpis.double_decisions) == len(kpis.double_decisions)
    assert len(kpis.double_decisions) > 0


def test_the_document_has_a_version_and_the_readme_lists_its_changes() -> None:
    assert DOCUMENT["info"]["version"] == API_VERSION
    text = README.read_text()
    assert "### API changes" in text
    assert f"**{API_VERSION}**" in text.split("### API changes", 1)[1]
