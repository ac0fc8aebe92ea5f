"""Every schedule these tests produce (engine or greedy) passes the independent validator."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from checked import checked_engine, checked_greedy
from scheduler.domain.scenario import Scenario
from scheduler.domain.schedule import Schedule


@pytest.fixture
def solve_checked() -> Callable[..., Schedule]:
    return checked_engine(default_time_limit=5)


@pytest.fixture
def greedy_checked() -> Callable[[Scenario], Schedule]:
    return checked_greedy
