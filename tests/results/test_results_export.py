"""Schedule files: JSON that loads back, and a CSV of shifts with local times and offsets."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from scheduler.domain.loader import load_schedule
from scheduler.domain.schedule import Blocker, Break, Schedule, Shift, SolveInfo, UncoveredInterval
from scheduler.results.export import (
    SHIFT_COLUMNS,
    UNCOVERED_COLUMNS,
    column_labels,
    read_csv,
    shifts_frame,
    write_kpi_csvs,
    write_schedule,
)
from scheduler.results.kpi import compute_kpis

SE = ZoneInfo("Europe/Stockholm")


def _schedule() -> Schedule:
    day = Shift(
        staff="A01", client="C01", unit="U1",
        start=datetime(2027, 3, 22, 8, tzinfo=SE), end=datetime(2027, 3, 22, 16, tzinfo=SE),
        hours=8,
        breaks=[
            Break(start=datetime(2027, 3, 22, 12, tzinfo=SE),
                  end=datetime(2027, 3, 22, 12, 30, tzinfo=SE), paid=True),
            # Given in UTC: written in local time (14:00 UTC = 15:00 CET).
            Break(start=datetime(2027, 3, 22, 14, tzinfo=UTC),
                  end=datetime(2027, 3, 22, 14, 15, tzinfo=UTC), paid=False),
        ],
    )
    # Across the spring change: 22:00 CET → 07:00 CEST, 8 h elapsed, 7 h of it jour.
    night = Shift(
        staff="A02", client="C01", unit="U1",
        start=datetime(2027, 3, 27, 22, tzinfo=SE), end=datetime(2027, 3, 28, 7, tzinfo=SE),
        hours=8, on_call_hours=7,
    )
    return Schedule(
        scenario="tiny", horizon_start="2027-03-22", horizon_days=7, timezone="Europe/Stockholm",
        created=datetime(2027, 3, 1, tzinfo=UTC),
        solve=SolveInfo(status="optimal", objective=0, best_bound=0, gap=0, wall_seconds=0.1,
                        time_limit_seconds=5, workers=1, seed=0),
        shifts=[day, night],
    )


def test_write_schedule_json_and_csv(tmp_path):
    schedule = _schedule()
    json_path, csv_path, uncovered_path = write_schedule(schedule, tmp_path / "out" / "week.json")
    assert csv_path == tmp_path / "out" / "week.csv"
    assert uncovered_path == tmp_path / "out" / "week.uncovered.csv"
    assert uncovered_path.read_text().strip() == ",".join(UNCOVERED_COLUMNS)
    assert load_schedule(json_path) == schedule  # the JSON is the contract: it loads back

    frame = pd.read_csv(csv_path, keep_default_na=False)
    assert list(frame.columns) == SHIFT_COLUMNS
    assert len(frame) == len(schedule.shifts)
    first, second = frame.to_dict(orient="records")
    assert first["breaks"] == "12:00-12:30 paid;15:00-15:15 unpaid"
    assert first["start"] == "2027-03-22T08:00:00+01:00"
    assert second["start"] == "2027-03-27T22:00:00+01:00"
    assert second["end"] == "2027-03-28T07:00:00+02:00"  # the offset changes with DST
    assert (second["hours"], second["on_call_hours"], second["breaks"]) == (8, 7, "")


def test_empty_schedule_still_has_a_header(tmp_path):
    schedule = _schedule().model_copy(update={"shifts": []})
    _, csv_path, _ = write_schedule(schedule, tmp_path / "empty.json")
    assert csv_path.read_text().strip() == ",".join(SHIFT_COLUMNS)


def test_uncovered_csv_one_row_per_interval_and_staff_member(tmp_path):
    start = datetime(2027, 3, 22, 8, tzinfo=ZoneInfo("Europe/Stockholm"))
    blocked = UncoveredInterval(
        client="C01", unit="U1", start=start, end=start + timedelta(hours=4), missing=1,
        reason="not covered", blockers=[
            Blocker(staff="A1", kind="resting", detail="resting until 18:00 after C01 "
                    "06:00–14:00"),
            Blocker(staff="A3", kind="free", detail="free: would cost 4 h of overtime")])
    alone = blocked.model_copy(update={"client": "C02", "blockers": []})
    schedule = _schedule().model_copy(update={"uncovered": [blocked, alone]})
    json_path, _, uncovered_path = write_schedule(schedule, tmp_path / "week.json")
    assert load_schedule(json_path) == schedule
    rows = pd.read_csv(uncovered_path, keep_default_na=False).to_dict(orient="records")
    assert [(r["client"], r["staff"], r["blocker"]) for r in rows] == [
        ("C01", "A1", "resting"), ("C01", "A3", "free"), ("C02", "", "")]
    assert rows[0]["start"] == "2027-03-22T08:00:00+01:00"
    assert rows[1]["detail"] == "free: would cost 4 h of overtime"


def test_write_kpi_csvs(tmp_path, tiny_scenario):
    kpis = compute_kpis(tiny_scenario(), _schedule())
    paths = write_kpi_csvs(kpis, tmp_path / "week.json")
    assert [p.name for p in paths] == ["week.decisions.csv", "week.staff.csv",
                                       "week.clients.csv", "week.units.csv"]
    staff = pd.read_csv(paths[1])
    assert list(staff["staff"]) == ["A01", "A02", "A03"]
    assert staff.set_index("staff").loc["A02", "scheduled_hours"] == 8
    clients = pd.read_csv(paths[2])
    assert list(clients["client"]) == [c.id for c in tiny_scenario().clients]
    assert "waiting_hours" in clients.columns and "travel_hours" in pd.read_csv(paths[3])


def _fractional() -> Schedule:
    """The schedule with hours that need a decimal separator (7.75 h, 6.5 h of jour)."""
    schedule = _schedule()
    day, night = schedule.shifts
    return schedule.model_copy(update={"shifts": [
        day.model_copy(update={"hours": 7.75}),
        night.model_copy(update={"on_call_hours": 6.5}),
    ]})


def test_excel_sv_csv_semicolon_decimal_comma_bom_and_swedish_headers(tmp_path):
    schedule = _fractional()
    _, csv_path, uncovered_path = write_schedule(schedule, tmp_path / "week.json",
                                                 csv_dialect="excel-sv")
    raw = csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads UTF-8, not cp1252
    text = raw.decode("utf-8-sig")
    header, first = text.splitlines()[:2]
    assert header == ("Medarbetare;Brukare;Enhet;Start;Slut;Timmar;Jourtimmar;Raster;Besök;"
                      "Restid (timmar);Väntetid (timmar)")
    assert first.split(";")[5:7] == ["7,75", "0,0"]  # decimal commas, no decimal points
    assert uncovered_path.read_bytes().decode("utf-8-sig").startswith("Brukare;Enhet;Start")

    # Read back with the dialect: the same numbers and texts as the machine frame.
    machine = shifts_frame(schedule)
    back = read_csv(csv_path, "excel-sv")
    assert list(back.columns) == list(column_labels("sv")[c] for c in SHIFT_COLUMNS)
    assert back["Timmar"].tolist() == machine["hours"].tolist() == [7.75, 8.0]
    assert back["Jourtimmar"].tolist() == [0.0, 6.5]
    assert back["Raster"].tolist() == machine["breaks"].tolist()  # ';' inside is quoted
    with csv_path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    assert [float(r[5].replace(",", ".")) for r in rows[1:]] == [7.75, 8.0]
    assert rows[1][7] == "12:00-12:30 paid;15:00-15:15 unpaid"


def test_machine_csv_is_unchanged_by_default(tmp_path):
    _, csv_path, _ = write_schedule(_fractional(), tmp_path / "week.json")
    raw = csv_path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert raw.decode().splitlines()[0] == ",".join(SHIFT_COLUMNS)
    assert pd.read_csv(csv_path)["hours"].tolist() == [7.75, 8.0]


def test_excel_sv_kpi_csvs_round_trip(tmp_path, tiny_scenario):
    kpis = compute_kpis(tiny_scenario(), _fractional())
    paths = write_kpi_csvs(kpis, tmp_path / "week.json", csv_dialect="excel-sv")
    staff = read_csv(paths[1], "excel-sv")
    assert staff["Medarbetare"].tolist() == kpis.staff["staff"].tolist()
    assert staff["Schemalagda timmar"].tolist() == kpis.staff["scheduled_hours"].round(4).tolist()
    labels = column_labels("sv")
    assert list(staff.columns) == [labels[c] for c in kpis.staff.columns]  # all in Swedish
    assert ";" in paths[1].read_text(encoding="utf-8-sig").splitlines()[0]


def test_unknown_csv_dialect_is_named(tmp_path):
    with pytest.raises(ValueError, match="'excel-fi'"):
        write_schedule(_schedule(), tmp_path / "w.json", csv_dialect="excel-fi")
