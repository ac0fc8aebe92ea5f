"""`scheduler import`: spreadsheets (.xlsx sheets, .csv in any common encoding and separator,
Swedish or English columns) into scenario files that `scheduler validate` accepts; bad cells
named by file, sheet, row and column, all of them at once, exit 2 and nothing written."""

from __future__ import annotations

import csv
import io
from datetime import datetime, time
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from typer.testing import CliRunner

import import_examples as examples
from scheduler.cli import app
from scheduler.planning.importer import SPECS
from scheduler.planning.tables import (
    decode,
    detect_separator,
    normalise,
    parse_clock,
    parse_days,
    parse_degree,
    parse_number,
)

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "scenarios" / "small_group.yaml"
runner = CliRunner()


def run(*args: str | Path) -> Any:
    return runner.invoke(app, [str(a) for a in args])


def imported(*args: str | Path, out: Path) -> dict[str, Any]:
    result = run("import", *args, "--out", out)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    checked = run("validate", out)
    assert checked.exit_code == 0, checked.output
    data: dict[str, Any] = yaml.safe_load(out.read_text(encoding="utf-8"))
    return data


def bad(*args: str | Path, out: Path) -> str:
    result = run("import", *args, "--out", out)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not out.exists(), "nothing is written when a cell is bad"
    return str(result.stderr)


def write_csv(path: Path, rows: list[list[Any]], *, sep: str = ";", encoding: str = "cp1252"
              ) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=sep, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def _by_id(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {item["id"]: item for item in items}


# --- the examples ------------------------------------------------------------------------------


def test_example_workbook_imports_into_a_valid_scenario(tmp_path: Path) -> None:
    data = imported(examples.WORKBOOK, "--template", TEMPLATE, out=tmp_path / "ex.yaml")
    assert data["horizon"] == {"start": "2027-03-15", "days": 28}  # the template's
    staff = _by_id(data["staff"])
    assert list(staff) == ["A01", "A02", "A03", "A04", "A05", "A06", "A07", "A08", "A11", "A12"]
    # Employment degree × the template's full time (40 h): 95 % → 38 h; hourly: 0.
    assert staff["A02"]["contract_hours_per_week"] == pytest.approx(38)
    assert (staff["A07"]["contract_hours_per_week"], staff["A07"]["employment"]) == (0, "hourly")
    assert staff["A06"]["employment"] == "pan"
    # A date without a time is the last day of absence: through 4 April = until 5 April 00:00.
    assert staff["A03"]["absences"] == [{"start": "2027-03-29T00:00", "end": "2027-04-05T00:00",
                                         "reason": "vacation"}]
    assert staff["A11"]["absences"][0]["reason"] == "sick leave"
    clients = _by_id(data["clients"])
    c1, c2 = clients["C001"], clients["C002"]
    assert c1["decisions"][0]["kind"] == "sfb_assistance"
    assert c1["decisions"][0]["granted_hours_per_week"] == 189
    assert c2["decisions"][0]["kind"] == "lss_assistance"
    assert c1["approved_staff"] == ["A01", "A02", "A03", "A04", "A05", "A06", "A07", "A08"]
    assert c2["approved_staff"] == ["A07", "A11", "A12"]  # from the staff's 'Godkänd hos'
    assert c1["need"]["weekly"][2] == {"start": "22:00", "end": "07:00", "staff": 1,
                                       "on_call": True}
    assert c2["need"]["weekly"] == [
        {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "08:00", "end": "16:00",
         "staff": 1},
        {"days": ["sat", "sun"], "start": "10:00", "end": "14:00", "staff": 1}]
    assert [u["id"] for u in data["units"]] == ["U1", "U2"]
    assert data["solver"] == {"time_limit_seconds": 30}  # settings from the template


def test_semicolon_cp1252_csvs_import_into_the_same_scenario(tmp_path: Path) -> None:
    raw = (examples.FOLDER / "personal.csv").read_bytes()
    assert b"Anst\xe4llningsnummer;" in raw  # cp1252 'ä', semicolons: as Swedish Excel saves
    files = {f"--{k}": examples.FOLDER / name for k, name in (
        ("staff", "personal.csv"), ("clients", "kunder.csv"), ("need", "behov.csv"),
        ("absences", "franvaro.csv"), ("units", "enheter.csv"))}
    args = [x for pair in files.items() for x in pair]
    from_csv = imported(*args, "--template", TEMPLATE, out=tmp_path / "csv.yaml")
    from_xlsx = imported(examples.WORKBOOK, "--template", TEMPLATE, out=tmp_path / "x.yaml")
    for data in (from_csv, from_xlsx):
        data.pop("name"), data.pop("description")
    assert from_csv == from_xlsx


def test_committed_examples_hold_the_generated_rows(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(examples.WORKBOOK)
    assert book.sheetnames == list(examples.SHEETS)
    for name, rows in examples.SHEETS.items():
        cells = [list(r) for r in book[name].iter_rows(values_only=True)]
        expected = [[v.replace(tzinfo=None) if isinstance(v, datetime) else v for v in r]
                    for r in rows]
        got = [[v.date() if isinstance(v, datetime) and not isinstance(e, datetime)
                and v.time() == time(0) else v for v, e in zip(r, exp, strict=True)]
               for r, exp in zip(cells, expected, strict=True)]
        assert got == [[None if v == "" else v for v in r] for r in expected], name
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    for path in examples.write_csv_files(fresh):
        assert path.read_bytes() == (examples.FOLDER / path.name).read_bytes(), path.name


# --- encodings, separators, column names -------------------------------------------------------

STAFF_EN = [["staff id", "home unit", "contract hours", "employment", "competences"],
            ["A01", "U1", "37,5", "monthly", "lyft"],
            ["A02", "U1", "0", "hourly", "lyft, förflyttning"]]
CLIENTS_SV = [["Brukare", "Beviljade timmar", "Avräkningsperiod från", "Avräkningsperiod till"],
              ["C01", "40", "2027-01-01", "2027-06-30"]]


@pytest.mark.parametrize(("sep", "encoding"), [
    (";", "cp1252"), (",", "utf-8-sig"), ("\t", "utf-16"), (";", "utf-8"), (";", "latin-1"),
])
def test_csv_in_any_common_encoding_and_separator(tmp_path: Path, sep: str, encoding: str
                                                  ) -> None:
    staff = write_csv(tmp_path / "staff.csv", STAFF_EN, sep=sep, encoding=encoding)
    clients = write_csv(tmp_path / "clients.csv", CLIENTS_SV, sep=sep, encoding=encoding)
    data = imported("--staff", staff, "--clients", clients, "--template", TEMPLATE,
                    out=tmp_path / "s.yaml")
    a01, a02 = data["staff"]
    assert a01["contract_hours_per_week"] == 37.5  # '37,5' read with a decimal comma
    assert a02["competences"] == ["lyft", "förflyttning"]  # the encoding was right
    assert a02["employment"] == "hourly"
    assert data["clients"][0]["decisions"][0]["id"] == "C01-D1"  # no decision id: made up
    assert data["clients"][0]["approved_staff"] == ["A01", "A02"]  # none given: the unit's


def test_scattered_clients_with_homes_visit_windows_and_travel_paid(tmp_path: Path) -> None:
    staff = write_csv(tmp_path / "staff.csv", STAFF_EN)
    clients = write_csv(tmp_path / "kunder.csv", [
        ["Brukare", "Beviljade timmar", "Spridda timmar", "Hem x (km)", "Hem y (km)",
         "Restid debiteras", "Besöksfönster (min)"],
        ["C01", "10", "ja", "1,5", "-2", "nej", "30 min"],
        ["C02", "12", "ja", "3", "0,25", "ja", ""],
    ])
    data = imported("--staff", staff, "--clients", clients, "--template", TEMPLATE,
                    out=tmp_path / "s.yaml")
    c01, c02 = data["clients"]
    assert c01["scattered"] and c01["home"] == {"x_km": 1.5, "y_km": -2}
    assert c02["home"] == {"x_km": 3, "y_km": 0.25}
    assert c01["decisions"][0]["charges_travel"] is False
    assert c02["decisions"][0]["charges_travel"] is True
    assert c01["visit_window_minutes"] == 30 and "visit_window_minutes" not in c02
    for name, header, cell, message in (
            ("half", "Hem x (km)", "1,5", "give both coordinates of the home"),
            ("window", "Besöksfönster (min)", "7,5",
             "not a visit window of whole minutes (0–240): '7,5'")):
        wrong = write_csv(tmp_path / f"{name}.csv", [
            ["Brukare", "Beviljade timmar", "Spridda timmar", header], ["C01", "10", "ja", cell]])
        errors = bad("--staff", staff, "--clients", wrong, "--template", TEMPLATE,
                     out=tmp_path / "bad.yaml")
        assert f"row 2, column '{header}': {message}" in errors


def test_separator_and_encoding_detection() -> None:
    assert detect_separator('Kund;"Beviljade, timmar";Från\nC1;7,5;x') == ";"
    assert detect_separator("a\tb\tc\n1,5\t2\t3") == "\t"
    assert detect_separator("id,unit\nA1,U1") == ","
    assert decode("Frånvaro".encode("cp1252")) == ("Frånvaro", "cp1252")
    assert decode("\ufeffFrånvaro".encode()) == ("Frånvaro", "utf-8")
    assert normalise("Personal-ID ") == normalise("personalid")
    assert normalise("Frånvaro") == normalise("Franvaro")


def test_cell_parsers() -> None:
    assert parse_number("1 234,5") == 1234.5
    assert parse_number("7.5") == parse_number("7,5") == parse_number("7,5 h") == 7.5
    with pytest.raises(ValueError, match="not a number: '7,5x'"):
        parse_number("7,5x")
    assert parse_degree("75 %") == parse_degree(75) == parse_degree(0.75) == 0.75
    with pytest.raises(ValueError, match="out of range"):
        parse_degree("120 %")
    assert parse_days("mån-fre") == ["mon", "tue", "wed", "thu", "fri"]
    assert parse_days("fre-mån") == ["mon", "fri", "sat", "sun"]
    assert parse_days("Lördag och söndag") == ["sat", "sun"]
    assert parse_days("vardagar") == parse_days("mon-fri")
    assert parse_clock(time(7, 30)) == parse_clock("7.30") == parse_clock("07:30") == "07:30"
    assert parse_clock("24") == "24:00" and parse_clock(0.5) == "12:00"
    with pytest.raises(ValueError):
        parse_clock("25:00")


def test_every_column_name_belongs_to_one_column_of_its_table() -> None:
    for spec in SPECS:
        seen: dict[str, str] = {}
        for column in spec.columns:
            for name in {normalise(n) for n in (column.key, *column.names)}:
                assert seen.setdefault(name, column.key) == column.key, (spec.key, name)


# --- bad input ---------------------------------------------------------------------------------


def test_bad_rows_are_all_named_with_file_row_column_and_reason(tmp_path: Path) -> None:
    staff = write_csv(tmp_path / "personal.csv", [
        ["Anställningsnummer", "Enhet", "Timmar per vecka", "Favoritfärg", "Namn"],
        ["A01", "U1", "7,5x", "blå", "Kim"],
        ["A02", "U1", "40", "", ""],
        ["A02", "U1", "30", "", ""],
        ["19850101-1234", "U1", "30", "", ""],
        ["A05", "U9", "30", "", ""],
    ])
    clients = write_csv(tmp_path / "kunder.csv", [
        ["Kund", "Beviljade timmar", "Godkända assistenter"],
        ["C01", "40", "A01, A99"],
        ["C02", "-5", ""],
    ])
    need = write_csv(tmp_path / "behov.csv", [
        ["Kund", "Dagar", "Från", "Till", "Antal"],
        ["C01", "mån-xyz", "07:00", "16:00", "1"],
        ["C01", "alla", "25:00", "16:00", "1"],
        ["C77", "alla", "07:00", "16:00", "1"],
    ])
    absences = write_csv(tmp_path / "franvaro.csv", [
        ["Anställningsnummer", "Från", "Till", "Orsak"],
        ["A02", "2027-03-20", "2027-03-26", "semester"],
        ["A02", "2027-03-25", "2027-03-28", "sjuk"],
        ["A42", "2027-03-20", "2027-03-26", "semester"],
        ["A01", "2027-03-26", "2027-03-20", "sjuk"],
    ])
    args = ["--staff", staff, "--clients", clients, "--need", need, "--absences", absences,
            "--template", TEMPLATE]
    errors = bad(*args, out=tmp_path / "bad.yaml")
    f = str(tmp_path)
    expected = [
        f"{f}/personal.csv, column 'Favoritfärg': unknown column; known columns: "
        "Anställningsnummer, Enhet",
        f"{f}/personal.csv, column 'Namn': personal data is not imported: remove the column",
        f"{f}/personal.csv, row 2, column 'Timmar per vecka': not a number: '7,5x'",
        f"{f}/personal.csv, row 4, column 'Anställningsnummer': staff member 'A02' already in "
        f"{f}/personal.csv, row 3",
        f"{f}/personal.csv, row 5, column 'Anställningsnummer': '19850101-1234' looks like a "
        "Swedish personal identity number; use a pseudonymous id",
        f"{f}/personal.csv, row 6, column 'Enhet': unknown unit 'U9'; units: U1",
        f"{f}/kunder.csv, row 3, column 'Beviljade timmar': negative hours: '-5'",
        f"{f}/behov.csv, row 2, column 'Dagar': unknown days 'mån-xyz'",
        f"{f}/behov.csv, row 3, column 'Från': not a time of day: '25:00'",
        f"{f}/franvaro.csv, row 5, column 'Till': ends (2027-03-20 00:00) before it starts "
        "(2027-03-26 00:00)",
        # References too, in the same run: unknown ids, overlapping absences.
        f"{f}/kunder.csv, row 2, column 'Godkända assistenter': unknown staff member 'A99'",
        f"{f}/behov.csv, row 4, column 'Kund': unknown client 'C77'",
        f"{f}/franvaro.csv, row 4: unknown staff member 'A42'",
        f"{f}/franvaro.csv, row 3: absence of A02 2027-03-25 00:00–2027-03-29 00:00 overlaps "
        "the one in row 2",
    ]
    for message in expected:
        assert message in errors, (message, errors)
    assert "problem(s), nothing written" in errors


def test_cross_references_are_checked_once_the_cells_are_good(tmp_path: Path) -> None:
    staff = write_csv(tmp_path / "personal.csv", [
        ["Anställningsnummer", "Timmar per vecka"], ["A01", "40"], ["A02", "40"]])
    clients = write_csv(tmp_path / "kunder.csv", [
        ["Kund", "Beviljade timmar", "Godkända assistenter"], ["C01", "40", "A01, A99"]])
    need = write_csv(tmp_path / "behov.csv", [
        ["Kund", "Från", "Till"], ["C01", "07:00", "16:00"], ["C77", "07:00", "16:00"]])
    absences = write_csv(tmp_path / "franvaro.csv", [
        ["Anställningsnummer", "Från", "Till", "Orsak"],
        ["A02", "2027-03-20", "2027-03-26", "semester"],
        ["A02", "2027-03-25 08:00", "2027-03-28", "sjuk"],
        ["A42", "2027-03-20", "2027-03-26", "semester"],
    ])
    errors = bad("--staff", staff, "--clients", clients, "--need", need, "--absences",
                 absences, "--template", TEMPLATE, out=tmp_path / "bad.yaml")
    f = str(tmp_path)
    for message in [
        f"{f}/kunder.csv, row 2, column 'Godkända assistenter': unknown staff member 'A99'",
        f"{f}/behov.csv, row 3, column 'Kund': unknown client 'C77'",
        f"{f}/franvaro.csv, row 4: unknown staff member 'A42'",
        f"{f}/franvaro.csv, row 3: absence of A02 2027-03-25 08:00–2027-03-29 00:00 overlaps "
        "the one in row 2 (2027-03-20 00:00–2027-03-27 00:00)",
    ]:
        assert message in errors, (message, errors)


def test_workbook_problems_name_the_sheet(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    staff = book.create_sheet("Personal")
    staff.append(["Personal-id", "Sysselsättningsgrad"])
    staff.append(["A01", "hel tid"])
    clients = book.create_sheet("Kunder")
    clients.append(["Kund", "Enhet"])
    clients.append(["C01", "U1"])
    clients.append(["", "U1"])
    book.create_sheet("Anteckningar").append(["fritext"])
    path = tmp_path / "in.xlsx"
    book.save(path)
    errors = bad(path, "--template", TEMPLATE, out=tmp_path / "bad.yaml")
    for message in [
        f"{path}, sheet 'Personal', row 2, column 'Sysselsättningsgrad': not a number: "
        "'hel tid'",
        f"{path}, sheet 'Kunder': missing column 'Beviljade timmar'",
        f"{path}, sheet 'Kunder', row 3, column 'Kund': empty",
        f"{path}, sheet 'Anteckningar': unknown sheet; known sheets: Personal, Kunder, Behov, "
        "Frånvaro, Enheter",
    ]:
        assert message in errors, (message, errors)
    assert "4 problem(s)" in errors  # the missing column once, not again per row


def test_a_title_above_the_header_is_skipped(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Personal"
    sheet.append(["Personallista vecka 12"])
    sheet.append([])
    sheet.append(["Personal-id", "Timmar per vecka"])
    sheet.append(["A01", 40])
    sheet.append(["A02", "7,5x"])
    clients = book.create_sheet("Kunder")
    clients.append(["Kund", "Beviljade timmar"])
    clients.append(["C01", 40])
    path = tmp_path / "titled.xlsx"
    book.save(path)
    errors = bad(path, "--template", TEMPLATE, out=tmp_path / "t.yaml")
    # Row numbers stay the sheet's own: the bad value is in row 5.
    assert f"{path}, sheet 'Personal', row 5, column 'Timmar per vecka': not a number" in errors
    assert "1 problem(s)" in errors


def test_not_a_workbook_and_missing_files_are_named(tmp_path: Path) -> None:
    fake = tmp_path / "fake.xlsx"
    fake.write_text("not a zip")
    errors = bad(fake, "--clients", tmp_path / "nope.csv", "--template", TEMPLATE,
                 out=tmp_path / "o.yaml")
    assert f"{fake}: not a readable .xlsx workbook" in errors
    assert f"{tmp_path / 'nope.csv'}: no such file" in errors


def test_without_a_template_start_is_needed_and_units_come_from_the_rows(tmp_path: Path
                                                                       ) -> None:
    staff = write_csv(tmp_path / "s.csv", [["id", "unit", "contract hours"], ["A1", "U5", "40"]])
    clients = write_csv(tmp_path / "c.csv", [["client", "unit", "granted hours per week"],
                                             ["C1", "U5", "20"]])
    assert "give --start" in bad("--staff", staff, "--clients", clients,
                                 out=tmp_path / "x.yaml")
    result = run("import", "--staff", staff, "--clients", clients, "--start", "2027-08-02",
                 "--days", "14", "--out", tmp_path / "x.yaml")
    assert result.exit_code == 0, result.output
    assert "unit U5: not in the template; added as an assistance group" in result.stderr
    assert "client C1: no need rows" in result.stderr
    data = yaml.safe_load((tmp_path / "x.yaml").read_text(encoding="utf-8"))
    assert data["horizon"] == {"start": "2027-08-02", "days": 14}
    # No settlement period given: the half year of the horizon's start.
    assert data["clients"][0]["decisions"][0]["settlement_period"] == {
        "start": "2027-07-01", "end": "2027-12-31"}
    assert run("validate", tmp_path / "x.yaml").exit_code == 0
