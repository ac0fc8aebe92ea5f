"""Each decision pays only for the need it was granted for (docs/domain.md, Decisions): assistance
decisions for assistance, companion and relief service for their own visits, ``other`` only for
windows that name it, a short-term stay never for a client's need windows. Need of a service no
decision of the client pays for is uncovered with that reason, never charged to another
decision: in the model, the greedy baseline, the validator, the KPIs and FK revenue."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from decision_builders import WEEKDAYS_8_16, build, decision, hours, local, window
from pydantic import ValidationError

from scheduler.domain.clients import DecisionKind, Service
from scheduler.domain.scenario import Scenario
from scheduler.domain.schedule import Schedule
from scheduler.results.costing import compute_costs
from scheduler.results.kpi import compute_kpis

Plan = Callable[[Scenario], Schedule]
NO_DECISION = "no decision covers this time"


def test_every_kind_pays_for_one_service_and_a_stay_for_none() -> None:
    assert {k: k.service for k in DecisionKind} == {
        DecisionKind.SFB_ASSISTANCE: Service.ASSISTANCE,
        DecisionKind.LSS_ASSISTANCE: Service.ASSISTANCE,
        DecisionKind.ULTIMATE_RESPONSIBILITY: Service.ASSISTANCE,
        DecisionKind.SHORT_TERM_STAY: None,
        DecisionKind.COMPANION_SERVICE: Service.COMPANION_SERVICE,
        DecisionKind.RELIEF_SERVICE: Service.RELIEF_SERVICE,
        DecisionKind.OTHER: Service.OTHER,
    }


def used_up_sfb_and_a_stay_decision() -> Scenario:
    """The issue's case: the SFB decision is used up for the period, the client also has a
    short-term-stay decision with hours to spare and no stay booked. 56 h of assistance need."""
    return build(
        [decision("SFB1", per_week=10, period=("2027-01-01", "2027-02-07"),
                  hours_performed=10 * 38 / 7),
         decision("KTV1", "short_term_stay", per_week=56, period=("2027-01-01", "2027-06-30"))],
        [window("08:00", "16:00")],
    )


def test_a_stay_decision_never_pays_for_assistance(planned: Plan) -> None:
    scenario = used_up_sfb_and_a_stay_decision()
    schedule = planned(scenario)
    assert schedule.shifts == []  # nothing may be scheduled: the SFB decision is used up
    kpis = compute_kpis(scenario, schedule)
    assert kpis.totals["uncovered_person_hours"] == pytest.approx(56)
    rows = kpis.decisions.set_index("decision")
    assert list(rows.index) == ["SFB1"]  # the stay decision pays for no need window
    assert rows.loc["SFB1", "charged_hours"] == 0
    assert kpis.totals["decision_scheduled_hours"] == 0
    reasons = {u.reason for u in schedule.uncovered}
    assert "granted hours used up in the settlement period (SFB1)" in reasons
    assert not any("KTV1" in r for r in reasons)


def companion_client(companion_per_week: float | None) -> Scenario:
    """40 h of assistance on weekdays (the SFB decision grants 60) and a companion-service
    visit Saturday 10–16 (6 h); with a companion decision granting ``companion_per_week``."""
    decisions = [decision("SFB1", per_week=60)]
    if companion_per_week is not None:
        decisions.append(decision("DC1", "companion_service", per_week=companion_per_week))
    visit = window("10:00", "16:00", ["sat"], service="companion_service")
    return build(decisions, [WEEKDAYS_8_16, visit])


SAT_10, SAT_16 = local("2027-02-06T10:00"), local("2027-02-06T16:00")


def _on_saturday(schedule: Schedule) -> float:
    return sum(hours(max(s.start, SAT_10), min(s.end, SAT_16)) for s in schedule.shifts
               if s.start < SAT_16 and s.end > SAT_10)


def test_companion_need_without_a_companion_decision_is_uncovered(planned: Plan) -> None:
    scenario = companion_client(None)
    schedule = planned(scenario)
    assert _on_saturday(schedule) == 0  # the SFB decision has 20 h to spare, yet pays nothing
    (gap,) = schedule.uncovered
    assert (gap.start, gap.end, gap.reason) == (SAT_10, SAT_16, NO_DECISION)
    kpis = compute_kpis(scenario, schedule)
    row = kpis.decisions.set_index("decision").loc["SFB1"]
    assert (row["service"], row["scheduled_hours"], row["charged_hours"]) == ("assistance", 40, 40)
    assert kpis.totals["uncovered_person_hours"] == pytest.approx(6)


def test_a_companion_decision_pays_for_its_visits_only(planned: Plan) -> None:
    # 4 h granted for the 6-h visit: 4 h staffed (the minimum shift is 3 h), 2 h uncovered.
    scenario = companion_client(4)
    schedule = planned(scenario)
    assert _on_saturday(schedule) == 4
    kpis = compute_kpis(scenario, schedule)
    rows = kpis.decisions.set_index("decision")
    assert rows.loc["DC1", "service"] == "companion_service"
    assert rows.loc["DC1", "charged_hours"] == pytest.approx(4)
    assert rows.loc["SFB1", "charged_hours"] == pytest.approx(40)  # not 42 or 46
    assert kpis.totals["uncovered_person_hours"] == pytest.approx(2)
    assert all(u.start >= SAT_10 and u.end <= SAT_16 for u in schedule.uncovered)
    # FK pays for the SFB decision's 40 h only (companion service is the municipality's).
    revenue = compute_costs(scenario, schedule, kpis).total["revenue"]
    assert revenue == pytest.approx(40 * scenario.cost.fk_hourly_amount)


def test_other_decisions_pay_only_for_windows_that_name_them(greedy_checked: Plan) -> None:
    plain = build([decision("DO1", "other", per_week=40)], [WEEKDAYS_8_16])
    schedule = greedy_checked(plain)
    assert schedule.shifts == []
    assert {u.reason for u in schedule.uncovered} == {NO_DECISION}
    named = build([decision("DO1", "other", per_week=40)],
                  [{**WEEKDAYS_8_16, "service": "other"}])
    schedule = greedy_checked(named)
    assert schedule.uncovered == []
    charged = compute_kpis(named, schedule).decisions.set_index("decision")["charged_hours"]
    assert charged.to_dict() == {"DO1": pytest.approx(40)}


def test_relief_service_exception_is_paid_by_the_relief_decision(greedy_checked: Plan) -> None:
    # A dated relief visit (Wednesday evening) replaces the need then: the SFB decision, which
    # has hours to spare, does not pay for it; the relief decision does.
    exception = {"start": "2027-02-03T17:00", "end": "2027-02-03T21:00", "staff": 1,
                 "service": "relief_service"}
    scenario = build([decision("SFB1", per_week=60), decision("DR1", "relief_service", 4)],
                     [WEEKDAYS_8_16], exceptions=[exception])
    schedule = greedy_checked(scenario)
    assert schedule.uncovered == []
    charged = compute_kpis(scenario, schedule).decisions.set_index("decision")["charged_hours"]
    assert charged.to_dict() == {"SFB1": pytest.approx(40), "DR1": pytest.approx(4)}


def test_windows_without_a_service_are_assistance() -> None:
    scenario = build([decision("SFB1")], [WEEKDAYS_8_16])
    assert scenario.clients[0].need.weekly[0].service is Service.ASSISTANCE


@pytest.mark.parametrize(("need", "message"), [
    ({"weekly": [window("08:00", "16:00", ["mon"]),
                 window("15:00", "18:00", ["mon"], service="companion_service")]},
     "clients[C1].need.weekly[0] (assistance 08:00–16:00) and weekly[1] (companion_service "
     "15:00–18:00) overlap on mon"),
    # Sunday night runs into Monday morning.
    ({"weekly": [window("22:00", "07:00", ["sun"], on_call=True),
                 window("06:00", "08:00", ["mon"], service="relief_service")]},
     "clients[C1].need.weekly[0] (assistance 22:00–07:00) and weekly[1] (relief_service "
     "06:00–08:00) overlap on mon"),
    ({"weekly": [], "exceptions": [
        {"start": "2027-02-01T08:00", "end": "2027-02-01T12:00", "staff": 1},
        {"start": "2027-02-01T11:00", "end": "2027-02-01T13:00", "staff": 1,
         "service": "other"}]},
     "clients[C1].need.exceptions[0] (assistance) and exceptions[1] (other) overlap"),
])
def test_needs_of_different_services_may_not_overlap(need: dict, message: str) -> None:
    with pytest.raises(ValidationError, match="may not overlap") as raised:
        build([decision("SFB1")], need["weekly"], exceptions=need.get("exceptions"))
    assert message in str(raised.value)


def test_adjacent_windows_of_different_services_are_fine() -> None:
    build([decision("SFB1")], [window("08:00", "16:00", ["mon"]),
                               window("16:00", "18:00", ["mon"], service="companion_service")])
