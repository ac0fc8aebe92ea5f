"""The scattered-hours examples (scenarios/scattered): they load, differ only in rounds, and
hold what their header says."""

from __future__ import annotations

from pathlib import Path

import pytest

from checked import checked_engine
from scheduler.domain.scenario import Scenario
from scheduler.domain.schedule import Schedule
from scheduler.planning.instances import week_hours
from scheduler.planning.variants import load_scenario
from scheduler.results.kpi import hours_between

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
    assert sum(s.contract_hours_per_week for s in scenario.staff) == 226


@pytest.fixture(scope="module")
def solved(examples: dict[str, Scenario]) -> dict[str, Schedule]:
    """Both examples solved by the engine in 10 s each (seed 0, 2 workers), each schedule
    re-checked by the independent validator."""
    solve = checked_engine(10)
    return {name: solve(s, workers=2, seed=0) for name, s in examples.items()}


def _waiting_per_visit_hour(schedule: Schedule) -> float:
    """Paid waiting per hour of visits served: the plan that reaches fewer visits would wait
    less in all, so the practices are compared at what they deliver."""
    visits = sum(hours_between(v.start, v.end) for s in schedule.shifts for v in s.visits)
    return sum(s.waiting_hours for s in schedule.shifts) / visits


def _uncovered(schedule: Schedule) -> float:
    return sum(hours_between(u.start, u.end) * u.missing for u in schedule.uncovered)


def test_rounds_example_solves_with_rounds_and_waits_less(solved: dict[str, Schedule]) -> None:
    """With rounds the example is served by shifts visiting several clients, with travel
    between homes, leaving no more need uncovered and waiting at most half as long per visit
    hour as one-client shifts; without rounds no shift visits two clients or travels."""
    rounds, single = solved["rounds"], solved["one_client"]
    multi = [s for s in rounds.shifts if len({v.client for v in s.visits}) > 1]
    assert multi and all(s.client is None and s.travel_hours > 0 for s in multi)
    assert not any(len({v.client for v in s.visits}) > 1 or s.travel_hours for s in
                   single.shifts)
    assert _uncovered(rounds) <= _uncovered(single)
    assert _waiting_per_visit_hour(rounds) <= 0.5 * _waiting_per_visit_hour(single)
