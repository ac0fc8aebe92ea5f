"""A decision may state how an hour of jour counts against its granted hours (FK assesses jour
at a quarter of an hour); without such a statement an hour counts as an hour (docs/domain.md,
Decisions). The engine, the greedy baseline, the validator, the data-only bound, the KPIs and
FK revenue all count it so."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from decision_builders import build, decision, window
from pydantic import ValidationError

from scheduler.domain.scenario import Scenario
from scheduler.domain.schedule import Schedule
from scheduler.results.costing import compute_costs
from scheduler.results.kpi import compute_kpis
from scheduler.solver.bounds import lower_bound
from scheduler.solver.candidates import generate_shifts
from scheduler.solver.engine import components
from scheduler.solver.problem import compile_problem

EXAMPLE = Path(__file__).resolve().parents[2] / "scenarios" / "fk_jour.yaml"
Plan = Callable[[Scenario], Schedule]


def fk_jour(rate: float | None) -> Scenario:
    """The example; ``rate`` None: the decision says nothing, so jour counts 1:1."""
    data: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    (d,) = data["clients"][0]["decisions"]
    assert d["on_call_counts_as"] == 0.25
    if rate is None:
        del d["on_call_counts_as"]
    else:
        d["on_call_counts_as"] = rate
    return Scenario.model_validate(data)


def uncovered_at_least(scenario: Scenario) -> float:
    """The data-only lower bound on uncovered person-hours (any schedule leaves this much)."""
    problem = compile_problem(scenario)
    parts = components(problem, generate_shifts(problem))
    return sum(lower_bound(problem, p.owners, p.staff, p.shifts).terms["uncovered_need"]
               for p in parts)


def test_fk_jour_example_fits_because_jour_counts_at_a_quarter(planned: Plan) -> None:
    scenario = fk_jour(0.25)
    schedule = planned(scenario)
    kpis = compute_kpis(scenario, schedule)
    assert kpis.totals["uncovered_person_hours"] == 0
    row = kpis.decisions.iloc[0]
    # 14 days × (15 awake h + 9 jour h); charged 210 + 126 × 0.25 of the 242.5 h available.
    assert (row["scheduled_hours"], row["on_call_hours"]) == (336, 126)
    assert row["charged_hours"] == pytest.approx(241.5)
    assert row["available_in_horizon_hours"] == pytest.approx(1507.2142857 * 14 / 87)
    assert row["over_available_hours"] == 0
    # FK pays per hour as the decision counts it: 241.5 h, not 336.
    revenue = compute_costs(scenario, schedule, kpis).total["revenue"]
    assert revenue == pytest.approx(241.5 * scenario.cost.fk_hourly_amount)
    assert uncovered_at_least(scenario) == 0


def test_fk_jour_example_counted_one_to_one_leaves_94_hours(planned: Plan) -> None:
    scenario = fk_jour(None)
    assert scenario.clients[0].decisions[0].on_call_counts_as == 1
    # The same 242.5 h now pay for 242.5 of the 336 person-hours: no schedule can do better.
    assert uncovered_at_least(scenario) == pytest.approx(336 - 1507.2142857 * 14 / 87)
    schedule = planned(scenario)
    kpis = compute_kpis(scenario, schedule)
    assert 93.4 < kpis.totals["uncovered_person_hours"] <= 96
    row = kpis.decisions.iloc[0]
    assert row["charged_hours"] == row["scheduled_hours"] <= row["available_in_horizon_hours"]


def test_side_by_side_decisions_split_jour_by_their_rates(solve_checked: Plan) -> None:
    # A week of 105 awake and 63 jour hours. SFB counts jour at ¼ and grants 20 h, the
    # municipal decision counts it in full and grants 104 h: all is covered only if at least
    # 58.7 of the jour hours go to the SFB decision (x + (20 − x/4) ≥ 168 − 104).
    need = [window("07:00", "22:00"), window("22:00", "07:00", on_call=True)]
    scenario = build([decision("SFB1", per_week=20, on_call_counts_as=0.25),
                      decision("LSS1", "lss_assistance", per_week=104)], need, staff=8)
    schedule = solve_checked(scenario, time_limit=5)
    kpis = compute_kpis(scenario, schedule)
    assert kpis.totals["uncovered_person_hours"] == 0
    rows = kpis.decisions.set_index("decision")
    assert rows.loc["SFB1", "on_call_hours"] == 63  # the KPIs hand jour to the cheaper payer
    assert rows["charged_hours"].to_dict() == {"SFB1": pytest.approx(20),
                                              "LSS1": pytest.approx(100.75)}
    assert (rows["over_available_hours"] == 0).all()


@pytest.mark.parametrize(("rate", "refused"), [
    (0, "greater than 0"), (-0.25, "greater than 0"), (1.5, "less than or equal to 1"),
    (1 / 7, None), (1, None),
])
def test_jour_counts_as_more_than_nothing_and_at_most_an_hour(rate: float,
                                                             refused: str | None) -> None:
    def make() -> Scenario:
        return build([decision("SFB1", on_call_counts_as=rate)], [window("08:00", "16:00")])

    if refused is None:
        assert make().clients[0].decisions[0].on_call_counts_as == rate
        return
    with pytest.raises(ValidationError, match=refused) as raised:
        make()
    assert "on_call_counts_as" in str(raised.value)
