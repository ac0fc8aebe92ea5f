"""decision_budget and staffing_cap by service and jour rate: a decision pays only for the need
of its own service, an hour of jour at the decision's ``on_call_counts_as``; where decisions
with different rates may pay for the same time, some split of it must fit (checked exactly)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

import builders as kit
from scheduler.domain.budget import decision_budgets
from scheduler.domain.clients import DecisionKind, ReserveRule
from scheduler.domain.scenario import Scenario
from scheduler.domain.timegrid import TimeGrid
from scheduler.validator import AUDITS, check_schedule, format_report
from scheduler.validator.context import Context
from scheduler.validator.hard import available_hours

MON, SUN = date(2027, 1, 4), date(2027, 1, 10)
budget = AUDITS["decision_budget"]


def rated(d: dict[str, Any], rate: float) -> dict[str, Any]:
    return {**d, "on_call_counts_as": rate}


def test_a_stay_decision_does_not_absorb_assistance_hours() -> None:
    # The SFB decision has 5 h; an unbooked short-term-stay decision has plenty. 8 h of
    # assistance overrun the SFB decision: the stay's hours pay for stays only.
    c1 = kit.client("C1", decisions=[
        kit.decision("D1", MON, SUN, 5),
        kit.decision("DK", MON, date(2027, 6, 30), 100, kind=DecisionKind.SHORT_TERM_STAY)])
    scn = kit.scenario([c1])
    found = budget(scn, kit.schedule(scn, [kit.shift("A1", "C1", "2027-01-04T07:00",
                                                     "2027-01-04T15:00")]))
    assert [(v.who, v.detail.split(" (")[0]) for v in found] == [
        ("C1/D1", "8.00 h scheduled where only these apply, 5.00 h available to the decision")]


def _with_companion_visit(*decisions: dict[str, Any]) -> Scenario:
    visit = {"start": "10:00", "end": "14:00", "days": ["sat"], "service": "companion_service"}
    return kit.scenario([kit.client("C1", decisions=list(decisions),
                                    windows=[kit.window("07:00", "10:00", days=["sat"]), visit])])


SATURDAY_VISIT = ("2027-01-09T10:00", "2027-01-09T14:00")


def test_need_no_decision_pays_for_is_not_schedulable() -> None:
    scn = _with_companion_visit(kit.decision("D1", MON, SUN, 100))
    report = check_schedule(scn, kit.schedule(scn, [kit.shift("A1", "C1", *SATURDAY_VISIT)]))
    assert [(v.rule, v.when, v.detail) for v in report.violations] == [
        ("staffing_cap", "2027-01-09 10:00–14:00", "1 assistant(s) scheduled, schedulable need 0 "
         "(no decision that pays for companion_service covers the time)")]


def test_a_companion_decision_pays_for_its_visits_alone() -> None:
    scn = _with_companion_visit(kit.decision("D1", MON, SUN, 100),
                                kit.decision("DC", MON, SUN, 2,
                                             kind=DecisionKind.COMPANION_SERVICE))
    visit = kit.shift("A1", "C1", *SATURDAY_VISIT)
    assistance = kit.shift("A2", "C1", "2027-01-09T07:00", "2027-01-09T10:00")
    found = budget(scn, kit.schedule(scn, [visit, assistance]))
    # 4 h of companion service on 2 h: the SFB decision's 97 h to spare do not help.
    assert [(v.who, v.detail.split(" (")[0]) for v in found] == [
        ("C1/DC", "4.00 h scheduled where only these apply, 2.00 h available to the decision")]
    assert check_schedule(scn, kit.schedule(scn, [assistance])).ok


NIGHT = ("2027-01-04T22:00", "2027-01-05T07:00")  # 9 h of jour (the kit's need: jour 22–07)


@pytest.mark.parametrize(("per_week", "rate", "expected"), [
    (3, 0.25, []),  # 9 × 0.25 = 2.25 h ≤ 3 h
    (3, 1, ["9.00 h scheduled where only these apply, 3.00 h available to the decision"]),
    (2, 0.25, ["2.25 h scheduled where only these apply (an hour of jour counted as D1 0.25 h), "
               "2.00 h available to the decision"]),
])
def test_jour_counts_at_the_decisions_rate(per_week: float, rate: float,
                                           expected: list[str]) -> None:
    d1 = rated(kit.decision("D1", MON, SUN, per_week), rate)
    scn = kit.scenario([kit.client("C1", decisions=[d1])])
    found = budget(scn, kit.schedule(scn, [kit.shift("A1", "C1", *NIGHT, jour=9)]))
    assert [v.detail.split(" (D1: ")[0] for v in found] == expected


def _mixed_rates(lss_per_week: float) -> tuple[Scenario, list]:
    """SFB (jour at ¼, 10 h) and LSS (jour in full) side by side all week; two assistants on
    jour 00–08 five nights: 80 h of jour either may pay for."""
    decisions = [rated(kit.decision("D1", MON, SUN, 10), 0.25),
                 kit.decision("D2", MON, SUN, lss_per_week,
                              kind=DecisionKind.LSS_ASSISTANCE)]
    scn = kit.scenario([kit.client("C1", decisions=decisions,
                                   windows=[kit.window("00:00", "08:00", 2, on_call=True)])])
    shifts = [kit.shift(a, "C1", f"2027-01-{d:02d}T00:00", f"2027-01-{d:02d}T08:00", jour=8,
                        meal_pauses=False)
              for d in range(4, 9) for a in ("A1", "A2")]
    return scn, shifts


def test_a_split_between_rates_that_fits_is_found() -> None:
    # 40 h on D1 cost its 10 h, 40 h on D2 its 40 h: it fits, though 80 h would not fit either
    # one alone, nor both at one rate (80 > 50).
    scn, shifts = _mixed_rates(40)
    assert budget(scn, kit.schedule(scn, shifts)) == []


def test_no_split_between_rates_fits() -> None:
    # D2 has 20 h: the best split (20 h on D2, 60 h on D1 at 15 h of its 10) overruns by 5 h,
    # though at D1's rate alone the 80 h would cost 20 ≤ 30 h of both budgets.
    scn, shifts = _mixed_rates(20)
    found = budget(scn, kit.schedule(scn, shifts))
    assert [(v.who, v.detail.split(", however")[0]) for v in found] == [
        ("C1/D1+D2", "5.00 h more than the decisions have available")]
    assert "an hour of jour counted as D1 0.25 h" in found[0].detail


def test_the_reserve_is_pro_rata_to_the_need_as_the_decision_counts_it() -> None:
    # Two-week period, the horizon its first week: 8 awake + 9 jour hours a day; the second
    # week is jour around the clock. Counted at ¼: 71.75 h now, 42 h later.
    jour_week = kit.need_exception("2027-01-11T00:00", "2027-01-18T00:00", 1, on_call=True)
    d1 = rated(kit.decision("D1", MON, date(2027, 1, 17), 50,
                            reserve=ReserveRule.PRO_RATA_NEED), 0.25)
    client = kit.client("C1", decisions=[d1], exceptions=[jour_week], windows=[
        kit.window("08:00", "16:00"), kit.window("22:00", "07:00", on_call=True)])
    scn = kit.scenario([client])
    share = 71.75 / (71.75 + 42)
    ctx = Context(scn, kit.schedule(scn, []))
    model = scn.clients[0]
    assert available_hours(ctx, model, model.decisions[0]) == pytest.approx(
        (100 * share, 100, share))
    (b,) = decision_budgets(scn, TimeGrid.from_horizon(scn.horizon))
    assert (b.available_hours, b.share_in_horizon) == pytest.approx((100 * share, share))
    report = check_schedule(scn, kit.schedule(scn, []))
    assert not [v for v in report.violations if v.rule == "decision_budget"], format_report(
        report)
