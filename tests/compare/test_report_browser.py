"""The HTML reports in a real (headless) browser: Debian's chromium opens the single-scenario and
the comparison report, nothing reaches the console, the week views show the schedule's shifts
where they lie, the side-by-side picker shows two scenarios, and each view is photographed.

Screenshots go to a temporary folder; with ``UPDATE_SCREENSHOTS=1`` into ``docs/screenshots/``
(the README's pictures: one per view, of the comparison example planned by the greedy
baseline). Under CI=true a missing browser fails the test instead of skipping it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from browser import chromium
from checked import checked_greedy
from scheduler.planning.compare import ScenarioRun, make_run
from scheduler.planning.variants import load_scenario
from scheduler.reports import write_html_report
from scheduler.reports.week import WeekData

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "scenarios" / "variants"

# Collects what would reach the browser console, and writes it into the page once it has
# settled, where --dump-dom can read it. Injected into a copy of the report only.
_CAPTURE = """<script>
window.__problems = [];
window.addEventListener('error', e => window.__problems.push('error: ' + e.message));
window.addEventListener('unhandledrejection', e => window.__problems.push('rejection: ' +
  e.reason));
const __consoleError = console.error;
console.error = (...args) => { window.__problems.push('console: ' + args.join(' '));
  __consoleError.apply(console, args); };
window.addEventListener('load', () => setTimeout(() => {
  const out = document.createElement('pre');
  out.id = '__problems';
  out.textContent = JSON.stringify(window.__problems);
  document.body.appendChild(out);
}, 500));
</script>"""


def _run(browser: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
         "--disable-background-networking", "--no-first-run", "--disable-extensions",
         f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", *args],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Uncaught" not in done.stderr, done.stderr[-2000:]
    return done


def open_page(browser: str, report: Path, tmp_path: Path) -> str:
    """The page's DOM after its script ran; asserts nothing reached the console."""
    probe = tmp_path / f"probe-{report.stem}.html"
    probe.write_text(report.read_text(encoding="utf-8").replace("<head>", "<head>" + _CAPTURE, 1),
                     encoding="utf-8")
    dom = _run(browser, tmp_path / "profile", "--virtual-time-budget=5000", "--dump-dom",
               probe.as_uri()).stdout
    problems = re.search(r'<pre id="__problems">(.*?)</pre>', dom, re.S)
    assert problems is not None, "the page never finished loading"
    assert json.loads(problems.group(1)) == []
    return dom


def screenshot(browser: str, report: Path, css: str, out: Path, tmp_path: Path,
               height: int = 1000) -> Path:
    """A picture of one view: the report with everything else hidden by ``css``."""
    page = tmp_path / f"shot-{out.stem}.html"
    page.write_text(report.read_text(encoding="utf-8").replace(
        "</head>", f"<style>{css}</style></head>", 1), encoding="utf-8")
    _run(browser, tmp_path / "profile", f"--window-size=1280,{height}",
         f"--screenshot={out}", page.as_uri())
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and out.stat().st_size > 10_000
    return out


def _day_rows(dom: str) -> dict[str, list[str]]:
    """Each client-week day row's HTML, by its day (several weeks views: several rows)."""
    rows: dict[str, list[str]] = {}
    for chunk in dom.split('<div class="day-row')[1:]:
        day = re.search(r'data-day="([\d-]+)"', chunk)
        assert day is not None
        rows.setdefault(day.group(1), []).append(chunk)
    return rows


def _expect_shift_shown(dom: str, run: ScenarioRun) -> None:
    """A known shift (the first of a client) in its day row with its times in the text, and in
    its assistant's cell of the staff week."""
    data = WeekData(run.scenario, run.schedule)
    shift = next(s for s in run.schedule.shifts if s.client is not None)
    start, end = data.local(shift.start), data.local(shift.end)
    times = f"{start:%H:%M}–{end:%H:%M}"
    block = f'data-who="{shift.staff}" data-times="{times}"'
    rows = _day_rows(dom)[start.date().isoformat()]
    assert any(block in row and f"<b>{shift.staff}</b>{times}" in row for row in rows), \
        (shift, times)
    staff_rows = re.findall(rf'<tr data-staff="{shift.staff}">(.*?)</tr>', dom, re.S)
    assert any(re.search(rf'data-day="{start.date()}">.*?<b>{shift.client}</b> {times}', r,
                         re.S) for r in staff_rows), (shift, times)


@pytest.fixture(scope="module")
def example_runs() -> list[ScenarioRun]:
    """The README's four-scenario comparison, planned by the (validator-checked) greedy."""
    runs = []
    for name in ("base", "pooled", "co_located", "team_placed"):
        scenario = load_scenario(EXAMPLE / f"{name}.yaml")
        runs.append(make_run(scenario, checked_greedy(scenario), source=f"{name}.yaml"))
    return runs


def test_reports_open_without_errors_and_show_the_shifts(
        compared: tuple[list[ScenarioRun], Any], tmp_path: Path) -> None:
    browser = chromium()
    runs, table = compared
    single = write_html_report(runs[:1], tmp_path / "single.html", lang="sv")
    dom = open_page(browser, single, tmp_path)
    assert 'id="kpi-table"' in dom and f"<th>{runs[0].label}</th>" in dom
    assert "v. 12" in dom and "mån 22/3" in dom  # ISO week and Swedish weekday
    assert "Långfredagen" in dom  # Good Friday, a public holiday
    _expect_shift_shown(dom, runs[0])
    assert dom.count('<svg class="chart') >= 4
    assert "<div class=\"panel\"" in dom and "hidden=" not in dom  # one scenario: all shown

    both = write_html_report(runs, tmp_path / "comparison.html", table=table, lang="en")
    dom = open_page(browser, both, tmp_path)
    for run in runs:
        assert f"<th>{run.label}</th>" in dom
    assert "Mon 22/3" in dom and "w. 12" in dom and "Good Friday" in dom
    _expect_shift_shown(dom, runs[0])
    _expect_shift_shown(dom, runs[1])
    # Coloured by direction: the pooled variant changes costs and hours one way or the other.
    assert re.search(r'class="delta (better|worse)"', dom)
    # The picker's script ran: both scenarios' panels shown, left then right.
    panels = re.findall(r'<div class="panel" data-scenario="(\d)"( hidden="")? '
                        r'style="order: (\d);"', dom)
    assert panels and all(hidden == "" for _s, hidden, _o in panels)
    assert {(s, o) for s, _h, o in panels} == {("0", "0"), ("1", "1")}


def test_example_reports_in_the_browser_and_their_screenshots(
        example_runs: list[ScenarioRun], tmp_path: Path) -> None:
    browser = chromium()
    single = write_html_report(example_runs[:1], tmp_path / "single.html", lang="sv")
    comparison = write_html_report(example_runs, tmp_path / "comparison.html", lang="sv")
    assert comparison.stat().st_size <= 1_500_000
    for report, runs in ((single, example_runs[:1]), (comparison, example_runs)):
        dom = open_page(browser, report, tmp_path)
        assert "Midsommarafton" in dom and "v. 25" in dom
        for run in runs:
            _expect_shift_shown(dom, run)
        if len(runs) == 1:
            assert "hidden=" not in dom
    # Four scenarios: the first two side by side, the others hidden until picked.
    panels = re.findall(r'<div class="panel" data-scenario="(\d)"( hidden="")?', dom)
    assert {s for s, hidden in panels if not hidden} == {"0", "1"}
    assert {s for s, hidden in panels if hidden} == {"2", "3"}

    folder = ROOT / "docs" / "screenshots" if os.environ.get("UPDATE_SCREENSHOTS") else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    only = "#summary, #charts, section.unit:not([data-unit=\"U3\"]) {display: none}"
    views = [
        (single, "week-client", only + " .staff-week, svg.curve {display: none}", 900),
        (single, "week-staff", only + " .client-week, svg.curve {display: none}", 700),
        (single, "need-staffed", only + " .client-week, .staff-week {display: none}", 650),
        (comparison, "key-figures", "#charts, #schedules {display: none}", 1300),
        (comparison, "charts", "#summary, #schedules {display: none}", 1100),
        (comparison, "side-by-side", "#summary, #charts, section.unit:not([data-unit=\"U1\"]) "
                                     "{display: none} svg.curve {display: none}", 900),
    ]
    for report, name, css, height in views:
        screenshot(browser, report, css, folder / f"{name}.png", tmp_path, height)
