"""Week sheets of the workbook, from the same rows as the HTML week views (``reports/week.py``):
per scenario one sheet per client or group unit and day, and one per staff member and week with
a column per weekday. Absences are shaded, weekends and public holidays marked, uncovered need
in red. A round is one shift in its staff member's row with its visits in order (and the travel
before each, and its waiting), and a visit in each visited client's row, marked as in a round.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Any

from openpyxl.styles import Alignment, Font, PatternFill

from scheduler.i18n import DEFAULT_LANG, Translator, translator
from scheduler.planning.compare import ScenarioRun
from scheduler.reports.week import Block, WeekData, asked_note

_ABSENT = PatternFill("solid", fgColor="E6E6E6")
_WEEKEND = PatternFill("solid", fgColor="F4F1FA")
_HOLIDAY = PatternFill("solid", fgColor="FDEEE0")
_UNCOVERED = Font(color="C00000", bold=True)
_HEADER = Font(bold=True)


def shift_text(_: Translator, b: Block) -> str:
    """'A3 07:00–12:00', with its jour ('jour 22–07') and unpaid breaks ('rast 11:00–11:30')."""
    extra = [f"{_('jour')} {s.start:%H}–{s.end:%H}" for s in b.segments if s.kind == "jour"]
    extra += [f"{_('break')} {s.start:%H:%M}–{s.end:%H:%M}" for s in b.segments
              if s.kind == "break"]
    if b.round_visit:
        extra.append(_("in a round") + asked_note(_, b.visits[0], ", {}"))
    elif b.visits:
        visits = []
        for v in b.visits:
            if v.travel_minutes:
                visits.append(f"{_('travel time')} {v.travel_minutes} min")
            visits.append(f"{v.client} {v.times}{asked_note(_, v)}")
        extra.append(f"{_('visits')}: {' → '.join(visits)}")
        if b.waiting_minutes:
            extra.append(f"{_('waiting time')} {b.waiting_minutes:.0f} min")
    return f"{b.who} {b.times}" + (f" ({', '.join(extra)})" if extra else "")


def client_rows(data: WeekData, _: Translator) -> list[list[Any]]:
    """One row per client (or group unit) and day: the shifts, the jour, the uncovered need."""
    rows = []
    for view in data.client_weeks():
        for row in view.rows:
            day = row.day
            assert day is not None
            # A night shift shows on both days it touches; list it once, on its first day.
            shifts = [b for b in row.blocks if b.kind == "shift" and b.first.date() == day.date]
            gaps = [b for b in row.blocks if b.kind == "uncovered"]
            rows.append([
                view.title, view.week, day.label, day.holiday or "",
                "; ".join(shift_text(_, b) for b in shifts),
                round(sum(b.jour_hours for b in shifts), 2),
                "; ".join(f"{_('missing')} {b.missing} {b.times}" for b in gaps),
            ])
    return rows


def staff_rows(data: WeekData, _: Translator) -> list[tuple[list[Any], list[str]]]:
    """One row per unit's staff member and week, a column per weekday (Monday first); with the
    absence text of each day beside (for shading)."""
    rows = []
    for view in data.staff_weeks():
        weekdays = [d.date.weekday() for d in view.days]
        for row in view.rows:
            cells: list[Any] = [""] * 7
            absent = [""] * 7
            for wd, blocks, note in zip(weekdays, row.cells, row.absences, strict=True):
                texts = [shift_text(_, b) if b.kind == "shift" else
                         f"{b.who}: {_('missing')} {b.missing} {b.times}" for b in blocks]
                cells[wd] = "; ".join(([note] if note else []) + texts)
                absent[wd] = note
            rows.append(([view.title, view.week, row.label, *cells], absent))
    return rows


def write_week_sheets(writer: Any, runs: Sequence[ScenarioRun], used: set[str],
                      sheet_name: Callable[[str, set[str]], str],
                      lang: str = DEFAULT_LANG) -> list[str]:
    """Two sheets per scenario ('<label> brukare', '<label> personal' in Swedish); returns
    their names. ``writer`` is the workbook's pandas ExcelWriter (openpyxl)."""
    _ = translator(lang)
    names = []
    for run in runs:
        data = WeekData(run.scenario, run.schedule, lang)
        book = writer.book
        client_name = sheet_name(f"{run.label[:20]} {_('clients')}", used)
        sheet = book.create_sheet(client_name)
        sheet.append([_("Client or unit"), _("Week"), _("Day"), _("Public holiday"),
                      _("Shifts"), _("Jour (hours)"), _("Uncovered need")])
        for values in client_rows(data, _):
            sheet.append(values)
            cells = sheet[sheet.max_row]
            if values[3]:
                for cell in cells:
                    cell.fill = _HOLIDAY
            elif values[2] and data.days and _is_weekend(data, values[2]):
                for cell in cells:
                    cell.fill = _WEEKEND
            cells[6].font = _UNCOVERED
        _finish(sheet, [34, 7, 11, 18, 70, 12, 30])
        staff_name = sheet_name(f"{run.label[:20]} {_('staff')}", used)
        sheet = book.create_sheet(staff_name)
        monday = date(2024, 1, 1)
        weekday_names = [_.day(monday + timedelta(days=i)).split()[0] for i in range(7)]
        sheet.append([_("Unit"), _("Week"), _("Staff"), *weekday_names])
        for values, absent in staff_rows(data, _):
            sheet.append(values)
            cells = sheet[sheet.max_row]
            for i, note in enumerate(absent):
                if note:
                    cells[3 + i].fill = _ABSENT
            if values[2] == _("uncovered need"):
                for cell in cells[3:]:
                    cell.font = _UNCOVERED
            for i in (5, 6):  # Saturday, Sunday
                if not absent[i]:
                    cells[3 + i].fill = _WEEKEND
        _finish(sheet, [34, 7, 10, *[26] * 7])
        names += [client_name, staff_name]
    return names


def _is_weekend(data: WeekData, label: str) -> bool:
    return any(d.label == label and d.weekend for d in data.days)


def _finish(sheet: Any, widths: list[int]) -> None:
    for cell in sheet[1]:
        cell.font = _HEADER
    for i, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + i)].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
