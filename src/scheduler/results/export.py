"""Writing a schedule: the JSON contract file, and flat CSVs of its shifts and its uncovered
need (who could have taken it) beside it."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

from scheduler.domain.schedule import Break, Schedule
from scheduler.results.kpi import Kpis

SHIFT_COLUMNS = [
    "staff", "client", "unit", "start", "end", "hours", "on_call_hours", "breaks",
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


def write_schedule(schedule: Schedule, path: Path | str) -> tuple[Path, Path, Path]:
    """Write ``path`` (JSON), the shift CSV with the same stem and ``<stem>.uncovered.csv``
    (``uncovered_frame``); returns the three paths."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(schedule.model_dump_json(indent=2) + "\n", encoding="utf-8")
    csv_path = path.with_suffix(".csv")
    shifts_frame(schedule).to_csv(csv_path, index=False)
    uncovered_path = path.with_name(f"{path.stem}.uncovered.csv")
    uncovered_frame(schedule).to_csv(uncovered_path, index=False)
    return path, csv_path, uncovered_path


def write_kpi_csvs(kpis: Kpis, path: Path | str) -> list[Path]:
    """``<stem>.decisions.csv`` and ``<stem>.staff.csv`` beside ``path``."""
    path = Path(path)
    out = []
    for name, frame in (("decisions", kpis.decisions), ("staff", kpis.staff)):
        target = path.with_name(f"{path.stem}.{name}.csv")
        frame.round(4).to_csv(target, index=False)
        out.append(target)
    return out
