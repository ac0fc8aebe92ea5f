"""``scheduler serve`` and ``scheduler keys ...``."""

from __future__ import annotations

import signal
import threading
from typing import Annotated

import typer
import uvicorn
from pydantic import ValidationError
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from scheduler.api.app import create_app
from scheduler.api.db import Role, make_engine, make_sessionmaker, migrate
from scheduler.api.jobs import JobRunner
from scheduler.api.security import create_key, list_keys, revoke_key
from scheduler.api.settings import Settings

keys_app = typer.Typer(help="API keys for the HTTP API (stored hashed; a token is shown once).",
                       no_args_is_help=True)

ROLES = tuple(role.value for role in Role)


def _settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        typer.echo(f"error: invalid SCHEDULER_* settings:\n{exc}", err=True)
        raise typer.Exit(2) from None


def _sessions() -> sessionmaker[Session]:
    """Sessions on the configured database, its schema migrated."""
    engine = make_engine(_settings().sqlalchemy_url)
    migrate(engine)
    return make_sessionmaker(engine)


def serve(
    host: Annotated[str, typer.Option(help="Address to bind (loopback by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8000,
    log_level: Annotated[str, typer.Option(help="uvicorn log level.")] = "info",
) -> None:
    """Run the HTTP API (settings from SCHEDULER_* environment variables)."""
    app = create_app(_settings())
    uvicorn.run(app, host=host, port=port, log_level=log_level, timeout_graceful_shutdown=10)


def worker() -> None:
    """Solve jobs from the configured database without serving HTTP (e.g. on another
    machine, with SCHEDULER_DATABASE_URL pointing at the shared PostgreSQL). Stops in order on
    SIGTERM or ^C: its running jobs go back to the queue."""
    settings = _settings()
    engine = make_engine(settings.sqlalchemy_url)
    migrate(engine)
    runner = JobRunner(settings, make_sessionmaker(engine))
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    runner.start()
    typer.echo(f"worker {runner.name}: {settings.max_concurrent_solves} solve process(es) on "
               f"{make_url(settings.sqlalchemy_url).render_as_string(hide_password=True)}",
               err=True)
    try:
        while not stop.wait(1.0):
            pass
    finally:
        runner.stop()
        engine.dispose()


@keys_app.command("create")
def create(
    role: Annotated[str, typer.Option(
        help="coordinator, unit_manager, system or viewer (reads only).")],
    units: Annotated[str, typer.Option(help="Comma-separated unit ids the key may see; empty: "
                                       "every unit (not for unit_manager).")] = "",
    name: Annotated[str, typer.Option(help="A label: who or what uses the key.")] = "",
) -> None:
    """Create a key and print its token (once: only a hash is stored)."""

    if role not in ROLES:
        typer.echo(f"error: --role must be one of {', '.join(ROLES)}", err=True)
        raise typer.Exit(2)
    unit_ids = [u.strip() for u in units.split(",") if u.strip()]
    with _sessions()() as session:
        try:
            issued = create_key(session, Role(role), unit_ids, name)
        except ValueError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None
    typer.echo(issued.token)
    typer.echo(f"key {issued.key_id}: role {role}, units {', '.join(unit_ids) or 'all'} "
               "(the token above is shown only now)", err=True)


@keys_app.command("list")
def list_() -> None:
    """List keys (never their tokens)."""

    with _sessions()() as session:
        for key in list_keys(session):
            state = "revoked" if key.revoked_at else "active"
            typer.echo(f"{key.id}  {key.role:<12}  {','.join(key.units) or 'all':<20}  {state:<7}"
                       f"  {key.created_at:%Y-%m-%d %H:%M}  {key.name}")


@keys_app.command("revoke")
def revoke(key_id: Annotated[str, typer.Argument(help="The key id (from `keys list`).")]) -> None:
    """Revoke a key: its token stops working at once."""

    with _sessions()() as session:
        if not revoke_key(session, key_id):
            typer.echo(f"error: no key {key_id!r}", err=True)
            raise typer.Exit(2)
    typer.echo(f"revoked {key_id}")
