"""Every schedule the solver tests produce is re-checked by the independent validator."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from checked import checked_engine
from scheduler.domain.schedule import Schedule


@pytest.fixture
def solve_checked() -> Callable[..., Schedule]:
    return checked_engine()
