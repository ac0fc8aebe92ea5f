"""The example input of `scheduler import` in scenarios/import/, made reproducibly from the rows
below (pseudonymous ids only): a workbook with the sheets Personal, Kunder, Behov, Frånvaro and
Enheter, and the same staff, clients, need and absences as semicolon-separated cp1252 CSV files,
as Swedish Excel saves "CSV (semikolonavgränsad)".

Regenerate with `.venv/bin/python tests/import_examples.py`; tests/planning/test_import.py
checks that the committed files hold exactly these rows.
"""

from __future__ import annotations

import csv
from datetime import date, time
from pathlib import Path
from typing import Any

import openpyxl

FOLDER = Path(__file__).resolve().parents[1] / "scenarios" / "import"
WORKBOOK = FOLDER / "exempel.xlsx"
CSV_FILES = {"Personal": "personal.csv", "Kunder": "kunder.csv", "Behov": "behov.csv",
             "Frånvaro": "franvaro.csv", "Enheter": "enheter.csv"}

Rows = list[list[Any]]

# Sysselsättningsgrad as Excel stores a cell formatted as percent: a fraction.
STAFF: Rows = [
    ["Anställningsnummer", "Enhet", "Sysselsättningsgrad", "Anställningsform", "Kompetenser",
     "Godkänd hos"],
    ["A01", "U1", 1.0, "månadsavlönad", "lyft", "C001"],
    ["A02", "U1", 0.95, "månadsavlönad", "lyft", "C001"],
    ["A03", "U1", 0.75, "månadsavlönad", "lyft", "C001"],
    ["A04", "U1", 0.75, "månadsavlönad", "lyft", "C001"],
    ["A05", "U1", 0.5, "månadsavlönad", "lyft", "C001"],
    ["A06", "U1", 0.25, "PAN", "lyft", "C001"],
    ["A07", "U1", 0, "timavlönad", "lyft", "C001, C002"],
    ["A08", "U1", 0, "timavlönad", "lyft", "C001"],
    ["A11", "U2", 0.8, "månadsavlönad", "", "C002"],
    ["A12", "U2", 0.5, "månadsavlönad", "", "C002"],
]
CLIENTS: Rows = [
    ["Kund", "Enhet", "Beslut", "Beslutstyp", "Beviljade timmar per vecka",
     "Avräkningsperiod från", "Avräkningsperiod till", "Utförda timmar", "Kompetenskrav"],
    ["C001", "U1", "D001", "SFB", 189, date(2027, 1, 1), date(2027, 6, 30), 1950, "lyft"],
    ["C002", "U2", "D002", "LSS", 42.5, date(2027, 1, 1), date(2027, 6, 30), 420, ""],
]
NEED: Rows = [
    ["Kund", "Dagar", "Från", "Till", "Antal", "Jour"],
    ["C001", "alla", time(7), time(22), 1, "nej"],
    ["C001", "alla", time(7), time(10), 2, "nej"],
    ["C001", "alla", time(22), time(7), 1, "ja"],
    ["C002", "mån-fre", time(8), time(16), 1, "nej"],
    ["C002", "lör, sön", time(10), time(14), 1, "nej"],
]
ABSENCES: Rows = [
    ["Anställningsnummer", "Från", "Till", "Orsak"],
    ["A03", date(2027, 3, 29), date(2027, 4, 4), "semester"],
    ["A11", date(2027, 3, 22), date(2027, 3, 24), "sjuk"],
]
UNITS: Rows = [
    ["Enhet", "Namn", "Typ"],
    ["U1", "Assistansgrupp Norr", "assistansgrupp"],
    ["U2", "Assistansgrupp Syd", "assistansgrupp"],
]
SHEETS: dict[str, Rows] = {"Personal": STAFF, "Kunder": CLIENTS, "Behov": NEED,
                           "Frånvaro": ABSENCES, "Enheter": UNITS}


def write_workbook(path: Path = WORKBOOK) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for name, rows in SHEETS.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        header = rows[0]
        for r in range(2, len(rows) + 1):
            for c, title in enumerate(header, start=1):
                cell = sheet.cell(r, c)
                if title == "Sysselsättningsgrad":
                    cell.number_format = "0%"
                elif isinstance(cell.value, time):
                    cell.number_format = "hh:mm"
                elif title.startswith(("Avräkningsperiod", "Från", "Till")) and name != "Behov":
                    cell.number_format = "yyyy-mm-dd"
        sheet.freeze_panes = "A2"
        for c, title in enumerate(header, start=1):
            sheet.column_dimensions[openpyxl.utils.get_column_letter(c)].width = len(title) + 4
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def _csv_text(value: Any, header: str) -> str:
    """A cell as Swedish Excel writes it to CSV: decimal comma, percent, dates, HH:MM."""
    if header == "Sysselsättningsgrad":
        return f"{round(value * 100):d} %"
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    return "" if value is None else str(value)


def write_csv_files(folder: Path = FOLDER) -> list[Path]:
    written = []
    for sheet, name in CSV_FILES.items():
        rows = SHEETS[sheet]
        path = folder / name
        with path.open("w", encoding="cp1252", newline="") as handle:
            writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
            writer.writerow(rows[0])
            for row in rows[1:]:
                writer.writerow([_csv_text(v, h) for v, h in zip(row, rows[0], strict=True)])
        written.append(path)
    return written


if __name__ == "__main__":
    for path in [write_workbook(), *write_csv_files()]:
        print(f"wrote {path}")
