"""The Excel workbook: the comparison table, cost per unit, and one sheet per schedule."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

from scheduler.i18n import DEFAULT_LANG
from scheduler.planning.compare import ScenarioRun
from scheduler.reports.week_sheets import write_week_sheets

_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(label: str, used: set[str]) -> str:
    """Excel allows 31 characters and no []:*?/\\ in a sheet name; names must be unique."""
    base = _BAD_SHEET_CHARS.sub("-", label).strip("'") or "schedule"
    name = base[:31]
    n = 2
    while name.lower() in used:
        suffix = f" ({n})"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(name.lower())
    return name


def schedule_frame(run: ScenarioRun) -> pd.DataFrame:
    """One row per shift with local times (Excel has no time zones) and its OB and jour pay."""
    zone = ZoneInfo(run.scenario.horizon.timezone)
    rows = []
    for c in run.costs.shifts:
        s = c.shift
        rows.append({
            "staff": s.staff,
            "client": s.client or "",
            "unit": s.unit,
            "start (local)": s.start.astimezone(zone).replace(tzinfo=None),
            "end (local)": s.end.astimezone(zone).replace(tzinfo=None),
            "hours": round(s.hours, 4),
            "jour hours": round(s.on_call_hours, 4),
            "work hours": round(c.work_hours, 4),
            "OB kr": round(c.ob, 2),
            "jour kr": round(c.jour_pay, 2),
        })
    return pd.DataFrame(rows, columns=["staff", "client", "unit", "start (local)",
                                       "end (local)", "hours", "jour hours", "work hours",
                                       "OB kr", "jour kr"])


def unit_cost_frame(runs: Sequence[ScenarioRun]) -> pd.DataFrame:
    rows = []
    for run in runs:
        for unit, parts in run.costs.by_unit.items():
            rows.append({"scenario": run.label, "unit": unit,
                         **{k: round(v, 2) for k, v in parts.items()}})
    return pd.DataFrame(rows)


def write_excel(runs: Sequence[ScenarioRun], table: pd.DataFrame, path: Path | str,
                lang: str = DEFAULT_LANG) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    used = {"comparison", "cost per unit", "staff costs"}
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        shown = table.drop(columns=["key", "group"])
        shown.to_excel(writer, sheet_name="comparison", index=False)
        unit_cost_frame(runs).to_excel(writer, sheet_name="cost per unit", index=False)
        staff = pd.concat([r.costs.staff.assign(scenario=r.label) for r in runs],
                          ignore_index=True)
        staff.round(2).to_excel(writer, sheet_name="staff costs", index=False)
        for run in runs:
            schedule_frame(run).to_excel(writer, sheet_name=_sheet_name(run.label, used),
                                         index=False)
        for sheet in writer.book.worksheets:
            sheet.freeze_panes = "A2"
            for column in sheet.columns:
                width = max(len(str(cell.value or "")) for cell in column)
                sheet.column_dimensions[column[0].column_letter].width = min(max(width, 8) + 2,
                                                                             48)
        # The week views per client and per staff member (sized and styled there).
        write_week_sheets(writer, runs, used, _sheet_name, lang)
    return path
