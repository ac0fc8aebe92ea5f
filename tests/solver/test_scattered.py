"""Scattered clients: rounds of several clients' visits with travel, and waiting single-client
shifts (``solver.rounds``), chosen by the objective; every schedule re-checked by the
independent validator."""

from __future__ import annotations

import pytest

import builders as kit
from checked import assert_valid, checked_engine, checked_greedy
from scheduler.domain.schedule import Schedule
from scheduler.solver.problem import compile_problem
from scheduler.solver.rounds import scattered_shifts

solve = checked_engine(default_time_limit=20)


def term(result: Schedule, rule: str) -> float:
    return next(p.raw for p in result.penalties if p.rule == rule)


def visit_hours(result: Schedule) -> float:
    return sum((v.end - v.start).total_seconds() / 3600 for s in result.shifts for v in s.visits)


def test_round_candidates_follow_the_travel_time() -> None:
    near = compile_problem(kit.build(kit.rounds_data()))
    rounds = [s for s in scattered_shifts(near, 0) if s.client_id is None]
    assert rounds, "clients 1 km apart, visits 15 minutes apart: rounds"
    minutes = near.slot_minutes
    for s in rounds:
        for a, b in zip(s.visits, s.visits[1:], strict=False):
            assert a.end * minutes + b.travel_minutes <= b.start * minutes
        assert s.minutes == s.visit_minutes + s.travel_minutes + s.waiting_minutes
    # 10 km apart (26 minutes' drive) the 15-minute gaps are never enough for the next client.
    far = compile_problem(kit.build(kit.rounds_data(spacing_km=10)))
    assert all(len({v.owner for v in s.visits}) == 1 or
               all(b.start - a.end >= 2 for a, b in zip(s.visits, s.visits[1:], strict=False))
               for s in scattered_shifts(far, 0))


def test_rounds_disabled_leave_only_single_client_shifts() -> None:
    problem = compile_problem(kit.build(kit.rounds_data(enabled=False)))
    shifts = scattered_shifts(problem, 0)
    assert shifts and all(s.client_id is not None for s in shifts)
    assert all(s.waiting_minutes > 0 for s in shifts)  # one-hour visits, 3-hour shifts


def test_a_round_beats_single_client_shifts() -> None:
    # Four clients' hourly visits 15 minutes apart along a road: with rounds, two shifts a day
    # serve them all; without, each visit is a 3-hour shift of its own (2 h waiting) and the
    # daily rest lets each of three assistants take one a day.
    with_rounds = solve(kit.build(kit.rounds_data()))
    single = solve(kit.build(kit.rounds_data(enabled=False)))
    assert term(with_rounds, "uncovered_need") == 0
    assert term(single, "uncovered_need") > 0
    assert any(s.client is None and len({v.client for v in s.visits}) >= 2
               for s in with_rounds.shifts)
    assert term(with_rounds, "waiting") <= term(single, "waiting") / 2
    assert visit_hours(with_rounds) == pytest.approx(16.0)  # 4 clients × 2 visits × 2 days
    assert with_rounds.solve.objective < single.solve.objective


def test_single_shifts_win_where_a_round_only_adds_travel() -> None:
    # Two three-hour visits, C1 07–10 and C2 10:15–13:15, 15 minutes apart, two hourly
    # assistants (every hour is additional): a round 07:00–13:15 is possible but pays the
    # travel; two ordinary shifts do not.
    staff = [kit.staff(i, 0, employment="hourly", competences=[]) for i in ("A1", "A2")]
    clients = [kit.scattered_client("C1", 0, 0, visits=[("07:00", "10:00")],
                                    approved=("A1", "A2")),
               kit.scattered_client("C2", 4, 0, visits=[("10:15", "13:15")],
                                    approved=("A1", "A2"))]
    sc = kit.build(kit.scenario_data(clients, staff, days=1,
                                     rounds={"travel": {"times": [
                                         {"between": ["C1", "C2"], "minutes": 15}]}}))
    problem = compile_problem(sc)
    assert any(s.client_id is None for s in scattered_shifts(problem, 0)), "a round is possible"
    result = solve(sc)
    assert term(result, "uncovered_need") == 0
    assert all(not s.visits for s in result.shifts)
    assert term(result, "travel") == 0
    assert sorted((s.client, s.hours) for s in result.shifts) == [("C1", 3.0), ("C2", 3.0)]


def charged_minutes(result: Schedule, *, with_travel: bool) -> dict[str, float]:
    """Per client: minutes of its visits, plus the travel before them if ``with_travel``."""
    out: dict[str, float] = {}
    for s in result.shifts:
        for v in s.visits:
            minutes = (v.end - v.start).total_seconds() / 60
            out[v.client] = out.get(v.client, 0) + minutes + (
                v.travel_minutes if with_travel else 0)
    return out


def exactly_granted_data(*, charges_travel: bool) -> dict[str, object]:
    # Each client's decision grants exactly its visits (2 h a day, 2 days: 4 h in a two-day
    # settlement period).
    data = kit.rounds_data()
    for c in data["clients"]:
        c["decisions"] = [kit.decision("D" + c["id"], "2027-01-04", "2027-01-05", per_week=14,
                                       kind="lss_assistance", charges_travel=charges_travel)]
    return data


def exactly_granted(*, charges_travel: bool) -> Schedule:
    return solve(kit.build(exactly_granted_data(charges_travel=charges_travel)))


def test_visits_are_charged_once_and_exactly_enough_granted_hours_cover_them() -> None:
    # Charged twice (or with the travel), some visit would have to stay open.
    result = exactly_granted(charges_travel=False)
    assert term(result, "uncovered_need") == 0
    assert charged_minutes(result, with_travel=False) == dict.fromkeys(
        ("C1", "C2", "C3", "C4"), 240)
    # ... and the rounds travel to some client's visits, which these decisions do not pay for.
    assert max(charged_minutes(result, with_travel=True).values()) > 240


def test_travel_charged_to_a_decision_that_says_so() -> None:
    # The same decisions paying for travel too: no client's visits and travel exceed 4 h,
    # so something gives (a visit open, or reached without travel).
    result = exactly_granted(charges_travel=True)
    assert max(charged_minutes(result, with_travel=True).values()) <= 240
    assert term(result, "uncovered_need") > 0 or term(result, "travel") < 1


def test_the_greedy_counts_the_travel_a_decision_pays_for() -> None:
    # Decisions granting exactly the visits and paying for travel: a greedy that charged only
    # the visits would overspend them with its rounds (the exact evaluation would refuse it).
    result = checked_greedy(kit.build(exactly_granted_data(charges_travel=True)))
    assert max(charged_minutes(result, with_travel=True).values()) <= 240
    assert any(v.travel_minutes for s in result.shifts for v in s.visits)


def test_the_greedy_baseline_plans_rounds_like_a_coordinator() -> None:
    rounds = checked_greedy(kit.build(kit.rounds_data()))
    single = checked_greedy(kit.build(kit.rounds_data(enabled=False)))
    assert any(s.client is None and len(s.visits) >= 2 for s in rounds.shifts)
    assert term(rounds, "uncovered_need") < term(single, "uncovered_need")
    assert term(rounds, "waiting") < term(single, "waiting")
    assert_valid(kit.build(kit.rounds_data()), rounds)


def test_the_engine_starts_from_the_greedy_rounds_and_keeps_them_valid() -> None:
    # A week of six clients: the engine's schedule is at least as good as the greedy one.
    sc = kit.build(kit.rounds_data(n_clients=6, days=7, n_staff=5))
    greedy = checked_greedy(sc)
    engine = solve(sc, time_limit=20)
    assert engine.solve.objective <= greedy.solve.objective + 1e-6
    assert term(engine, "uncovered_need") <= term(greedy, "uncovered_need")


def round_pin(staff: str, *visits: tuple[str, str, str], end: str) -> dict[str, object]:
    """A pinned round of U1 on Monday 4 January 2027: visits (client, start, end) in order."""
    day = "2027-01-04T"
    return {"staff": staff, "unit": "U1", "start": day + visits[0][1], "end": day + end,
            "visits": [{"client": c, "start": day + a, "end": day + b} for c, a, b in visits]}


def test_a_pinned_round_is_kept_by_both_planners() -> None:
    # The coordinator pinned A3 on C1 then C3 (skipping C2): both planners keep exactly that.
    pin = round_pin("A3", ("C1", "07:00", "08:00"), ("C3", "09:30", "10:30"), end="10:30")
    sc = kit.build(kit.rounds_data(pinned_shifts=[pin]))
    for result in (solve(sc), checked_greedy(sc)):
        kept = [s for s in result.shifts if s.staff == "A3" and s.start.hour == 7
                and s.start.day == 4]
        assert len(kept) == 1 and [v.client for v in kept[0].visits] == ["C1", "C3"]
        assert kept[0].travel_hours == pytest.approx(6 / 60)  # 2 km × 1.3 at 30 km/h: 5.2 min


def test_a_pinned_round_its_travel_cannot_fit_is_refused_with_its_name() -> None:
    from scheduler.planning.pins import PinError, check_pins

    # C1 07:00–08:00 then C4 08:00: 3 km away, the visit would start before A3 arrives.
    pin = round_pin("A3", ("C1", "07:00", "08:00"), ("C4", "08:00", "09:00"), end="10:00")
    sc = kit.build(kit.rounds_data(pinned_shifts=[pin]))
    with pytest.raises(PinError, match=r"A3 at round U1 2027-01-04 07:00"):
        check_pins(sc)


def test_a_round_of_clients_not_scattered_or_with_rounds_off_is_a_scenario_error() -> None:
    from pydantic import ValidationError

    pin = round_pin("A3", ("C1", "07:00", "08:00"), ("C2", "08:15", "09:15"), end="10:00")
    with pytest.raises(ValidationError, match=r"a round, but rounds.enabled is false"):
        kit.build(kit.rounds_data(enabled=False, pinned_shifts=[pin]))
    data = kit.rounds_data(pinned_shifts=[pin])
    data["clients"][1]["scattered"] = False
    with pytest.raises(ValidationError, match=r"visits\[1\]: client 'C2' is not scattered"):
        kit.build(data)


def test_a_sick_call_replans_a_round_and_keeps_the_past() -> None:
    from datetime import datetime

    from scheduler.planning.replan import replan

    # Four assistants: after the sick call three are left for two rounds a day.
    first = solve(kit.build(kit.rounds_data(days=3, n_staff=4)))
    sick_day = kit.rounds_data(days=3, n_staff=4)
    # Whoever has Tuesday's evening round calls in sick for Tuesday.
    tuesday = next(s for s in first.shifts if s.start.day == 5 and s.start.hour == 16)
    for member in sick_day["staff"]:
        if member["id"] == tuesday.staff:
            member["absences"] = [{"start": "2027-01-05T06:00", "end": "2027-01-06T00:00"}]
    again = replan(kit.build(sick_day), first, datetime(2027, 1, 5, 6, 0))
    new = again.planned.schedule
    assert_valid(again.scenario, new)
    before = [s for s in first.shifts if s.start.day == 4]
    assert [s for s in new.shifts if s.start.day == 4] == before  # the past, visits and all
    assert not any(s.staff == tuesday.staff and s.start.day == 5 for s in new.shifts)
    assert term(new, "uncovered_need") == term(first, "uncovered_need") == 0


def test_uncovered_need_names_the_round_that_kept_an_assistant_busy() -> None:
    from scheduler.solver.uncovered import uncovered_intervals

    data = kit.rounds_data(days=1)
    data["clients"].append(kit.client("C9", windows=[kit.window("07:00", "10:00")],
                                      approved=("A1",), competences=()))
    problem = compile_problem(kit.build(data))
    # A1 on the morning round through all four clients (07:00–11:45), nobody else working.
    served = tuple((f"C{i + 1}", 28 + 5 * i, 32 + 5 * i) for i in range(4))
    gaps = uncovered_intervals(problem, [("A1", "round:U1", 28, 47, served)])
    c9 = next(g for g in gaps if g.client == "C9")
    assert any(b.staff == "A1" and b.kind == "busy" and "on a round in U1 07:00–11:45" in b.detail
               for b in c9.blockers), c9.blockers
    # The round's visits count for their clients: of C1's two visits (staggered_visits(0):
    # 07:00–08:00 and 16:00–17:00) the round serves the morning one (slots 28–32), so the one
    # gap left is the afternoon visit, one assistant missing.
    assert [(g.start, g.end, g.missing) for g in gaps if g.client == "C1"] == [
        (kit.local("2027-01-04T16:00"), kit.local("2027-01-04T17:00"), 1)]
