"""/docs and /redoc load every asset from the server itself: they work without internet."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from scheduler.api.app import create_app
from scheduler.api.settings import Settings

_REFERENCE = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']|url:\s*["']([^"']+)["']""")


@pytest.fixture(scope="module")
def client() -> TestClient:
    # No lifespan (no `with`): the pages need neither the database nor the workers.
    return TestClient(create_app(Settings(database_url="sqlite://")))


def _references(html: str) -> list[str]:
    return [a or b for a, b in _REFERENCE.findall(html)]


@pytest.mark.parametrize(("page", "script"), [
    ("/docs", "swagger-ui-bundle.js"), ("/redoc", "redoc.standalone.js"),
])
def test_docs_pages_reference_only_local_assets_that_are_served(
    client: TestClient, page: str, script: str
) -> None:
    response = client.get(page)
    assert response.status_code == 200
    urls = _references(response.text)
    assert any(u.endswith(script) for u in urls), urls
    assert "openapi.json" in response.text
    for url in urls:
        assert url.startswith("/"), f"{page} loads {url} from elsewhere"
        asset = client.get(url)
        assert asset.status_code == 200, url
        if url.endswith(".js"):
            assert "javascript" in asset.headers["content-type"]
            assert len(asset.content) > 100_000  # the real bundle, not a placeholder
    assert "cdn." not in response.text and "fonts.googleapis" not in response.text


def test_docs_can_be_switched_off() -> None:
    off = TestClient(create_app(Settings(database_url="sqlite://", docs=False)))
    assert off.get("/docs").status_code == 404
    assert off.get("/redoc").status_code == 404
