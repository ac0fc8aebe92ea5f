"""One error model for every error the API sends, with a stable machine-readable ``code``.

Handlers raise ``ApiError(ErrorCode.X, detail)``; the status follows from the code
(``STATUS``), so one code never comes with two statuses. The exception handlers installed by
``install`` turn ``ApiError``, any other ``HTTPException`` (unknown path, wrong method) and
FastAPI's ``RequestValidationError`` into an ``ErrorResponse``; the body-size middleware
(``limits``) writes the same shape with ``error_body``. ``responses(...)`` declares exactly the
codes a route can return, grouped by status, with an example per code, for the OpenAPI
document; ``drop_default_422`` removes the 422 FastAPI adds by itself where none can occur.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from scheduler.domain.loader import describe_errors

log = logging.getLogger("scheduler.api.errors")


class ErrorCode(StrEnum):
    """Stable codes: a client branches on these, never on ``detail``'s wording."""

    BAD_REQUEST = "bad_request"  # 400: a malformed request (e.g. Content-Length not a number)
    UNAUTHORIZED = "unauthorized"  # 401: no, an unknown or a revoked API key
    ROLE_FORBIDDEN = "role_forbidden"  # 403: the key's role may not do this
    UNIT_FORBIDDEN = "unit_forbidden"  # 403: the scenario has units the key may not see
    FORBIDDEN = "forbidden"  # 403: any other refusal
    NOT_FOUND = "not_found"  # 404: no such scenario, job or path
    METHOD_NOT_ALLOWED = "method_not_allowed"  # 405
    JOB_NOT_FINISHED = "job_not_finished"  # 409: queued or running, no schedule yet
    JOB_FAILED = "job_failed"  # 409: the job failed; no schedule (``detail``: why)
    JOB_CANCELLED = "job_cancelled"  # 409: cancelled without a schedule
    JOB_ALREADY_FINISHED = "job_already_finished"  # 409: cancelling a finished job
    SCENARIO_IN_USE = "scenario_in_use"  # 409: deleting a scenario with unfinished jobs
    CONFLICT = "conflict"  # 409: any other conflict
    BODY_TOO_LARGE = "body_too_large"  # 413
    VALIDATION_ERROR = "validation_error"  # 422: the request does not match its schema
    INVALID_SCENARIO = "invalid_scenario"  # 422: the scenario is not valid (``problems``)
    PERSONAL_NUMBER = "personal_number"  # 422: a personal identity number in the body
    INVALID_HISTORY = "invalid_history"  # 422: history_job_id's schedule does not fit
    INVALID_REPLAN = "invalid_replan"  # 422: replan_job_id's schedule does not fit the scenario
    QUEUE_FULL = "queue_full"  # 429: see Retry-After
    TOO_MANY_REQUESTS = "too_many_requests"  # 429: any other limit; see Retry-After
    INTERNAL_ERROR = "internal_error"  # 500


STATUS: dict[ErrorCode, int] = {
    ErrorCode.BAD_REQUEST: 400,
    ErrorCode.UNAUTHORIZED: 401,
    ErrorCode.ROLE_FORBIDDEN: 403,
    ErrorCode.UNIT_FORBIDDEN: 403,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.METHOD_NOT_ALLOWED: 405,
    ErrorCode.JOB_NOT_FINISHED: 409,
    ErrorCode.JOB_FAILED: 409,
    ErrorCode.JOB_CANCELLED: 409,
    ErrorCode.JOB_ALREADY_FINISHED: 409,
    ErrorCode.SCENARIO_IN_USE: 409,
    ErrorCode.CONFLICT: 409,
    ErrorCode.BODY_TOO_LARGE: 413,
    ErrorCode.VALIDATION_ERROR: 422,
    ErrorCode.INVALID_SCENARIO: 422,
    ErrorCode.PERSONAL_NUMBER: 422,
    ErrorCode.INVALID_HISTORY: 422,
    ErrorCode.INVALID_REPLAN: 422,
    ErrorCode.QUEUE_FULL: 429,
    ErrorCode.TOO_MANY_REQUESTS: 429,
    ErrorCode.INTERNAL_ERROR: 500,
}

# The code of a plain HTTPException (raised by FastAPI, Starlette or code that names no code).
_DEFAULT: dict[int, ErrorCode] = {
    400: ErrorCode.BAD_REQUEST, 401: ErrorCode.UNAUTHORIZED, 403: ErrorCode.FORBIDDEN,
    404: ErrorCode.NOT_FOUND, 405: ErrorCode.METHOD_NOT_ALLOWED, 409: ErrorCode.CONFLICT,
    413: ErrorCode.BODY_TOO_LARGE, 422: ErrorCode.VALIDATION_ERROR,
    429: ErrorCode.TOO_MANY_REQUESTS,
}


# The tags of the request bodies that take a scenario by id or sent along (``schemas.ONE_SOURCE``):
# pydantic puts them into an error's location, where they mean nothing to the caller.
STORED, INLINE = "stored_scenario", "scenario_sent"


class FieldError(BaseModel):
    """One field that failed validation (FastAPI's form, without the input echoed back)."""

    model_config = ConfigDict(extra="forbid")

    loc: list[str | int] = Field(
        description="Where: 'body', 'query' or 'path', then the field path "
        "(e.g. ['body', 'clients', 0, 'unit'])."
    )
    msg: str
    type: str = Field(description="pydantic's error type, e.g. 'missing', 'value_error'.")


class ErrorResponse(BaseModel):
    """Every error response of the API (4xx and 5xx) has this shape."""

    model_config = ConfigDict(extra="forbid")

    code: ErrorCode = Field(description="Stable, machine-readable; branch on this.")
    detail: str = Field(description="What went wrong, for people (wording may change).")
    errors: list[FieldError] = Field(description="Field errors of a 422; otherwise empty.")
    problems: list[str] = Field(
        description="The same errors for people, naming the field and the id "
        "(e.g. 'clients[C1].unit: unknown unit U9'); otherwise empty."
    )


class ApiError(StarletteHTTPException):
    """An error with a stable code; the status follows from the code."""

    def __init__(self, code: ErrorCode, detail: str, *, problems: list[str] | None = None,
                 headers: Mapping[str, str] | None = None):
        super().__init__(STATUS[code], detail, headers=dict(headers) if headers else None)
        self.code = code
        self.problems = problems or []


def error_body(code: ErrorCode, detail: str, *, errors: list[dict[str, Any]] | None = None,
               problems: list[str] | None = None) -> dict[str, Any]:
    """The JSON of an ``ErrorResponse`` (also for the middleware, which has no FastAPI)."""
    body = ErrorResponse(code=code, detail=detail,
                         errors=[FieldError.model_validate(e) for e in errors or []],
                         problems=problems or [])
    return body.model_dump(mode="json")


def _json(status: int, body: dict[str, Any], headers: Mapping[str, str] | None = None
          ) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers=dict(headers) if headers else None)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if isinstance(exc, ApiError):
        code, problems = exc.code, exc.problems
    else:
        code = _DEFAULT.get(exc.status_code, ErrorCode.BAD_REQUEST if exc.status_code < 500
                            else ErrorCode.INTERNAL_ERROR)
        problems = []
    detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    return _json(exc.status_code, error_body(code, detail, problems=problems), exc.headers)


class _Errors:
    """``describe_errors`` reads only ``.errors()``; FastAPI's come with a 'body' prefix."""

    def __init__(self, errors: list[dict[str, Any]]):
        self._errors = errors

    def errors(self) -> list[dict[str, Any]]:
        return self._errors


def _untagged(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    if len(loc) > 1 and loc[0] == "body" and loc[1] in (STORED, INLINE):
        return (loc[0], *loc[2:])
    return loc


def _scenario_error(request: Request, loc: tuple[Any, ...]) -> bool:
    """Is this error inside a scenario: the body of a route that takes one, or ``scenario``?"""
    if loc[:1] != ("body",):
        return False
    if len(loc) > 1 and loc[1] == "scenario":
        return True
    route = request.scope.get("route")
    field = getattr(route, "body_field", None)
    annotation = getattr(getattr(field, "field_info", None), "annotation", None)
    return getattr(annotation, "__name__", "") == "Scenario"


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [{**e, "loc": _untagged(tuple(e["loc"]))} for e in exc.errors()]
    stripped = [{**e, "loc": tuple(e["loc"][1:]) if e["loc"][:1] == ("body",) else e["loc"]}
                for e in errors]
    try:  # located from the body's root: 'clients[C1].unit', 'scenario.clients[C1].unit'
        problems = describe_errors(_Errors(stripped), exc.body)  # type: ignore[arg-type]
    except Exception:  # the readable form is a courtesy; never turn a 422 into a 500
        problems = [str(e.get("msg")) for e in errors]
    in_scenario = bool(errors) and all(_scenario_error(request, tuple(e["loc"])) for e in errors)
    code = ErrorCode.INVALID_SCENARIO if in_scenario else ErrorCode.VALIDATION_ERROR
    summary = "the scenario is not valid" if in_scenario else "the request is not valid"
    detail = f"{summary}: " + "; ".join(problems[:3]) + (" …" if len(problems) > 3 else "")
    fields = [{"loc": list(e["loc"]), "msg": str(e["msg"]), "type": str(e["type"])}
              for e in errors]
    return _json(422, error_body(code, detail, errors=jsonable_encoder(fields),
                                 problems=problems))


async def _internal_error(request: Request, exc: Exception) -> JSONResponse:
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return _json(500, error_body(ErrorCode.INTERNAL_ERROR, "internal server error"))


def install(app: FastAPI) -> None:
    """Every error the app sends becomes an ``ErrorResponse``."""
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _internal_error)


# --- the OpenAPI declarations ------------------------------------------------------------------

EXAMPLES: dict[ErrorCode, str] = {
    ErrorCode.BAD_REQUEST: "Content-Length is not a number",
    ErrorCode.UNAUTHORIZED: "a bearer token is required",
    ErrorCode.ROLE_FORBIDDEN: "the role 'system' may not do this (coordinator, unit_manager)",
    ErrorCode.UNIT_FORBIDDEN: "this scenario covers units your API key may not see",
    ErrorCode.NOT_FOUND: "no such job",
    ErrorCode.JOB_NOT_FINISHED: "the job is running and has no schedule",
    ErrorCode.JOB_FAILED: "the job is failed and has no schedule: the solve worker stopped",
    ErrorCode.JOB_CANCELLED: "the job is cancelled and has no schedule: cancelled before it "
                             "started",
    ErrorCode.JOB_ALREADY_FINISHED: "the job has already succeeded",
    ErrorCode.SCENARIO_IN_USE: "the scenario has queued or running jobs; cancel them first",
    ErrorCode.BODY_TOO_LARGE: "the request body is larger than 2000000 bytes",
    ErrorCode.VALIDATION_ERROR: "the request is not valid: limit: Input should be less than "
                                "or equal to 500",
    ErrorCode.INVALID_SCENARIO: "the scenario is not valid: clients[C1].unit: unknown unit U9",
    ErrorCode.PERSONAL_NUMBER: "personal identity numbers are not accepted; use pseudonymous "
                               "ids. Found at: $.description",
    ErrorCode.INVALID_HISTORY: "history_job_id S1: the schedule must end where the horizon "
                               "starts",
    ErrorCode.QUEUE_FULL: "the job queue is full (100 waiting); try again later",
    ErrorCode.TOO_MANY_REQUESTS: "this key's request rate is over 600/minute",
}

_HEADERS: dict[int, dict[str, Any]] = {
    401: {"WWW-Authenticate": {"description": "Always 'Bearer'.",
                               "schema": {"type": "string"}}},
    429: {"Retry-After": {"description": "Seconds to wait before trying again.",
                          "schema": {"type": "integer"}}},
}

_DESCRIPTION: dict[int, str] = {
    400: "Malformed request", 401: "No valid API key", 403: "Forbidden", 404: "Not found",
    409: "Conflict with the job's or scenario's state", 413: "Request body too large",
    422: "Invalid request", 429: "Too many requests",
}

# Every request: the size cap holds before routing, whatever the method.
ANY_REQUEST = (ErrorCode.BAD_REQUEST, ErrorCode.BODY_TOO_LARGE)
# With a key (the gate, before routing): 401, 429 for a rate limit (the key's, or the
# address's after too many wrong tokens), 400 for a URL with a personal number or NUL in it.
AUTHENTICATED = (*ANY_REQUEST, ErrorCode.UNAUTHORIZED, ErrorCode.TOO_MANY_REQUESTS)
# A JSON body checked for personal identity numbers (after the key, before the model).
WITH_BODY = (*AUTHENTICATED, ErrorCode.VALIDATION_ERROR, ErrorCode.PERSONAL_NUMBER)
NO_SCHEDULE = (ErrorCode.JOB_NOT_FINISHED, ErrorCode.JOB_FAILED, ErrorCode.JOB_CANCELLED)


# A success response's ``Location`` header (201 of storeScenario, 202 of submitJob).
LOCATION: dict[str, Any] = {
    "Location": {"description": "The path of the new resource.", "schema": {"type": "string"}},
}


def responses(*codes: ErrorCode, location: int | None = None,
              extra: dict[int | str, dict[str, Any]] | None = None
              ) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` of a route: each status of ``codes`` with the error model, the codes
    it may carry (in the description), an example per code and its headers; ``location``: the
    success status that names the new resource in ``Location``; ``extra``: other responses."""
    by_status: dict[int, list[ErrorCode]] = defaultdict(list)
    for code in dict.fromkeys(codes):
        by_status[STATUS[code]].append(code)
    out: dict[int | str, dict[str, Any]] = {}
    for status, listed in sorted(by_status.items()):
        names = ", ".join(f"`{c.value}`" for c in listed)
        entry: dict[str, Any] = {
            "model": ErrorResponse,
            "description": f"{_DESCRIPTION.get(status, 'Error')}; code: {names}.",
            "content": {"application/json": {"examples": {
                c.value: {"summary": c.value,
                          "value": error_body(c, EXAMPLES.get(c, c.value.replace("_", " ")))}
                for c in listed
            }}},
        }
        if status in _HEADERS:
            entry["headers"] = _HEADERS[status]
        out[status] = entry
    if location is not None:
        out[location] = {"headers": LOCATION}
    out.update(extra or {})
    return out


def drop_default_422(document: dict[str, Any]) -> dict[str, Any]:
    """Remove the 422 that FastAPI adds to every route with a parameter: where a 422 can
    occur, the route declares it with ``ErrorResponse``, so the added one is never sent."""
    default = "#/components/schemas/HTTPValidationError"
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            response = operation.get("responses", {}).get("422")
            schema = (response or {}).get("content", {}).get("application/json", {}).get("schema")
            if schema == {"$ref": default}:
                del operation["responses"]["422"]
    schemas = document.get("components", {}).get("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    return document


# Component names that clash with what a generated client defines itself: openapi-python-client
# has its own ``Client`` (the HTTP client), so the LSS client is ``ClientCase`` in the document.
RENAMES = {"Client": "ClientCase"}


def name_enums(document: dict[str, Any], enums: Mapping[str, tuple[str, ...]]
               ) -> dict[str, Any]:
    """Give inline enums a component of their own: a ``Literal`` (e.g. the domain's
    ``SolveStatus``) is written inline wherever it is used, and a generator then makes a class
    per use (``JobPublicSolverStatusType0``, ``CompareColumnStatus``, ...)."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    by_values = {tuple(values): name for name, values in enums.items()}

    def walk(node: Any, top: bool) -> None:
        if isinstance(node, dict):
            name = by_values.get(tuple(node.get("enum", ()))) if not top else None
            if name is not None and node.get("type") == "string":
                schemas.setdefault(name, {"type": "string", "enum": list(node["enum"]),
                                          "title": name})
                kept = {k: v for k, v in node.items() if k in ("description", "default")}
                node.clear()
                node.update({"$ref": f"#/components/schemas/{name}", **kept})
                return
            for value in node.values():
                walk(value, False)
        elif isinstance(node, list):
            for value in node:
                walk(value, False)

    for schema in list(schemas.values()):
        walk(schema, True)
    walk(document.get("paths", {}), False)
    return document


def rename_schemas(document: dict[str, Any], renames: Mapping[str, str] = RENAMES
                   ) -> dict[str, Any]:
    """Rename components (key, title and every ``$ref``) in the OpenAPI document."""
    schemas = document.get("components", {}).get("schemas", {})
    refs = {f"#/components/schemas/{old}": f"#/components/schemas/{new}"
            for old, new in renames.items() if old in schemas}
    for old, new in renames.items():
        if old in schemas:
            schema = schemas.pop(old)
            schema["title"] = new
            schemas[new] = schema

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref in refs:
                node["$ref"] = refs[ref]
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(document)
    return document
