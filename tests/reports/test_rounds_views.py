"""A round in the week views, the workbook and the HTML report (in a real browser too), on the
hand-made day of ``tests/results/rounds_case.py``: A1's round 07:00–10:00 (C1 07:00–08:00,
travel 10 min, C2 08:15–09:00, waiting to 10:00), A2's single-client
shift of C3 12:00–15:00 (visits 12:00–12:30 and 14:00–14:30, waiting between and after) and
A3's plain shift of C4."""

from __future__ import annotations

import json
import re
import subprocess
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

import builders as kit
from browser import chromium
from checked import assert_valid, checked_greedy
from results import rounds_case as case
from scheduler.i18n import translator
from scheduler.planning.compare import comparison_table, make_run
from scheduler.reports.excel import write_excel
from scheduler.reports.html import render_html_report
from scheduler.reports.week import Block, WeekData
from scheduler.reports.week_sheets import client_rows, staff_rows


def _at(clock: str) -> datetime:
    return datetime.fromisoformat(f"2027-01-04T{clock}")


def _spans(block: Block, kind: str) -> list[tuple[str, str]]:
    return [(f"{s.start:%H:%M}", f"{s.end:%H:%M}") for s in block.segments if s.kind == kind]


@pytest.fixture(scope="module")
def data() -> WeekData:
    return WeekData(case.scenario(), case.schedule(), lang="sv")


def test_a_round_is_one_shift_in_its_staff_row_with_its_visits_in_order(data: WeekData) -> None:
    view = next(v for v in data.staff_weeks() if v.subject == "U1")
    monday = {r.key: r.cells[0] for r in view.rows}
    assert len(monday["A1"]) == 1  # one shift, not one per visit
    block = monday["A1"][0]
    assert (block.who, block.times, block.in_round) == ("runda", "07:00–10:00", True)
    assert [(v.client, v.times, v.travel_minutes) for v in block.visits] == [
        ("C1", "07:00–08:00", 0), ("C2", "08:15–09:00", 10)]
    assert _spans(block, "travel") == [("08:00", "08:10")]
    assert _spans(block, "waiting") == [("08:10", "08:15"), ("09:00", "10:00")]  # 65 min
    # A single-client shift that waits is its client's, with its waiting; not a round.
    waiting = monday["A2"][0]
    assert (waiting.who, waiting.in_round, len(waiting.visits)) == ("C3", False, 2)
    assert _spans(waiting, "waiting") == [("12:30", "14:00"), ("14:30", "15:00")]
    assert (monday["A3"][0].who, monday["A3"][0].visits) == ("C4", ())


def test_each_visit_lies_in_its_clients_row_and_nowhere_else(data: WeekData) -> None:
    rows = {v.subject: v.rows[0].blocks for v in data.client_weeks()}
    assert set(rows) == {"C1", "C2", "C3", "C4"}  # no unit row picks up the round
    c1, c2, c3 = rows["C1"], rows["C2"], rows["C3"]
    assert [(b.who, b.times, b.round_visit) for b in c1] == [("A1", "07:00–08:00", True)]
    assert [(b.who, b.times, b.round_visit) for b in c2] == [("A1", "08:15–09:00", True)]
    assert c2[0].visits[0].travel_minutes == 10
    # C3's own shift shows whole (the assistant is there), its waiting marked.
    assert [(b.who, b.times, b.round_visit) for b in c3] == [("A2", "12:00–15:00", False)]
    assert _spans(c3[0], "waiting") == [("12:30", "14:00"), ("14:30", "15:00")]


def test_staffing_counts_a_visit_shift_during_its_visits_only(data: WeekData) -> None:
    curves = {c.subject: c for c in data.curves() if c.kind == "client"}
    for cid in ("C1", "C2", "C3", "C4"):
        assert curves[cid].uncovered_hours() == 0, cid
        # Never staffed beyond the need: C3 is not staffed while its assistant waits.
        assert all(s <= n for n, s in zip(curves[cid].need, curves[cid].staffed, strict=True))
    c1 = curves["C1"]
    staffed = [(t, s) for t, s in zip(c1.times, c1.staffed, strict=False) if s]
    assert staffed == [(_at("07:00"), 1)]


def test_the_week_sheets_list_the_round_and_its_visits(data: WeekData) -> None:
    _ = translator("sv")
    people = {row[2]: row[3] for row, _absent in staff_rows(data, _)}  # Monday's column
    assert people["A1"] == ("runda 07:00–10:00 (besök: C1 07:00–08:00 → restid 10 min → "
                            "C2 08:15–09:00, väntetid 65 min)")
    assert people["A2"] == ("C3 12:00–15:00 (besök: C3 12:00–12:30 → C3 14:00–14:30, "
                            "väntetid 120 min)")
    clients = {row[0].split()[1]: row[4] for row in client_rows(data, _)}
    assert clients["C1"] == "A1 07:00–08:00 (i runda)"
    assert clients["C2"] == "A1 08:15–09:00 (i runda)"


def test_the_workbook_has_visit_columns_rounds_and_cost_per_client(tmp_path: Path) -> None:
    run = make_run(case.scenario(), case.schedule())
    path = write_excel([run], comparison_table([run]), tmp_path / "r.xlsx", lang="sv")
    book = openpyxl.load_workbook(path)
    shifts = list(book[run.label].iter_rows(values_only=True))
    head = list(shifts[0])
    first = dict(zip(head, shifts[1], strict=True))
    assert first["Besök"] == "C1 07:00-08:00;C2 08:15-09:00 travel 10"
    assert first["Restid (timmar)"] == pytest.approx(10 / 60, abs=1e-4)
    assert first["Väntetid (timmar)"] == pytest.approx(65 / 60, abs=1e-4)
    rounds = list(book["Besök och rundor"].iter_rows(values_only=True))
    unit = dict(zip(rounds[0], rounds[1], strict=True))
    assert (unit["Rundor"], unit["Besök"]) == (1, 4)
    assert unit["Väntetid i rundor (timmar)"] == pytest.approx(65 / 60, abs=0.01)
    cost = list(book["Kostnad per brukare"].iter_rows(values_only=True))
    lines = {(r[2] or "", r[3]): r[5] for r in cost[1:]}
    assert lines[("C1", "besök")] == pytest.approx(case.HOURLY, abs=0.01)
    assert lines[("", "restid")] == pytest.approx(case.HOURLY / 6, abs=0.01)
    assert ("", "väntetid") in lines and ("C4", "brukarpass") in lines


def test_the_html_lists_the_visits_in_the_staff_row_and_each_clients_row() -> None:
    run = make_run(case.scenario(), case.schedule())
    page = render_html_report([run], lang="sv")
    row = re.search(r'<tr data-staff="A1">(.*?)</tr>', page, re.S)
    assert row is not None
    assert re.findall(r'<li class="visit" data-client="(\w+)" data-times="([^"]+)"',
                      row.group(1)) == [("C1", "07:00–08:00"), ("C2", "08:15–09:00")]
    assert "restid 10 min" in row.group(1) and "väntetid 65 min" in row.group(1)
    for cid, times in (("C1", "07:00–08:00"), ("C2", "08:15–09:00")):
        week = re.search(rf'<div class="week client-week" data-subject="{cid}".*?</div></div>'
                         r"</div>", page, re.S)
        assert week is not None
        assert 'class="blk shift visit' in week.group(0)
        assert f'data-who="A1" data-times="{times}"' in week.group(0)
        assert "i runda" in week.group(0)
    assert 'id="rounds-table"' in page and 'class="seg waiting"' in page


# Writes, once the page has laid out, what a person sees of the round: each visit line's text
# and whether it has a size on screen, in A1's row and in C1's and C2's rows.
_PROBE = """<script>
window.addEventListener('load', () => {
  const seen = el => el.getBoundingClientRect().width > 0 && el.getBoundingClientRect().height > 0
    && getComputedStyle(el).visibility !== 'hidden';
  const out = {staff: [], clients: {}};
  document.querySelectorAll('tr[data-staff="A1"] li.visit').forEach(li =>
    out.staff.push([li.dataset.client, li.textContent.trim(), seen(li)]));
  document.querySelectorAll('.client-week').forEach(w =>
    w.querySelectorAll('.blk.visit').forEach(b => (out.clients[w.dataset.subject] ||= []).push(
      [b.dataset.who, b.dataset.times, seen(b)])));
  const waiting = document.querySelector('tr[data-staff="A1"] .chip.round');
  out.round = waiting ? [waiting.innerText.includes('väntetid 65 min'), seen(waiting)] : null;
  const pre = document.createElement('pre');
  pre.id = '__probe';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>"""


def _seen(tmp_path: Path, run: object) -> dict[str, object]:
    """What headless Chromium shows of the report of ``run`` (``_PROBE``'s findings)."""
    browser = chromium()
    page = render_html_report([run], lang="sv").replace("</body>", _PROBE + "</body>", 1)
    report = tmp_path / "rounds.html"
    report.write_text(page, encoding="utf-8")
    done = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-extensions", "--disable-background-networking",
         f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1400,2000",
         "--virtual-time-budget=3000", "--dump-dom", report.as_uri()],
        capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    found = re.search(r'<pre id="__probe">(.*?)</pre>', done.stdout, re.S)
    assert found is not None, "the page never finished loading"
    return json.loads(found.group(1).replace("&amp;", "&"))


def test_a_rounds_visits_are_visible_in_the_browser(tmp_path: Path) -> None:
    seen = _seen(tmp_path, make_run(case.scenario(), case.schedule()))
    assert seen["staff"] == [["C1", "C1 07:00–08:00", True], ["C2", "C2 08:15–09:00", True]]
    assert seen["clients"] == {"C1": [["A1", "07:00–08:00", True]],
                               "C2": [["A1", "08:15–09:00", True]]}
    assert seen["round"] == [True, True]


def test_every_planned_visit_shows_once_in_its_clients_rows_and_each_round_once() -> None:
    scn = kit.build(kit.rounds_data())
    planned = checked_greedy(scn)
    data = WeekData(scn, planned)
    local = data.local
    expected = sorted((v.client, planned_shift.staff, local(v.start), local(v.end))
                      for planned_shift in planned.shifts for v in planned_shift.visits)
    shown = sorted((view.subject, b.who, b.first, b.last) for view in data.client_weeks()
                   for row in view.rows for b in row.blocks if b.round_visit)
    assert shown == expected and len(expected) == 16  # 4 clients × 2 visits × 2 days
    rounds = [b for view in data.staff_weeks() for row in view.rows for cell in row.cells
              for b in cell if b.in_round]
    assert sorted((b.first, len(b.visits)) for b in rounds) == sorted(
        (local(s.start), len(s.visits)) for s in planned.shifts)


def moved_case() -> tuple[object, object]:
    """The hand-made day with C2 asking for 08:00–08:45 and a window of ± 30 min: the round
    holds its visit 08:15–09:00, a quarter of an hour late."""
    data = case.scenario_data()
    c2 = data["clients"][1]
    c2["need"]["weekly"] = [kit.window("08:00", "08:45")]
    c2["visit_window_minutes"] = 30
    scn = kit.build(data)
    held = case.visit("C2", "08:15", "09:00", travel=10).model_copy(
        update={"asked_start": kit.local("2027-01-04T08:00")})
    shifts = [case.round_shift(visits=[case.visit("C1", "07:00", "08:00"), held]),
              case.waiting_shift(), case.plain_shift()]
    return scn, case.schedule(scn, shifts)


def test_a_moved_visit_shows_where_it_is_held_and_its_asked_time() -> None:
    scn, planned = moved_case()
    assert_valid(scn, planned)
    data = WeekData(scn, planned, lang="sv")
    _ = translator("sv")
    people = {row[2]: row[3] for row, _absent in staff_rows(data, _)}
    assert people["A1"] == ("runda 07:00–10:00 (besök: C1 07:00–08:00 → restid 10 min → "
                            "C2 08:15–09:00 (önskad tid 08:00), väntetid 65 min)")
    clients = {row[0].split()[1]: row[4] for row in client_rows(data, _)}
    assert clients["C2"] == "A1 08:15–09:00 (i runda, önskad tid 08:00)"
    # C2's staffing curve counts the visit at its asked time: the need is met, never doubled.
    c2 = next(c for c in data.curves() if c.kind == "client" and c.subject == "C2")
    assert c2.uncovered_hours() == 0
    staffed = [(f"{t:%H:%M}", s) for t, s in zip(c2.times, c2.staffed, strict=False) if s]
    assert staffed == [("08:00", 1)]
    page = render_html_report([make_run(scn, planned)], lang="sv")
    row = re.search(r'<tr data-staff="A1">(.*?)</tr>', page, re.S)
    assert row is not None and "C2 08:15–09:00 (önskad tid 08:00)</li>" in row.group(1)
    week = re.search(r'<div class="week client-week" data-subject="C2".*?</div></div></div>',
                     page, re.S)
    assert week is not None and "i runda · önskad tid 08:00" in week.group(0)


def test_a_moved_visits_asked_time_is_visible_in_the_browser(tmp_path: Path) -> None:
    seen = _seen(tmp_path, make_run(*moved_case()))
    assert seen["staff"] == [["C1", "C1 07:00–08:00", True],
                             ["C2", "C2 08:15–09:00 (önskad tid 08:00)", True]]
    assert seen["clients"]["C2"] == [["A1", "08:15–09:00", True]]
