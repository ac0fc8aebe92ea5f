"""Scattered clients' visits: the validator re-derives rounds, travel, waiting and accounting.

Hand-made schedules on ``rounds_data``'s setting (clients C1–C4 of U1, 1 km apart along a road:
5 minutes' travel between neighbours at the default 30 km/h × 1.3, 6 minutes two apart), with
each client's visits set here so the figures below can be checked by hand.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pytest

import builders as kit
from scheduler.domain.scenario import Scenario
from scheduler.domain.schedule import Break, Shift, Visit
from scheduler.validator import AUDITS, PENALTY_AUDITS, check_schedule, format_report

DAY = "2027-01-04"
# Client → its daily visits: consecutive clients' visits 15 minutes apart.
STAGGERED: dict[str, list[tuple[str, str]]] = {
    "C1": [("07:00", "08:00"), ("16:00", "17:00")],
    "C2": [("08:15", "09:15"), ("17:15", "18:15")],
    "C3": [("09:30", "10:30"), ("18:30", "19:30")],
    "C4": [("10:45", "11:45"), ("19:45", "20:45")],
}


def scenario(visits: dict[str, list[tuple[str, str]]] | None = None, *, enabled: bool = True,
             rounds: dict[str, object] | None = None, **client_fields: dict[str, object]
             ) -> Scenario:
    """rounds_data's clients with ``visits`` (STAGGERED by default), at 0, 1, 2, 3 km;
    ``client_fields``: per client id, scenario fields replacing its defaults (decisions,
    approved_staff, required_competences)."""
    data = kit.rounds_data(enabled=enabled)
    clients = []
    for i, (cid, windows) in enumerate((visits or STAGGERED).items()):
        client = kit.scattered_client(cid, float(i), 0.0, visits=windows)
        client.update(client_fields.get(cid, {}))
        clients.append(client)
    data["clients"] = clients
    if rounds is not None:
        data["rounds"] = {"enabled": enabled, **rounds}
    return kit.build(data)


def visit(client: str, start: str, end: str, travel: int = 0) -> Visit:
    return Visit(client=client, start=kit.local(f"{DAY}T{start}"),
                 end=kit.local(f"{DAY}T{end}"), travel_minutes=travel)


def visiting(staff: str, client: str | None, start: str, end: str, visits: Sequence[Visit], *,
             travel: float, waiting: float, breaks: Iterable[tuple[str, str]] = ()) -> Shift:
    """A shift serving ``visits`` that reports ``travel`` and ``waiting`` hours; ``breaks``:
    paid meal pauses."""
    shift = kit.shift(staff, client, f"{DAY}T{start}", f"{DAY}T{end}", meal_pauses=False)
    pauses = [Break(start=kit.local(f"{DAY}T{a}"), end=kit.local(f"{DAY}T{b}"), paid=True)
              for a, b in breaks]
    return shift.model_copy(update={"visits": list(visits), "travel_hours": travel,
                                    "waiting_hours": waiting, "breaks": pauses})


def the_round(staff: str = "A1", **update: object) -> Shift:
    """C1 → C4 in the morning: 4 h of visits, 3 × 5 min travel, 3 × 10 min waiting in 4.75 h."""
    shift = visiting(staff, None, "07:00", "11:45", [
        visit("C1", "07:00", "08:00"),
        visit("C2", "08:15", "09:15", 5),
        visit("C3", "09:30", "10:30", 5),
        visit("C4", "10:45", "11:45", 5),
    ], travel=0.25, waiting=0.5)
    return shift.model_copy(update=update)


def details(scn: Scenario, shifts: list[Shift], rule: str) -> list[str]:
    return [v.detail for v in AUDITS[rule](scn, kit.schedule(scn, shifts))]


def rules_broken(scn: Scenario, shifts: list[Shift]) -> set[str]:
    return {v.rule for v in check_schedule(scn, kit.schedule(scn, shifts)).violations}


# --- a valid round, and travel that does not fit ------------------------------------------------


def test_a_valid_round_passes_and_its_waiting_and_travel_are_recomputed() -> None:
    scn = scenario()
    sched = kit.schedule(scn, [the_round()], penalties={"waiting": 0.5, "travel": 0.25})
    report = check_schedule(scn, sched)
    assert report.ok, format_report(report)
    assert report.notes == []
    assert report.penalties["waiting"] == pytest.approx(0.5)
    assert report.penalties["travel"] == pytest.approx(0.25)
    assert report.penalty_mismatches == []


def test_a_round_that_cannot_fit_its_travel_is_rejected() -> None:
    # Measured: C2 → C3 takes 20 min, but C3's visit starts 15 min after C2's ends.
    scn = scenario(rounds={"travel": {"times": [{"between": ["C2", "C3"], "minutes": 20}]}})
    late = the_round(visits=[*the_round().visits[:2], visit("C3", "09:30", "10:30", 20),
                             the_round().visits[3]],
                     # 5 + 20 + 5 min travel; waiting 4.75 h less 4 h of visits, 07:00–08:00
                     # ... 09:15–09:35 travel overlapping C3's visit by 5 min: 20 min left.
                     travel_hours=0.5, waiting_hours=20 / 60)
    report = check_schedule(scn, kit.schedule(scn, [late]))
    assert [(v.rule, v.who, v.when, v.detail) for v in report.violations] == [(
        "visits", "A1@U1 round C1+C2+C3+C4", "2027-01-04 07:00–11:45",
        "travel does not fit: C2's visit ends 2027-01-04 09:15, 20 min travel to C3 arrives "
        "2027-01-04 09:35, after C3's visit starts 2027-01-04 09:30")]
    # With exactly the 15 minutes between the visits it fits.
    scn = scenario(rounds={"travel": {"times": [{"between": ["C2", "C3"], "minutes": 15}]}})
    fits = late.model_copy(update={
        "visits": [*late.visits[:2], visit("C3", "09:30", "10:30", 15), late.visits[3]],
        "travel_hours": 25 / 60, "waiting_hours": 20 / 60})
    assert rules_broken(scn, [fits]) == set()


def test_travel_minutes_are_the_travel_time_between_the_homes() -> None:
    scn = scenario()
    wrong = the_round(visits=[visit("C1", "07:00", "08:00", 4), visit("C2", "08:15", "09:15", 3),
                              *the_round().visits[2:]])
    assert details(scn, [wrong], "visits") == [
        "visit C1 2027-01-04 07:00–08:00 is the first visit but reports 4 min travel before it",
        "visit C2 2027-01-04 08:15–09:15 reports 3 min travel from C1, the travel time is 5 min",
    ]
    # Two clients apart: 2 km × 1.3 at 30 km/h is 5.2 min, rounded up to 6.
    skip = visiting("A1", None, "07:00", "10:30",
                    [visit("C1", "07:00", "08:00"), visit("C3", "09:30", "10:30", 6)],
                    travel=0.1, waiting=3.5 - 2 - 0.1)
    assert rules_broken(scn, [skip]) == set()
    assert details(scn, [skip.model_copy(update={"visits": [
        skip.visits[0], visit("C3", "09:30", "10:30", 5)]})], "visits") == [
        "visit C3 2027-01-04 09:30–10:30 reports 5 min travel from C1, the travel time is 6 min"]


# --- what a visit may be ------------------------------------------------------------------------


def test_a_visit_outside_the_clients_need_is_rejected() -> None:
    scn = scenario()
    # C1 needs nobody 08:00–16:00: a second visit at 08:30 is no need of C1's.
    shift = visiting("A1", "C1", "07:00", "10:00", [
        visit("C1", "07:00", "08:00"), visit("C1", "08:30", "09:00")], travel=0, waiting=1.5)
    assert details(scn, [shift], "visits") == [
        "visit C1 2027-01-04 08:30–09:00 lies outside C1's need (no need 2027-01-04 08:30–09:00)"]
    assert rules_broken(scn, [shift]) == {"visits", "staffing_cap"}


def test_a_visit_no_decision_pays_for_is_rejected() -> None:
    # C1's decision starts on Tuesday: Monday's visit is need nobody pays for.
    scn = scenario(C1={"decisions": [kit.decision("DC1", "2027-01-05", "2027-12-31",
                                                   kind="lss_assistance")]})
    shift = visiting("A1", "C1", "07:00", "10:00", [visit("C1", "07:00", "08:00")],
                     travel=0, waiting=2)
    assert details(scn, [shift], "visits") == [
        "visit C1 2027-01-04 07:00–08:00: no decision of C1's pays for the need "
        "2027-01-04 07:00–08:00"]


def test_a_visit_of_a_client_who_is_not_scattered_is_rejected() -> None:
    data = scenario().model_dump(mode="json")
    data["clients"].append(kit.client("C5", windows=[kit.window("07:00", "08:00")],
                                      competences=()))
    scn = kit.build(data)
    shift = visiting("A1", "C5", "07:00", "10:00", [visit("C5", "07:00", "08:00")],
                     travel=0, waiting=2)
    assert details(scn, [shift], "visits") == [
        "visit C5 2027-01-04 07:00–08:00: C5 is not a scattered client (scattered: false); its "
        "need is served by whole shifts"]
    assert rules_broken(scn, [shift]) == {"visits"}
    # The same shift without visits is an ordinary client shift.
    plain = shift.model_copy(update={"visits": [], "waiting_hours": 0})
    assert rules_broken(scn, [plain.model_copy(update={"end": kit.local(f"{DAY}T08:00"),
                                                      "hours": 1})]) == {"shift_length"}


def test_the_staff_member_must_serve_every_client_visited() -> None:
    # C3 has not approved A1; C4 needs a competence A1 lacks.
    scn = scenario(C3={"approved_staff": ["A2", "A3"]}, C4={"required_competences": ["insulin"]})
    found = AUDITS["approved_assistant"](scn, kit.schedule(scn, [the_round()]))
    assert [(v.who, v.detail) for v in found] == [
        ("A1@U1 round C1+C2+C3+C4", "A1 is not among C3's approved assistants (nor in a pool "
         "the client accepts) (visited C3)"),
        ("A1@U1 round C1+C2+C3+C4", "A1 lacks required competence(s): insulin for C4"),
    ]
    assert rules_broken(scn, [the_round()]) == {"approved_assistant"}
    assert rules_broken(scenario(C4={"required_competences": ["insulin"]}), [the_round()]) == {
        "approved_assistant"}
    assert rules_broken(scenario(C3={"approved_staff": ["A2", "A3"]}), [the_round()]) == {
        "approved_assistant"}


def test_a_round_needs_rounds_enabled_and_a_waiting_shift_does_not() -> None:
    scn = scenario(enabled=False)
    assert details(scn, [the_round()], "visits") == [
        "a round of C1, C2, C3, C4 while rounds are disabled (rounds.enabled: false)"]
    waiting = visiting("A1", "C1", "07:00", "10:00", [visit("C1", "07:00", "08:00")],
                       travel=0, waiting=2)
    assert rules_broken(scn, [waiting]) == set()


def test_rounds_name_no_client_and_waiting_shifts_name_theirs() -> None:
    scn = scenario()
    assert details(scn, [the_round(client="C1")], "visits") == [
        "a round of C1, C2, C3, C4 names client C1; a round has none (its clients are its "
        "visits')"]
    waiting = visiting("A1", None, "07:00", "10:00", [visit("C1", "07:00", "08:00")],
                       travel=0, waiting=2)
    assert details(scn, [waiting], "visits") == ["serves only C1's visits but names no client"]


def test_visits_in_order_inside_the_shift() -> None:
    scn = scenario()
    swapped = the_round(visits=[visit("C2", "08:15", "09:15"), visit("C1", "07:00", "08:00", 5),
                                *the_round().visits[2:]])
    assert "visit C1 2027-01-04 07:00–08:00 starts before the previous visit (C2 2027-01-04 " \
           "08:15–09:15) ends: visits in order, not overlapping" in details(
               scn, [swapped], "visits")
    short = the_round(end=kit.local(f"{DAY}T11:30"), hours=4.5)  # waiting still 0.5 h
    assert details(scn, [short], "visits") == [
        "visit C4 2027-01-04 10:45–11:45 is not inside the shift"]


def test_the_round_settings_limit_visits_and_waits() -> None:
    few = scenario(rounds={"max_visits": 3})
    assert details(few, [the_round()], "visits") == ["4 visits, at most 3 (rounds.max_visits)"]
    impatient = scenario(rounds={"max_wait_minutes": 9})
    found = details(impatient, [the_round()], "visits")
    assert len(found) == 3
    assert found[0] == ("waits 10 min between C1's visit (ends 2027-01-04 08:00, then 5 min "
                        "travel) and visit C2 2027-01-04 08:15–09:15; at most 9 min "
                        "(rounds.max_wait_minutes)")
    assert details(scenario(rounds={"max_wait_minutes": 10}), [the_round()], "visits") == []


@pytest.mark.parametrize(("field", "value", "expected"), [
    ("travel_hours", 0.3, "reports travel_hours 0.30, re-derived from its visits 0.25"),
    ("waiting_hours", 0.75, "reports waiting_hours 0.75, re-derived from its visits 0.50"),
])
def test_wrong_travel_or_waiting_hours_are_rejected(field: str, value: float,
                                                    expected: str) -> None:
    scn = scenario()
    assert details(scn, [the_round(**{field: value})], "visits") == [expected]


def test_a_shift_without_visits_has_no_travel_or_waiting() -> None:
    scn = scenario()
    plain = kit.shift("A1", "C1", f"{DAY}T07:00", f"{DAY}T10:00").model_copy(
        update={"waiting_hours": 2.0})
    assert details(scn, [plain], "visits") == [
        "reports waiting_hours 2.00, re-derived from its visits 0.00"]


# --- coverage, staffing cap, uncovered need -----------------------------------------------------


def test_a_round_staffs_its_clients_only_during_their_visits() -> None:
    scn = scenario()
    # The round spans 07:00–11:45, where C1 needs nobody after 08:00: no staffing cap breach.
    assert details(scn, [the_round()], "staffing_cap") == []
    # 4 clients × 2 h × 2 days of need; the round covers 4 h of it.
    sched = kit.schedule(scn, [the_round()])
    assert PENALTY_AUDITS["uncovered_need"](scn, sched) == pytest.approx(12)
    # A waiting shift likewise covers only its visit (C1 07:00–08:00 of its 3 hours).
    waiting = visiting("A2", "C1", "16:00", "19:00", [visit("C1", "16:00", "17:00")],
                       travel=0, waiting=2)
    assert PENALTY_AUDITS["uncovered_need"](scn, kit.schedule(scn, [the_round(), waiting])) \
        == pytest.approx(11)
    assert rules_broken(scn, [the_round(), waiting]) == set()


def test_two_rounds_over_one_visit_break_the_staffing_cap() -> None:
    scn = scenario()
    second = visiting("A2", None, "08:15", "11:15", [
        visit("C2", "08:15", "09:15"), visit("C3", "09:30", "10:30", 5)],
        travel=5 / 60, waiting=3 - 2 - 5 / 60)
    assert rules_broken(scn, [second]) == set()
    found = AUDITS["staffing_cap"](scn, kit.schedule(scn, [the_round(), second]))
    assert [(v.who, v.when, v.detail) for v in found] == [
        ("C2", "2027-01-04 08:15–09:15", "2 assistant(s) scheduled, schedulable need 1"),
        ("C3", "2027-01-04 09:30–10:30", "2 assistant(s) scheduled, schedulable need 1"),
    ]
    assert rules_broken(scn, [the_round(), second]) == {"staffing_cap"}


# --- granted hours: each visit once, travel where the decision says so ------------------------

TWICE = {"C1": [("07:00", "08:00"), ("09:30", "10:30")], "C2": [("08:15", "09:15")]}


def granting(hours: float, did: str, *, charges_travel: bool = False) -> dict[str, object]:
    """A decision over the horizon's two days granting ``hours`` in all."""
    return {"decisions": [kit.decision(did, kit.MONDAY, "2027-01-05", hours * 7 / 2,
                                       kind="lss_assistance", charges_travel=charges_travel)]}


def twice_round() -> Shift:
    """C1, C2, C1 again: 3 h of visits, 2 × 5 min travel, 2 × 10 min waiting in 3.5 h."""
    return visiting("A1", None, "07:00", "10:30", [
        visit("C1", "07:00", "08:00"), visit("C2", "08:15", "09:15", 5),
        visit("C1", "09:30", "10:30", 5)], travel=10 / 60, waiting=20 / 60)


def test_two_visits_in_one_waiting_shift_are_charged_once_each() -> None:
    # 2 h of visits in a 3.5 h shift: charged 2 h (not the shift's 3.5 h, nor twice).
    shift = visiting("A1", "C1", "07:00", "10:30", [
        visit("C1", "07:00", "08:00"), visit("C1", "09:30", "10:30")], travel=0, waiting=1.5)
    enough = scenario(TWICE, C1=granting(2.05, "DC1"))
    assert rules_broken(enough, [shift]) == set()
    short = scenario(TWICE, C1=granting(1.95, "DC1"))
    found = details(short, [shift], "decision_budget")
    assert len(found) == 1 and found[0].startswith("2.00 h scheduled where only these apply, "
                                                   "1.95 h available to the decision")


def test_a_round_charges_each_visit_once_and_travel_only_where_the_decision_says() -> None:
    round_ = twice_round()
    # C1: 2 h of visits, plus 5 min travel from C2 before its second visit if charged.
    assert rules_broken(scenario(TWICE, C1=granting(2.05, "DC1")), [round_]) == set()
    charging = scenario(TWICE, C1=granting(2.05, "DC1", charges_travel=True))
    assert details(charging, [round_], "decision_budget") == [
        "2.08 h scheduled where only these apply (of which 0.08 h travel to visits), 2.05 h "
        "available to the decision (DC1: 2.05 h (left 2.05 h × share 1.000))"]
    # C2: its 1 h visit and the 5 min from C1 before it, only where C2's decision charges it;
    # the travel back to C1 is charged to C1, never to C2.
    assert rules_broken(scenario(TWICE, C2=granting(1.05, "DC2")), [round_]) == set()
    assert rules_broken(scenario(TWICE, C2=granting(1.1, "DC2", charges_travel=True)),
                        [round_]) == set()
    found = AUDITS["decision_budget"](
        scenario(TWICE, C2=granting(1.05, "DC2", charges_travel=True)),
        kit.schedule(scenario(TWICE), [round_]))
    assert [v.who for v in found] == ["C2/DC2"]


# --- working time, breaks, penalties ------------------------------------------------------------


def test_the_whole_round_is_working_time() -> None:
    scn = scenario()
    unused = PENALTY_AUDITS["unused_contract"]
    without = unused(scn, kit.schedule(scn, []))
    assert without - unused(scn, kit.schedule(scn, [the_round()])) == pytest.approx(4.75)
    overlapping = visiting("A1", "C1", "11:00", "17:00", [visit("C1", "16:00", "17:00")],
                           travel=0, waiting=5)
    assert "no_overlap" in rules_broken(scn, [the_round(), overlapping])


def test_a_long_round_needs_a_meal_pause_which_is_not_waiting() -> None:
    scn = scenario()
    visits = the_round().visits
    # 5.5 h: visits 4 h, travel 0.25 h, waiting 1.25 h without a pause, 0.75 h with one.
    long = visiting("A1", None, "07:00", "12:30", visits, travel=0.25, waiting=1.25)
    assert details(scn, [long], "breaks") == [
        "5.50 h of work in a row from 2027-01-04 07:00 without a paid meal pause (at most 5 h)"]
    paused = visiting("A1", None, "07:00", "12:30", visits, travel=0.25, waiting=0.75,
                      breaks=[("11:45", "12:15")])
    assert rules_broken(scn, [paused]) == set()
    assert details(scn, [paused.model_copy(update={"waiting_hours": 1.25})], "visits") == [
        "reports waiting_hours 1.25, re-derived from its visits 0.75"]


def test_a_wrong_waiting_or_travel_penalty_is_a_mismatch() -> None:
    scn = scenario()
    report = check_schedule(scn, kit.schedule(scn, [the_round()],
                                              penalties={"waiting": 2.0, "travel": 0.25}))
    assert report.ok
    assert report.penalty_mismatches == ["waiting: schedule says 2.00 h, recomputed 0.50"]
    report = check_schedule(scn, kit.schedule(scn, [the_round()],
                                              penalties={"waiting": 0.5, "travel": 0.1}))
    assert report.penalty_mismatches == ["travel: schedule says 0.10 h, recomputed 0.25"]


def test_continuity_pairs_the_assistant_with_every_client_visited() -> None:
    scn = scenario()
    waiting = visiting("A2", "C1", "16:00", "19:00", [visit("C1", "16:00", "17:00")],
                       travel=0, waiting=2)
    # A1 with C1–C4 in the round, A2 with C1: five pairs.
    assert PENALTY_AUDITS["continuity"](scn, kit.schedule(scn, [the_round(), waiting])) == 5


def test_a_visit_during_a_stay_is_double_staffing_and_the_rest_of_the_round_is_not() -> None:
    # C2 is at the short-term stay home K Monday 08:00–12:00: the round's visit to C2 then
    # staffs the same hours twice; the round's other time (C1, C3, C4) does not.
    data = scenario().model_dump(mode="json")
    data["units"].append({"id": "K", "kind": "short_term_stay"})
    data["bookings"] = [kit.booking("C2", "K", f"{DAY}T08:00", f"{DAY}T12:00")]
    scn = kit.build(data)
    found = AUDITS["double_staffing"](scn, kit.schedule(scn, [the_round()]))
    assert [(v.who, v.when) for v in found] == [
        ("A1@U1 round C1+C2+C3+C4", "2027-01-04 08:15–09:15")]


# --- rounds across plans: pins and re-plans compare visits too ----------------------------------


def planned_round(visits: Sequence[Visit]) -> dict[str, object]:
    """The round's span as a planned shift of A1 with ``visits`` (scenario data)."""
    return {"staff": "A1", "unit": "U1", "start": f"{DAY}T07:00", "end": f"{DAY}T11:45",
            "visits": [{"client": v.client, "start": v.start.replace(tzinfo=None).isoformat(),
                        "end": v.end.replace(tzinfo=None).isoformat()} for v in visits]}


def test_a_pinned_round_is_kept_with_its_visits() -> None:
    data = scenario().model_dump(mode="json")
    data["pinned_shifts"] = [planned_round(the_round().visits)]
    scn = kit.build(data)
    assert rules_broken(scn, [the_round()]) == set()
    # The same staff member and span, but without C4's visit: not the round that was pinned.
    other = the_round(visits=the_round().visits[:3], travel_hours=10 / 60,
                      waiting_hours=4.75 - 3 - 10 / 60)
    assert rules_broken(scn, [other]) == {"pinned_shifts"}


def test_a_re_plan_counts_a_round_with_other_visits_as_changed() -> None:
    data = scenario().model_dump(mode="json")
    data["replan"] = {"start": f"{DAY}T00:00",
                      "previous_shifts": [planned_round(the_round().visits)]}
    scn = kit.build(data)
    changes = PENALTY_AUDITS["changes"]
    assert changes(scn, kit.schedule(scn, [the_round()])) == 0
    other = the_round(visits=the_round().visits[:3], travel_hours=10 / 60,
                      waiting_hours=4.75 - 3 - 10 / 60)
    # The previous round's 4.75 h not kept, and the new one's 4.75 h.
    assert changes(scn, kit.schedule(scn, [other])) == pytest.approx(9.5)


# --- visit windows -------------------------------------------------------------------------------

# C1 07:00–08:00 and C2 asked 07:00–08:00 as well, 1 km apart (5 minutes).
SAME_TIME = {"C1": [("07:00", "08:00")], "C2": [("07:00", "08:00")]}


def moved(client: str, start: str, end: str, asked: str, travel: int = 0) -> Visit:
    return visit(client, start, end, travel).model_copy(
        update={"asked_start": kit.local(f"{DAY}T{asked}")})


def window(minutes: int) -> dict[str, object]:
    return {"visit_window_minutes": minutes}


def held_round(c2_start: str = "08:05", c2_end: str = "09:05") -> Shift:
    """C1 at its time, then C2 held after it (asked 07:00): 07:00–10:00, 2 h of visits."""
    return visiting("A1", None, "07:00", "10:00", [
        visit("C1", "07:00", "08:00"), moved("C2", c2_start, c2_end, "07:00", 5)],
        travel=5 / 60, waiting=1 - 5 / 60)


def test_a_moved_visit_serves_its_asked_need_within_the_window() -> None:
    scn = scenario(SAME_TIME, C2=window(65))
    report = check_schedule(scn, kit.schedule(scn, [held_round()]))
    assert report.violations == [], format_report(report)
    # Tuesday's two visits are open; Monday's are both served (C2's need at 07:00 too).
    assert report.penalties["uncovered_need"] == pytest.approx(2.0)
    # The same visit without its asked time lies outside C2's need (08:05–09:05)...
    plain = held_round().model_copy(update={"visits": [
        visit("C1", "07:00", "08:00"), visit("C2", "08:05", "09:05", 5)]})
    assert details(scn, [plain], "visits") == [
        "visit C2 2027-01-04 08:05–09:05 lies outside C2's need (no need 2027-01-04 "
        "08:05–09:05)"]
    # ... and with a narrower window it is held too far from it.
    assert details(scenario(SAME_TIME, C2=window(60)), [held_round()], "visits") == [
        "visit C2 2027-01-04 08:05–09:05 (asked 2027-01-04 07:00–08:00) is held 65 min from "
        "its asked time; C2's visit window is ± 60 min (visit_window_minutes)"]


def test_a_moved_visit_must_still_fit_its_travel() -> None:
    scn = scenario(SAME_TIME, C2=window(65))
    early = held_round("08:00", "09:00")  # no time for the 5 minutes from C1
    # (The travel overlaps C2's visit: 1 h of the shift is neither.)
    found = details(scn, [early.model_copy(update={"waiting_hours": 1.0})], "visits")
    assert found == [
        "travel does not fit: C1's visit ends 2027-01-04 08:00, 5 min travel to C2 arrives "
        "2027-01-04 08:05, after C2's visit starts 2027-01-04 08:00"]


def test_a_visit_for_two_is_not_moved() -> None:
    data = scenario(SAME_TIME, C2=window(65)).model_dump(mode="json")
    data["clients"][1]["need"]["weekly"] = [kit.window("07:00", "08:00", staff=2)]
    scn = kit.build(data)
    assert details(scn, [held_round()], "visits") == [
        "visit C2 2027-01-04 08:05–09:05 (asked 2027-01-04 07:00–08:00) is moved, but the "
        "visit needs 2 staff: a visit for two or more stays at its time"]


def test_a_moved_visit_may_not_meet_another_visit_of_its_client() -> None:
    scn = scenario({"C1": [("07:00", "08:00")], "C2": [("07:00", "08:00"), ("09:00", "10:00")]},
                   C2=window(65))
    # A2 serves C2's second visit at its time, 09:00–10:00; A1's round holds C2's first
    # visit 08:05–09:05: C2 would have two assistants' visits at once.
    other = visiting("A2", "C2", "09:00", "12:00", [visit("C2", "09:00", "10:00")],
                     travel=0, waiting=2)
    assert details(scn, [held_round(), other], "visits") == [
        "C2 2027-01-04 09:00–10:00 meets 2027-01-04 08:05–09:05 (A1@U1 round C1+C2) of the "
        "same client, a visit moved within its visit window"]
    # Held ten minutes later (in its window too), the second visit starts after the first ends.
    later = visiting("A2", "C2", "09:00", "12:00", [moved("C2", "09:10", "10:10", "09:00")],
                     travel=0, waiting=2)
    assert details(scn, [held_round(), later], "visits") == []


def test_a_moved_visit_may_not_meet_a_whole_shift_for_its_client() -> None:
    # C2's second need is four hours: a whole shift of A2's, 09:00–13:00, not a visit.
    scn = scenario({"C1": [("07:00", "08:00")], "C2": [("07:00", "08:00"), ("09:00", "13:00")]},
                   C2=window(65))
    whole = kit.shift("A2", "C2", f"{DAY}T09:00", f"{DAY}T13:00")
    assert details(scn, [held_round(), whole], "visits") == [
        "C2 2027-01-04 09:00–13:00 meets 2027-01-04 08:05–09:05 (A1@U1 round C1+C2) of the "
        "same client, a visit moved within its visit window"]
    assert details(scn, [whole], "visits") == []  # alone the whole shift is fine
