"""The example generator: deterministic, in the department's ranges, valid input."""

from __future__ import annotations

import re
from datetime import date
from itertools import pairwise
from pathlib import Path

import pytest

from scheduler.domain.clients import DecisionKind
from scheduler.domain.common import WEEKDAYS
from scheduler.domain.groups import double_decision_overlaps
from scheduler.domain.scenario import Scenario
from scheduler.domain.staff import EmploymentForm
from scheduler.domain.units import UnitKind
from scheduler.planning.instances import (
    SIZES,
    generate,
    generate_scattered,
    scenario_yaml,
    summary,
    week_hours,
    with_rounds,
    write_scenario,
)
from scheduler.planning.variants import load_scenario


@pytest.fixture(scope="module")
def scenarios() -> dict[str, Scenario]:
    return {size: generate(size, seed=0) for size in SIZES}


def _assistance(scenario: Scenario) -> list:
    """The assistance cases (not the children and pupils booked into group units)."""
    return [c for c in scenario.clients if c.need.weekly]


def _granted_per_case(scenario: Scenario) -> list[float]:
    """Granted hours per week of each assistance case at the horizon's start (decisions side by
    side add; a stay decision beside assistance grants no assistance hours)."""
    start = scenario.horizon.start
    return [
        sum(d.granted_hours_per_week for d in c.decisions
            if d.settlement_period.start <= start <= d.settlement_period.end
            and d.kind is not DecisionKind.SHORT_TERM_STAY)
        for c in _assistance(scenario)
    ]


@pytest.mark.parametrize("size", SIZES)
def test_same_seed_same_scenario(size: str) -> None:
    assert scenario_yaml(generate(size, seed=3)) == scenario_yaml(generate(size, seed=3))


@pytest.mark.parametrize("size", SIZES)
def test_different_seed_different_scenario(size: str) -> None:
    assert scenario_yaml(generate(size, seed=1)) != scenario_yaml(generate(size, seed=2))


def test_unknown_size() -> None:
    with pytest.raises(ValueError, match="unknown size"):
        generate("XXL")  # type: ignore[arg-type]


@pytest.mark.parametrize("size", SIZES)
def test_round_trips_through_validation(size: str, scenarios: dict[str, Scenario]) -> None:
    scenario = scenarios[size]
    assert Scenario.model_validate(scenario.model_dump()) == scenario


def test_yaml_file_loads_back(tmp_path, scenarios: dict[str, Scenario]) -> None:
    path = write_scenario(scenarios["M"], tmp_path / "m.yaml", header="a header\nline two")
    assert path.read_text().startswith("# a header\n# line two\n")
    assert load_scenario(path) == scenarios["M"]


def test_committed_unit_example_is_current() -> None:
    """scenarios/unit.yaml is bench/generate.py M --seed 1: regenerate it when the generator
    changes."""
    path = Path(__file__).resolve().parents[1] / "scenarios" / "unit.yaml"
    assert load_scenario(path) == generate("M", seed=1)


@pytest.mark.parametrize(
    ("size", "clients", "staff", "units", "group_units"),
    [
        ("tiny", (1, 1), (4, 4), 1, 0),
        ("S", (1, 1), (7, 9), 1, 0),
        ("M", (10, 14), (40, 60), 1, 0),
        ("L", (60, 70), (230, 330), 8, 4),
        ("XL", (120, 140), (460, 660), 16, 8),
    ],
)
def test_sizes(size: str, clients: tuple[int, int], staff: tuple[int, int], units: int,
               group_units: int, scenarios: dict[str, Scenario]) -> None:
    for seed in (0, 1):
        scenario = scenarios[size] if seed == 0 else generate(size, seed=seed)
        assert len(scenario.units) == units + group_units
        assert sum(u.is_group for u in scenario.units) == group_units
        assert clients[0] <= len(_assistance(scenario)) <= clients[1]
        assert staff[0] <= len(scenario.staff) <= staff[1]


@pytest.mark.parametrize(("size", "copies"), [("L", 1), ("XL", 2)])
def test_group_units_and_double_decisions(size: str, copies: int,
                                          scenarios: dict[str, Scenario]) -> None:
    """Three KTV homes and an after-school supervision per department, with bookings and their
    own staff; five clients with a double decision (a stay beside personal assistance)."""
    scenario = scenarios[size]
    kinds = [u.kind for u in scenario.units]
    assert kinds.count(UnitKind.SHORT_TERM_STAY) == 3 * copies
    assert kinds.count(UnitKind.AFTER_SCHOOL) == copies
    booked_units = {b.unit for b in scenario.bookings}
    assert {u.id for u in scenario.units if u.is_group} == booked_units
    assert any(b.one_to_one for b in scenario.bookings)
    assert len(double_decision_overlaps(scenario)) == 5 * copies
    assert len({b.client for b in scenario.bookings
                if scenario.client_by_id()[b.client].need.weekly}) == 5 * copies
    homes = {s.home_unit for s in scenario.staff}
    assert booked_units <= homes
    assert scenario.school_holidays


@pytest.mark.parametrize("size", ["M", "L", "XL"])
def test_granted_hours_in_department_range(size: str, scenarios: dict[str, Scenario]) -> None:
    granted = _granted_per_case(scenarios[size])
    assert min(granted) >= 25 and max(granted) <= 168


def test_horizons(scenarios: dict[str, Scenario]) -> None:
    assert scenarios["tiny"].horizon.days == 7
    for size in ("S", "M", "L", "XL"):
        assert scenarios[size].horizon.days == 28
        assert scenarios[size].horizon.slot_minutes == 15
        assert scenarios[size].horizon.start == date(2027, 3, 1)
    assert generate("M", start=date(2027, 9, 6), days=14).horizon.days == 14


def test_pseudonymous_ids(scenarios: dict[str, Scenario]) -> None:
    scenario = scenarios["L"]
    assert [u.id for u in scenario.units] == [f"U{i}" for i in range(1, 13)]
    assert all(c.id.startswith("C") and len(c.id) == 4 for c in scenario.clients)
    assert all(s.id.startswith("A") and len(s.id) == 4 for s in scenario.staff)
    assert all(d.id.startswith("D") for c in scenario.clients for d in c.decisions)


def test_department_shape(scenarios: dict[str, Scenario]) -> None:
    """L has what docs/domain.md describes: both decision kinds, 24/7 jour, double assistance,
    hourly and PAN staff, absences, pool staff, settlement periods at different stages, one
    approved exception, and capacity roughly in balance with need."""
    scenario = scenarios["L"]
    decisions = [d for c in scenario.clients for d in c.decisions]
    kinds = {d.kind for d in decisions}
    assert {DecisionKind.SFB_ASSISTANCE, DecisionKind.LSS_ASSISTANCE} <= kinds
    assert len({d.settlement_period.start for d in decisions}) >= 5
    assert sum(d.exception is not None for d in decisions) == 1
    assert all(d.exception.reference for d in decisions if d.exception is not None)
    windows = [w for c in scenario.clients for w in c.need.weekly]
    assert any(w.on_call for w in windows) and any(w.staff == 2 for w in windows)
    forms = [s.employment for s in scenario.staff]
    hourly = forms.count(EmploymentForm.HOURLY) / len(forms)
    assert 0.05 <= hourly <= 0.15
    assert 1 <= forms.count(EmploymentForm.PAN) <= 20
    assert sum(bool(s.absences) for s in scenario.staff) >= 20
    approvals: dict[str, int] = {}
    for c in _assistance(scenario):
        assert 4 <= len(c.approved_staff) <= 12
        for sid in c.approved_staff:
            approvals[sid] = approvals.get(sid, 0) + 1
    assert sum(n == 2 for n in approvals.values()) >= 10
    team = [s for s in scenario.staff if s.overstaffing_team]
    assert 5 <= len(team) <= 7
    assert all(s.preferred_units and s.preferred_units[0] == s.home_unit for s in team)
    assert len(scenario.vacancies) > len(team)
    clients = scenario.client_by_id()
    assert all(clients[v.client].unit == v.unit for v in scenario.vacancies if v.client)
    figures = summary(scenario)
    balance = figures["contract_hours_per_week"] / figures["need_work_hours_per_week"]
    assert 0.85 <= balance <= 1.25


def test_some_decisions_grant_less_than_the_need(scenarios: dict[str, Scenario]) -> None:
    scenario = scenarios["L"]
    needs = [week_hours(c.need.weekly)[0] for c in _assistance(scenario)]
    granted = _granted_per_case(scenario)
    short = sum(g < n - 1 for g, n in zip(granted, needs, strict=True))
    assert 5 <= short <= len(needs) // 2


def test_week_hours_counts_overlaps_once() -> None:
    scenario = generate("S", seed=0)
    need, work, jour = week_hours(scenario.clients[0].need.weekly)
    double_days = next(w for w in scenario.clients[0].need.weekly if w.staff == 2).days
    assert jour == 63
    assert need == 168 + 3 * len(double_days)
    assert work == need - jour / 2


# --- scattered hours (issue 18) ------------------------------------------------------------------


@pytest.fixture(scope="module")
def scattered() -> Scenario:
    return generate_scattered(0)


def _visits_by_day(client) -> dict[str, list[tuple[int, int, int]]]:
    """(start minute, length, staff) of each visit per weekday: windows on that day."""
    out: dict[str, list[tuple[int, int, int]]] = {d: [] for d in WEEKDAYS}
    for w in client.need.weekly:
        for d in w.days:
            out[d].append((w.start_minute, w.length_minutes, w.staff))
    return out


def test_scattered_same_seed_same_scenario_and_seeds_differ() -> None:
    assert scenario_yaml(generate_scattered(3)) == scenario_yaml(generate_scattered(3))
    assert scenario_yaml(generate_scattered(1)) != scenario_yaml(generate_scattered(2))
    # The size is part of the stream: a smaller instance is not a prefix of a larger one.
    small = generate_scattered(0, clients=8, units=1, days=7)
    assert len(small.clients) == 8 and small.horizon.days == 7 and len(small.units) == 1


def test_scattered_shape(scattered: Scenario) -> None:
    """~40 scattered clients in two units, each with 2–4 visits of 30–75 minutes on every day
    (not the same every day for all), homes within a few km of each other in a unit, municipal
    LSS decisions granting a bit more than the visits."""
    assert [u.id for u in scattered.units] == ["U1", "U2"]
    assert len(scattered.clients) == 40 and scattered.horizon.days == 14
    assert scattered.rounds.enabled
    assert {c.unit for c in scattered.clients} == {"U1", "U2"}
    varying = 0
    for c in scattered.clients:
        assert c.scattered and c.home is not None
        by_day = _visits_by_day(c)
        for visits in by_day.values():
            assert 2 <= len(visits) <= 4
            assert all(30 <= length <= 75 for _, length, _ in visits)
            ends = sorted((s, s + n) for s, n, _ in visits)
            assert all(a[1] < b[0] for a, b in pairwise(ends))  # apart
        varying += len({tuple(v) for v in by_day.values()}) > 1
        need = week_hours(c.need.weekly)[0]
        for d in c.decisions:
            assert d.kind is DecisionKind.LSS_ASSISTANCE
            assert need * 1.04 <= d.granted_hours_per_week <= need * 1.4
    assert varying >= 10
    assert any(c.decisions[0].charges_travel for c in scattered.clients)
    for unit in ("U1", "U2"):
        mine = [c for c in scattered.clients if c.unit == unit]
        doubles = [c for c in mine if any(w.staff == 2 for w in c.need.weekly)]
        assert len(doubles) == 1 and "lift" in doubles[0].required_competences
        homes = {c.id: c.home for c in mine if c.home is not None}
        minutes = [scattered.rounds.travel.minutes(a.id, b.id, homes)
                   for a in mine for b in mine if a.id < b.id]
        assert all(m is not None and 5 <= m <= 25 for m in minutes)
    assert len(scattered.rounds.travel.times) == 2


def test_scattered_staff_per_unit(scattered: Scenario) -> None:
    """A staff group per unit: approved for clients of their own unit only, every client at
    least five eligible assistants, a few hourly staff, contracts above the visit hours."""
    staff = scattered.staff_by_id()
    for unit in ("U1", "U2"):
        mine = [c for c in scattered.clients if c.unit == unit]
        group = [s for s in scattered.staff if s.home_unit == unit]
        assert any(s.employment is EmploymentForm.HOURLY for s in group)
        visits = sum(week_hours(c.need.weekly)[0] for c in mine)
        contracts = sum(s.contract_hours_per_week for s in group)
        assert 1.3 * visits <= contracts <= 1.8 * visits
        for c in mine:
            eligible = [staff[a] for a in c.approved_staff
                        if set(c.required_competences) <= set(staff[a].competences)]
            assert len(eligible) >= 5
            assert all(staff[a].home_unit == unit for a in c.approved_staff)
        # Most of the unit's clients per assistant, on average.
        share = sum(len(c.approved_staff) for c in mine) / (len(mine) * len(group))
        assert share >= 0.6


def test_scattered_ids_are_pseudonymous(scattered: Scenario) -> None:
    assert all(re.fullmatch(r"C\d{3}", c.id) for c in scattered.clients)
    assert all(re.fullmatch(r"A\d{3}", s.id) for s in scattered.staff)
    assert all(re.fullmatch(r"D\d{3}", d.id) for c in scattered.clients for d in c.decisions)
    assert all(re.fullmatch(r"U\d", u.id) for u in scattered.units)


def test_scattered_round_trips_and_rounds_can_be_switched_off(tmp_path, scattered: Scenario
                                                              ) -> None:
    assert Scenario.model_validate(scattered.model_dump()) == scattered
    path = write_scenario(scattered, tmp_path / "scattered.yaml")
    assert load_scenario(path) == scattered
    off = with_rounds(scattered, False)
    assert not off.rounds.enabled and off.name == "scattered-seed0-one-client"
    assert off.model_dump(exclude={"rounds", "name"}) == scattered.model_dump(
        exclude={"rounds", "name"})
    assert with_rounds(off, True) == scattered
    assert not generate_scattered(0, rounds=False).rounds.enabled


def test_scattered_staffing_changes_the_staff_only(scattered: Scenario) -> None:
    more = generate_scattered(0, staffing=3.0)
    assert sum(s.contract_hours_per_week for s in more.staff) > 1.7 * sum(
        s.contract_hours_per_week for s in scattered.staff)
    assert len(more.staff) > len(scattered.staff)
    skip = {"approved_staff"}
    assert [c.model_dump(exclude=skip) for c in more.clients] == [
        c.model_dump(exclude=skip) for c in scattered.clients]
    assert more.rounds == scattered.rounds


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"units": 0}, "units"), ({"units": 5}, "units"), ({"clients": 3, "units": 2}, "clients"),
    ({"staffing": 0.1}, "staffing")])
def test_scattered_bad_sizes(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        generate_scattered(0, **kwargs)
