"""Writing a schedule: the JSON contract file, and flat CSVs of its shifts and its uncovered
need (who could have taken it) beside it.

A shift's visits (scattered clients, rounds) are one text column in order, each with the travel
before it, beside its travel and waiting hours (``results.visits``); a round has no client.

CSVs come in two dialects: ``machine`` (the default: comma, decimal point, UTF-8, English
column names, for scripts) and ``excel-sv`` (semicolon, decimal comma, UTF-8 with a byte-order
mark, column names in the chosen language), which Swedish Excel opens in columns with numbers
as numbers; without the BOM it would read the file as cp1252 and garble å, ä, ö.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args
from zoneinfo import ZoneInfo

import pandas as pd

from scheduler.domain.schedule import Break, Schedule, Visit
from scheduler.i18n import DEFAULT_LANG, translator
from scheduler.results.kpi import Kpis
from scheduler.results.visits import travel_hours, waiting_hours

CsvDialectName = Literal["machine", "excel-sv"]
CSV_DIALECTS: tuple[str, ...] = get_args(CsvDialectName)


@dataclass(frozen=True)
class CsvDialect:
    sep: str
    decimal: str
    encoding: str
    translated_headers: bool


DIALECTS: dict[str, CsvDialect] = {
    "machine": CsvDialect(sep=",", decimal=".", encoding="utf-8", translated_headers=False),
    "excel-sv": CsvDialect(sep=";", decimal=",", encoding="utf-8-sig", translated_headers=True),
}


def csv_dialect(name: str) -> CsvDialect:
    if name not in DIALECTS:
        raise ValueError(f"unknown CSV dialect {name!r}: choose one of {', '.join(DIALECTS)}")
    return DIALECTS[name]


def column_labels(lang: str = DEFAULT_LANG) -> dict[str, str]:
    """Readable headers of the shift, uncovered and KPI columns (machine name → label)."""
    _ = translator(lang)
    return {
        "staff": _("Staff member"),
        "client": _("Client"),
        "unit": _("Unit"),
        "start": _("Start"),
        "end": _("End"),
        "hours": _("Hours"),
        "on_call_hours": _("Jour hours"),
        "breaks": _("Breaks"),
        "missing": _("Assistants missing"),
        "reason": _("Reason"),
        "blocker": _("Blocker"),
        "detail": _("Detail"),
        # The KPI files (--kpi-csv): per decision and per staff member.
        "decision": _("Decision"),
        "kind": _("Decision kind"),
        "service": _("Service"),
        "on_call_counts_as": _("Jour counts as"),
        "granted_total_hours": _("Granted hours in the settlement period"),
        "performed_hours": _("Hours performed"),
        "reserve_hours": _("Reserved for the rest of the period"),
        "available_without_exception_hours": _("Available without exception"),
        "available_in_horizon_hours": _("Available in the horizon"),
        "scheduled_hours": _("Scheduled hours"),
        "charged_hours": _("Charged hours"),
        "exception_reference": _("Exception reference"),
        "exception_hours": _("Exception hours"),
        "exception_hours_used": _("Exception hours used"),
        "over_available_hours": _("Hours over what is available"),
        "left_in_period_hours": _("Hours left in the period"),
        "home_unit": _("Home unit"),
        "employment": _("Employment"),
        "contract_hours": _("Contract hours"),
        "absence_hours": _("Absence hours"),
        "work_hours": _("Work hours"),
        "additional_hours": _("Additional hours (mertid)"),
        "overtime_hours": _("Overtime hours"),
        "unused_contract_hours": _("Unused contract hours"),
        "shifts": _("Shifts"),
        "night_shifts": _("Night shifts"),
        "weekend_shifts": _("Weekend shifts"),
        "unpaid_break_hours": _("Unpaid break hours"),
        "outside_home_unit_hours": _("Hours outside the home unit"),
        # Scattered clients: visits, rounds, travel and waiting (shifts and KPI files).
        "visits": _("Visits"),
        "visit_hours": _("Visit hours"),
        "travel_hours": _("Travel time (hours)"),
        "waiting_hours": _("Waiting time (hours)"),
        "rounds": _("Rounds"),
        "round_hours": _("Hours in rounds"),
        "scattered": _("Scattered hours"),
        "served_hours": _("Hours served"),
        "visits_in_rounds": _("Visits in rounds"),
        "travel_charged_hours": _("Travel charged to decisions (hours)"),
        "round_waiting_hours": _("Waiting time in rounds (hours)"),
        "client_waiting_hours": _("Waiting time in single-client shifts (hours)"),
    }


def write_csv(frame: pd.DataFrame, path: Path | str, dialect: str = "machine",
              lang: str = DEFAULT_LANG) -> Path:
    """``frame`` as CSV in ``dialect``; people's dialects get readable headers in ``lang``
    (columns without a label keep their machine name)."""
    path = Path(path)
    spec = csv_dialect(dialect)
    if spec.translated_headers:
        frame = frame.rename(columns=column_labels(lang))
    frame.to_csv(path, index=False, sep=spec.sep, decimal=spec.decimal, encoding=spec.encoding)
    return path


def read_csv(path: Path | str, dialect: str = "machine") -> pd.DataFrame:
    """A CSV written by ``write_csv`` in ``dialect`` (headers as written)."""
    spec = csv_dialect(dialect)
    return pd.read_csv(path, sep=spec.sep, decimal=spec.decimal, encoding=spec.encoding,
                       keep_default_na=False)

SHIFT_COLUMNS = [
    "staff", "client", "unit", "start", "end", "hours", "on_call_hours", "breaks", "visits",
    "travel_hours", "waiting_hours",
]
UNCOVERED_COLUMNS = [
    "client", "unit", "start", "end", "missing", "reason", "staff", "blocker", "detail",
]


def shifts_frame(schedule: Schedule) -> pd.DataFrame:
    """One row per shift; times as ISO local time with the UTC offset of that instant."""
    zone = ZoneInfo(schedule.timezone)
    rows = [
        {
            "staff": s.staff,
            "client": s.client or "",
            "unit": s.unit,
            "start": s.start.astimezone(zone).isoformat(),
            "end": s.end.astimezone(zone).isoformat(),
            "hours": round(s.hours, 4),
            "on_call_hours": round(s.on_call_hours, 4),
            "breaks": format_breaks(s.breaks, zone),
            "visits": format_visits(s.visits, zone),
            "travel_hours": round(travel_hours(s), 4),
            "waiting_hours": round(waiting_hours(s), 4),
        }
        for s in schedule.shifts
    ]
    return pd.DataFrame(rows, columns=SHIFT_COLUMNS)


def format_breaks(breaks: list[Break], zone: ZoneInfo) -> str:
    """'12:00-12:30 paid;16:00-16:30 unpaid' in local time."""
    return ";".join(
        f"{b.start.astimezone(zone):%H:%M}-{b.end.astimezone(zone):%H:%M} "
        f"{'paid' if b.paid else 'unpaid'}"
        for b in breaks
    )


def format_visits(visits: list[Visit], zone: ZoneInfo) -> str:
    """'C1 07:00-08:00;C2 08:15-09:00 travel 10 asked 08:00' in local time, in order (travel
    in minutes, before the visit; the asked start of a visit moved within its window)."""
    return ";".join(
        f"{v.client} {v.start.astimezone(zone):%H:%M}-{v.end.astimezone(zone):%H:%M}"
        + (f" travel {v.travel_minutes}" if v.travel_minutes else "")
        + (f" asked {v.asked_start.astimezone(zone):%H:%M}" if v.asked_start else "")
        for v in visits
    )


def uncovered_frame(schedule: Schedule) -> pd.DataFrame:
    """One row per uncovered interval and eligible staff member (what stopped them); an
    interval nobody could take has one row with the staff columns empty."""
    zone = ZoneInfo(schedule.timezone)
    rows = []
    for u in schedule.uncovered:
        base = {
            "client": u.client or "",
            "unit": u.unit,
            "start": u.start.astimezone(zone).isoformat(),
            "end": u.end.astimezone(zone).isoformat(),
            "missing": u.missing,
            "reason": u.reason,
        }
        rows += [{**base, "staff": b.staff, "blocker": b.kind, "detail": b.detail}
                 for b in u.blockers] or [{**base, "staff": "", "blocker": "", "detail": ""}]
    return pd.DataFrame(rows, columns=UNCOVERED_COLUMNS)


def write_schedule(schedule: Schedule, path: Path | str, csv_dialect: str = "machine",
                   lang: str = DEFAULT_LANG) -> tuple[Path, Path, Path]:
    """Write ``path`` (JSON), the shift CSV with the same stem and ``<stem>.uncovered.csv``
    (``uncovered_frame``) in ``csv_dialect``; returns the three paths."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(schedule.model_dump_json(indent=2) + "\n", encoding="utf-8")
    csv_path = write_csv(shifts_frame(schedule), path.with_suffix(".csv"), csv_dialect, lang)
    uncovered_path = write_csv(uncovered_frame(schedule),
                               path.with_name(f"{path.stem}.uncovered.csv"), csv_dialect, lang)
    return path, csv_path, uncovered_path


def write_kpi_csvs(kpis: Kpis, path: Path | str, csv_dialect: str = "machine",
                   lang: str = DEFAULT_LANG) -> list[Path]:
    """``<stem>.decisions.csv``, ``<stem>.staff.csv``, ``<stem>.clients.csv`` and
    ``<stem>.units.csv`` (visits, rounds, travel, waiting) beside ``path``."""
    path = Path(path)
    return [write_csv(frame.round(4), path.with_name(f"{path.stem}.{name}.csv"), csv_dialect,
                      lang)
            for name, frame in (("decisions", kpis.decisions), ("staff", kpis.staff),
                                ("clients", kpis.clients), ("units", kpis.units))]
