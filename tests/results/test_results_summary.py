"""The terminal summary renders every part from the schedule file alone."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from rich.console import Console

from scheduler.domain.schedule import (
    Blocker,
    PenaltyTerm,
    Schedule,
    SolveInfo,
    UncoveredInterval,
)
from scheduler.results.kpi import compute_kpis, kpis_to_dict
from scheduler.results.summary import print_summary


def test_summary_shows_all_parts(tiny_scenario):
    scenario = tiny_scenario()
    start = datetime(2027, 3, 22, 7, tzinfo=UTC)
    uncovered = [
        UncoveredInterval(client="C01", unit="U1", start=start + timedelta(days=d),
                          end=start + timedelta(days=d, hours=4), missing=1,
                          reason=f"reason {d}")
        for d in range(5)
    ]
    schedule = Schedule(
        scenario="tiny", horizon_start="2027-03-22", horizon_days=7, timezone="Europe/Stockholm",
        created=start,
        solve=SolveInfo(status="feasible", objective=2012.5, best_bound=1900.0, gap=0.0559,
                        wall_seconds=4.2, time_limit_seconds=5, workers=2, seed=0),
        penalties=[
            PenaltyTerm(rule="uncovered_need", raw=20, unit="person-hours", weight=100,
                        contribution=2000),
            PenaltyTerm(rule="unused_contract", raw=3.125, unit="hours", weight=4,
                        contribution=12.5),
        ],
        uncovered=uncovered,
    )
    schedule = schedule.model_copy(
        update={"kpis": kpis_to_dict(compute_kpis(scenario, schedule))}
    )
    out = io.StringIO()
    print_summary(schedule, console=Console(file=out, width=200), max_uncovered=3, lang="en")
    text = out.getvalue()
    for expected in ("feasible", "2,012.50", "5.59 %", "uncovered need", "unused contract hours",
                     "2,000.00", "D01", "assistance allowance (SFB)", "A01", "A03",
                     "need covered (%)",
                     "reason 0", "reason 2", "and 2 more"):
        assert expected in text, expected
    assert "reason 3" not in text


def test_summary_names_who_could_take_uncovered_need(tiny_scenario):
    start = datetime(2027, 3, 22, 7, tzinfo=UTC)
    gap = UncoveredInterval(
        client="C01", unit="U1", start=start, end=start + timedelta(hours=4), missing=1,
        reason="not covered", blockers=[
            Blocker(staff="A1", kind="resting",
                    detail="resting until 18:00 after C01 06:00–14:00"),
            Blocker(staff="A3", kind="free", detail="free: would cost 4 h of overtime")])
    schedule = Schedule(
        scenario="tiny", horizon_start="2027-03-22", horizon_days=7, timezone="Europe/Stockholm",
        created=start,
        solve=SolveInfo(status="feasible", objective=1.0, best_bound=1.0, gap=0.0,
                        wall_seconds=1, time_limit_seconds=5, workers=1, seed=0),
        uncovered=[gap])
    out = io.StringIO()
    print_summary(schedule, console=Console(file=out, width=200), lang="en")
    assert ("C01 Mon 08:00: could take it: A3 (free: would cost 4 h of overtime); "
            "A1 resting until 18:00 after C01 06:00–14:00") in out.getvalue()


def test_summary_speaks_swedish_by_default(tiny_scenario):
    scenario = tiny_scenario()
    start = datetime(2027, 3, 22, 7, tzinfo=UTC)
    schedule = Schedule(
        scenario="tiny", horizon_start="2027-03-22", horizon_days=7, timezone="Europe/Stockholm",
        created=start,
        solve=SolveInfo(status="feasible", objective=1234.5, best_bound=1000.0, gap=0.19,
                        wall_seconds=4.2, time_limit_seconds=5, workers=2, seed=0),
        penalties=[PenaltyTerm(rule="uncovered_need", raw=4, unit="person-hours", weight=100,
                               contribution=400)],
        uncovered=[UncoveredInterval(client="C01", unit="U1", start=start,
                                     end=start + timedelta(hours=4), missing=1, reason="r")])
    schedule = schedule.model_copy(update={"kpis": kpis_to_dict(compute_kpis(scenario,
                                                                               schedule))})
    out = io.StringIO()
    print_summary(schedule, console=Console(file=out, width=200))
    text = out.getvalue()
    for expected in ("Schema för tiny", "giltig, ej bevisat optimal", "målvärde 1\xa0234,50",
                     "Straff (mjuka regler)", "otäckt behov", "persontimmar",
                     "assistansersättning (SFB)", "Beslut (timmar)", "utöver beviljat",
                     "timmar utöver beviljat (undantag)", "mån 22/3 08:00–12:00"):
        assert expected in text, expected
    for snake in ("uncovered_need", "sfb_assistance", "person-hours", "coverage_pct"):
        assert snake not in text, snake
