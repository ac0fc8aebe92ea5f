"""Fixtures for the comparison tests: the base and the pooled variant, solved once."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from builders import two_groups_data, write_yaml
from scheduler.planning.compare import ScenarioRun, comparison_table, run_comparison

# The base's two groups pooled (everyone approved for both clients), B01 on 25 h.
VARIANT: dict[str, Any] = {
    "base": "base.yaml",
    "name": "pooled",
    "changes": [
        {"kind": "pool_units", "units": ["U1", "U2"], "approve_all": True},
        {"kind": "change_contract_hours", "staff": "B01", "hours": 25},
    ],
}


@pytest.fixture(scope="session")
def variant_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("variants")
    return write_yaml(folder / "base.yaml", two_groups_data()), write_yaml(folder / "pooled.yaml",
                                                                      copy.deepcopy(VARIANT))


@pytest.fixture(scope="session")
def compared(variant_files: tuple[Path, Path]) -> tuple[list[ScenarioRun], Any]:
    """The base and the pooled variant solved (in this process) and tabulated, once."""
    from scheduler.planning.variants import load_scenario

    scenarios = [load_scenario(p) for p in variant_files]
    runs = run_comparison(scenarios, [str(p) for p in variant_files], time_limit=3, workers=1)
    return runs, comparison_table(runs)


