"""Limits from the settings: request size (413), a full queue (429 + Retry-After)."""

from __future__ import annotations

from pathlib import Path

from apihelpers import Api, bearer, make_settings
from fastapi.testclient import TestClient

from builders import heavy_data, week_data
from scheduler.api import Settings, create_app
from scheduler.api.db import Role
from scheduler.api.security import create_key


def test_a_body_over_the_cap_is_413(api: Api) -> None:
    data = week_data()
    data["description"] = "x" * 400_000
    response = api.client.post("/scenarios", json=data, headers=api.coordinator)
    assert response.status_code == 413


def test_a_streamed_body_over_the_cap_is_413(api: Api) -> None:
    def chunks():  # no Content-Length: the cap must hold while reading
        for _ in range(40):
            yield b" " * 10_000

    response = api.client.post("/scenarios", content=chunks(),
                               headers={**api.coordinator, "Content-Type": "application/json"})
    assert response.status_code == 413


def test_a_full_queue_is_429_with_retry_after(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, max_concurrent_solves=1, max_queued_jobs=1,
                             retry_after_seconds=7)
    app = create_app(settings)
    with TestClient(app) as client:
        with app.state.sessions() as session:
            headers = bearer(create_key(session, Role.SYSTEM, []).token)
        codes = []
        for _ in range(5):
            response = client.post("/jobs", json={"scenario": heavy_data(),
                                                  "time_limit_seconds": 1},
                                   headers=headers)
            codes.append(response.status_code)
            if response.status_code == 429:
                assert response.headers["retry-after"] == "7"
                assert "queue is full" in response.json()["detail"]
        assert codes[0] == 202 and 429 in codes
        assert codes.count(202) <= 2  # one solving, one waiting


def test_settings_come_from_the_environment(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SCHEDULER_MAX_CONCURRENT_SOLVES", "3")
    monkeypatch.setenv("SCHEDULER_DB_PATH", str(tmp_path / "env.db"))
    settings = Settings()
    assert settings.max_concurrent_solves == 3
    assert settings.sqlalchemy_url.endswith("env.db")


def test_server_ids_never_look_like_personal_numbers() -> None:
    # Hex uuids hold a 10- or 12-digit run about one time in twenty; such an id sent back as
    # {"scenario_id": ...} would be refused by the personal-number scan.
    from scheduler.api.pii import PERSONAL_NUMBER, new_id

    ids = [new_id() for _ in range(20_000)]
    assert len(set(ids)) == len(ids)
    assert not any(PERSONAL_NUMBER.search(i) for i in ids)
