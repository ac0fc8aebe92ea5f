"""The HTML report in a real (headless) browser and the CLI commands (the workbook:
test_workbook.py)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from scheduler.cli import app
from scheduler.planning.compare import ScenarioRun
from scheduler.reports import write_html_report

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
}, 1000));
</script>"""


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


def test_html_report_opens_in_headless_chromium(compared: tuple[list[ScenarioRun], Any],
                                                tmp_path: Path) -> None:
    browser = _chromium()
    if browser is None:
        reason = ("no Chromium on this machine (Debian: apt-get install chromium; .ci/run "
                  "installs it)")
        if os.environ.get("CI"):  # views are tested in a real browser in CI, never skipped
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    runs, table = compared
    report = write_html_report(runs, tmp_path / "report.html", table=table)
    page = tmp_path / "probe.html"
    page.write_text(report.read_text(encoding="utf-8").replace("<head>", "<head>" + _CAPTURE, 1),
                    encoding="utf-8")
    done = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--no-first-run", "--disable-extensions",
         f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=0",
         "--virtual-time-budget=15000", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120, check=False,
    )
    dom = done.stdout
    assert done.returncode == 0, done.stderr[-2000:]
    problems = re.search(r'<pre id="__problems">(.*?)</pre>', dom, re.S)
    assert problems is not None, "the page never finished loading"
    assert json.loads(problems.group(1)) == []
    assert "Uncaught" not in done.stderr
    # The table with every scenario's column, and a rendered plot in every chart.
    assert 'id="kpi-table"' in dom
    for run in runs:
        assert f"<th>{run.label}</th>" in dom
    charts = re.findall(r'<div id="((?:chart|gantt)-[\w-]+)" class="([^"]*)"', dom)
    ids = {chart_id for chart_id, _ in charts}
    assert {"chart-cost", "chart-net", "chart-hours", "chart-units"} <= ids
    assert any(i.startswith("gantt-") for i in ids)
    for chart_id, classes in charts:
        assert "js-plotly-plot" in classes, f"{chart_id} was not drawn"
    assert dom.count('class="main-svg"') >= 2 * len(charts)


def test_cli_compare_writes_everything(variant_files: tuple[Path, Path],
                                       tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["compare", *map(str, variant_files), "--out-dir",
                                      str(out), "--time-limit", "2", "--workers", "2"])
    assert result.exit_code == 0, result.output
    assert "Scenarios side by side" in result.output
    for fragment in ("hours above granted", "uncovered need", "overtime", "unused contract",
                     "staff hours in U1", "OB supplements", "employer's contributions",
                     "revenue", "net", "base", "pooled"):
        assert fragment in result.output, fragment
    for name in ("comparison.html", "comparison.xlsx", "comparison.csv", "base.json",
                 "pooled.json", "pooled.csv"):
        assert (out / name).exists(), name


def test_cli_compare_bad_variant_is_bad_input(variant_files: tuple[Path, Path],
                                              tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"base: {variant_files[0]}\nchanges:\n  - {{kind: remove_staff, staff: Z1}}\n")
    result = CliRunner().invoke(app, ["compare", str(variant_files[0]), str(bad)])
    assert result.exit_code == 2
    assert "changes[0] (remove_staff).staff: unknown staff member 'Z1'" in result.stderr


def test_cli_solve_a_variant_with_report(variant_files: tuple[Path, Path],
                                         tmp_path: Path) -> None:
    out = tmp_path / "s.json"
    result = CliRunner().invoke(app, ["solve", str(variant_files[1]), "--out", str(out),
                                      "--time-limit", "2", "--quiet", "--report"])
    assert result.exit_code == 0, result.output
    html = out.with_suffix(".html").read_text(encoding="utf-8")
    assert 'id="kpi-table"' in html and "pooled" in html


@pytest.mark.parametrize(("scenarios", "workers", "expected"), [
    (4, 2, (2, 1)),  # two solves at a time, one thread each
    (1, 4, (1, 4)),  # one solve gets every thread
    (3, 8, (3, 2)),
    (2, 1, (1, 1)),  # one thread in all: one after the other, in this process
])
def test_workers_are_a_total(scenarios: int, workers: int, expected: tuple[int, int]) -> None:
    from scheduler.planning.compare import plan_workers

    processes, threads = plan_workers(scenarios, workers)
    assert (processes, threads) == expected
    assert processes * threads <= workers
