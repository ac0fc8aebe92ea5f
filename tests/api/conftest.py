"""API test fixtures: one running app (worker processes included) shared by the session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from apihelpers import Api, drop_test_databases, make_settings, running_api


@pytest.fixture(scope="session")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    with running_api(make_settings(tmp_path_factory.mktemp("api"))) as running:
        yield running


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    drop_test_databases()
