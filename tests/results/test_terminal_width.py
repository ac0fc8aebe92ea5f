"""Terminal tables at 80 columns: split into tables that repeat their key columns rather than
cut; no header or number is ellipsised, no line is wider than the terminal."""

from __future__ import annotations

import io
import random
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from scheduler.cli import app
from scheduler.results.summary import Column, fitted_tables

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def _render(tables: list, width: int) -> str:
    console = Console(width=width, file=io.StringIO(), record=True)
    for table in tables:
        console.print(table)
    return console.export_text()


@pytest.mark.parametrize("seed", range(12))
def test_fitted_tables_never_cut_a_header_or_a_value(seed: int) -> None:
    rng = random.Random(seed)
    width = rng.randint(60, 140)
    headers = [" ".join(rng.choice(["contracted", "needed", "h/week", "available", "after",
                                    "not", "short", "difference", "beyond", "granted"])
                        for _ in range(rng.randint(1, 3))) for _ in range(rng.randint(4, 16))]
    columns = [Column("unit"), *[Column(h, numeric=True) for h in headers],
               Column("reason", wrap=True)]
    lines = [([f"U{i}", *[f"{rng.uniform(0, 99999):,.1f}" for _ in headers],
               "a rather long reason " * rng.randint(1, 6)], None) for i in range(5)]
    text = _render(fitted_tables("T", columns, lines, width), width)
    assert "…" not in text
    assert max(len(line) for line in text.splitlines()) <= width
    words = set(text.split())
    for header in headers:
        assert set(header.split()) <= words, header
    for cells, _style in lines:
        for value in cells[1:-1]:
            assert value in text  # numbers whole, on one line


def _cli(*args: str) -> str:
    result = runner.invoke(app, list(args), env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    return result.stdout


def _check_80(text: str) -> None:
    assert "…" not in text
    too_wide = [line for line in text.splitlines() if len(line) > 80 and "│" in line]
    assert not too_wide, too_wide


def test_capacity_and_placement_fit_80_columns_in_both_languages() -> None:
    example = str(ROOT / "scenarios" / "overstaffing_team.yaml")
    for lang in ("sv", "en"):
        capacity = _cli("capacity", example, "--lang", lang)
        _check_80(capacity)
        words = set(capacity.split())
        assert ({"behövs", "ej", "efter", "avdelningen"} if lang == "sv"
                else {"needed", "after", "department"}) <= words
        assert "2027-W" in capacity or "v." in capacity or "W" in capacity
        placement = _cli("place", example, "--lang", lang)
        _check_80(placement)
        assert {"behöver", "introduktion"} <= set(placement.split()) if lang == "sv" else \
            {"needs", "introduction"} <= set(placement.split())


def test_solve_summary_fits_80_columns(tiny_data, write_scenario, tmp_path: Path) -> None:
    path = write_scenario(tiny_data())
    text = _cli("solve", str(path), "--out", str(tmp_path / "s.json"), "--time-limit", "2")
    _check_80(text.replace("… och", "och"))  # the note on more uncovered intervals
    for header in ("beviljat", "utfört", "reserv", "debiterat", "utöver", "kvar", "övertid",
                   "outnyttjat", "helger"):
        assert header in text, header


def test_comparison_table_of_six_scenarios_fits_80_columns() -> None:
    import pandas as pd

    from scheduler.reports.comparison import print_table

    labels = [f"variant-{i}" for i in range(6)]
    table = pd.DataFrame([
        {"key": "uncovered_hours", "metric": "otäckt behov (persontimmar)", "unit": "h",
         "group": "hours", **{label: 1234.5 * (i + 1) for i, label in enumerate(labels)}},
        {"key": "total_cost", "metric": "total kostnad", "unit": "kr", "group": "cost",
         **{label: 1_234_567.0 * (i + 1) for i, label in enumerate(labels)}},
    ])
    console = Console(width=80, file=io.StringIO(), record=True)
    print_table(table, labels, console, lang="sv")
    text = console.export_text()
    _check_80(text)
    assert "(forts.)" in text  # split, the key figure repeated
    for i, label in enumerate(labels):
        assert label in text and f"{1_234_567 * (i + 1):,}".replace(",", "\xa0") in text


def test_unknown_language_is_bad_input() -> None:
    result = runner.invoke(app, ["capacity", str(ROOT / "scenarios" / "overstaffing_team.yaml"),
                                 "--lang", "fi"])
    assert result.exit_code == 2
    assert "unknown language 'fi'" in result.output
