"""Visits, rounds, travel and waiting in the results (KPIs, cost per client, the CSV of shifts,
the difference of two schedules), on the hand-made day of ``rounds_case`` whose figures are
computed by hand there."""

from __future__ import annotations

import re

import pytest
import rounds_case as case
from rich.console import Console

import builders as kit
from checked import assert_valid, checked_greedy
from scheduler.api.kpis import ClientKpi, ScheduleKpis, StaffKpi, UnitKpi
from scheduler.domain.schedule import Break
from scheduler.results.costing import compute_costs
from scheduler.results.diff import diff_lines, diff_schedules
from scheduler.results.export import shifts_frame
from scheduler.results.kpi import (
    CLIENT_COLUMNS,
    STAFF_COLUMNS,
    UNIT_COLUMNS,
    compute_kpis,
    kpis_to_dict,
)
from scheduler.results.summary import print_summary
from scheduler.results.visits import is_round, travel_hours, waiting_hours, waiting_spans

H = pytest.approx


def R(value: float) -> object:  # JSON and CSV round to 4 decimals
    return pytest.approx(value, abs=1e-4)


def _by(frame, key):  # type: ignore[no-untyped-def]
    return {row[key]: row for row in frame.to_dict(orient="records")}


def test_the_hand_made_day_is_valid() -> None:
    scn = case.scenario()
    assert_valid(scn, case.schedule(scn))


def test_waiting_and_travel_of_a_shift_come_from_its_visits_and_breaks() -> None:
    # 180 min − visits 60 + 45 − travel 10 = 65 min of waiting.
    assert travel_hours(case.round_shift()) == H(10 / 60)
    assert waiting_hours(case.round_shift()) == H(65 / 60)
    assert waiting_hours(case.waiting_shift()) == H(2.0)
    assert waiting_hours(case.plain_shift()) == 0  # no visits: the whole shift is the client's
    # A break is not waiting, nor is a break inside a visit counted twice: a 5-hour round with
    # a 30-minute pause 09:00–09:30 and another overlapping C2's visit by 15 minutes.
    longer = case.round_shift().model_copy(update={
        "end": kit.local("2027-01-04T12:00"), "hours": 5.0,
        "breaks": [Break(start=kit.local("2027-01-04T09:00"),
                         end=kit.local("2027-01-04T09:30"), paid=True),
                   Break(start=kit.local("2027-01-04T08:45"),
                         end=kit.local("2027-01-04T09:00"), paid=False)]})
    # 300 − 60 − 45 − 10 − 30 (the pause) − 0 (the break lies in a visit) = 155 minutes.
    assert waiting_hours(longer) == H(155 / 60)
    # Where: C1 07:00–08:00, travel 08:00–08:10, C2 08:15–09:00, then the shift's rest (the
    # week views draw these); in the longer one the pause 09:00–09:30 comes first.
    t = kit.local
    assert waiting_spans(case.round_shift()) == [
        (t("2027-01-04T08:10"), t("2027-01-04T08:15")),
        (t("2027-01-04T09:00"), t("2027-01-04T10:00"))]
    assert waiting_spans(longer) == [
        (t("2027-01-04T08:10"), t("2027-01-04T08:15")),
        (t("2027-01-04T09:30"), t("2027-01-04T12:00"))]
    assert waiting_spans(case.waiting_shift()) == [
        (t("2027-01-04T12:30"), t("2027-01-04T14:00")),
        (t("2027-01-04T14:30"), t("2027-01-04T15:00"))]
    assert waiting_spans(case.plain_shift()) == []


def test_decisions_are_charged_visit_minutes_and_travel_only_where_the_decision_says() -> None:
    kpis = compute_kpis(case.scenario(), case.schedule())
    d = _by(kpis.decisions, "decision")
    assert d["DC1"]["scheduled_hours"] == H(1.0) and d["DC1"]["charged_hours"] == H(1.0)
    assert d["DC1"]["travel_hours"] == 0
    # C2's decision pays for the 10 minutes of travel before its visit.
    assert d["DC2"]["scheduled_hours"] == H(0.75) and d["DC2"]["travel_hours"] == H(10 / 60)
    assert d["DC2"]["charged_hours"] == H(0.75 + 10 / 60)
    # C3's single-client shift lasts 3 h, but only its two half-hour visits are charged.
    assert d["DC3"]["scheduled_hours"] == H(1.0) and d["DC3"]["charged_hours"] == H(1.0)
    assert d["DC4"]["scheduled_hours"] == H(8.0)
    assert kpis.totals["scheduled_outside_decisions_hours"] == H(0)
    assert kpis.totals["decision_charged_hours"] == H(1 + 0.75 + 10 / 60 + 1 + 8)


def test_per_client_per_staff_per_unit_and_totals() -> None:
    kpis = compute_kpis(case.scenario(), case.schedule())
    c = _by(kpis.clients, "client")
    assert [c[k]["served_hours"] for k in ("C1", "C2", "C3", "C4")] == H([1.0, 0.75, 1.0, 8.0])
    assert [c[k]["visits"] for k in ("C1", "C2", "C3", "C4")] == [1, 1, 2, 0]
    assert [c[k]["visits_in_rounds"] for k in ("C1", "C2", "C3", "C4")] == [1, 1, 0, 0]
    # Waiting goes to the client only in its own single-client shift; the round's is U1's.
    assert [c[k]["waiting_hours"] for k in ("C1", "C2", "C3", "C4")] == H([0, 0, 2.0, 0])
    assert c["C2"]["travel_charged_hours"] == H(10 / 60) and c["C1"]["travel_charged_hours"] == 0
    s = _by(kpis.staff, "staff")
    assert (s["A1"]["visit_hours"], s["A1"]["travel_hours"], s["A1"]["waiting_hours"],
            s["A1"]["rounds"]) == (H(1.75), H(10 / 60), H(65 / 60), 1)
    assert (s["A2"]["visit_hours"], s["A2"]["waiting_hours"], s["A2"]["rounds"]) == (
        H(1.0), H(2.0), 0)
    assert (s["A3"]["visit_hours"], s["A3"]["waiting_hours"]) == (0, 0)
    u = _by(kpis.units, "unit")["U1"]
    assert (u["rounds"], u["round_hours"], u["visits"], u["visit_hours"], u["travel_hours"],
            u["round_waiting_hours"], u["client_waiting_hours"]) == (
        1, H(3.0), 4, H(2.75), H(10 / 60), H(65 / 60), H(2.0))
    t = kpis.totals
    assert (t["visits"], t["rounds"]) == (4, 1)
    assert (t["visit_hours"], t["travel_hours"], t["waiting_hours"]) == (
        H(2.75), H(10 / 60), H(65 / 60 + 2.0))
    # A round is not a group-unit shift.
    assert t["unit_shift_hours"] == 0


def test_nothing_is_counted_twice() -> None:
    """Hours served per client, and the travel and waiting of the visit shifts add up to the
    paid shifts exactly (3 + 3 + 8 = 14 h; C4's meal pause is in its served hours)."""
    kpis = compute_kpis(case.scenario(), case.schedule())
    total = (kpis.clients["served_hours"].sum() + kpis.totals["travel_hours"]
             + kpis.totals["waiting_hours"])
    assert total == H(kpis.totals["scheduled_hours"]) and total == H(14.0)
    # The units' waiting and the clients' waiting are disjoint parts of the total.
    assert (kpis.units["round_waiting_hours"].sum() + kpis.clients["waiting_hours"].sum()
            == H(kpis.totals["waiting_hours"]))


def test_the_api_models_carry_the_new_columns() -> None:
    kpis = compute_kpis(case.scenario(), case.schedule())
    assert list(ClientKpi.model_fields) == CLIENT_COLUMNS
    assert list(UnitKpi.model_fields) == UNIT_COLUMNS
    assert list(StaffKpi.model_fields) == STAFF_COLUMNS
    typed = ScheduleKpis.model_validate(kpis_to_dict(kpis))
    assert typed.totals.rounds == 1 and typed.units[0].round_waiting_hours == R(65 / 60)
    assert [c.served_hours for c in typed.clients] == H([1.0, 0.75, 1.0, 8.0])


def test_a_round_costs_the_whole_shift_split_by_visit_minutes() -> None:
    costs = compute_costs(case.scenario(), case.schedule())
    lines = {(r["client"], r["line"]): r for r in costs.attribution.to_dict(orient="records")}
    hourly = case.HOURLY
    assert lines[("C1", "visit")]["cost"] == H(1.0 * hourly)
    assert lines[("C2", "visit")]["cost"] == H(0.75 * hourly)
    assert lines[("", "travel")]["cost"] == H(10 / 60 * hourly)
    assert lines[("", "travel")]["hours"] == H(10 / 60)
    # Waiting of the round (65 min) and C3's 2 h of waiting.
    assert lines[("", "waiting")]["hours"] == H(65 / 60 + 2.0)
    assert lines[("", "waiting")]["cost"] == H((65 / 60 + 2.0) * hourly)
    assert lines[("C3", "visit")]["cost"] == H(1.0 * hourly)
    assert lines[("C4", "client_shift")]["cost"] == H(8.0 * hourly)
    assert costs.by_client() == H({"C1": hourly, "C2": 0.75 * hourly, "C3": hourly,
                                    "C4": 8 * hourly})
    # Every krona of the shifts' pay once: the round's whole 3 h are paid.
    pay = sum((190 * c.work_hours + c.ob + c.jour_pay) * 1.4 for c in costs.shifts)
    assert costs.attribution["cost"].sum() == H(pay) and pay == H(14 * hourly)


def test_the_shift_csv_lists_visits_in_order_with_travel_and_waiting() -> None:
    frame = shifts_frame(case.schedule())
    row = frame.iloc[0]
    assert row["client"] == "" and row["visits"] == "C1 07:00-08:00;C2 08:15-09:00 travel 10"
    assert (row["travel_hours"], row["waiting_hours"]) == (R(10 / 60), R(65 / 60))
    assert frame.iloc[1]["waiting_hours"] == H(2.0)
    assert frame.iloc[2]["visits"] == "" and frame.iloc[2]["waiting_hours"] == 0


def test_a_visit_that_now_serves_another_asked_time_is_a_change() -> None:
    # Held at the same time, C2's visit now serves its need as moved from 08:00 (a window).
    data = case.scenario_data()
    data["clients"][1]["visit_window_minutes"] = 30
    scn = kit.build(data)
    before = case.schedule(scn)
    held = case.visit("C2", "08:15", "09:00", travel=10).model_copy(
        update={"asked_start": kit.local("2027-01-04T08:00")})
    after = case.schedule(scn, [case.round_shift(visits=[case.visit("C1", "07:00", "08:00"),
                                                         held]),
                                case.waiting_shift(), case.plain_shift()])
    diff = diff_schedules(scn, before, after)
    assert [(c.change, c.staff, c.reason) for c in diff.changes] == [
        ("moved", "A1", "visits changed")]
    assert diff.changes[0].visits_after == "C1 07:00–08:00, C2 08:15–09:00 (+10 min) (asked 08:00)"


def test_a_round_whose_visits_changed_is_a_change() -> None:
    scn = case.scenario()
    before = case.schedule(scn)
    same = case.schedule(scn)
    assert diff_schedules(scn, before, same).changes == []
    moved = case.round_shift(visits=[case.visit("C1", "07:00", "08:00"),
                                     case.visit("C2", "08:30", "09:15", travel=10)])
    after = case.schedule(scn, [moved, case.waiting_shift(), case.plain_shift()])
    diff = diff_schedules(scn, before, after)
    assert [(c.change, c.staff, c.reason) for c in diff.changes] == [
        ("moved", "A1", "visits changed")]
    change = diff.changes[0]
    assert change.visits_before == "C1 07:00–08:00, C2 08:15–09:00 (+10 min)"
    assert change.visits_after == "C1 07:00–08:00, C2 08:30–09:15 (+10 min)"
    # Only C2's visit changed: C2 is told, C1 is not; a round is nobody's "unit" shift.
    assert diff.by_client == {"C2": {"moved": 1}}
    assert "round U1" in "\n".join(diff_lines(diff))
    # The same round given to another assistant is reassigned, for both its clients.
    other = case.schedule(scn, [case.round_shift("A2"), case.waiting_shift(),
                                case.plain_shift()])
    swap = diff_schedules(scn, before, other)
    assert [(c.change, c.previous_staff, c.staff) for c in swap.changes] == [
        ("reassigned", "A1", "A2")]
    assert swap.by_client == {"C1": {"reassigned": 1}, "C2": {"reassigned": 1}}
    # A round added where the previous plan left C2's visit uncovered says it covers it.
    gap = kit.gap("C2", "2027-01-04T08:15", "2027-01-04T09:00")
    without = kit.schedule(scn, [case.waiting_shift(), case.plain_shift()], uncovered=[gap])
    added = diff_schedules(scn, without, before)
    assert [(c.change, c.reason) for c in added.changes] == [
        ("added", "covers need the previous plan left uncovered")]
    assert added.by_client == {"C1": {"added": 1}, "C2": {"added": 1}}


@pytest.mark.parametrize("enabled", [True, False])
def test_planned_rounds_and_waiting_shifts_agree_with_what_the_planner_claims(
        enabled: bool) -> None:
    """On the greedy baseline's plan (validator-checked) of four scattered clients, with rounds
    and without: each shift's travel and waiting as the planner states them, every visit
    charged once to its client, and the parts adding up to the paid shifts."""
    scn = kit.build(kit.rounds_data(enabled=enabled))
    planned = checked_greedy(scn)
    assert planned.shifts and all(s.visits for s in planned.shifts)
    assert any(is_round(s) for s in planned.shifts) == enabled
    for s in planned.shifts:
        assert travel_hours(s) == R(s.travel_hours) and waiting_hours(s) == R(s.waiting_hours)
    kpis = compute_kpis(scn, planned)
    visits = sum((v.end - v.start).total_seconds() / 3600
                 for s in planned.shifts for v in s.visits)
    assert kpis.clients["served_hours"].sum() == H(visits)
    assert kpis.decisions["scheduled_hours"].sum() == H(visits)  # the visits, not the spans
    assert kpis.totals["waiting_hours"] == H(sum(s.waiting_hours for s in planned.shifts))
    pauses = sum((b.end - b.start).total_seconds() / 3600
                 for s in planned.shifts for b in s.breaks)
    assert (visits + kpis.totals["travel_hours"] + kpis.totals["waiting_hours"] + pauses
            == H(kpis.totals["scheduled_hours"]))
    if enabled:
        assert kpis.units["round_waiting_hours"].sum() == H(kpis.totals["waiting_hours"])
        assert kpis.clients["waiting_hours"].sum() == 0
    else:  # every waiting hour belongs to the client whose shift it is
        assert kpis.totals["waiting_hours"] > 0
        assert kpis.clients["waiting_hours"].sum() == H(kpis.totals["waiting_hours"])


def test_the_terminal_summary_shows_rounds_per_unit_and_the_totals_in_swedish() -> None:
    scn = case.scenario()
    planned = case.schedule(scn)
    planned = planned.model_copy(update={"kpis": kpis_to_dict(compute_kpis(scn, planned))})
    console = Console(width=160, record=True)
    print_summary(planned, console=console)
    text = console.export_text()
    assert "Besök och rundor (timmar)" in text
    unit_line = next(line for line in text.splitlines() if line.startswith("U1 "))
    assert [c.strip() for c in unit_line.split("│")[1:]] == [
        "1", "3,0", "4", "2,8", "0,2", "1,1", "2,0"]
    assert re.search(r"väntetid \(timmar\)\s+3,1", text)  # 65 min + 2 h
    a1 = next(line for line in text.splitlines() if line.startswith("A1 "))
    assert [c.strip() for c in a1.split("│")][-2:] == ["0,2", "1,1"]  # travel, waiting
    # A schedule without visits prints no such table.
    plain = case.schedule(scn, [case.plain_shift()])
    plain = plain.model_copy(update={"kpis": kpis_to_dict(compute_kpis(scn, plain))})
    console = Console(width=160, record=True)
    print_summary(plain, console=console)
    assert "Besök och rundor" not in console.export_text()
    assert "väntetid" not in console.export_text().split("Summor")[0]


def test_a_moved_visit_is_charged_to_the_decision_of_its_asked_time() -> None:
    from scheduler.domain.schedule import Visit
    from scheduler.validator import check_schedule, format_report

    # C1 asks for 22:00–23:00 on Monday (decision D1, Monday only; D2 from Tuesday); its window
    # of ± 120 min lets the visit be held 23:30–00:30, across midnight. It serves Monday's
    # need, so D1 pays the hour: charged where it is held, half would go to D2.
    client = kit.scattered_client("C1", 0, 0, visits=[("22:00", "23:00")], approved=("A1",),
                                  visit_window_minutes=120)
    client["decisions"] = [
        kit.decision("D1", "2027-01-04", "2027-01-04", per_week=7, kind="lss_assistance"),
        kit.decision("D2", "2027-01-05", "2027-01-31", per_week=7, kind="lss_assistance")]
    scn = kit.build(kit.scenario_data([client], [kit.staff("A1", 0, employment="hourly",
                                                           competences=[])], days=2))
    shift = kit.shift("A1", "C1", "2027-01-04T21:30", "2027-01-05T00:30", meal_pauses=False)
    held = Visit(client="C1", start=kit.local("2027-01-04T23:30"),
                 end=kit.local("2027-01-05T00:30"), asked_start=kit.local("2027-01-04T22:00"))
    shift = shift.model_copy(update={"visits": [held], "waiting_hours": 2.0})
    schedule = kit.schedule(scn, [shift])
    report = check_schedule(scn, schedule)
    assert report.ok, format_report(report)  # the held visit is Monday's need, in its window
    decisions = _by(compute_kpis(scn, schedule).decisions, "decision")
    assert decisions["D1"]["charged_hours"] == H(1.0)
    assert decisions["D2"]["charged_hours"] == H(0.0)
    clients = _by(compute_kpis(scn, schedule).clients, "client")
    assert clients["C1"]["visit_hours"] == H(1.0) and clients["C1"]["waiting_hours"] == H(2.0)
    assert shifts_frame(schedule).iloc[0]["visits"] == "C1 23:30-00:30 asked 22:00"
