"""OB, jour and pay components against amounts computed by hand (default cost settings).

Default rates (kr/h): weekday evening 19–22: 22, weekday night 22–06: 47, weekend day 64 /
night 74 (Saturday 00:00 to Monday 07:00), major holiday day 131 / night 157 (from 07:00 on the
first day to 07:00 after the last); jour 50 weekday / 100 weekend / 150 major holiday.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

import builders as kit
from scheduler.domain.scenario import Scenario
from scheduler.domain.schedule import Shift
from scheduler.results.costing import compute_costs

ZONE = ZoneInfo("Europe/Stockholm")


def _scenario(start: str, days: int = 14) -> Scenario:
    granted = kit.decision("D1", start, "2027-12-31", 70, kind="sfb_assistance")
    c1 = kit.client("C1", decisions=[granted], approved=["M1", "P1", "H1"], competences=(),
                    windows=[kit.window("07:00", "22:00"),
                             kit.window("22:00", "07:00", on_call=True, days=["sat"])])
    people = [kit.staff("M1", 0), kit.staff("P1", 0, employment="pan", family_caregiver=True),
              kit.staff("H1", 0, employment="hourly")]
    return kit.scenario([c1], people, name="ob", start=start, days=days,
                        units=[kit.unit("U1"), kit.unit("U2")])


def _shift(staff: str, start: datetime, end: datetime, on_call: float = 0) -> Shift:
    start, end = start.replace(tzinfo=ZONE), end.replace(tzinfo=ZONE)
    return Shift(staff=staff, client="C1", unit="U1", start=start, end=end,
                 hours=(end - start).total_seconds() / 3600, on_call_hours=on_call)


def _ob(scenario: Scenario, shift: Shift) -> tuple[float, float]:
    cost = compute_costs(scenario, kit.schedule(scenario, [shift])).shifts[0]
    return cost.ob, cost.jour_pay


@pytest.mark.parametrize(("label", "start", "end", "expected"), [
    # Christmas Eve 2026 (a Thursday) 16–23: storhelg from 07:00.
    # 16–22 major day 6 h × 131 = 786; 22–23 major night 1 h × 157 = 157; 786 + 157 = 943.
    ("christmas eve evening", datetime(2026, 12, 24, 16), datetime(2026, 12, 24, 23), 943.0),
    # Christmas Eve 06–09: 06–07 ordinary Thursday morning, 0; 07–09 major day 2 × 131 = 262.
    ("christmas eve morning", datetime(2026, 12, 24, 6), datetime(2026, 12, 24, 9), 262.0),
    # Sunday 7 March 2027 22:00 – Monday 08:00: Sun 22–24 weekend night 2 × 74 = 148;
    # Mon 00–06 still weekend night 6 × 74 = 444; Mon 06–07 weekend day 1 × 64 = 64;
    # Mon 07–08 none. 148 + 444 + 64 = 656.
    ("weekend night", datetime(2027, 3, 7, 22), datetime(2027, 3, 8, 8), 656.0),
    # Wednesday 10 March 2027 14–23: 14–19 none; 19–22 evening 3 × 22 = 66;
    # 22–23 weekday night 1 × 47 = 47. 66 + 47 = 113.
    ("normal weekday", datetime(2027, 3, 10, 14), datetime(2027, 3, 10, 23), 113.0),
    # Friday 12 March 20:00 – Saturday 02:00: 20–22 evening 2 × 22 = 44; 22–24 weekday night
    # 2 × 47 = 94; Sat 00–02 weekend night 2 × 74 = 148. 44 + 94 + 148 = 286.
    ("friday into saturday", datetime(2027, 3, 12, 20), datetime(2027, 3, 13, 2), 286.0),
    # Holy Saturday 27 March 2027 22:00 – Easter Sunday 07:00, the night clocks go forward
    # (02:00 → 03:00, 8 elapsed hours), inside Easter's storhelg (Good Friday 07:00 – Tuesday
    # 07:00): 22–02 and 03–06 major night 7 × 157 = 1099; 06–07 major day 1 × 131 = 131.
    # 1099 + 131 = 1230.
    ("easter night, summer time", datetime(2027, 3, 27, 22), datetime(2027, 3, 28, 7), 1230.0),
])
def test_ob_against_hand_computed_amounts(label: str, start: datetime, end: datetime,
                                          expected: float) -> None:
    scenario = _scenario(f"{start:%Y-%m-%d}")
    ob, jour = _ob(scenario, _shift("M1", start, end))
    assert ob == pytest.approx(expected), label
    assert jour == 0


def test_family_caregiver_gets_no_ob() -> None:
    scenario = _scenario("2026-12-21")
    ob, _ = _ob(scenario, _shift("P1", datetime(2026, 12, 24, 16), datetime(2026, 12, 24, 23)))
    assert ob == 0
    # The same shift by a PAN assistant who is not a family caregiver is paid the 943 kr.
    ob, _ = _ob(scenario, _shift("H1", datetime(2026, 12, 24, 16), datetime(2026, 12, 24, 23)))
    assert ob == pytest.approx(943.0)


def test_jour_is_paid_the_jour_rate_not_ob() -> None:
    # Saturday 6 March 2027 21:00 – Sunday 07:00 for an hourly assistant (175 kr/h); the need
    # marks 22–07 as jour. Active 21–22 Saturday: weekend day OB 1 × 64 = 64.
    # Jour 22–07 (9 h, all in the weekend window): 9 × 100 = 900; no OB on jour.
    # Work time 1 + 9 × 0.5 = 5.5 h → base pay 5.5 × 175 = 962.5.
    scenario = _scenario("2027-03-01")
    shift = _shift("H1", datetime(2027, 3, 6, 21), datetime(2027, 3, 7, 7), on_call=9)
    report = compute_costs(scenario, kit.schedule(scenario, [shift]))
    cost = report.shifts[0]
    assert cost.ob == pytest.approx(64.0)
    assert cost.jour_pay == pytest.approx(900.0)
    assert cost.work_hours == pytest.approx(5.5)
    assert report.total["base_pay"] == pytest.approx(962.5)
    # The family caregiver gets neither OB nor jour supplement for the same shift.
    caregiver = compute_costs(scenario, kit.schedule(scenario, [shift.model_copy(
        update={"staff": "P1"})])).shifts[0]
    assert (caregiver.ob, caregiver.jour_pay) == (0.0, 0.0)


def test_premiums_contributions_revenue_and_units_by_hand() -> None:
    """One week, Monday 1 – Sunday 7 March 2027 (no holidays), default settings."""
    # Period = the horizon, 70 h/week, nothing performed, no reserve: 70 h available.
    granted = kit.decision("D1", "2027-03-01", "2027-03-07", 70, kind="sfb_assistance")
    c1 = kit.client("C1", decisions=[granted], windows=[kit.window("08:00", "18:00")],
                    approved=["F1", "F2", "P1", "H1"], competences=())
    people = [kit.staff("F1"), kit.staff("F2"), kit.staff("P1", 20),
              kit.staff("H1", 0, employment="hourly"), kit.staff("I1", 30, unit="U2")]
    scenario = kit.scenario([c1], people, name="premiums", start="2027-03-01",
                            units=[kit.unit("U1"), kit.unit("U2")])
    shifts = (
        [_shift("F1", datetime(2027, 3, d, 8), datetime(2027, 3, d, 17)) for d in range(1, 6)]
        + [_shift("F2", datetime(2027, 3, d, 8), datetime(2027, 3, d, 18)) for d in range(1, 5)]
        + [_shift("F2", datetime(2027, 3, 6, 8), datetime(2027, 3, 6, 14))]
        + [_shift("P1", datetime(2027, 3, d, 8), datetime(2027, 3, d, 16)) for d in range(1, 4)]
        + [_shift("H1", datetime(2027, 3, 4, 8), datetime(2027, 3, 4, 12))]
    )
    report = compute_costs(scenario, kit.schedule(scenario, shifts))
    staff = report.staff.set_index("staff")
    # F1: 5 × 9 h = 45 h, full time 40 → 5 h overtime, all on weekdays 08–17 (simple):
    # premium 5 × 190 × 0.8 = 760; base 190 × 45 = 8550.
    assert staff.loc["F1", "overtime_hours"] == pytest.approx(5)
    assert staff.loc["F1", "overtime_premium"] == pytest.approx(760)
    assert staff.loc["F1", "base_pay"] == pytest.approx(8550)
    # F2: 4 × 10 h + Saturday 6 h = 46 h → 6 h overtime; 6 of 46 work hours are qualified
    # (weekend): 6 × 190 × (0.8 × 40/46 + 1.4 × 6/46) = 1140 × 40.4 / 46 = 1001.2174.
    # OB: Saturday 08–14 weekend day 6 × 64 = 384.
    assert staff.loc["F2", "overtime_premium"] == pytest.approx(1140 * 40.4 / 46)
    assert staff.loc["F2", "ob"] == pytest.approx(384)
    # P1: 3 × 8 = 24 h on a 20 h contract → 4 h mertid × 190 × 0.35 = 266; base 190 × 24 = 4560.
    assert staff.loc["P1", "additional_premium"] == pytest.approx(266)
    assert staff.loc["P1", "base_pay"] == pytest.approx(4560)
    # H1 (hourly, 175): 4 h → 700, no mertid premium (no contract to exceed).
    assert staff.loc["H1", "base_pay"] == pytest.approx(700)
    assert staff.loc["H1", "additional_premium"] == 0
    # I1: no shifts, but a 30 h contract is paid: 190 × 30 = 5700, to its home unit U2.
    assert staff.loc["I1", "base_pay"] == pytest.approx(5700)
    assert report.by_unit["U2"]["base_pay"] == pytest.approx(5700)
    assert report.by_unit["U2"]["employer_contributions"] == pytest.approx(0.4 * 5700)
    # F2's base pay 190 × 46 = 8740. Pay in total:
    # base 8550 + 8740 + 4560 + 700 + 5700 = 28250; OB 384; overtime 760 + 1001.2174;
    # mertid 266 → 30661.2174; PO 40 % = 12264.4870; total cost 42925.7043.
    pay = 28250 + 384 + 760 + 1140 * 40.4 / 46 + 266
    assert report.total["employer_contributions"] == pytest.approx(0.4 * pay)
    assert report.total["total_cost"] == pytest.approx(1.4 * pay)
    # Revenue: 45 + 46 + 24 + 4 = 119 h scheduled, 70 h granted → 70 × 332.60 = 23282.
    assert report.total["revenue"] == pytest.approx(70 * 332.60)
    assert report.total["net"] == pytest.approx(70 * 332.60 - 1.4 * pay)
