"""A comparison of scenarios for people: the terminal table and the files (schedules, CSV, HTML,
workbook)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from scheduler.i18n import DEFAULT_LANG, translator
from scheduler.planning.compare import ScenarioRun
from scheduler.reports.excel import write_excel
from scheduler.reports.html import write_html_report
from scheduler.results.export import write_schedule
from scheduler.results.summary import Column, Line, print_fitted, status_text, wide_console


def print_table(table: pd.DataFrame, labels: Sequence[str], console: Any = None,
                lang: str = DEFAULT_LANG) -> None:
    """The comparison in the terminal; too many scenarios for the width are split into
    several tables that repeat the key figure's name."""
    _ = translator(lang)
    console = console or wide_console()
    columns = [Column(_("Key figure"), wrap=True), Column(_("unit")),
               *[Column(label, numeric=True) for label in labels]]
    lines: list[Line | None] = []
    group = None
    for row in table.to_dict(orient="records"):
        if group is not None and row["group"] != group:
            lines.append(None)
        group = row["group"]
        unit = row["unit"]
        lines.append(([row["metric"], unit, *[
            "–" if row[label] is None or row[label] != row[label] else
            status_text(_, row[label]) if row["key"] == "status" else
            str(row[label]) if unit == "" else _.number(row[label], 0 if unit == "kr" else 1)
            for label in labels]], None))
    print_fitted(console, _("Scenarios side by side"), columns, lines, keys=2, lang=lang)


def slug(label: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", label).strip("-") or "scenario"


def write_outputs(runs: Sequence[ScenarioRun], table: pd.DataFrame, out_dir: Path | str,
                  title: str | None = None, lang: str = DEFAULT_LANG) -> list[Path]:
    """Per scenario its schedule (JSON + CSV); the table (CSV); the HTML report; the workbook."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    used: set[str] = set()
    for run in runs:
        name = slug(run.label)
        while name in used:
            name += "_"
        used.add(name)
        written += write_schedule(run.schedule, out_dir / f"{name}.json")
    csv_path = out_dir / "comparison.csv"
    table.to_csv(csv_path, index=False)
    written.append(csv_path)
    written.append(write_html_report(runs, out_dir / "comparison.html", title=title,
                                     table=table, lang=lang))
    written.append(write_excel(runs, table, out_dir / "comparison.xlsx", lang=lang))
    return written
