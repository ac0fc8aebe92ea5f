"""The week views' data (reports/week.py), the workbook's week sheets and the HTML report built
on them, on the comparison example's base (a week over Midsummer: holidays, jour at night in the
short-term stay home, uncovered need) planned by the validator-checked greedy baseline."""

from __future__ import annotations

import colorsys
import itertools
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from checked import checked_greedy
from scheduler.domain.loader import parse_model, read_document
from scheduler.domain.scenario import Scenario
from scheduler.domain.schedule import Schedule
from scheduler.i18n import translator
from scheduler.planning.compare import comparison_table, make_run
from scheduler.reports.excel import write_excel
from scheduler.reports.html import delta_class, render_html_report
from scheduler.reports.week import UNCOVERED_COLOUR, WeekData, colour
from scheduler.reports.week_sheets import client_rows, staff_rows

BASE = Path(__file__).resolve().parents[2] / "scenarios" / "variants" / "base.yaml"


@pytest.fixture(scope="module")
def planned() -> tuple[Scenario, Schedule]:
    data: dict[str, Any] = read_document(BASE)
    # B3 (no shifts in the base) on vacation Wednesday and Thursday morning.
    b3 = next(m for m in data["staff"] if m["id"] == "B3")
    b3["absences"] = [{"start": "2027-06-23T00:00", "end": "2027-06-24T12:00",
                       "reason": "semester"}]
    scenario = parse_model(Scenario, data, str(BASE))
    return scenario, checked_greedy(scenario)


def test_palette_is_distinct_and_never_the_uncovered_colour() -> None:
    colours = [colour(i) for i in range(300)]
    assert len(set(colours)) == 300
    assert UNCOVERED_COLOUR not in colours
    for c in colours:
        r, g, b = (int(c[i : i + 2], 16) / 255 for i in (1, 3, 5))
        hue = colorsys.rgb_to_hls(r, g, b)[0] * 360
        assert 39 <= hue <= 321, (c, hue)  # out of the red band of uncovered need
    # The first dozen (a unit's staff) differ clearly: no two closer than 20 in RGB distance.
    rgb = [tuple(int(c[i : i + 2], 16) for i in (1, 3, 5)) for c in colours[:12]]
    closest = min(sum((a - b) ** 2 for a, b in zip(x, y, strict=True)) ** 0.5
                  for i, x in enumerate(rgb) for y in rgb[i + 1 :])
    assert closest > 20


def test_days_weeks_and_holidays_in_swedish(planned: tuple[Scenario, Schedule]) -> None:
    data = WeekData(*planned, lang="sv")
    assert [d.label for d in data.days] == ["mån 21/6", "tis 22/6", "ons 23/6", "tors 24/6",
                                            "fre 25/6", "lör 26/6", "sön 27/6"]
    assert {d.date: d.holiday for d in data.days if d.holiday} == {
        date(2027, 6, 25): "Midsommarafton", date(2027, 6, 26): "Midsommardagen"}
    assert [d.weekend for d in data.days] == [False] * 5 + [True] * 2
    assert data.week_label(25) == "v. 25"
    english = WeekData(*planned, lang="en")
    assert english.days[0].label == "Mon 21/6" and english.week_label(25) == "w. 25"
    assert english.days[4].holiday == "Midsummer Eve"


def test_every_shift_lies_in_its_client_rows_with_its_jour(
        planned: tuple[Scenario, Schedule]) -> None:
    scenario, schedule = planned
    data = WeekData(scenario, schedule)
    views = data.client_weeks()
    assert {v.subject for v in views} == {"C1", "C2", "U3", "U4"}
    seen: dict[tuple[str, datetime], float] = {}
    jour: dict[tuple[str, datetime], float] = {}
    for view in views:
        for row in view.rows:
            assert row.day is not None
            day_start = datetime.combine(row.day.date, datetime.min.time())
            lanes: dict[int, list[Any]] = {}
            for b in row.blocks:
                assert day_start <= b.start < b.end <= day_start + timedelta(days=1)
                lanes.setdefault(b.lane, []).append(b)
                if b.kind == "shift":
                    key = (b.who, b.first)
                    seen[key] = seen.get(key, 0) + (b.end - b.start).total_seconds() / 3600
                    jour[key] = jour.get(key, 0) + b.jour_hours
            for blocks in lanes.values():  # blocks in one lane never overlap
                blocks.sort(key=lambda b: b.start)
                assert all(a.end <= b.start for a, b in itertools.pairwise(blocks))
    for shift in schedule.shifts:
        key = (shift.staff, data.local(shift.start))
        assert seen[key] == pytest.approx(shift.hours), shift  # all of it, over its days
        assert jour[key] == pytest.approx(shift.on_call_hours), shift
    assert any(j > 0 for j in jour.values())  # the stay home's night jour is there


def test_curves_and_uncovered_blocks_agree_with_the_schedule(
        planned: tuple[Scenario, Schedule]) -> None:
    scenario, schedule = planned
    data = WeekData(scenario, schedule)
    expected = sum(u.missing * (u.end - u.start).total_seconds() / 3600
                   for u in schedule.uncovered)
    assert expected > 0
    owners = [c for c in data.curves() if c.kind == "client" or c.subject in ("U3", "U4")]
    assert sum(c.uncovered_hours() for c in owners) == pytest.approx(expected)
    shown = sum(b.missing * (b.end - b.start).total_seconds() / 3600
                for v in data.client_weeks() for r in v.rows for b in r.blocks
                if b.kind == "uncovered")
    assert shown == pytest.approx(expected)


def test_staff_rows_shade_absences_and_list_each_shift_once(
        planned: tuple[Scenario, Schedule]) -> None:
    scenario, schedule = planned
    data = WeekData(scenario, schedule)
    u2 = next(v for v in data.staff_weeks() if v.subject == "U2")
    b3 = next(r for r in u2.rows if r.key == "B3")
    assert b3.absences == ["", "", "semester", "semester 00:00–12:00", "", "", ""]
    cells = [b for v in data.staff_weeks() for r in v.rows if r.key != "uncovered"
             for c in r.cells for b in c]
    # Everyone's shifts appear in the week of their home unit (here: once each).
    assert sorted((b.first, b.who) for b in cells) == sorted(
        (data.local(s.start), s.client or s.unit) for s in schedule.shifts)


def test_week_sheets_hold_the_rows(planned: tuple[Scenario, Schedule], tmp_path: Path) -> None:
    scenario, schedule = planned
    run = make_run(scenario, schedule)
    path = write_excel([run], comparison_table([run]), tmp_path / "w.xlsx", lang="sv")
    book = openpyxl.load_workbook(path)
    assert "base brukare" in book.sheetnames and "base personal" in book.sheetnames
    data = WeekData(scenario, schedule, "sv")
    _ = translator("sv")
    sheet = list(book["base brukare"].iter_rows(values_only=True))
    assert sheet[0][:3] == ("Brukare eller enhet", "Vecka", "Dag")
    assert [list(r) for r in sheet[1:]] == [[v if v != "" else None for v in row]
                                            for row in client_rows(data, _)]
    people = list(book["base personal"].iter_rows(values_only=True))
    assert people[0] == ("Enhet", "Vecka", "Personal", "mån", "tis", "ons", "tors", "fre",
                         "lör", "sön")
    b3 = next(r for r in people if r[2] == "B3")
    assert b3[5] == "semester"
    assert book["base personal"].cell(row=people.index(b3) + 1, column=6).fill.fgColor.rgb \
        .endswith("E6E6E6")
    assert len(staff_rows(data, _)) == len(people) - 1


def test_report_week_views_and_directions(planned: tuple[Scenario, Schedule]) -> None:
    scenario, schedule = planned
    run = make_run(scenario, schedule)
    page = render_html_report([run], lang="sv")
    assert "<html lang=\"sv\">" in page and "Nyckeltal" in page and "v. 25" in page
    assert "Assistansgrupp Öst (U1)" in page and "Midsommarafton" in page
    shift = next(s for s in schedule.shifts if s.client == "C1")
    data = WeekData(scenario, schedule)
    times = f"{data.local(shift.start):%H:%M}–{data.local(shift.end):%H:%M}"
    assert f'data-who="{shift.staff}" data-times="{times}"' in page
    assert "plotly" not in page.lower()
    assert delta_class(-3.0, "lower") == "better" and delta_class(3.0, "lower") == "worse"
    assert delta_class(2.0, "higher") == "better" and delta_class(2.0, "") == "neutral"
