"""The FastAPI application: ``create_app(settings)`` wires settings, database, jobs, routers."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request, status
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from scheduler import __version__
from scheduler.api.db import make_engine, make_sessionmaker, migrate
from scheduler.api.docs_assets import add_offline_docs
from scheduler.api.gate import Gate, redact_access_log
from scheduler.api.jobs import JobRunner
from scheduler.api.limits import BodySizeLimit
from scheduler.api.routers import ROUTERS
from scheduler.api.settings import Settings
from scheduler.domain.loader import describe_errors

DESCRIPTION = """\
Proposes staff schedules for LSS personal assistance. Solves run as **jobs** in worker
processes: submit (202 + job id), poll the status (best objective, bound and gap so far),
fetch the result (schedule, KPIs, penalty breakdown, independent validation), or cancel
(the solve stops; the job keeps the best schedule found so far).

Every endpoint except `/health` needs `Authorization: Bearer <key>`; keys come from
`scheduler keys create --role coordinator|unit_manager|system|viewer --units U1,U2`. A unit
manager's key only reaches scenarios whose units are all its own. Only pseudonymous ids are
accepted: anything that looks like a Swedish personal identity number is refused (422).
"""


class _Errors:
    """``describe_errors`` reads only ``.errors()``; FastAPI's come with a 'body' prefix."""

    def __init__(self, errors: list[dict[str, Any]]):
        self._errors = errors

    def errors(self) -> list[dict[str, Any]]:
        return self._errors


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    body = exc.body
    stripped = [{**e, "loc": tuple(e["loc"][1:]) if e["loc"][:1] == ("body",) else e["loc"]}
                for e in errors]
    try:
        problems = describe_errors(_Errors(stripped), body)  # type: ignore[arg-type]
    except Exception:  # the readable form is a courtesy; never turn a 422 into a 500
        problems = [str(e.get("msg")) for e in errors]
    detail = [{k: e[k] for k in ("loc", "msg", "type") if k in e} for e in errors]
    return JSONResponse({"detail": jsonable_encoder(detail), "problems": problems},
                        status_code=status.HTTP_422_UNPROCESSABLE_CONTENT)


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
        version=__version__,
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
    app.add_exception_handler(RequestValidationError, _validation_error)
    for router in ROUTERS:
        app.include_router(router)
    # The last added runs first: the size cap bounds what the gate reads.
    app.add_middleware(Gate, settings=settings, sessions=sessions)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_request_bytes)
    redact_access_log()
    return app
