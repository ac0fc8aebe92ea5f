"""Example payloads for the OpenAPI docs (and the API tests): pseudonymous ids only."""

from __future__ import annotations

import copy
from typing import Any

# One client in unit U1 with a need 08:00–16:00 every day for a week, three assistants.
_SCENARIO: dict[str, Any] = {
    "name": "example-week",
    "horizon": {"start": "2027-02-01", "days": 7},
    "units": [{"id": "U1", "name": "Assistance group 1"}],
    "clients": [
        {
            "id": "C1",
            "unit": "U1",
            "decisions": [
                {
                    "id": "D1",
                    "granted_hours_per_week": 56,
                    "settlement_period": {"start": "2027-02-01", "end": "2027-02-07"},
                    "reserve": "none",
                }
            ],
            "need": {"weekly": [{"start": "08:00", "end": "16:00"}]},
            "approved_staff": ["A1", "A2", "A3"],
        }
    ],
    "staff": [
        {"id": f"A{i}", "home_unit": "U1", "contract_hours_per_week": 40} for i in (1, 2, 3)
    ],
    "solver": {"time_limit_seconds": 2, "workers": 1},
}


def example_scenario(unit: str = "U1", name: str = "example-week") -> dict[str, Any]:
    """A fresh copy of the example scenario, moved to ``unit`` if asked."""
    data = copy.deepcopy(_SCENARIO)
    data["name"] = name
    data["units"][0]["id"] = unit
    data["clients"][0]["unit"] = unit
    for staff in data["staff"]:
        staff["home_unit"] = unit
    return data


SCENARIO_EXAMPLES = {
    "week": {"summary": "One client, one week, 08:00–16:00", "value": example_scenario()},
}

JOB_EXAMPLES = {
    "stored": {
        "summary": "Solve a stored scenario",
        "value": {"scenario_id": "3f2c9a0d1b7e4c55a1d2e3f4a5b6c7d8", "time_limit_seconds": 10},
    },
    "inline": {
        "summary": "Send the scenario along",
        "value": {"scenario": example_scenario(), "time_limit_seconds": 5, "seed": 1},
    },
}

COMPARE_EXAMPLES = {
    "two": {
        "summary": "A base and a variant, solved as jobs",
        "value": {"job_ids": ["gpmhkcbbnjafiegldhnmpcoakbpkjeie",
                              "kbagnlmhdohhpjjmicelcjfhnkgpbhoo"]},
    },
}

PLACEMENT_EXAMPLES = {
    "stored": {
        "summary": "Place the team of a stored scenario",
        "value": {"scenario_id": "nhcgpoajdlkbeifmghjkpcnolakbdimf", "time_limit_seconds": 5},
    },
}

_JOB_ID = "gpmhkcbbnjafiegldhnmpcoakbpkjeie"
_SCENARIO_ID = "nhcgpoajdlkbeifmghjkpcnolakbdimf"
_AT = "2027-01-29T09:15:02Z"
_SUMMARY = {"name": "example-week", "units": ["U1"], "clients": 1, "staff": 3, "decisions": 1,
            "need_person_hours": 56.0, "horizon_start": "2027-02-01", "horizon_days": 7}
_SCENARIO_PUBLIC = {"id": _SCENARIO_ID, "name": "example-week", "units": ["U1"],
                    "created_at": _AT, "created_by": "a1b2c3d4e5f6"}
_JOB = {
    "id": _JOB_ID, "scenario_id": _SCENARIO_ID, "scenario_name": "example-week", "units": ["U1"],
    "state": "succeeded", "created_at": _AT, "started_at": "2027-01-29T09:15:03Z",
    "finished_at": "2027-01-29T09:15:06Z", "time_limit_seconds": 5.0, "workers": 1, "seed": 1,
    "queue_position": None,
    "progress": {"objective": 120.0, "bound": 120.0, "gap": 0.0, "solutions": 3,
                 "seconds": 2.4, "component": 0, "components": 1},
    "solver_status": "optimal", "interrupted": False, "result_available": True, "error": None,
    "links": {"self": f"/jobs/{_JOB_ID}", "result": f"/jobs/{_JOB_ID}/result",
              "cancel": f"/jobs/{_JOB_ID}/cancel"},
}
_QUEUED = {**_JOB, "state": "queued", "started_at": None, "finished_at": None,
           "queue_position": 1, "solver_status": None, "result_available": False,
           "progress": {"objective": None, "bound": None, "gap": None, "solutions": 0,
                        "seconds": None, "component": None, "components": None}}
_TOTALS: dict[str, Any] = {
    "need_person_hours": 56.0, "scheduled_hours": 56.0, "on_call_hours": 0.0,
    "work_hours": 56.0, "uncovered_person_hours": 0.0, "coverage_pct": 100.0,
    "granted_total_hours": 56.0, "available_in_horizon_hours": 56.0,
    "decision_scheduled_hours": 56.0, "decision_charged_hours": 56.0,
    "scheduled_outside_decisions_hours": 0.0, "exception_hours_used": 0.0,
    "contract_hours": 120.0, "absence_hours": 0.0, "overtime_hours": 0.0,
    "additional_hours": 0.0, "unused_contract_hours": 64.0, "shifts": 7, "night_shifts": 0,
    "weekend_shifts": 2, "unit_shift_hours": 0.0, "paid_hours": 56.0,
    "unpaid_break_hours": 0.0, "paid_meal_pause_hours": 0.0, "hours_outside_home_unit": 0.0,
    "double_decision_overlap_hours": 0.0, "double_decision_staffed_hours": 0.0,
}
_RESULT = {
    "job_id": _JOB_ID, "scenario_id": _SCENARIO_ID, "state": "succeeded", "interrupted": False,
    "validation": {"ok": True, "violations": [], "penalty_mismatches": [],
                   "uncovered_mismatch": None, "notes": []},
    "schedule": {
        "format_version": "1", "scenario": "example-week", "horizon_start": "2027-02-01",
        "horizon_days": 7, "timezone": "Europe/Stockholm", "created": "2027-01-29T10:15:06+01:00",
        "solve": {"status": "optimal", "objective": 120.0, "best_bound": 120.0, "gap": 0.0,
                  "wall_seconds": 2.4, "time_to_first_solution_seconds": 0.1,
                  "time_to_best_seconds": 1.2, "time_limit_seconds": 5.0, "workers": 1,
                  "seed": 1, "deterministic": False, "components": 1,
                  "components_without_solution": 0, "variables": 84, "engine": "cp-sat"},
        "penalties": [{"rule": "uncovered_need", "raw": 0.0, "unit": "person-hours",
                       "weight": 1000, "contribution": 0.0}],
        "shifts": [{"staff": "A1", "client": "C1", "unit": "U1",
                    "start": "2027-02-01T08:00:00+01:00", "end": "2027-02-01T16:00:00+01:00",
                    "hours": 8.0, "on_call_hours": 0.0, "breaks": []}],
        "uncovered": [],
        "kpis": {
            "decisions": [{
                "client": "C1", "decision": "D1", "kind": "lss_assistance",
                "service": "assistance", "on_call_counts_as": 1.0,
                "granted_total_hours": 56.0, "performed_hours": 0.0, "reserve_hours": 0.0,
                "available_without_exception_hours": 56.0, "available_in_horizon_hours": 56.0,
                "scheduled_hours": 56.0, "on_call_hours": 0.0, "charged_hours": 56.0,
                "exception_reference": None, "exception_hours": 0.0,
                "exception_hours_used": 0.0, "over_available_hours": 0.0,
                "left_in_period_hours": 0.0}],
            "staff": [{
                "staff": "A1", "home_unit": "U1", "employment": "monthly",
                "contract_hours": 40.0, "absence_hours": 0.0, "scheduled_hours": 24.0,
                "on_call_hours": 0.0, "work_hours": 24.0, "additional_hours": 0.0,
                "overtime_hours": 0.0, "unused_contract_hours": 16.0, "shifts": 3,
                "night_shifts": 0, "weekend_shifts": 1, "unpaid_break_hours": 0.0,
                "outside_home_unit_hours": 0.0}],
            "totals": _TOTALS,
            "double_decisions": [],
        },
    },
}

# One success example per operation without a request body (those have request examples);
# ``tests/api/test_openapi.py`` validates each against its response model.
RESPONSE_EXAMPLES: dict[str, Any] = {
    "getHealth": {"status": "ok", "version": "0.1.0", "workers": 2},
    "getScenario": {**_SCENARIO_PUBLIC, "summary": _SUMMARY, "scenario": example_scenario()},
    "validateScenario": {"valid": True, "summary": _SUMMARY},
    "storeScenario": _SCENARIO_PUBLIC,
    "listScenarios": [_SCENARIO_PUBLIC],
    "submitJob": _QUEUED,
    "listJobs": [_JOB],
    "getJob": _JOB,
    "getJobResult": _RESULT,
    "cancelJob": {"job": {**_JOB, "state": "cancelled", "interrupted": True,
                          "solver_status": "feasible"},
                  "result": {**_RESULT, "state": "cancelled", "interrupted": True}},
    "compareJobs": {
        "columns": [{"label": "example-week", "job_id": _JOB_ID, "scenario_id": _SCENARIO_ID,
                     "status": "optimal", "violations": 0}],
        "rows": [{"key": "scheduled_hours", "metric": "Scheduled hours", "unit": "h",
                  "group": "hours", "values": {"example-week": 56.0}}],
    },
    "getJobDiff": {
        "since": "2027-02-03T06:30:00+01:00", "shifts_before": 5, "shifts_after": 5, "kept": 4,
        "changes": [{"change": "reassigned", "staff": "A2", "previous_staff": "A1",
                     "client": "C1", "unit": "U1",
                     "before_start": "2027-02-03T08:00:00+01:00",
                     "before_end": "2027-02-03T16:00:00+01:00",
                     "after_start": "2027-02-03T08:00:00+01:00",
                     "after_end": "2027-02-03T16:00:00+01:00",
                     "hours_before": 8.0, "hours_after": 8.0,
                     "reason": "A1 absent (sick, 2027-02-03 06:30–2027-02-04 00:00)"}],
        "changed_hours": 16.0,
        "by_staff": {"A1": {"reassigned_away": 1}, "A2": {"reassigned": 1}},
        "by_client": {"C1": {"reassigned": 1}},
    },
    "getMe": {"key_id": "a1b2c3d4e5f6", "role": "unit_manager", "units": ["U1"]},
    "listKeys": [{"id": "a1b2c3d4e5f6", "name": "municipal system", "role": "system",
                  "units": [], "created_at": _AT, "revoked": False}],
}


def add_response_examples(document: dict[str, Any]) -> dict[str, Any]:
    """Put each operation's success example into the OpenAPI document. Done on the finished
    document, not in the route's ``responses=``: FastAPI drops null values from what it
    renders there, and an example without its nulls would not match its own schema."""
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            example = RESPONSE_EXAMPLES.get(operation.get("operationId"))
            if example is None:
                continue
            status = next(s for s in sorted(operation["responses"]) if s.startswith("2"))
            content = operation["responses"][status].get("content", {}).get("application/json")
            if content is not None:
                content["example"] = copy.deepcopy(example)
    return document
