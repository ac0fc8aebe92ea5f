"""The overcapacity report for people: a terminal table, JSON and CSV files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from rich.console import Console, JustifyMethod
from rich.table import Table

from scheduler.planning.capacity import TOTAL, CapacityReport, CapacityRow, TeamUsage


def rows_frame(report: CapacityReport) -> pd.DataFrame:
    return pd.DataFrame([r.model_dump(mode="json") for r in report.rows],
                        columns=list(CapacityRow.model_fields))


def write_report(report: CapacityReport, path: Path | str) -> list[Path]:
    """``path`` (JSON), ``<stem>.csv`` (one row per unit or department and week) and, with a
    schedule, ``<stem>.team.csv`` (the team's pool use)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(report.model_dump_json(indent=2) + "\n", encoding="utf-8")
    csv_path = path.with_suffix(".csv")
    rows_frame(report).to_csv(csv_path, index=False)
    written = [path, csv_path]
    if report.with_schedule:
        team_path = path.with_name(f"{path.stem}.team.csv")
        pd.DataFrame([u.model_dump() for u in report.team_usage],
                     columns=list(TeamUsage.model_fields)).to_csv(team_path, index=False)
        written.append(team_path)
    return written


def _h(value: float | None) -> str:
    return "–" if value is None else f"{value:,.1f}"


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f} %"


def print_report(report: CapacityReport, console: Console) -> None:
    console.print(
        f"[bold]Capacity – {report.scenario}[/bold]: {report.horizon_days} days from "
        f"{report.horizon_start}; work hours, jour counted × {report.on_call_work_fraction:g}"
    )
    table = Table(title="Available (contracted − absent) vs needed hours (after: placed members "
                  "moved to their vacancy's unit)", title_justify="left", show_edge=False,
                  pad_edge=False)
    headers = ["unit", "week", "contracted", "absent", "available", "needed"]
    if report.with_schedule:
        headers.append("scheduled")
    headers += ["difference", "over", "short", "not needed", "avail. after", "over after",
                "short after", "not n. after"]
    for i, header in enumerate(headers):
        table.add_column(header, justify="left" if i < 2 else "right")
    previous = None
    for r in report.rows:
        if previous is not None and r.scope != previous:
            table.add_section()
        previous = r.scope
        cells = [r.scope, r.week, _h(r.contracted_hours), _h(r.absence_hours),
                 _h(r.available_hours), _h(r.needed_hours)]
        if report.with_schedule:
            cells.append(_h(r.scheduled_hours))
        cells += [_h(r.difference_hours), _h(r.overcapacity_hours), _h(r.shortage_hours),
                  _pct(r.not_needed_share), _h(r.available_after_hours),
                  _h(r.overcapacity_after_hours), _h(r.shortage_after_hours),
                  _pct(r.not_needed_share_after)]
        style = "bold" if r.week == TOTAL else None
        table.add_row(*cells, style=style)
    console.print()
    console.print(table)
    if report.moves:
        console.print()
        console.print("Placement moves: " + "; ".join(
            f"{m.member} {m.from_unit} → {m.to_unit} ({m.vacancy}, "
            f"{m.contract_hours_per_week:g} h/week"
            + ("" if m.status == "placed" else f", {m.status}") + ")"
            for m in report.moves))
    if report.with_schedule:
        table = Table(title="Team pool use (hours)",
                      title_justify="left", show_edge=False, pad_edge=False)
        columns: list[tuple[str, JustifyMethod]] = [
            ("member", "left"), ("contract", "right"), ("absent", "right"), ("worked", "right"),
            ("used", "right")]
        for header, justify in columns:
            table.add_column(header, justify=justify)
        for u in report.team_usage:
            table.add_row(u.member, _h(u.contract_hours), _h(u.absence_hours), _h(u.work_hours),
                          _pct(u.used_share))
        table.add_section()
        table.add_row("team", _h(report.team_contract_hours), _h(report.team_absence_hours),
                      _h(report.team_work_hours), _pct(report.team_used_share), style="bold")
        console.print()
        console.print(table)
