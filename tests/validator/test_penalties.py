"""Penalty recomputation on small cases whose numbers are worked out by hand below."""

from __future__ import annotations

import pytest

import builders as kit
from scheduler.domain.scenario import Scenario
from scheduler.domain.schedule import Schedule
from scheduler.domain.staff import EmploymentForm
from scheduler.validator import PENALTY_AUDITS, check_schedule, format_report


def contract_case(**schedule_args: object) -> tuple[Scenario, Schedule]:
    """One week (one hour-cap block of 7 days, full time 40 h).

    Need of C1: Mon–Fri 08–19 (5 × 11 = 55 h) and Thursday night 22–07 jour (9 h): 64 h.
    A1 (30 h contract) Mon–Thu 08–19: 44 h.  A2 (hourly, 0 h) Fri 08–12: 4 h.
    A3 (20 h) Thu 22–Fri 07 jour: 9 h jour = 4.5 h work.  A4 (10 h): nothing.
    """
    days = ["mon", "tue", "wed", "thu", "fri"]
    c1 = kit.client("C1", approved=["A1", "A2", "A3", "A4"], windows=[
        kit.window("08:00", "19:00", days=days),
        kit.window("22:00", "07:00", on_call=True, days=["thu"]),
    ])
    staff = [kit.assistant("A1", 30), kit.assistant("A2", 0, employment=EmploymentForm.HOURLY),
             kit.assistant("A3", 20), kit.assistant("A4", 10)]
    scn = kit.scenario([c1], staff)
    shifts = [kit.shift("A1", "C1", f"2027-01-0{d}T08:00", f"2027-01-0{d}T19:00")
              for d in (4, 5, 6, 7)]
    shifts += [kit.shift("A2", "C1", "2027-01-08T08:00", "2027-01-08T12:00"),
               kit.shift("A3", "C1", "2027-01-07T22:00", "2027-01-08T07:00", jour=9)]
    return scn, kit.schedule(scn, shifts, **schedule_args)


CONTRACT_EXPECTED = {
    # Friday 12–19 has nobody: 7 person-hours.
    "uncovered_need": 7.0,
    # A1: 44 − 40 = 4 h beyond full time.
    "overtime": 4.0,
    # A1: min(44, 40) − 30 = 10; A2: 4 − 0 = 4.  → 14
    "additional_hours": 14.0,
    # A3: 20 − 4.5 = 15.5; A4: 10 − 0 = 10.  → 25.5
    "unused_contract": 25.5,
    # Night group (C1 has night need): A1 factor round(100·40/30) = 133, 0 nights → 0;
    # A3 factor 200 × 1 night (8 h in 22–06) = 200; A4 factor 400 × 0 = 0; A2 is hourly.
    # (200 − 0) / 100 = 2.
    "fair_nights": 2.0,
    # No weekend need at all → no group → 0.
    "fair_weekends": 0.0,
    # Not a re-plan: nothing to change against.
    "changes": 0.0,
    # (C1, A1), (C1, A2), (C1, A3).
    "continuity": 3.0,
    # No scattered clients: no visits, so neither waiting nor travel.
    "waiting": 0.0,
    "travel": 0.0,
}


def test_contract_terms_uncovered_and_continuity() -> None:
    scn, sched = contract_case()
    report = check_schedule(scn, sched)
    assert report.ok, format_report(report)
    assert report.penalties == pytest.approx(CONTRACT_EXPECTED)
    for term, audit in PENALTY_AUDITS.items():
        assert audit(scn, sched) == pytest.approx(CONTRACT_EXPECTED[term]), term


def test_penalty_and_uncovered_mismatches() -> None:
    honest = dict(CONTRACT_EXPECTED, some_future_term=99.0)  # unknown terms are not compared
    scn, sched = contract_case(penalties=honest,
                               uncovered=[kit.gap("C1", "2027-01-08T12:00", "2027-01-08T19:00")])
    report = check_schedule(scn, sched)
    assert report.penalty_mismatches == []
    assert report.uncovered_mismatch is None

    off = dict(CONTRACT_EXPECTED, overtime=3.0, continuity=3.01)  # 0.01 is within tolerance
    scn, sched = contract_case(penalties=off,
                               uncovered=[kit.gap("C1", "2027-01-08T12:00", "2027-01-08T18:00")])
    report = check_schedule(scn, sched)
    assert report.penalty_mismatches == ["overtime: schedule says 3.00 h, recomputed 4.00"]
    assert report.uncovered_mismatch == (
        "the schedule lists 6.00 uncovered person-hours, recomputed 7.00"
    )
    assert report.ok  # mismatches are findings about the report, not hard-rule violations
    assert "penalty mismatch: overtime" in format_report(report)


def fairness_case() -> tuple[Scenario, Schedule]:
    """Two components (one week, 22–06 nights, night shift = ≥ 3 h of night).

    C1 (needs 'lift', awake 24/7) ← A1–A5.  C2 (night 22–06 daily, no competence) ← B1, B2.
    A1 40 h: nights Mon, Wed; Saturday day shift.
    A2 20 h, absent Mon–Tue → 5 available days: night Thu.
    A3 hourly: night Fri (not in any group; starts Friday so no weekend shift).
    A4 40 h, absent all week → 0 available days, left out.
    A5 40 h without 'lift' → not eligible for C1, so not in the component.
    B1 40 h: night Tue.  B2 40 h: nothing.
    """
    awake = [kit.window("07:00", "22:00"), kit.window("22:00", "07:00")]
    c1 = kit.client("C1", approved=["A1", "A2", "A3", "A4", "A5"], windows=awake)
    c2 = kit.client("C2", approved=["B1", "B2"], competences=[],
                    windows=[kit.window("22:00", "06:00")])
    staff = [
        kit.assistant("A1"),
        kit.assistant("A2", 20, absences=[("2027-01-04T00:00", "2027-01-06T00:00")]),
        kit.assistant("A3", 0, employment=EmploymentForm.HOURLY),
        kit.assistant("A4", absences=[("2027-01-04T00:00", "2027-01-11T00:00")]),
        kit.assistant("A5", competences=[]),
        kit.assistant("B1", competences=[]),
        kit.assistant("B2", competences=[]),
    ]
    scn = kit.scenario([c1, c2], staff)
    shifts = [
        kit.shift("A1", "C1", "2027-01-04T22:00", "2027-01-05T07:00"),
        kit.shift("A1", "C1", "2027-01-06T22:00", "2027-01-07T07:00"),
        kit.shift("A1", "C1", "2027-01-09T08:00", "2027-01-09T16:00"),
        kit.shift("A2", "C1", "2027-01-07T22:00", "2027-01-08T07:00"),
        kit.shift("A3", "C1", "2027-01-08T22:00", "2027-01-09T07:00"),
        kit.shift("B1", "C2", "2027-01-05T22:00", "2027-01-06T06:00"),
    ]
    return scn, kit.schedule(scn, shifts)


def test_fairness_spreads() -> None:
    scn, sched = fairness_case()
    report = check_schedule(scn, sched)
    assert report.ok, format_report(report)
    # Nights. C1 group {A1, A2}: A1 factor 100 × 2 = 200; A2 factor
    # round(100 · 40/20 · 7/5) = 280 × 1 = 280 → 0.8.  C2 group {B1, B2}: 100 vs 0 → 1.0.
    assert report.penalties["fair_nights"] == pytest.approx(1.8)
    # Weekends. C1: A1 100 × 1 vs A2 280 × 0 → 1.0.  C2 (need on Sat/Sun nights too): 0 vs 0.
    assert report.penalties["fair_weekends"] == pytest.approx(1.0)
    # (C1, A1), (C1, A2), (C1, A3), (C2, B1).
    assert report.penalties["continuity"] == 4


def test_short_evening_overlap_is_not_a_night_shift() -> None:
    # 19:00–23:00 has 1 h of night (< 3 h), so the spread stays 0 between A1 and A2.
    scn = kit.scenario([kit.client("C1", approved=["A1", "A2"])], kit.team("A1", "A2"))
    sched = kit.schedule(scn, [kit.shift("A1", "C1", "2027-01-04T19:00", "2027-01-04T23:00")])
    assert PENALTY_AUDITS["fair_nights"](scn, sched) == 0
