"""The FastAPI application: ``create_app(settings)`` wires settings, database, jobs, routers."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, get_args

from fastapi import FastAPI

from scheduler.api import errors
from scheduler.api.db import make_engine, make_sessionmaker, migrate
from scheduler.api.docs_assets import add_offline_docs
from scheduler.api.examples import add_response_examples
from scheduler.api.gate import Gate, redact_access_log
from scheduler.api.jobs import JobRunner
from scheduler.api.limits import BodySizeLimit
from scheduler.api.routers import ROUTERS
from scheduler.api.settings import Settings
from scheduler.domain.schedule import SolveStatus

# The version of the HTTP contract (the OpenAPI document), apart from the package's: a change
# an integrator's generated client notices bumps it, and README's "API changes" says what.
API_VERSION = "2.4.0"

DESCRIPTION = """\
Proposes staff schedules for LSS personal assistance. Solves run as **jobs** in worker
processes: submit (202 + job id), poll the status (best objective, bound and gap so far),
fetch the result (schedule, KPIs, penalty breakdown, independent validation), or cancel
(the solve stops; the job keeps the best schedule found so far).

Every endpoint except `/health` needs `Authorization: Bearer <key>`; keys come from
`scheduler keys create --role coordinator|unit_manager|system|viewer --units U1,U2`. A unit
manager's key only reaches scenarios whose units are all its own. Only pseudonymous ids are
accepted: anything that looks like a Swedish personal identity number is refused (422).

Every error response is an `ErrorResponse`: a stable `code` to branch on (e.g.
`job_not_finished`, `job_failed`, `unit_forbidden`, `queue_full`, `body_too_large`,
`invalid_scenario`), a `detail` for people, and for a 422 the field `errors` (`loc`, `msg`,
`type`) and `problems` naming the field and the id. Each operation declares the statuses and
codes it can return.
"""


def _pages_are_html_only(document: dict[str, Any]) -> dict[str, Any]:
    """A success that is a page (``text/html``, e.g. getJobReport) is declared as that only:
    FastAPI adds an empty ``application/json`` beside it for a route returning a Response."""
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if status.startswith("2") and "text/html" in content:
                    content.pop("application/json", None)
    return document


def create_app(settings: Settings | None = None) -> FastAPI:
    """A new application; the database is migrated and the workers start with its lifespan."""
    settings = settings or Settings()
    engine = make_engine(settings.sqlalchemy_url)
    sessions = make_sessionmaker(engine)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        migrate(engine)
        runner = JobRunner(settings, sessions)
        app.state.runner = runner
        if settings.run_jobs:  # else `scheduler worker` processes solve
            runner.start()
        try:
            yield
        finally:
            runner.stop()
            engine.dispose()

    app = FastAPI(
        title="scheduler",
        version=API_VERSION,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # FastAPI's pages load from a CDN; add_offline_docs serves local files
        redoc_url=None,
        openapi_url="/openapi.json" if settings.docs else None,
    )
    if settings.docs:
        add_offline_docs(app)
    app.state.settings = settings
    app.state.sessions = sessions
    app.state.engine = engine
    app.state.placement_slots = threading.BoundedSemaphore(settings.max_concurrent_placements)
    errors.install(app)
    for router in ROUTERS:
        app.include_router(router)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = errors.drop_default_422(FastAPI.openapi(app))
            document = errors.name_enums(document, {"SolveStatus": get_args(SolveStatus)})
            document = add_response_examples(errors.rename_schemas(document))
            app.openapi_schema = _pages_are_html_only(document)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    # The last added runs first: the size cap bounds what the gate reads.
    app.add_middleware(Gate, settings=settings, sessions=sessions)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_request_bytes)
    redact_access_log()
    return app
