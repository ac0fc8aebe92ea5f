"""The headless Chromium the view tests open pages in (Debian's package; `.ci/run` installs
it): under CI a missing browser fails the test, elsewhere it skips."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    reason = "no Chromium on this machine (Debian: apt-get install chromium; .ci/run installs it)"
    if os.environ.get("CI"):  # views are tested in a real browser in CI, never skipped
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)
