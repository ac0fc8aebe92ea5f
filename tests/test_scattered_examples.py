"""The scattered-hours examples (scenarios/scattered): they load, differ only in rounds, and
hold what their header says."""

from __future__ import annotations

from pathlib import Path

import pytest

from scheduler.domain.scenario import Scenario
from scheduler.planning.instances import week_hours
from scheduler.planning.variants import load_scenario

HERE = Path(__file__).resolve().parents[1] / "scenarios" / "scattered"


@pytest.fixture(scope="module")
def examples() -> dict[str, Scenario]:
    return {name: load_scenario(HERE / f"{name}.yaml") for name in ("rounds", "one_client")}


def test_the_two_examples_differ_only_in_rounds(examples: dict[str, Scenario]) -> None:
    rounds, single = examples["rounds"], examples["one_client"]
    assert rounds.rounds.enabled and not single.rounds.enabled
    skip = {"name", "description", "rounds"}
    assert rounds.model_dump(exclude=skip) == single.model_dump(exclude=skip)
    assert rounds.rounds.model_dump(exclude={"enabled"}) == single.rounds.model_dump(
        exclude={"enabled"})


def test_ten_scattered_clients_with_homes_and_short_visits(examples: dict[str, Scenario]
                                                           ) -> None:
    scenario = examples["rounds"]
    scattered = [c for c in scenario.clients if c.scattered]
    assert len(scattered) == 10 and len(scenario.clients) == 11
    assert all(c.home is not None for c in scattered)
    assert all(30 <= w.length_minutes <= 60 for c in scattered for w in c.need.weekly)
    # The header's figures: 145.75 visit person-hours a week, decisions a bit above them.
    assert sum(week_hours(c.need.weekly)[0] for c in scattered) == 145.75
    for c in scattered:
        need = week_hours(c.need.weekly)[0]
        assert need < c.decisions[0].granted_hours_per_week <= 1.4 * need
    assert [c.id for c in scattered if c.decisions[0].charges_travel] == ["C05"]
    homes = {c.id: c.home for c in scattered if c.home is not None}
    travel = scenario.rounds.travel
    assert travel.minutes("C04", "C09", homes) == 12  # measured, not the straight line
    assert travel.minutes("C01", "C02", homes) == 5  # the minimum
    assert sum(s.contract_hours_per_week for s in scenario.staff) == 182
