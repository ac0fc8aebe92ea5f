"""/docs and /redoc render in headless Chromium with every host but the server unreachable: the
API's interactive documentation works offline."""

from __future__ import annotations

import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from browser import chromium
from scheduler.api.app import create_app
from scheduler.api.settings import Settings


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real app on a free loopback port, without its lifespan: the documentation needs
    neither the database nor the solve workers."""
    app = create_app(Settings(db_path=tmp_path_factory.mktemp("docs") / "api.db"))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_level="error")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not running.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert running.started, "the test server did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        running.should_exit = True
        thread.join(timeout=10)


def _dom(url: str, tmp_path: Path) -> str:
    done = subprocess.run(
        [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-extensions", "--disable-background-networking",
         # Every name but the loopback address fails to resolve: no CDN could serve anything.
         "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
         f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=20000",
         "--dump-dom", url],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_swagger_ui_renders_every_resource_offline(server: str, tmp_path: Path) -> None:
    dom = _dom(f"{server}/docs", tmp_path)
    assert 'class="swagger-ui' in dom, dom[:2000]
    # Operations are drawn by the bundle's JavaScript from /openapi.json: it ran.
    assert dom.count("opblock-summary-path") >= 10
    for path in ("/jobs", "/scenarios/validate", "/placement"):
        assert f'data-path="{path}"' in dom, path


def test_redoc_renders_offline(server: str, tmp_path: Path) -> None:
    dom = _dom(f"{server}/redoc", tmp_path)
    # The page as served is a <redoc> tag and a script; all else is drawn by ReDoc from the
    # schema (FastAPI's CDN page, measured the same way, stays under 1 kB).
    assert "redoc-wrap" in dom and "api-content" in dom, dom[:2000]
    assert dom.count("/scenarios/validate") >= 2 and dom.count("/jobs") >= 10
