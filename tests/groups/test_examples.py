"""The group examples load, the greedy plan of each passes the validator, and each twin differs
from its partner only in the setting it demonstrates."""

from __future__ import annotations

from pathlib import Path

import pytest

from scheduler.planning.variants import load_scenario

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
EXAMPLES = ["ktv_home", "ktv_colocated", "ktv_colocated_apart", "pooled_groups",
            "pooled_groups_apart"]


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_greedy_plan_is_valid(name: str, greedy_checked) -> None:
    scenario = load_scenario(SCENARIOS / f"{name}.yaml")
    schedule = greedy_checked(scenario)
    assert schedule.shifts


def test_ktv_home_has_bookings_breaks_and_a_double_decision() -> None:
    scenario = load_scenario(SCENARIOS / "ktv_home.yaml")
    assert scenario.bookings and any(b.one_to_one for b in scenario.bookings)
    assert scenario.unit_by_id()["K1"].unpaid_breaks
    booked = {b.client for b in scenario.bookings}
    assert any(c.id in booked and c.need.weekly for c in scenario.clients)


@pytest.mark.parametrize(("pair", "setting"), [
    (("pooled_groups", "pooled_groups_apart"), "pooling"),
    (("ktv_colocated", "ktv_colocated_apart"), "co_location"),
])
def test_twins_differ_only_in_the_setting(pair: tuple[str, str], setting: str) -> None:
    together, apart = (load_scenario(SCENARIOS / f"{name}.yaml") for name in pair)
    assert getattr(together, setting) and not getattr(apart, setting)
    strip = {setting, "name", "description"}
    assert together.model_dump(exclude=strip) == apart.model_dump(exclude=strip)
