"""decision_budget: granted hours, reserves, double assistance and overlapping decisions."""

from __future__ import annotations

from datetime import date

import pytest

import builders as kit
from scheduler.domain.scenario import Scenario
from scheduler.domain.schedule import Schedule
from scheduler.validator import AUDITS, check_schedule, format_report

MON, SUN = date(2027, 1, 4), date(2027, 1, 10)
budget = AUDITS["decision_budget"]


def test_double_assistance_consumes_two_hours_per_hour() -> None:
    # 5 h/week over exactly the horizon week = 5 h. Two assistants 07–10 use 6 h.
    c1 = kit.client("C1", windows=[kit.window("07:00", "10:00", staff=2, days=["mon"])],
                    decisions=[kit.decision("D1", MON, SUN, 5)])
    scn = kit.scenario([c1])
    one = [kit.shift("A1", "C1", "2027-01-04T07:00", "2027-01-04T10:00")]
    two = [*one, kit.shift("A2", "C1", "2027-01-04T07:00", "2027-01-04T10:00")]
    assert check_schedule(scn, kit.schedule(scn, one)).ok
    report = check_schedule(scn, kit.schedule(scn, two))
    assert [v.rule for v in report.violations] == ["decision_budget"], format_report(report)
    assert report.violations[0].detail.startswith("6.00 h scheduled where only these apply, 5.00 h")


def _two_decisions(
    d1_per_week: float, d2_per_week: float
) -> tuple[Scenario, Schedule]:
    """D1 (SFB) runs all week, D2 (municipal) from Thursday; both end in the horizon (share 1).
    D1 grants d1_per_week × 7/7 h, D2 grants d2_per_week × 4/7 h. A1 works Monday (only D1
    applies), A2 works Friday (both apply): 8 h each."""
    c1 = kit.client("C1", decisions=[
        kit.decision("D1", MON, SUN, d1_per_week),
        kit.decision("D2", date(2027, 1, 7), SUN, d2_per_week,
                     kind="lss_assistance"),
    ])
    scn = kit.scenario([c1])
    shifts = [kit.shift("A1", "C1", "2027-01-04T07:00", "2027-01-04T15:00"),
              kit.shift("A2", "C1", "2027-01-08T07:00", "2027-01-08T15:00")]
    return scn, kit.schedule(scn, shifts)


@pytest.mark.parametrize(
    ("d1", "d2", "expected"),
    [
        # D1 10 h, D2 3 h: each alone is fine, but 16 h > 13 h together.
        (10, 5.25, ["C1/D1+D2"]),
        # D1 7 h, D2 10 h: 16 h ≤ 17 h in total, yet Monday's 8 h can only use D1's 7 h.
        (7, 17.5, ["C1/D1"]),
        # D1 16 h, D2 0 h: Friday's hours must (and can) all go to D1.
        (16, 0, []),
        (10, 17.5, []),
    ],
)
def test_halls_condition_over_overlapping_decisions(
    d1: float, d2: float, expected: list[str]
) -> None:
    scn, sched = _two_decisions(d1, d2)
    assert [v.who for v in budget(scn, sched)] == expected


def test_horizon_split_at_a_period_boundary() -> None:
    # D1 ends on Wednesday with 6 h; D2 (same kind) starts Thursday with plenty.
    c1 = kit.client("C1", decisions=[
        kit.decision("D1", date(2027, 1, 1), date(2027, 1, 6), 7),
        kit.decision("D2", date(2027, 1, 7), date(2027, 6, 30), 40),
    ])
    scn = kit.scenario([c1])
    monday = kit.shift("A1", "C1", "2027-01-04T07:00", "2027-01-04T15:00")
    thursday = kit.shift("A1", "C1", "2027-01-07T07:00", "2027-01-07T15:00")
    found = budget(scn, kit.schedule(scn, [monday]))
    assert [(v.who, v.when) for v in found] == [("C1/D1", "2027-01-04 00:00–2027-01-07 00:00")]
    assert budget(scn, kit.schedule(scn, [thursday])) == []


def _reserve_case(days: int, *, future_off: bool = False,
                  **decision_args: object) -> tuple[Scenario, Schedule]:
    """Need 08–11 daily (21 h in the horizon, 21 h in the following week). D1: 14 h/week over
    two weeks (Jan 4–17) = 28 h, so half is reserved for the week after the horizon."""
    off = kit.need_exception("2027-01-11T00:00", "2027-01-18T00:00", 0)
    exceptions = [off] if future_off else []
    c1 = kit.client("C1", windows=[kit.window("08:00", "11:00")], exceptions=exceptions,
                    decisions=[kit.decision("D1", MON, date(2027, 1, 17), 14, **decision_args)])
    scn = kit.scenario([c1])
    staff = ["A1", "A2", "A3"]
    shifts = [kit.shift(staff[d % 3], "C1", f"2027-01-{4 + d:02d}T08:00",
                        f"2027-01-{4 + d:02d}T11:00") for d in range(days)]
    return scn, kit.schedule(scn, shifts)


def test_pro_rata_need_reserves_for_the_rest_of_the_period() -> None:
    need = "pro_rata_need"
    # share = 21 / (21 + 21) → 14 h available: 4 × 3 h fits, 5 × 3 h does not.
    assert budget(*_reserve_case(4, reserve=need)) == []
    found = budget(*_reserve_case(5, reserve=need))
    assert [v.detail.split(" (")[0] for v in found] == [
        "15.00 h scheduled where only these apply, 14.00 h available to the decision"
    ]
    assert "share 0.500" in found[0].detail
    # No need after the horizon: nothing to reserve, all 28 h may be used now.
    assert budget(*_reserve_case(7, future_off=True, reserve=need)) == []


def test_pro_rata_time_ignores_the_need_pattern() -> None:
    # 7 of 14 days → half of 28 h, even when the later week has no need.
    time = "pro_rata_time"
    assert len(budget(*_reserve_case(5, future_off=True, reserve=time))) == 1
    assert budget(*_reserve_case(4, future_off=True, reserve=time)) == []


def test_hours_performed_and_approved_exception() -> None:
    need = "pro_rata_need"
    # (28 − 10) × 0.5 = 9 h: 3 × 3 h fits, 4 × 3 h does not.
    assert budget(*_reserve_case(3, reserve=need, performed=10)) == []
    assert len(budget(*_reserve_case(4, reserve=need, performed=10))) == 1
    # (28 + 2) × 0.5 = 15 h with an approved exception: 5 × 3 h fits exactly.
    assert budget(*_reserve_case(5, reserve=need, extra=2)) == []


def test_no_reserve_when_the_period_ends_in_the_horizon() -> None:
    # Period Jan 1–10 ends inside the horizon: all that is left may be used (share 1).
    c1 = kit.client("C1", decisions=[kit.decision("D1", date(2027, 1, 1), SUN, 7,
                                                  reserve="pro_rata_need")])
    scn = kit.scenario([c1])
    shifts = [kit.shift("A1", "C1", "2027-01-04T07:00", "2027-01-04T17:00")]  # 10 h = 10 h
    assert budget(scn, kit.schedule(scn, shifts)) == []
    shifts = [kit.shift("A1", "C1", "2027-01-04T07:00", "2027-01-04T17:15")]
    assert len(budget(scn, kit.schedule(scn, shifts))) == 1
