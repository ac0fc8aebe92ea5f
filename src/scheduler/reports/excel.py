"""The Excel workbook: the comparison table, cost per unit and per staff member, the uncovered
need with who could have taken it, and one sheet per schedule (a shift's visits, travel and
waiting in their own columns); with scattered clients' visits, their rounds per unit and the
shifts' cost per client, travel and waiting (``results.costing``).

Cells hold numbers (never text like ``'51.6 %'``) with Excel number formats, so people can sum
and sort; headers, sheet names and fixed words are in the chosen language (Swedish by default).
Each sheet comes from a *sheet writer* in ``SHEET_WRITERS`` (a function of a ``Workbook``), so a
new kind of sheet is one function and one entry in that list.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from scheduler.i18n import DEFAULT_LANG, Translator, translator
from scheduler.planning.compare import ScenarioRun, has_visits
from scheduler.reports.week_sheets import write_week_sheets
from scheduler.results.export import column_labels as csv_column_labels
from scheduler.results.export import format_visits
from scheduler.results.visits import travel_hours, visit_hours, waiting_hours

_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")

# Excel number formats. Format codes are locale-neutral: "," groups thousands and "." marks
# decimals in the code, and Excel shows them as the reader's locale does (Swedish: 1 234,5).
HOURS = "0.0"
KR = '#,##0" kr"'
KR_DECIMALS = '#,##0.00" kr"'
PERCENT = "0.0%"
COUNT = "0"
DATETIME = "yyyy-mm-dd hh:mm"
_UNIT_FORMATS = {"h": HOURS, "kr": KR, "%": PERCENT}
_MAX_WIDTH = 60


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


def column_labels(_: Translator) -> dict[str, str]:
    """Machine column names → headers people read (those of the CSV files, and the workbook's
    own)."""
    return {
        **csv_column_labels(_.lang),
        "scenario": _("Scenario"),
        "metric": _("Metric"),
        "measure": _("Unit of measurement"),
        "jour_hours": _("Jour hours"),
        "hourly_wage": _("Hourly wage"),
        "base_pay": _("Base pay"),
        "ob": _("OB supplements"),
        "jour": _("Jour supplement"),
        "overtime_premium": _("Overtime premium"),
        "additional_premium": _("Additional-hours premium"),
        "employer_contributions": _("Employer's contributions"),
        "total_cost": _("Total cost"),
        "revenue": _("Revenue"),
        "net": _("Net"),
        "line": _("Cost line"),
        "cost": _("Cost"),
    }


def attribution_labels(_: Translator) -> dict[str, str]:
    """The lines of the cost per client (``results.costing.ATTRIBUTION_LINES``)."""
    return {"client_shift": _("client shift"), "visit": _("visits"),
            "travel": _("travel time"), "waiting": _("waiting time"),
            "unit_shift": _("unit shift")}


def blocker_labels(_: Translator) -> dict[str, str]:
    return {
        "absent": _("absent"),
        "busy": _("busy elsewhere"),
        "resting": _("resting"),
        "weekly_rest": _("weekly rest"),
        "hour_cap": _("hour cap"),
        "settlement": _("settlement period used up"),
        "free": _("free"),
    }


def employment_labels(_: Translator) -> dict[str, str]:
    return {"monthly": _("monthly paid"), "hourly": _("hourly paid"), "pan": _("PAN")}


class Workbook:
    """What a sheet writer needs: the runs, the comparison table, the language, and ``add`` to
    put a frame on a new sheet with number formats, a frozen header row and column widths.
    ``book`` is the openpyxl workbook for writers that draw more than a table."""

    def __init__(self, runs: Sequence[ScenarioRun], table: pd.DataFrame, lang: str,
                 writer: pd.ExcelWriter):
        self.runs = runs
        self.table = table
        self.lang = lang
        self._ = translator(lang)
        self.labels = column_labels(self._)
        self.writer = writer
        self._used: set[str] = set()

    @property
    def book(self) -> Any:
        return self.writer.book

    def sheet_name(self, label: str) -> str:
        return _sheet_name(label, self._used)

    def add(self, title: str, frame: pd.DataFrame, formats: Mapping[str, str] | None = None,
            freeze: str = "A2") -> Worksheet:
        """``frame`` (machine column names) on a new sheet named after ``title``, headers
        translated; ``formats``: machine column name → number format."""
        name = self.sheet_name(title)
        shown = frame.rename(columns=self.labels)
        shown.to_excel(self.writer, sheet_name=name, index=False)
        sheet: Worksheet = self.writer.sheets[name]
        for i, column in enumerate(frame.columns, start=1):
            fmt = (formats or {}).get(str(column))
            if fmt is None:
                continue
            for (cell,) in sheet.iter_rows(min_row=2, min_col=i, max_col=i):
                cell.number_format = fmt
        finish(sheet, freeze)
        return sheet


def finish(sheet: Worksheet, freeze: str = "A2") -> None:
    """A frozen header, a filter on it, and columns as wide as their longest text."""
    sheet.freeze_panes = freeze
    if sheet.max_row > 1:
        sheet.auto_filter.ref = sheet.dimensions
    for index, column in enumerate(sheet.columns, start=1):
        width = max(_display_width(cell.value, cell.number_format) for cell in column)
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width, 8) + 2,
                                                                      _MAX_WIDTH)


def _display_width(value: Any, number_format: str) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 16
    if isinstance(value, float | int) and not isinstance(value, bool):
        digits = len(f"{value:,.0f}") + (2 if "0.0" in number_format else 0)
        return digits + (3 if "kr" in number_format else 0)
    return len(str(value))


SheetWriter = Callable[[Workbook], None]


# --- the sheets --------------------------------------------------------------------------------


def comparison_sheet(wb: Workbook) -> None:
    """One row per metric, one column per scenario; each row formatted by its unit (h, kr, %).
    Percentages are stored as fractions (Excel's percent), the solver gap as a number."""
    _ = wb._
    gaps = {run.label: run.schedule.solve.gap for run in wb.runs}
    rows = []
    formats: list[str | None] = []
    for record in wb.table.to_dict(orient="records"):
        unit = str(record.get("unit", ""))
        row: dict[str, Any] = {"metric": record["metric"], "measure": unit}
        for run in wb.runs:
            value = record.get(run.label)
            if record.get("key") == "gap":
                value, unit = gaps[run.label], "%"  # the table holds it as text for the terminal
            elif unit == "%" and isinstance(value, int | float):
                value = value / 100
            elif isinstance(value, float) and value != value:
                value = None
            row[run.label] = value
        row["measure"] = unit
        rows.append(row)
        formats.append(_UNIT_FORMATS.get(unit))
    frame = pd.DataFrame(rows, columns=["metric", "measure", *[r.label for r in wb.runs]])
    sheet = wb.add(_("Comparison"), frame, freeze="C2")
    for r, fmt in enumerate(formats, start=2):
        if fmt is None:
            continue
        for (cell,) in sheet.iter_cols(min_col=3, max_col=2 + len(wb.runs), min_row=r,
                                       max_row=r):
            cell.number_format = fmt
    finish(sheet, freeze="C2")


def unit_cost_frame(runs: Sequence[ScenarioRun]) -> pd.DataFrame:
    rows = []
    for run in runs:
        for unit, parts in run.costs.by_unit.items():
            rows.append({"scenario": run.label, "unit": unit,
                         **{k: round(v, 2) for k, v in parts.items()}})
    return pd.DataFrame(rows)


def unit_cost_sheet(wb: Workbook) -> None:
    frame = unit_cost_frame(wb.runs)
    wb.add(wb._("Cost per unit"), frame,
           {c: KR for c in frame.columns if c not in ("scenario", "unit")})


def staff_cost_sheet(wb: Workbook) -> None:
    staff = pd.concat([r.costs.staff.assign(scenario=r.label) for r in wb.runs],
                      ignore_index=True).round(2)
    staff = staff[["scenario", *[c for c in staff.columns if c != "scenario"]]]
    if "employment" in staff.columns:
        staff["employment"] = staff["employment"].map(
            lambda e: employment_labels(wb._).get(str(e), e))
    formats = {c: HOURS if str(c).endswith("_hours") else KR for c in staff.columns
               if c not in ("scenario", "staff", "home_unit", "employment")}
    formats["hourly_wage"] = KR_DECIMALS
    wb.add(wb._("Staff costs"), staff, formats)


def _local(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment.astimezone(zone).replace(tzinfo=None)  # Excel has no time zones


def uncovered_frame(runs: Sequence[ScenarioRun], _: Translator) -> pd.DataFrame:
    """One row per uncovered interval and blocker (an interval nobody could take: one row with
    the staff columns empty), local times, hours as numbers."""
    kinds = blocker_labels(_)
    rows = []
    for run in runs:
        zone = ZoneInfo(run.schedule.timezone)
        for u in run.schedule.uncovered:
            base = {
                "scenario": run.label, "client": u.client or "", "unit": u.unit,
                "start": _local(u.start, zone), "end": _local(u.end, zone),
                "hours": (u.end - u.start).total_seconds() / 3600, "missing": u.missing,
                "reason": u.reason,
            }
            rows += [{**base, "staff": b.staff, "blocker": kinds.get(b.kind, b.kind),
                      "detail": b.detail} for b in u.blockers] or [
                {**base, "staff": "", "blocker": "", "detail": ""}]
    return pd.DataFrame(rows, columns=["scenario", "client", "unit", "start", "end", "hours",
                                       "missing", "reason", "staff", "blocker", "detail"])


def uncovered_sheet(wb: Workbook) -> None:
    wb.add(wb._("Uncovered need"), uncovered_frame(wb.runs, wb._),
           {"start": DATETIME, "end": DATETIME, "hours": HOURS, "missing": COUNT})


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
            "start": _local(s.start, zone),
            "end": _local(s.end, zone),
            "hours": round(s.hours, 4),
            "jour_hours": round(s.on_call_hours, 4),
            "work_hours": round(c.work_hours, 4),
            "ob": round(c.ob, 2),
            "jour": round(c.jour_pay, 2),
            "visits": format_visits(s.visits, zone),
            "visit_hours": round(visit_hours(s), 4),
            "travel_hours": round(travel_hours(s), 4),
            "waiting_hours": round(waiting_hours(s), 4),
        })
    return pd.DataFrame(rows, columns=["staff", "client", "unit", "start", "end", "hours",
                                       "jour_hours", "work_hours", "ob", "jour", "visits",
                                       "visit_hours", "travel_hours", "waiting_hours"])


SCHEDULE_FORMATS = {"start": DATETIME, "end": DATETIME, "hours": HOURS, "jour_hours": HOURS,
                    "work_hours": HOURS, "ob": KR, "jour": KR, "visit_hours": HOURS,
                    "travel_hours": HOURS, "waiting_hours": HOURS}


def rounds_sheet(wb: Workbook) -> None:
    """Per scenario and unit: rounds, visits, travel and waiting (only with visits)."""
    if not has_visits(wb.runs):
        return
    frame = pd.concat([r.kpis.units.assign(scenario=r.label) for r in wb.runs],
                      ignore_index=True)
    frame = frame[["scenario", *[c for c in frame.columns if c != "scenario"]]].round(2)
    wb.add(wb._("Visits and rounds"), frame,
           {c: HOURS for c in frame.columns if str(c).endswith("_hours")})


def client_cost_sheet(wb: Workbook) -> None:
    """The shifts' pay per unit, client and line: visits to their clients, a round's travel
    and waiting to its unit (only with visits)."""
    if not has_visits(wb.runs):
        return
    lines = attribution_labels(wb._)
    frame = pd.concat([r.costs.attribution.assign(scenario=r.label) for r in wb.runs],
                      ignore_index=True)
    frame = frame[["scenario", "unit", "client", "line", "hours", "cost"]].round(2)
    frame["line"] = frame["line"].map(lambda v: lines.get(str(v), v))
    wb.add(wb._("Cost per client"), frame, {"hours": HOURS, "cost": KR})


def schedule_sheets(wb: Workbook) -> None:
    for run in wb.runs:
        wb.add(run.label, schedule_frame(run), SCHEDULE_FORMATS)


def week_sheets(wb: Workbook) -> None:
    """The week views per client and per staff member (sized and styled in week_sheets)."""
    write_week_sheets(wb.writer, wb.runs, wb._used, _sheet_name, wb.lang)


SHEET_WRITERS: list[SheetWriter] = [
    comparison_sheet,
    unit_cost_sheet,
    staff_cost_sheet,
    uncovered_sheet,
    schedule_sheets,
    rounds_sheet,
    client_cost_sheet,
    week_sheets,
]


def write_excel(runs: Sequence[ScenarioRun], table: pd.DataFrame, path: Path | str, *,
                lang: str = DEFAULT_LANG,
                writers: Sequence[SheetWriter] | None = None) -> Path:
    """The workbook at ``path``: one or more sheets from each of ``writers`` (default
    ``SHEET_WRITERS``) in that order."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        wb = Workbook(runs, table, lang, writer)
        for write in SHEET_WRITERS if writers is None else writers:
            write(wb)
    return path
