"""`scheduler keys create|list|revoke`: the token is printed once, only its hash is stored."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from scheduler.api.db import ApiKey, make_engine, make_sessionmaker
from scheduler.api.security import authenticate
from scheduler.cli import app


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "keys.db"
    monkeypatch.setenv("SCHEDULER_DB_PATH", str(path))
    return path


def test_create_list_revoke(db: Path) -> None:
    runner = CliRunner()
    created = runner.invoke(app, ["keys", "create", "--role", "unit_manager", "--units",
                                  "U1, U2", "--name", "EC U1"])
    assert created.exit_code == 0, created.output
    token = created.stdout.strip().splitlines()[0]
    assert token.startswith("sk_")
    sessions = make_sessionmaker(make_engine(f"sqlite:///{db}"))
    with sessions() as session:
        (key,) = session.query(ApiKey).all()
        assert token.split("_", 2)[2] not in (key.secret_hash, key.salt)
        principal = authenticate(session, token)
        assert principal is not None and principal.units == {"U1", "U2"}
        assert authenticate(session, token + "x") is None
    listed = runner.invoke(app, ["keys", "list"])
    assert key.id in listed.stdout and "U1,U2" in listed.stdout and token not in listed.stdout
    assert runner.invoke(app, ["keys", "revoke", key.id]).exit_code == 0
    with sessions() as session:
        assert authenticate(session, token) is None
    assert runner.invoke(app, ["keys", "revoke", "nope"]).exit_code == 2


def test_bad_role_or_missing_units_exit_2(db: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["keys", "create", "--role", "admin"]).exit_code == 2
    assert runner.invoke(app, ["keys", "create", "--role", "unit_manager"]).exit_code == 2


def test_a_viewer_key_from_the_command_line(db: Path) -> None:
    created = CliRunner().invoke(app, ["keys", "create", "--role", "viewer", "--units", "U1"])
    assert created.exit_code == 0, created.output
    token = created.stdout.strip().splitlines()[0]
    with make_sessionmaker(make_engine(f"sqlite:///{db}"))() as session:
        principal = authenticate(session, token)
        assert principal is not None and principal.role.value == "viewer"
    refused = CliRunner().invoke(app, ["keys", "create", "--role", "reader"])
    assert refused.exit_code == 2 and "viewer" in refused.stderr
