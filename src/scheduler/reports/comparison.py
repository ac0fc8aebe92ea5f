"""A comparison of scenarios for people: the terminal table and the files (schedules, CSV, HTML,
workbook)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from rich.table import Table

from scheduler.planning.compare import ScenarioRun, format_value
from scheduler.reports.excel import write_excel
from scheduler.reports.html import write_html_report
from scheduler.results.export import write_schedule
from scheduler.results.summary import wide_console


def print_table(table: pd.DataFrame, labels: Sequence[str], console: Any = None) -> None:
    console = console or wide_console()
    out = Table(title="Scenarios side by side", title_justify="left", show_edge=False,
                pad_edge=False)
    out.add_column("metric")
    out.add_column("unit")
    for label in labels:
        out.add_column(label, justify="right")
    group = None
    for row in table.to_dict(orient="records"):
        if group is not None and row["group"] != group:
            out.add_section()
        group = row["group"]
        out.add_row(row["metric"], row["unit"],
                    *[format_value(row[label], row["unit"]) for label in labels])
    console.print(out)


def slug(label: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", label).strip("-") or "scenario"


def write_outputs(runs: Sequence[ScenarioRun], table: pd.DataFrame, out_dir: Path | str,
                  title: str = "Scenarios side by side") -> list[Path]:
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
                                     table=table))
    written.append(write_excel(runs, table, out_dir / "comparison.xlsx"))
    return written
