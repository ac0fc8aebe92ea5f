"""Variants: every change kind applies as documented; bad changes get errors that name the file,
the change (index and kind) and the field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from builders import two_groups_data, write_yaml
from scheduler.cli import app
from scheduler.domain.loader import InputError
from scheduler.domain.scenario import Scenario
from scheduler.planning.variants import load_scenario


def _variant(tmp_path: Path, changes: list[dict[str, Any]], name: str = "v.yaml",
             **extra: Any) -> Path:
    if not (tmp_path / "base.yaml").exists():
        write_yaml(tmp_path / "base.yaml", two_groups_data())
    return write_yaml(tmp_path / name, {"base": "base.yaml", **extra, "changes": changes})


def _load(tmp_path: Path, changes: list[dict[str, Any]], **extra: Any) -> Scenario:
    return load_scenario(_variant(tmp_path, changes, **extra))


def _error(tmp_path: Path, changes: list[dict[str, Any]], **extra: Any) -> str:
    path = _variant(tmp_path, changes, **extra)
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    message = str(caught.value)
    assert str(path) in message  # the file is named
    return message


def test_staff_changes(tmp_path: Path) -> None:
    s = _load(tmp_path, [
        {"kind": "add_staff", "staff": {"id": "N01", "home_unit": "U1",
                                        "contract_hours_per_week": 25},
         "approve_for": ["C01"]},
        {"kind": "remove_staff", "staff": "A03"},
        {"kind": "change_contract_hours", "staff": "A01", "hours": 35},
        {"kind": "move_staff", "staff": "B02", "unit": "U1", "approve_for": ["C01"]},
        {"kind": "approve_staff", "client": "C02", "staff": ["N01"]},
    ])
    staff = s.staff_by_id()
    clients = s.client_by_id()
    assert s.name == "v"  # the file's stem unless the variant names itself
    assert staff["N01"].contract_hours_per_week == 25
    assert "A03" not in staff and "A03" not in clients["C01"].approved_staff
    assert staff["A01"].contract_hours_per_week == 35
    assert staff["B02"].home_unit == "U1"
    assert clients["C01"].approved_staff == ["A01", "A02", "N01", "B02"]
    assert clients["C02"].approved_staff == ["B01", "B02", "N01"]


def test_settings_changes_merge(tmp_path: Path) -> None:
    s = _load(tmp_path, [
        {"kind": "set_weights", "weights": {"overtime": 55}},
        {"kind": "set_cost", "cost": {"ob": {"weekday_evening": 30}, "fk_hourly_amount": 350}},
    ], name="cheaper", description="other rates")
    assert s.name == "cheaper" and s.description == "other rates"
    assert s.weights.overtime == 55 and s.weights.uncovered == 100
    assert s.cost.ob.weekday_evening == 30 and s.cost.ob.weekday_night == 47
    assert s.cost.wages.roles == {"senior": 200}  # kept from the base
    assert s.cost.fk_hourly_amount == 350


def test_pool_and_co_locate(tmp_path: Path) -> None:
    pooled = _load(tmp_path, [{"kind": "pool_units", "units": ["U1", "U2"],
                               "approve_all": True}])
    staff, clients = pooled.staff_by_id(), pooled.client_by_id()
    assert staff["A01"].also_units == ["U2"] and staff["B01"].also_units == ["U1"]
    assert set(clients["C01"].approved_staff) == {"A01", "A02", "A03", "B01", "B02"}
    assert set(clients["C02"].approved_staff) == {"A01", "A02", "A03", "B01", "B02"}
    # Without approve_all only the units are shared: no client approves anyone new.
    co = _load(tmp_path, [{"kind": "co_locate_units", "units": ["U1", "U2"]}])
    assert co.staff_by_id()["B02"].also_units == ["U1"]
    assert co.client_by_id()["C01"].approved_staff == ["A01", "A02", "A03"]


def test_a_variant_of_a_variant(tmp_path: Path) -> None:
    _variant(tmp_path, [{"kind": "change_contract_hours", "staff": "A01", "hours": 20}],
             name="first.yaml")
    second = write_yaml(tmp_path / "second.yaml", {
        "base": "first.yaml",
        "changes": [{"kind": "remove_staff", "staff": "B02"}],
    })
    s = load_scenario(second)
    assert s.staff_by_id()["A01"].contract_hours_per_week == 20
    assert "B02" not in s.staff_by_id()


@pytest.mark.parametrize(("changes", "fragments"), [
    ([{"kind": "frobnicate"}], ["changes[0]", "unknown change kind 'frobnicate'", "pool_units"]),
    ([{"staff": "A01"}], ["changes[0]", "needs a 'kind'"]),
    ([{"kind": "remove_staff", "staff": "A01"}, {"kind": "remove_staff", "staff": "X99"}],
     ["changes[1] (remove_staff).staff: unknown staff member 'X99'"]),
    ([{"kind": "change_contract_hours", "staff": "A01", "hours": -5}],
     ["changes[0] (change_contract_hours).hours", "greater than or equal to 0", "-5"]),
    ([{"kind": "add_staff", "staff": {"id": "N1", "home_unit": "U7",
                                      "contract_hours_per_week": 10}}],
     ["changes[0] (add_staff).staff.home_unit: unknown unit 'U7'"]),
    ([{"kind": "add_staff", "staff": {"id": "A01", "home_unit": "U1",
                                      "contract_hours_per_week": 10}}],
     ["changes[0] (add_staff).staff.id", "already exists"]),
    ([{"kind": "add_staff", "staff": {"id": "N1", "home_unit": "U1"}}],
     ["changes[0] (add_staff).staff.contract_hours_per_week: Field required"]),
    ([{"kind": "pool_units", "units": ["U1", "U9"]}],
     ["changes[0] (pool_units).units: unknown unit 'U9'"]),
    ([{"kind": "approve_staff", "client": "C09", "staff": ["A01"]}],
     ["changes[0] (approve_staff).client: unknown client 'C09'"]),
    ([{"kind": "set_weights", "weights": {"overtim": 5}}],
     ["changes[0] (set_weights).weights.overtim", "Extra inputs are not permitted"]),
    ([{"kind": "set_cost", "cost": {"ob_windows": {"major_holidays": ["Xmas"]}}}],
     ["changes[0] (set_cost).cost.ob_windows.major_holidays", "unknown holiday name"]),
    ([{"kind": "move_staff", "staff": "A01", "unit": "U1", "extra": 1}],
     ["changes[0] (move_staff).extra", "Extra inputs are not permitted"]),
])
def test_bad_changes_name_file_change_and_field(tmp_path: Path, changes: list[dict[str, Any]],
                                                fragments: list[str]) -> None:
    message = _error(tmp_path, changes)
    for fragment in fragments:
        assert fragment in message, (fragment, message)


def test_bad_base(tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "v.yaml", {"base": "nowhere.yaml", "changes": []})
    with pytest.raises(InputError, match=r"base: file not found: nowhere\.yaml"):
        load_scenario(path)
    write_yaml(tmp_path / "a.yaml", {"base": "b.yaml"})
    write_yaml(tmp_path / "b.yaml", {"base": "a.yaml"})
    with pytest.raises(InputError, match="in a circle"):
        load_scenario(tmp_path / "a.yaml")
    path = write_yaml(tmp_path / "w.yaml", {"base": "a.yaml", "chnages": []})
    with pytest.raises(InputError, match="chnages: Extra inputs are not permitted"):
        load_scenario(path)


def test_change_density(tmp_path: Path) -> None:
    from scheduler.domain import scenario as model

    if not any("density" in name for name in model.Unit.model_fields):
        message = _error(tmp_path, [{"kind": "change_density", "unit": "U1", "density": {}}])
        assert "changes[0] (change_density): not supported until group units exist" in message
        return
    # Group units exist: the change merges into the unit's density rules, and the scenario's
    # own validation judges the result.
    assert _load(tmp_path, [{"kind": "change_density", "unit": "U1", "density": {}}])
    message = _error(tmp_path, [{"kind": "change_density", "unit": "U9", "density": {}}])
    assert "changes[0] (change_density).unit: unknown unit 'U9'" in message
    message = _error(tmp_path, [{"kind": "change_density", "unit": "U1",
                                 "density": {"no_such_rule": 1}}])
    assert "no_such_rule" in message and "after applying its changes" in message


def _placement_result(member: str, unit: str, client: str | None, status: str) -> dict:
    return {
        "scenario": "base",
        "placements": [{
            "member": member, "vacancy": "V1", "unit": unit, "client": client,
            "start": "2027-03-22", "vacancy_hours_per_week": 20, "contract_hours_per_week": 20,
            "fit": 100, "fit_parts": {"placed": 100}, "status": status,
        }],
        "not_placed": [], "unfilled": [],
        "solve": {"status": "optimal", "objective": 100, "best_bound": 100, "wall_seconds": 0,
                  "time_limit_seconds": 1, "allowed_pairs": 1},
    }


def test_apply_placement_from_a_file(tmp_path: Path) -> None:
    (tmp_path / "placed.json").write_text(json.dumps(
        _placement_result("B01", "U1", "C01", "needs introduction")))
    # A placement that still needs an introduction moves the member but is not approved...
    s = _load(tmp_path, [{"kind": "apply_placement", "file": "placed.json"}])
    assert s.staff_by_id()["B01"].home_unit == "U2"
    # ...unless the variant says the introductions happen.
    s = _load(tmp_path, [{"kind": "apply_placement", "file": "placed.json",
                          "include_needs_introduction": True}])
    assert s.staff_by_id()["B01"].home_unit == "U1"
    assert "B01" in s.client_by_id()["C01"].approved_staff
    message = _error(tmp_path, [{"kind": "apply_placement", "file": "missing.json"}])
    assert "changes[0] (apply_placement).file: file not found: missing.json" in message


def test_cli_validate_reads_variants(tmp_path: Path) -> None:
    runner = CliRunner()
    good = _variant(tmp_path, [{"kind": "remove_staff", "staff": "A03"}], name="good.yaml")
    result = runner.invoke(app, ["validate", str(good)])
    assert result.exit_code == 0, result.output
    assert "scenario 'good'" in result.output
    bad = _variant(tmp_path, [{"kind": "remove_staff", "staff": "A99"}], name="bad.yaml")
    result = runner.invoke(app, ["validate", str(bad)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert f"{bad}: invalid input" in result.stderr
    assert "changes[0] (remove_staff).staff: unknown staff member 'A99'" in result.stderr
