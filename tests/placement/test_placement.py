"""Placing the overstaffing team: the CP-SAT optimum equals brute force, fits and reasons are
right, bad input is refused with the field and the id."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

from builders import member, placement_data, random_team_instance, staff, vacancy
from scheduler.cli import app
from scheduler.domain.loader import InputError, parse_model
from scheduler.domain.placement import Vacancy
from scheduler.domain.scenario import Scenario
from scheduler.domain.staff import Staff
from scheduler.planning.variants import load_scenario
from scheduler.solver.placement import NEEDS_INTRODUCTION, PLACED, PlacementResult, place

EXAMPLE = Path(__file__).resolve().parents[2] / "scenarios" / "overstaffing_team.yaml"
runner = CliRunner()


# --- an independent fit and a brute force ------------------------------------------------------


def expected_fit(s: Scenario, m: Staff, v: Vacancy) -> int | None:
    """The fit by the documented default weights, written out again; None if not allowed."""
    client = s.client_by_id()[v.client] if v.client else None
    required = set(v.required_competences) | set(client.required_competences if client else [])
    gap = abs(v.hours_per_week - m.contract_hours_per_week)
    noon = datetime(v.start.year, v.start.month, v.start.day, 12)
    if (not required <= set(m.competences) or gap > s.placement.max_hours_gap
            or any(a.start <= noon < a.end for a in m.absences)):
        return None
    points = 100 - round(3 * gap) + 5 * len(set(v.desired_competences) & set(m.competences))
    if v.unit in m.preferred_units:
        n = len(m.preferred_units)
        points += round(20 * (n - m.preferred_units.index(v.unit)) / n)
    points += 10 if v.area is not None and v.area == m.home_area else 0
    points += 25 if client is not None and m.id in client.approved_staff else 0
    points += 10 if v.unit == m.home_unit or v.unit in m.also_units else 0
    return points


def brute_force(s: Scenario) -> int:
    """The best total fit over every assignment (each member ≤ 1 vacancy and vice versa)."""
    members = [m for m in s.staff if m.overstaffing_team]
    fits = {(m.id, v.id): f for m in members for v in s.vacancies
            if (f := expected_fit(s, m, v)) is not None}
    best = 0

    def go(i: int, used: frozenset[str], total: int) -> None:
        nonlocal best
        if i == len(members):
            best = max(best, total)
            return
        go(i + 1, used, total)  # this member stays in the team
        for v in s.vacancies:
            key = (members[i].id, v.id)
            if v.id not in used and key in fits:
                go(i + 1, used | {v.id}, total + fits[key])

    go(0, frozenset(), 0)
    return best


@pytest.mark.parametrize("seed", range(60))
def test_placement_equals_brute_force(seed: int) -> None:
    s = random_team_instance(seed)
    result = place(s)
    assert result.solve.status == "optimal"
    assert result.solve.objective == brute_force(s)

    staff, vacancies = s.staff_by_id(), {v.id: v for v in s.vacancies}
    assert len({p.member for p in result.placements}) == len(result.placements)
    assert len({p.vacancy for p in result.placements}) == len(result.placements)
    for p in result.placements:
        m, v = staff[p.member], vacancies[p.vacancy]
        assert p.fit == expected_fit(s, m, v) == sum(p.fit_parts.values())
        approved = v.client is None or m.id in s.client_by_id()[v.client].approved_staff
        assert p.status == (PLACED if approved else NEEDS_INTRODUCTION)
    assert sum(p.fit for p in result.placements) == result.solve.objective
    # Everyone is accounted for, with a reason when left out.
    team = {m.id for m in s.staff if m.overstaffing_team}
    assert {p.member for p in result.placements} | {n.member for n in result.not_placed} == team
    assert all(n.reason for n in result.not_placed)
    assert {p.vacancy for p in result.placements} | {u.vacancy for u in result.unfilled} == set(
        vacancies)
    assert all(u.reason for u in result.unfilled)


def test_random_instances_are_not_trivial() -> None:
    """The brute-force comparison means something only if the instances have real choices."""
    results = [place(random_team_instance(seed)) for seed in range(60)]
    assert sum(len(r.placements) >= 2 for r in results) >= 10
    assert any("taken" in n.reason for r in results for n in r.not_placed)
    assert any("competences" in n.reason for r in results for n in r.not_placed)
    assert any(p.status == NEEDS_INTRODUCTION for r in results for p in r.placements)


# --- the example scenario ----------------------------------------------------------------------


def test_example_placement() -> None:
    s = load_scenario(EXAMPLE)
    result = place(s)
    assert result.solve.status == "optimal"
    assert {p.member: p.vacancy for p in result.placements} == {
        "T01": "V1", "T02": "V2", "T03": "V3", "T04": "V4"}
    by_member = {p.member: p for p in result.placements}
    # T01 → V1 (38 h in C101's group): base 100, hours |38 − 38| × 3 = 0, first (only) wish U1
    # +20, area Norr +10, works in U1 already (also_units) +10; C101 has not approved T01, so no
    # +25 and the placement needs an introduction.
    t01 = by_member["T01"]
    assert t01.fit_parts == {"placed": 100, "hours_gap": 0, "desired_competences": 0,
                             "preference": 20, "home_area": 10, "approved_by_client": 0,
                             "same_unit": 10}
    assert t01.fit == 140 and t01.status == NEEDS_INTRODUCTION
    # T02 → V2: 100 + medication_delegation 5 + first wish of two 20 + Söder 10 + U2 10 = 145;
    # T03 → V3: 100 + autism 5 + 20 + Öster 10 = 135; T04 → V4: 100 + 20 + Söder 10 = 130.
    assert [by_member[m].fit for m in ("T02", "T03", "T04")] == [145, 135, 130]
    assert result.solve.objective == 550 == brute_force(s)
    reasons = {n.member: n.reason for n in result.not_placed}
    # T05 (16 h, epilepsy): V1 and V4 need lift; V2 and V3 have 30 h, 14 h over the 10 allowed.
    assert reasons["T05"].startswith("hours do not match")
    assert "V2: their contract has too few hours" in reasons["T05"]
    # T06 (40 h, lift): V1 fit 100 − 6 + 20 + 10 = 124 < T01's 140; V3 100 − 30 = 70 < 135.
    assert reasons["T06"] == ("all matching vacancies are taken by members who fit better "
                              "overall: V1 → T01 (fit 140 vs 124); V3 → T03 (fit 135 vs 70)")
    assert result.unfilled == []


# --- reasons -----------------------------------------------------------------------------------


def run(data: dict[str, Any]) -> PlacementResult:
    return place(Scenario.model_validate(data))


def test_reason_competence_includes_the_clients() -> None:
    data = placement_data(staff=[member("T1", 30, ["autism"])],
                          vacancies=[vacancy("V1", "U1", 30, client="C1"),
                                     vacancy("V2", "U2", 30,
                                             required_competences=["epilepsy"])])
    data["clients"][0]["required_competences"] = ["tube"]
    (reason,) = [n.reason for n in run(data).not_placed]
    assert reason == "no vacancy matches their competences (V1 needs tube; V2 needs epilepsy)"


@pytest.mark.parametrize(("contract", "hours", "fragment"), [
    (16, 30, "their contract has too few hours (30 h/week vacancy, 16 h/week contract"),
    (40, 20, "the vacancy has too few hours (20 h/week vacancy, 40 h/week contract"),
])
def test_reason_hours(contract: float, hours: float, fragment: str) -> None:
    result = run(placement_data(staff=[member("T1", contract, [])],
                                vacancies=[vacancy("V1", "U2", hours)]))
    (reason,) = [n.reason for n in result.not_placed]
    assert reason.startswith("hours do not match") and fragment in reason
    (unfilled,) = result.unfilled
    assert unfilled.reason.startswith("the competent members do not match: T1: ")


def test_reason_absent_on_start() -> None:
    absent = [{"start": "2027-02-25T00:00", "end": "2027-03-05T00:00", "reason": "sick"}]
    result = run(placement_data(staff=[member("T1", 30, [], absences=absent)],
                                vacancies=[vacancy("V1", "U2", 30)]))
    assert "absent on the start date 2027-03-01" in result.not_placed[0].reason


def test_reason_taken_and_unfilled() -> None:
    # T1 wishes U2 (+20): fit 120; T2 no wish: 100. One vacancy: T1 gets it.
    result = run(placement_data(
        staff=[member("T1", 30, [], preferred_units=["U2"]), member("T2", 30, [])],
        vacancies=[vacancy("V1", "U2", 30), vacancy("V2", "U3", 30, required_competences=["lift"])],
    ))
    assert [(p.member, p.vacancy, p.fit) for p in result.placements] == [("T1", "V1", 120)]
    assert result.not_placed[0].reason == (
        "all matching vacancies are taken by members who fit better overall: V1 → T1 "
        "(fit 120 vs 100)")
    assert [(u.vacancy, u.reason) for u in result.unfilled] == [("V2", "no team member has lift")]


def test_unfilled_because_the_fitting_member_is_better_elsewhere() -> None:
    # T1 fits V1 (100 + wish 20) and V2 (100): only one; V2 stays open.
    result = run(placement_data(staff=[member("T1", 30, [], preferred_units=["U2"])],
                                vacancies=[vacancy("V1", "U2", 30), vacancy("V2", "U3", 30)]))
    assert [u.reason for u in result.unfilled] == [
        "every member who fits is placed where the total fit is higher (T1 → V1)"]


def test_nothing_to_place() -> None:
    assert run(placement_data(staff=[member("T1", 30, [])])).not_placed[0].reason == (
        "no vacancies in the scenario")
    result = run(placement_data(vacancies=[vacancy("V1", "U2", 30)]))
    assert result.unfilled[0].reason == "no overstaffing-team members in the scenario"
    assert result.solve.status == "optimal" and result.solve.objective == 0


def test_approval_decides_the_status() -> None:
    data = placement_data(staff=[member("T1", 30, [])],
                          vacancies=[vacancy("V1", "U1", 30, client="C1")])
    (p,) = run(data).placements
    assert p.status == NEEDS_INTRODUCTION and p.fit_parts["approved_by_client"] == 0
    data["clients"][0]["approved_staff"] = ["T1"]
    (p,) = run(data).placements
    assert p.status == PLACED and p.fit_parts["approved_by_client"] == 25


def test_regular_staff_are_not_placed() -> None:
    data = placement_data(staff=[staff("A1", 30, unit="U2")],
                vacancies=[vacancy("V1", "U2", 30)])
    assert run(data).placements == []


# --- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("change", "fragments"), [
    (lambda d: d["vacancies"].append(vacancy("V9", "U9", 20)),
     ["vacancies[V9].unit: unknown unit 'U9'"]),
    (lambda d: d["vacancies"].append(vacancy("V1", "U2", -5)),
     ["vacancies[V1].hours_per_week", "greater than 0", "-5"]),
    (lambda d: d["vacancies"].append(vacancy("V1", "U1", 20, client="C9")),
     ["vacancies[V1].client: unknown client 'C9'"]),
    (lambda d: d["vacancies"].append(vacancy("V1", "U2", 20, client="C1")),
     ["vacancies[V1].client: client 'C1' belongs to unit 'U1', not 'U2'"]),
    (lambda d: d["vacancies"].extend([vacancy("V1", "U2", 20), vacancy("V1", "U3", 20)]),
     ["vacancies: id 'V1' is used twice"]),
    (lambda d: d["staff"].append(member("T1", 30, [], preferred_units=["U7"])),
     ["staff[T1].preferred_units: unknown unit 'U7'"]),
    (lambda d: d["vacancies"].append(vacancy("V1", "U2", 20, required_competences="lift")),
     ["vacancies[V1].required_competences"]),
    (lambda d: d.update(placement={"max_hours_gap": 40}),
     ["must exceed weights.hours_gap × max_hours_gap (3 × 40)"]),
])
def test_bad_input(change, fragments: list[str]) -> None:
    data = placement_data()
    change(data)
    with pytest.raises(InputError) as info:
        parse_model(Scenario, data, "bad.yaml")
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, (fragment, message)


def test_cli_bad_input_exit_2(tmp_path: Path) -> None:
    data = placement_data(vacancies=[vacancy("V9", "U9", 20)])
    path = tmp_path / "bad.yaml"
    path.write_text(json.dumps(data, default=str), encoding="utf-8")
    result = runner.invoke(app, ["place", str(path)])
    assert result.exit_code == 2, result.output
    assert "vacancies[V9].unit: unknown unit 'U9'" in result.stderr
    assert "Traceback" not in result.output
    result = runner.invoke(app, ["place", str(EXAMPLE), "--out", str(tmp_path / "p.csv")])
    assert result.exit_code == 2 and "give the JSON file name" in result.stderr


# --- the command -------------------------------------------------------------------------------


def test_cli_place_writes_json_and_csv(tmp_path: Path) -> None:
    out = tmp_path / "placement.json"
    result = runner.invoke(app, ["place", str(EXAMPLE), "--out", str(out), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "needs introduction" in result.stdout and "T06" in result.stdout
    parsed = PlacementResult.model_validate_json(out.read_text(encoding="utf-8"))
    assert parsed.solve.objective == 550
    members = pd.read_csv(tmp_path / "placement.csv")
    assert list(members["member"]) == ["T01", "T02", "T03", "T04", "T05", "T06"]
    assert list(members["status"]) == [NEEDS_INTRODUCTION, PLACED, PLACED, PLACED,
                                       "not placed", "not placed"]
    vacancies = pd.read_csv(tmp_path / "placement.vacancies.csv")
    assert list(vacancies["member"]) == ["T01", "T02", "T03", "T04"]
