"""The time-report audit: every kind of finding is raised on a planted line and not on a
correct one. Amounts are recomputed here by hand (default rates: wage 190 kr/h for monthly
staff, OB weekday evening 22 and weekend day 64 kr/h, jour 50 kr/h on weekdays, overtime ×1.8),
not by calling the cost model."""

from __future__ import annotations

from datetime import datetime

import pytest

import builders as kit
from scheduler.domain.scenario import Scenario
from scheduler.domain.timereport import ReportLine
from scheduler.planning.audit import AuditResult, lines_as_schedule, run_audit
from scheduler.validator import check_schedule

START = "2027-01-04"  # a Monday; 6 January (Epiphany) is a public holiday, avoided below


def audit_scenario(period_start: str = START, d3_extra: float | None = None,
                   **top: object) -> Scenario:
    clients = [
        kit.client("C1", approved=("A1", "A2", "F1"), competences=()),
        # C2's decision ends on Sunday 10 January.
        kit.client("C2", decisions=[kit.decision("D2", "2027-01-01", "2027-01-10", 40)],
                   approved=("A1", "A2"), competences=()),
        # C3: 10 h granted for one week, nothing performed before.
        kit.client("C3", decisions=[kit.decision("D3", "2027-01-04", "2027-01-10", 10,
                                                  extra=d3_extra)],
                   approved=("A1", "A2"), competences=()),
    ]
    staff = [kit.staff("A1"), kit.staff("A2"),
             kit.staff("F1", 30, employment="pan", family_caregiver=True)]
    return kit.scenario(clients, staff, start=START, days=28,
                        rules={"period_start": period_start}, **top)


def line(staff: str, client: str, start: str, end: str, **fields: object) -> ReportLine:
    return ReportLine(source="t.csv", row=2, staff=staff, client=client,
                      start=datetime.fromisoformat(start), end=datetime.fromisoformat(end),
                      **fields)


def kinds(result: AuditResult, target: ReportLine, kind: str) -> list[float]:
    """The amounts of the findings of ``kind`` on the line ``target``."""
    return [f.amount for f in result.findings if f.line is target and f.kind == kind]


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return audit_scenario()


def test_ob_claimed_against_the_ob_windows(scenario: Scenario) -> None:
    right = line("A1", "C1", "2027-01-04T14:00", "2027-01-04T22:00",
                 ob_hours={"weekday_evening": 3})
    too_much = line("A2", "C1", "2027-01-05T14:00", "2027-01-05T22:00",
                    ob_hours={"weekday_evening": 5})
    saturday = line("A1", "C1", "2027-01-09T07:00", "2027-01-09T15:00",
                    ob_hours={"weekend_day": 6})
    result = run_audit(scenario, [right, too_much, saturday])
    assert kinds(result, right, "ob") == []
    assert kinds(result, too_much, "ob") == [pytest.approx(2 * 22)]  # 2 h too many at 22 kr
    assert kinds(result, saturday, "ob") == [pytest.approx(-2 * 64)]  # 8 h due, 6 claimed


def test_jour_supplement_only_for_jour_hours(scenario: Scenario) -> None:
    night = line("A1", "C1", "2027-01-04T22:00", "2027-01-05T07:00", on_call_hours=9,
                 jour_supplement_hours=9)
    day = line("A2", "C1", "2027-01-05T07:00", "2027-01-05T14:00", jour_supplement_hours=3)
    result = run_audit(scenario, [night, day])
    assert kinds(result, night, "jour") == []
    assert kinds(result, night, "ob") == []  # jour gets no OB
    assert kinds(result, day, "jour") == [pytest.approx(3 * 50)]


def test_family_caregiver_claiming_ob(scenario: Scenario) -> None:
    claims = line("F1", "C1", "2027-01-04T14:00", "2027-01-04T22:00",
                  ob_hours={"weekday_evening": 3})
    plain = line("F1", "C1", "2027-01-05T14:00", "2027-01-05T22:00")
    result = run_audit(scenario, [claims, plain])
    assert kinds(result, claims, "caregiver_supplement") == [pytest.approx(3 * 22)]
    assert kinds(result, claims, "ob") == []
    assert [f for f in result.findings if f.line is plain] == []


def four_weeks(staff: str, overtime: float) -> list[ReportLine]:
    """Weekdays 07–15 for four weeks but the holiday of 6 January, plus three Sundays (40 h of
    weekly rest from Friday 15:00): 22 × 8 = 176 h, 16 h beyond the 160 h of full time; the
    overtime claimed on the last line."""
    out: list[ReportLine] = []
    for day in range(4, 32):
        d = datetime(2027, 1, day)
        if day == 6 or d.weekday() == 5 or (d.weekday() == 6 and day == 31):
            continue
        ob = {"weekend_day": 8.0} if d.weekday() == 6 else {}
        out.append(line(staff, "C1", f"{d:%Y-%m-%d}T07:00", f"{d:%Y-%m-%d}T15:00", ob_hours=ob))
    out[-1] = out[-1].model_copy(update={"overtime_hours": overtime})
    return out


@pytest.mark.parametrize(("claimed", "amounts"), [
    (16, []),
    (20, [4 * 190 * 0.8]),  # 4 h claimed too many: the 80 % premium on them
    (10, [-6 * 190 * 0.8]),  # 6 h not claimed
])
def test_overtime_claimed_against_the_limiting_period(scenario: Scenario, claimed: float,
                                                      amounts: list[float]) -> None:
    lines = four_weeks("A1", claimed)
    assert sum(x.hours for x in lines) == 176
    result = run_audit(scenario, lines)
    found = [f.amount for f in result.findings if f.kind == "overtime"]
    assert found == [pytest.approx(a) for a in amounts]
    assert [f.kind for f in result.findings if f.kind != "overtime"] == []


def test_overtime_counts_the_history_of_the_limiting_period() -> None:
    # The period began a week before the horizon: 40 h worked then make the 16 h 56 h over.
    history = {"since": "2027-01-04T00:00", "staff": [{"staff": "A1", "totals": [
        {"start": "2026-12-28T00:00", "end": "2027-01-04T00:00", "presence_hours": 40}]}]}
    scenario = audit_scenario("2026-12-28", history=history)
    lines = [x for x in four_weeks("A1", 0) if x.start < datetime(2027, 1, 25)]
    work = sum(x.hours for x in lines)  # 3 weeks of the period in the reports
    lines[-1] = lines[-1].model_copy(update={"overtime_hours": work + 40 - 160})
    result = run_audit(scenario, lines)
    assert [f for f in result.findings if f.kind == "overtime"] == []
    lines[-1] = lines[-1].model_copy(update={"overtime_hours": work - 160 + 3})
    result = run_audit(scenario, lines)  # claimed as if the history did not count: 37 h short
    assert [f.amount for f in result.findings if f.kind == "overtime"] == [
        pytest.approx(-37 * 190 * 0.8)]


def test_work_outside_any_decision(scenario: Scenario) -> None:
    inside = line("A1", "C2", "2027-01-08T08:00", "2027-01-08T16:00")
    outside = line("A2", "C2", "2027-01-12T08:00", "2027-01-12T16:00")
    result = run_audit(scenario, [inside, outside])
    assert kinds(result, inside, "outside_decision") == []
    assert kinds(result, outside, "outside_decision") == [pytest.approx(8 * 190)]


def test_work_beyond_the_settlement_period() -> None:
    first = line("A1", "C3", "2027-01-04T08:00", "2027-01-04T14:00")
    second = line("A1", "C3", "2027-01-05T08:00", "2027-01-05T14:00")
    result = run_audit(audit_scenario(), [first, second])
    assert kinds(result, first, "beyond_settlement") == []
    assert kinds(result, second, "beyond_settlement") == [pytest.approx(2 * 190)]  # 12 of 10 h
    excepted = audit_scenario(d3_extra=2)  # an approved exception of 2 h
    result = run_audit(excepted, [first, second])
    assert [f for f in result.findings if f.kind == "beyond_settlement"] == []


def test_work_against_the_plan(scenario: Scenario) -> None:
    plan = kit.schedule(scenario, [kit.shift("A1", "C1", "2027-01-04T07:00", "2027-01-04T15:00"),
                                   kit.shift("A1", "C1", "2027-01-05T07:00",
                                             "2027-01-05T15:00")])
    kept = line("A1", "C1", "2027-01-04T07:30", "2027-01-04T15:00")
    longer = line("A1", "C1", "2027-01-05T07:00", "2027-01-05T17:30",
                  ob_hours={})
    nobody = line("A2", "C1", "2027-01-04T07:00", "2027-01-04T15:00")
    result = run_audit(scenario, [kept, longer, nobody], plan)
    assert [f.kind for f in result.findings if f.line is kept] == []
    assert kinds(result, longer, "off_plan") == [pytest.approx(2.5 * 190)]
    assert kinds(result, nobody, "unplanned") == [pytest.approx(8 * 190)]
    result = run_audit(scenario, [longer], plan, tolerance_minutes=180)
    assert kinds(result, longer, "off_plan") == []


def test_rest_breaches_in_what_was_worked(scenario: Scenario) -> None:
    day = line("A1", "C1", "2027-01-04T07:00", "2027-01-04T15:00")
    evening = line("A1", "C1", "2027-01-04T19:00", "2027-01-04T22:00",
                   ob_hours={"weekday_evening": 3})
    next_day = line("A1", "C1", "2027-01-05T08:00", "2027-01-05T15:00")
    result = run_audit(scenario, [day, evening, next_day])
    rest = [(f.rule, f.line) for f in result.findings if f.kind == "working_time"]
    assert ("daily_rest", evening) in rest  # 4 h after the day shift
    assert ("daily_rest", next_day) in rest  # 10 h after the evening
    exactly = line("A1", "C1", "2027-01-05T09:00", "2027-01-05T15:00")  # 11 h: enough
    result = run_audit(scenario, [day, evening, exactly])
    assert [f.rule for f in result.findings if f.line is exactly] == []
    assert all(f.amount == 0 for f in result.findings if f.kind == "working_time")
    ok = run_audit(scenario, [day, line("A1", "C1", "2027-01-05T07:00", "2027-01-05T15:00")])
    assert [f for f in ok.findings if f.kind == "working_time"] == []


def test_the_lines_as_a_schedule_pass_the_validator_when_right(scenario: Scenario) -> None:
    lines = four_weeks("A1", 16)
    report = check_schedule(scenario, lines_as_schedule(scenario, lines))
    # Nothing about rest or hours (the need is not covered and meal pauses are not reported:
    # those audits are not part of the time-report audit).
    assert not [v for v in report.violations
                if v.rule in ("daily_rest", "weekly_rest", "hour_caps", "no_overlap")]


def test_totals_per_staff_unit_and_kind(scenario: Scenario) -> None:
    lines = [line("A1", "C1", "2027-01-04T14:00", "2027-01-04T22:00",
                  ob_hours={"weekday_evening": 5}),
             line("F1", "C1", "2027-01-05T14:00", "2027-01-05T22:00",
                  ob_hours={"weekday_evening": 3})]
    result = run_audit(scenario, lines)
    assert result.totals("staff")["A1"]["amount"] == pytest.approx(44)
    assert result.totals("staff")["F1"]["amount"] == pytest.approx(66)
    assert result.totals("unit")["U1"]["amount"] == pytest.approx(110)
    assert set(result.totals("kind")) == {"ob", "caregiver_supplement"}


def test_a_daylight_saving_night_is_priced_on_its_real_hours() -> None:
    # 28 March 2027: clocks go forward at 02:00, so 22:00–07:00 is 8 hours, all of it jour.
    scenario = audit_scenario()
    night = line("A1", "C1", "2027-03-27T22:00", "2027-03-28T07:00", on_call_hours=9,
                 jour_supplement_hours=8)
    result = run_audit(scenario, [night])
    assert [f.kind for f in result.findings if f.kind in ("ob", "jour")] == []


def test_qualified_overtime_claimed_beyond_the_qualified_share(scenario: Scenario) -> None:
    # 16 h of overtime, all claimed as qualified (×2.4); 24 of the 176 h were worked on Sundays,
    # so by the cost model's reading 24/176 of the overtime is qualified.
    lines = four_weeks("A1", 16)
    lines[-1] = lines[-1].model_copy(update={"overtime_kind": "qualified"})
    result = run_audit(scenario, lines)
    share = 24 / 176
    due = 16 * 190 * (0.8 * (1 - share) + 1.4 * share)
    assert [f.amount for f in result.findings if f.kind == "overtime"] == [
        pytest.approx(16 * 190 * 1.4 - due)]  # 4 256 − 2 680.73 = 1 575.27 kr
