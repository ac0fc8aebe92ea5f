"""Shared fixtures: the tiny week (``builders.tiny_week_data``) as data, as a scenario, and as a
YAML file."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from builders import tiny_week_data, write_yaml
from scheduler.domain.scenario import Scenario


@pytest.fixture(scope="session")
def tiny_template() -> dict[str, Any]:
    """The tiny scenario's data for module- or session-scoped fixtures (copy before editing)."""
    return tiny_week_data()


@pytest.fixture
def tiny_data() -> Callable[..., dict[str, Any]]:
    """Factory: a fresh, editable copy of the tiny scenario as plain data (top-level overrides)."""

    def make(**overrides: Any) -> dict[str, Any]:
        data = tiny_week_data()
        data.update(copy.deepcopy(overrides))
        return data

    return make


@pytest.fixture
def tiny_scenario(tiny_data: Callable[..., dict[str, Any]]) -> Callable[..., Scenario]:
    """Factory: the tiny scenario as a validated ``Scenario`` (top-level overrides)."""

    def make(**overrides: Any) -> Scenario:
        return Scenario.model_validate(tiny_data(**overrides))

    return make


@pytest.fixture
def write_scenario(tmp_path: Path) -> Callable[[dict[str, Any], str], Path]:
    """Write scenario data as YAML into the test's tmp dir; returns the path."""

    def write(data: dict[str, Any], name: str = "scenario.yaml") -> Path:
        return write_yaml(tmp_path / name, data)

    return write
