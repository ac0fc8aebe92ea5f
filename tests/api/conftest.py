"""API test fixtures: one running app (worker processes included) shared by the session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from apihelpers import Api, bearer, make_settings
from fastapi.testclient import TestClient

from scheduler.api import create_app
from scheduler.api.db import Role
from scheduler.api.security import create_key


@pytest.fixture(scope="session")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    app = create_app(make_settings(tmp_path_factory.mktemp("api")))
    with TestClient(app) as client:
        with app.state.sessions() as session:
            keys = {
                "coordinator": create_key(session, Role.COORDINATOR, []),
                "system": create_key(session, Role.SYSTEM, []),
                "u1": create_key(session, Role.UNIT_MANAGER, ["U1"]),
                "u2": create_key(session, Role.UNIT_MANAGER, ["U2"]),
            }
        yield Api(client, app, bearer(keys["coordinator"].token), bearer(keys["system"].token),
                  bearer(keys["u1"].token), bearer(keys["u2"].token))
