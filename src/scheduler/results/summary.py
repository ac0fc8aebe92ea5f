"""A readable terminal summary of a schedule (rich tables), built from the schedule file alone.

The key figures are read from ``schedule.kpis`` (see ``kpi.kpis_to_dict``), so a schedule loaded
from JSON summarises the same as one fresh from the solver.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.table import Table

from scheduler.domain.schedule import Blocker, Schedule


def _num(value: Any, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, int | bool):
        return str(int(value))
    return f"{value:,.{digits}f}"


def _table(title: str, columns: Sequence[tuple[str, str]], rows: list[dict[str, Any]],
           numeric_digits: int = 1) -> Table:
    """``columns``: (key in the row, header); numbers are right-aligned."""
    table = Table(title=title, title_justify="left", show_edge=False, pad_edge=False)
    numeric = {key for key, _ in columns
               if rows and all(isinstance(r.get(key), int | float | None) for r in rows)}
    for key, header in columns:
        table.add_column(header, justify="right" if key in numeric else "left")
    for row in rows:
        table.add_row(*[
            _num(row.get(key), numeric_digits) if key in numeric else str(row.get(key) or "–")
            for key, _ in columns
        ])
    return table


def wide_console() -> Console:
    """A console for the summary: the terminal's width, or 160 columns when piped to a file
    (rich's default of 80 squeezes the tables into unreadable columns)."""
    if sys.stdout.isatty() or os.environ.get("COLUMNS"):
        return Console()
    return Console(width=160)


def blockers_line(blockers: Sequence[Blocker], max_shown: int = 6) -> str:
    """'A3 (free: would cost 4 h of overtime); A1 resting until 18:00 after C1 06:00–14:00; …':
    the free first, then the others in their order."""
    ordered = sorted(blockers, key=lambda b: b.kind not in ("free", "settlement"))
    parts = [f"{b.staff} ({b.detail})" if b.kind in ("free", "settlement")
             else f"{b.staff} {b.detail}" for b in ordered[:max_shown]]
    if len(ordered) > max_shown:
        parts.append(f"… {len(ordered) - max_shown} more")
    return "; ".join(parts)


def solve_line(schedule: Schedule) -> str:
    info = schedule.solve
    gap = "–" if info.gap is None else f"{info.gap * 100:.2f} %"
    first = info.time_to_first_solution_seconds
    return (
        f"status [bold]{info.status}[/bold]  objective {_num(info.objective, 2)}  "
        f"bound {_num(info.best_bound, 2)}  gap {gap}  time {info.wall_seconds:.1f} s "
        f"(limit {info.time_limit_seconds:g} s, first solution "
        f"{'–' if first is None else f'{first:.1f} s'})  workers {info.workers}  seed {info.seed}"
        f"  components {info.components}  variables {info.variables:,}"
    )


def print_summary(schedule: Schedule, *, console: Console | None = None,
                  max_uncovered: int = 10) -> None:
    console = console or wide_console()
    console.print(f"[bold]Schedule for {schedule.scenario}[/bold]: {schedule.horizon_days} days "
                  f"from {schedule.horizon_start} ({schedule.timezone}), "
                  f"{len(schedule.shifts)} shifts")
    console.print(solve_line(schedule))

    if schedule.penalties:
        rows = [p.model_dump() for p in schedule.penalties]
        table = _table("Penalties (soft rules)", [
            ("rule", "term"), ("raw", "raw"), ("unit", "unit"), ("weight", "weight"),
            ("contribution", "contribution"),
        ], rows, numeric_digits=2)
        total = sum(p.contribution for p in schedule.penalties)
        table.add_section()
        table.add_row("total", "", "", "", _num(total, 2))
        console.print()
        console.print(table)

    kpis = schedule.kpis or {}
    if kpis.get("decisions"):
        console.print()
        console.print(_table("Decisions (hours)", [
            ("client", "client"), ("decision", "decision"), ("kind", "kind"),
            ("granted_total_hours", "granted"), ("performed_hours", "performed"),
            ("reserve_hours", "reserve"), ("available_in_horizon_hours", "available"),
            ("scheduled_hours", "scheduled"), ("charged_hours", "charged"),
            ("exception_reference", "exception"), ("exception_hours_used", "exc. used"),
            ("left_in_period_hours", "left"),
        ], kpis["decisions"]))
    if kpis.get("staff"):
        console.print()
        console.print(_table("Staff (hours in the horizon)", [
            ("staff", "staff"), ("home_unit", "unit"), ("employment", "form"),
            ("contract_hours", "contract"), ("absence_hours", "absent"),
            ("scheduled_hours", "scheduled"),
            ("on_call_hours", "jour"), ("work_hours", "work"),
            ("additional_hours", "additional"), ("overtime_hours", "overtime"),
            ("unused_contract_hours", "unused"), ("shifts", "shifts"),
            ("night_shifts", "nights"), ("weekend_shifts", "weekends"),
        ], kpis["staff"]))
    if kpis.get("totals"):
        items = list(kpis["totals"].items())
        grid = Table.grid(padding=(0, 2))
        for _ in range(3):
            grid.add_column()
            grid.add_column(justify="right")
        for i in range(0, len(items), 3):
            cells: list[str] = []
            for key, value in items[i : i + 3]:
                cells += [key.replace("_", " "), _num(value)]
            grid.add_row(*cells)
        console.print()
        console.print("[bold]Totals[/bold]")
        console.print(grid)

    if schedule.uncovered:
        zone = ZoneInfo(schedule.timezone)
        shown = schedule.uncovered[:max_uncovered]
        rows = [{
            "client": u.client or "",
            "unit": u.unit,
            "when": f"{u.start.astimezone(zone):%a %Y-%m-%d %H:%M}–"
                    f"{u.end.astimezone(zone):%a %Y-%m-%d %H:%M}",
            "missing": u.missing,
            "reason": u.reason,
        } for u in shown]
        console.print()
        console.print(_table(f"Uncovered need ({len(schedule.uncovered)} intervals)", [
            ("client", "client"), ("unit", "unit"), ("when", "when"), ("missing", "missing"),
            ("reason", "reason"),
        ], rows))
        for u in shown:
            if u.blockers:
                console.print(f"{u.client or u.unit} {u.start.astimezone(zone):%a %H:%M}: "
                              f"could take it: {blockers_line(u.blockers)}",
                              markup=False, highlight=False)
        rest = len(schedule.uncovered) - len(shown)
        if rest > 0:
            console.print(f"… and {rest} more uncovered intervals (see the JSON file)")
    else:
        console.print()
        console.print("All need covered.")
