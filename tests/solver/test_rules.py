"""Every registered rule, on tiny cases built from the registry: the engine solves each case to
a schedule the validator passes, and the rule is seen to matter. A hard rule *binds*: the optimum
changes when the rule's setting is relaxed (measured on the schedule, by hand), and a schedule
made by hand to break it is reported by the validator under the rule's id. A soft rule's penalty
terms in the optimum equal values computed by hand. A rule registered without cases fails
``test_every_registered_rule_has_cases``.

The cases are one or two days (a week where the rule is weekly) on 60-minute slots with one to
three staff, in the plain winter week from Monday 4 January 2027.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

import pytest

from builders import (
    MONDAY,
    booking,
    client,
    decision,
    local,
    scenario,
    schedule,
    shift,
    staff,
    stay_client,
    unit,
    window,
)
from scheduler import validator
from scheduler.domain.scenario import Scenario
from scheduler.domain.schedule import Schedule, Shift, Visit
from scheduler.solver.engine import solve
from scheduler.solver.rules import REGISTRY

# 60-minute slots: a unit's breaks must be whole slots too.
HOUR_BREAKS = {"length_minutes": 60}
# The 48-hour average and 48 h of overtime per 4 weeks hold over calendar periods from
# period_start, not pro rata to the case's day; lifted all the same, unless the case is about
# them, so they cannot decide the other cases.
DAY_CAPS_LIFTED = {"max_average_hours_per_week": 80, "max_overtime_hours_per_4_weeks": 200}
# Every case may relax a rule below the legal default; in a scenario that needs a citation.
CITED = {"agreement_reference": "test case: a rule relaxed to show that it binds"}


def case_scenario(clients: list[dict[str, Any]], people: list[dict[str, Any]], *,
                  start: date = MONDAY, days: int = 1,
                  units: list[dict[str, Any]] | None = None,
                  rules: dict[str, Any] | None = None, **fields: Any) -> Scenario:
    """A scenario on 60-minute slots (from Monday 4 January 2027) with the day's hour caps
    lifted unless ``rules`` say otherwise, solved by one CP-SAT worker."""
    return scenario(clients, people, start=start, days=days, slot_minutes=60,
                    units=units or [unit("U1", breaks=HOUR_BREAKS)],
                    rules={**DAY_CAPS_LIFTED, **CITED, **(rules or {})},
                    solver={"time_limit_seconds": 20, "workers": 1}, **fields)


def needing(*windows: dict[str, Any], cid: str = "C1", approved: tuple[str, ...] = ("A1",),
            **fields: Any) -> dict[str, Any]:
    """Client ``cid`` of U1 with these need windows, a decision that grants plenty, and no
    competence required."""
    return client(cid, windows=windows, approved=approved, competences=(), **fields)


def uncovered(result: Schedule) -> float:
    return next(p.raw for p in result.penalties if p.rule == "uncovered_need")


def hours(result: Schedule, **match: str) -> float:
    return sum(s.hours for s in result.shifts
               if all(getattr(s, key) == value for key, value in match.items()))


@dataclass(frozen=True)
class HardCase:
    """``build(relaxed)``: the case with the rule's setting as given (False) or relaxed (True);
    ``measure`` of the optimum is ``binds[0]`` with the rule and ``binds[1]`` relaxed;
    ``broken(scenario)``: shifts that break the rule in the unrelaxed case."""

    what: str
    build: Callable[[bool], Scenario]
    measure: Callable[[Schedule], float]
    binds: tuple[float, float]
    broken: Callable[[Scenario], list[Shift]]


@dataclass(frozen=True)
class SoftCase:
    """``build()``: the case; ``expected``: each penalty term's raw value in its optimum."""

    what: str
    build: Callable[[], Scenario]
    expected: dict[str, float]


# -- hard rules ----------------------------------------------------------------------------------


def approved_assistant(relaxed: bool) -> Scenario:
    return case_scenario([needing(window("08:00", "12:00"), approved=("A1",) if relaxed else ())],
                         [staff("A1")])


def unit_eligibility(relaxed: bool) -> Scenario:
    # A stay home K with one child booked 08–12 needs one staff; A1's home is U1.
    return case_scenario(
        [stay_client("K1", "K")],
        [staff("A1", also_units=["K"] if relaxed else [])],
        units=[unit("U1", breaks=HOUR_BREAKS), unit("K", "short_term_stay", breaks=HOUR_BREAKS)],
        bookings=[booking("K1", "K", "2027-01-04T08:00", "2027-01-04T12:00")],
    )


def double_staffing(relaxed: bool) -> Scenario:
    # C1 needs assistance 08–12 but spends it in the stay home K (staffed by B1): their own
    # assistance is not staffed then, unless the booking says it is needed.
    return case_scenario(
        [needing(window("08:00", "12:00"), decisions=[
            decision("D1"),
            decision("DK", "2027-01-01", "2027-06-30", 0, kind="short_term_stay"),
        ])],
        [staff("A1"), staff("B1", unit="K")],
        units=[unit("U1", breaks=HOUR_BREAKS), unit("K", "short_term_stay", breaks=HOUR_BREAKS)],
        bookings=[booking("C1", "K", "2027-01-04T08:00", "2027-01-04T12:00",
                          assistance_needed=relaxed)],
    )


def availability(relaxed: bool) -> Scenario:
    absent = [] if relaxed else [{"start": "2027-01-04T06:00", "end": "2027-01-04T14:00"}]
    return case_scenario([needing(window("08:00", "12:00"))], [staff("A1", absences=absent)])


def shift_length(relaxed: bool) -> Scenario:
    # Two hours of need: shorter than the 3-hour minimum shift unless it is lowered to 2 h.
    return case_scenario([needing(window("08:00", "10:00"))], [staff("A1")],
                         rules={"min_shift_hours": 2 if relaxed else 3})


def staffing_cap(relaxed: bool) -> Scenario:
    # A1 and A2 would both like hours (unused contract hours cost), but the need is for one at
    # a time: the cap is the need's count, relaxed to two at once.
    return case_scenario([needing(window("08:00", "12:00", 2 if relaxed else 1),
                                  approved=("A1", "A2"))],
                         [staff("A1"), staff("A2")])


def breaks(relaxed: bool) -> Scenario:
    # One child booked 08–16 in the stay home K, one staff: after 5 h a break is due, and it
    # would leave the home below its minimum staffing of one, so B1's shift ends at 12 (shifts
    # end on the 2-hour grid). Relaxed: breaks after 9 h.
    return case_scenario(
        [stay_client("K1", "K")],
        [staff("B1", unit="K")],
        units=[unit("K", "short_term_stay",
                    breaks={**HOUR_BREAKS, **CITED, "after_hours": 9 if relaxed else 5})],
        bookings=[booking("K1", "K", "2027-01-04T08:00", "2027-01-04T16:00")],
    )


def decision_budget(relaxed: bool) -> Scenario:
    # The decision's period is the day: 28 h/week grant 4 h of it, 56 h/week grant 8 h.
    granted = decision("D1", MONDAY, MONDAY, 56 if relaxed else 28)
    return case_scenario([needing(window("08:00", "16:00"), decisions=[granted])], [staff("A1")])


def no_overlap(relaxed: bool) -> Scenario:
    # Without daily and weekly rest, only "one place at a time" keeps A1 from serving C1 and C2
    # 08–12 at once; relaxed, C2's need moves to 12–16, right after.
    later = window("12:00", "16:00") if relaxed else window("08:00", "12:00")
    return case_scenario([needing(window("08:00", "12:00")), needing(later, cid="C2")],
                         [staff("A1")], rules={"daily_rest_hours": 0, "weekly_rest_hours": 0})


def daily_rest(relaxed: bool) -> Scenario:
    # Need 06–10 and 18–22: one assistant gets 8 h of rest in between, not 11.
    return case_scenario([needing(window("06:00", "10:00"), window("18:00", "22:00"))],
                         [staff("A1")], rules={"daily_rest_hours": 8 if relaxed else 11})


def weekly_rest(relaxed: bool) -> Scenario:
    # 08–12 every day of the week: 20 h between shifts. One day off gives 44 h in a row (the
    # weekly rest may include the daily rest by default).
    return case_scenario([needing(window("08:00", "12:00"))], [staff("A1", 0, employment="hourly")],
                         days=7, rules={"weekly_rest_hours": 0 if relaxed else 36})


# A1 worked 6 × 9 h = 54 h from Monday 28 December 2026, when the 4-week window holding the
# case's day began (counted from period_start 2024-01-01).
WORKED_54_HOURS = {"since": "2026-12-28T00:00", "staff": [{"staff": "A1", "shifts": [
    {"start": f"{day}T08:00", "end": f"{day}T17:00"}
    for day in ("2026-12-28", "2026-12-29", "2026-12-30", "2026-12-31", "2027-01-01",
                "2027-01-02")]}]}


def hour_caps(relaxed: bool) -> Scenario:
    # Full time 14 h/week is 56 h in the 4 weeks, of which the history worked 54 h: the 4-hour
    # shift (at least 3 h) is 2 h of overtime. None is allowed, or 48 h per 4 weeks.
    rules = {"full_time_hours_per_week": 14, "max_overtime_hours_per_4_weeks": 48 if relaxed else 0}
    return case_scenario([needing(window("08:00", "12:00"))], [staff("A1", 0, employment="hourly")],
                         rules=rules, history=WORKED_54_HOURS)


def pinned_shifts(relaxed: bool) -> Scenario:
    # A1 (40 h, unused contract hours cost) would take the 4 hours; the coordinator pinned them
    # on A2 (hourly). Relaxed: no pin.
    pins = [] if relaxed else [{"staff": "A2", "client": "C1", "start": "2027-01-04T08:00",
                                "end": "2027-01-04T12:00", "reason": "agreed by phone"}]
    return case_scenario([needing(window("08:00", "12:00"), approved=("A1", "A2"))],
                         [staff("A1"), staff("A2", 0, employment="hourly")], pinned_shifts=pins)


def frozen_past(relaxed: bool) -> Scenario:
    # Need 08–14 that the previous plan left open; re-planned from 10:00 only 10–14 can still be
    # staffed. Relaxed: no re-plan, the whole need.
    replan = None if relaxed else {"start": "2027-01-04T10:00", "previous_shifts": []}
    return case_scenario([needing(window("08:00", "14:00"))], [staff("A1")], replan=replan)


def visiting(cid: str, start: str, end: str, x_km: float = 0.0) -> dict[str, Any]:
    """A scattered client with one daily visit, approved for A1, at ``x_km`` on the plane."""
    return needing(window(start, end), cid=cid, scattered=True, home={"x_km": x_km, "y_km": 0})


def visits(relaxed: bool) -> Scenario:
    # C1 08–09 and C2 09–10, one assistant, 3-hour shifts: only a round serves both, and
    # only if the homes are no travel apart (relaxed: measured 0 minutes; else 10 km, 26 min).
    times = [{"between": ["C1", "C2"], "minutes": 0}] if relaxed else []
    return case_scenario([visiting("C1", "08:00", "09:00"),
                          visiting("C2", "09:00", "10:00", x_km=10)], [staff("A1")],
                         rounds={"travel": {"times": times}})


def _round_broken(sc: Scenario) -> list[Shift]:
    # The round nevertheless: C2's visit starts when the 26-minute drive has only begun.
    return [shift("A1", None, "2027-01-04T08:00", "2027-01-04T11:00").model_copy(update={
        "visits": [Visit(client="C1", start=local("2027-01-04T08:00"),
                         end=local("2027-01-04T09:00")),
                   Visit(client="C2", start=local("2027-01-04T09:00"),
                         end=local("2027-01-04T10:00"), travel_minutes=26)],
        "travel_hours": 26 / 60, "waiting_hours": 34 / 60})]


def _approved_broken(sc: Scenario) -> list[Shift]:
    return [shift("A1", "C1", "2027-01-04T08:00", "2027-01-04T12:00")]


HARD_CASES: dict[str, HardCase] = {
    "approved_assistant": HardCase(
        "an assistant the client did not approve: 4 h uncovered; approved, none",
        approved_assistant, uncovered, (4, 0), _approved_broken),
    "unit_eligibility": HardCase(
        "a stay home with staff of another unit only: 4 h uncovered; with K in also_units, none",
        unit_eligibility, uncovered, (4, 0),
        lambda sc: [shift("A1", None, "2027-01-04T08:00", "2027-01-04T12:00", unit="K")]),
    "double_staffing": HardCase(
        "the client's assistance during their stay: 0 h; marked as needed, 4 h",
        double_staffing, lambda r: hours(r, client="C1"), (0, 4),
        lambda sc: [shift("B1", None, "2027-01-04T08:00", "2027-01-04T12:00", unit="K"),
                    *_approved_broken(sc)]),
    "availability": HardCase(
        "the only assistant absent 06–14: 4 h uncovered; present, none",
        availability, uncovered, (4, 0), _approved_broken),
    "shift_length": HardCase(
        "2 h of need, 3-hour minimum shift: 2 h uncovered; a 2-hour minimum, none",
        shift_length, uncovered, (2, 0),
        lambda sc: [shift("A1", "C1", "2027-01-04T08:00", "2027-01-04T10:00")]),
    "staffing_cap": HardCase(
        "two assistants, need for one 08–12: 4 h worked; need for two, 8 h",
        staffing_cap, lambda r: hours(r), (4, 8),
        lambda sc: [_approved_broken(sc)[0],
                    shift("A2", "C1", "2027-01-04T08:00", "2027-01-04T12:00")]),
    "breaks": HardCase(
        "one staff for 08–16 in a stay home, a break due after 5 h: 4 h uncovered; after 9 h, none",
        breaks, uncovered, (4, 0),
        lambda sc: [shift("B1", None, "2027-01-04T08:00", "2027-01-04T16:00", unit="K")]),
    "decision_budget": HardCase(
        "8 h of need, 4 h granted: 4 h uncovered; 8 h granted, none",
        decision_budget, uncovered, (4, 0),
        lambda sc: [shift("A1", "C1", "2027-01-04T08:00", "2027-01-04T13:00")]),
    "no_overlap": HardCase(
        "two clients 08–12, one assistant: 4 h uncovered; the second 12–16, none",
        no_overlap, uncovered, (4, 0),
        lambda sc: [_approved_broken(sc)[0],
                    shift("A1", "C2", "2027-01-04T08:00", "2027-01-04T12:00")]),
    "daily_rest": HardCase(
        "need 06–10 and 18–22, one assistant: 4 h uncovered; 8 h of rest required, none",
        daily_rest, uncovered, (4, 0),
        lambda sc: [shift("A1", "C1", "2027-01-04T06:00", "2027-01-04T10:00"),
                    shift("A1", "C1", "2027-01-04T18:00", "2027-01-04T22:00")]),
    "weekly_rest": HardCase(
        "08–12 every day, one assistant: a day off, 4 h uncovered; no weekly rest, none",
        weekly_rest, uncovered, (4, 0),
        lambda sc: [shift("A1", "C1", f"2027-01-{d:02d}T08:00", f"2027-01-{d:02d}T12:00")
                    for d in range(4, 11)]),
    "hour_caps": HardCase(
        "after 54 h in the 4-week window, a 4-hour need is overtime: none allowed, 4 h "
        "uncovered; 48 h allowed, none",
        hour_caps, uncovered, (4, 0), _approved_broken),
    "pinned_shifts": HardCase(
        "08–12 pinned on the hourly A2: A2 works 4 h; without the pin A1 (40 h) does, A2 none",
        pinned_shifts, lambda r: hours(r, staff="A2"), (4, 0), _approved_broken),
    "frozen_past": HardCase(
        "need 08–14, re-planned from 10:00: 08–10 stays uncovered; no re-plan, none",
        frozen_past, uncovered, (2, 0), _approved_broken),
    "visits": HardCase(
        "visits 08–09 and 09–10 of two clients 26 minutes apart, one assistant: 1 h uncovered; "
        "no travel between them, a round serves both",
        visits, uncovered, (1, 0), _round_broken),
}


# -- soft rules ----------------------------------------------------------------------------------


def uncovered_need() -> Scenario:
    # Two at once 08–12, one assistant.
    return case_scenario([needing(window("08:00", "12:00", 2))], [staff("A1")])


def contract_hours() -> Scenario:
    # Full time 28 h/week is 4 h on the day; A1's 14-hour contract is 2 h of it. A1 works the
    # 6 h of need: 2 h of contract, 2 h additional up to full time, 2 h overtime (allowed: 56 h
    # per 4 weeks is 2 h a day). A2 (28 h, 4 h on the day) is not approved: 4 h unused.
    rules = {"full_time_hours_per_week": 28, "max_overtime_hours_per_4_weeks": 56}
    return case_scenario([needing(window("08:00", "14:00"))], [staff("A1", 14), staff("A2", 28)],
                         rules=rules)


def fair_nights() -> Scenario:
    # One night shift (Monday 22–06, shifts only on an 8-hour grid, so it cannot be split) for
    # A1 (20 h, 2 FTE-weighted night shifts if theirs) or A2 (40 h, 1): A2 takes it, and the
    # spread is 1 (A2) − 0 (A1) = 1 night shift per FTE.
    return case_scenario([needing(window("22:00", "06:00", days=["mon"]), approved=("A1", "A2"))],
                         [staff("A1", 20), staff("A2", 40)], days=2,
                         shifts={"start_step_minutes": 480})


def fair_weekends() -> Scenario:
    # Saturday 9 January 08–16: whoever works, at least one weekend shift per FTE for someone and
    # none for the other; best is A2 (40 h, 1 per shift) rather than A1 (20 h, 2 per shift).
    return case_scenario([needing(window("08:00", "16:00"), approved=("A1", "A2"))],
                         [staff("A1", 20), staff("A2", 40)], start=date(2027, 1, 9))


def continuity() -> Scenario:
    # Need 08–12 and 16–20: 4 h apart, less than the daily rest, so two of the three assistants.
    return case_scenario([needing(window("08:00", "12:00"), window("16:00", "20:00"),
                                  approved=("A1", "A2", "A3"))],
                         [staff("A1"), staff("A2"), staff("A3")])


def changes() -> Scenario:
    # The previous plan had A1 08–12; A1 called in sick, A2 takes it instead: A1's 4 hours are
    # not kept and A2's 4 hours are new, 8 changed shift-hours (cheaper than 4 h uncovered).
    replan = {"start": "2027-01-04T06:00", "previous_shifts": [
        {"staff": "A1", "client": "C1", "start": "2027-01-04T08:00", "end": "2027-01-04T12:00"}]}
    sick = [{"start": "2027-01-04T06:00", "end": "2027-01-05T00:00", "reason": "sick"}]
    return case_scenario([needing(window("08:00", "12:00"), approved=("A1", "A2"))],
                         [staff("A1", absences=sick), staff("A2")], replan=replan)


def waiting() -> Scenario:
    # A one-hour visit and a 3-hour minimum shift: 2 h paid waiting (cheaper than 1 h open).
    return case_scenario([visiting("C1", "08:00", "09:00")], [staff("A1")])


def travel() -> Scenario:
    # Visits 08–09 and 10–11, 30 minutes apart: the round 08–11 travels 30 minutes.
    return case_scenario([visiting("C1", "08:00", "09:00"), visiting("C2", "10:00", "11:00")],
                         [staff("A1")],
                         rounds={"travel": {"times": [{"between": ["C1", "C2"], "minutes": 30}]}})


SOFT_CASES: dict[str, SoftCase] = {
    "uncovered_need": SoftCase("two at once 08–12, one assistant", uncovered_need,
                               {"uncovered_need": 4}),
    "contract_hours": SoftCase("6 h for a 14-hour contract, a 28-hour one idle", contract_hours,
                               {"overtime": 2, "additional_hours": 2, "unused_contract": 4}),
    "fair_nights": SoftCase("one night, a half-time and a full-time assistant", fair_nights,
                            {"fair_nights": 1}),
    "fair_weekends": SoftCase("one Saturday, a half-time and a full-time assistant",
                              fair_weekends, {"fair_weekends": 1}),
    "continuity": SoftCase("need 08–12 and 16–20, three assistants", continuity,
                           {"continuity": 2}),
    "changes": SoftCase("A1's 08–12 given to A2 after a sick call", changes, {"changes": 8}),
    "waiting": SoftCase("a one-hour visit, 3-hour shifts", waiting, {"waiting": 2}),
    "travel": SoftCase("two visits 30 minutes apart in one round", travel, {"travel": 0.5}),
}

CASES: dict[str, HardCase | SoftCase] = {**HARD_CASES, **SOFT_CASES}
HARD = [r for r in REGISTRY if r.kind == "hard"]
SOFT = [r for r in REGISTRY if r.kind == "soft"]


@cache
def solved(rule_id: str, relaxed: bool = False) -> tuple[Scenario, Schedule]:
    """The case solved, once per test session; it must be optimal and pass the validator."""
    case = CASES[rule_id]
    sc = case.build(relaxed) if isinstance(case, HardCase) else case.build()
    result = solve(sc)
    assert result.solve.status == "optimal", result.solve
    report = validator.check_schedule(sc, result)
    assert report.ok, validator.format_report(report)
    assert not report.penalty_mismatches, report.penalty_mismatches
    assert report.uncovered_mismatch is None, report.uncovered_mismatch
    return sc, result


def test_every_registered_rule_has_cases() -> None:
    assert set(CASES) == {r.id for r in REGISTRY}
    assert set(HARD_CASES) == {r.id for r in HARD}
    for rule in SOFT:
        assert set(SOFT_CASES[rule.id].expected) == {spec.id for spec in rule.penalties}


@pytest.mark.parametrize("rule", REGISTRY, ids=lambda r: r.id)
def test_the_engine_solves_the_case_and_the_validator_passes_it(rule) -> None:
    solved(rule.id)  # optimal, and passed by the validator (checked there)


@pytest.mark.parametrize("rule", HARD, ids=lambda r: r.id)
def test_a_hard_rule_binds_the_optimum(rule) -> None:
    case = HARD_CASES[rule.id]
    assert case.binds[0] != case.binds[1], "a case where the rule changes nothing"
    measured = (case.measure(solved(rule.id)[1]), case.measure(solved(rule.id, True)[1]))
    assert measured == pytest.approx(case.binds), case.what


@pytest.mark.parametrize("rule", HARD, ids=lambda r: r.id)
def test_the_validator_reports_a_schedule_breaking_a_hard_rule(rule) -> None:
    sc = HARD_CASES[rule.id].build(False)
    report = validator.check_schedule(sc, schedule(sc, HARD_CASES[rule.id].broken(sc)))
    assert {v.rule for v in report.violations} == {rule.id}, validator.format_report(report)


@pytest.mark.parametrize("rule", SOFT, ids=lambda r: r.id)
def test_a_soft_rule_reports_its_hand_computed_penalty(rule) -> None:
    case = SOFT_CASES[rule.id]
    _, result = solved(rule.id)
    terms = {p.rule: p.raw for p in result.penalties}
    assert {t: terms[t] for t in case.expected} == pytest.approx(case.expected), case.what
