"""Variants: every change kind applies as documented; bad changes get errors that name the file,
the change (index and kind) and the field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from builders import two_groups_data, write_yaml
from scheduler.cli import app
from scheduler.domain.groups import may_serve_client, need_person_hours, staff_units
from scheduler.domain.loader import InputError
from scheduler.domain.scenario import Scenario
from scheduler.domain.units import DensityRules, NightMode, Pool
from scheduler.planning.pipeline import plan
from scheduler.planning.variants import load_scenario


def _variant(tmp_path: Path, changes: list[dict[str, Any]], name: str = "v.yaml",
             **extra: Any) -> Path:
    if not (tmp_path / "base.yaml").exists():
        write_yaml(tmp_path / "base.yaml", two_groups_data())
    return write_yaml(tmp_path / name, {"base": "base.yaml", **extra, "changes": changes})


def _load(tmp_path: Path, changes: list[dict[str, Any]], **extra: Any) -> Scenario:
    return load_scenario(_variant(tmp_path, changes, **extra))


def _error_at(path: Path) -> str:
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    message = str(caught.value)
    assert str(path) in message  # the file is named
    return message


def _error(tmp_path: Path, changes: list[dict[str, Any]], **extra: Any) -> str:
    return _error_at(_variant(tmp_path, changes, **extra))


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


def test_set_rounds_merges_into_the_rounds(tmp_path: Path) -> None:
    s = _load(tmp_path, [{"kind": "set_rounds", "rounds": {"enabled": False,
                                                            "travel": {"speed_kmh": 40}}}])
    assert s.rounds.enabled is False and s.rounds.travel.speed_kmh == 40
    assert s.rounds.max_visits == 6  # the default kept


SCATTERED = Path(__file__).resolve().parents[2] / "scenarios" / "scattered" / "rounds.yaml"


def test_set_visit_windows_for_every_scattered_client_or_the_listed(tmp_path: Path) -> None:
    every = load_scenario(write_yaml(tmp_path / "w.yaml", {
        "base": str(SCATTERED), "changes": [{"kind": "set_visit_windows", "minutes": 30}]}))
    assert {c.id: c.visit_window_minutes for c in every.clients} == {
        **{f"C{i:02d}": 30 for i in range(1, 11)}, "C11": 0}  # C11 is no scattered client
    some = load_scenario(write_yaml(tmp_path / "s.yaml", {
        "base": str(SCATTERED),
        "changes": [{"kind": "set_visit_windows", "minutes": 15, "clients": ["C02"]}]}))
    assert {c.id for c in some.clients if c.visit_window_minutes} == {"C02"}
    message = _error_at(write_yaml(tmp_path / "x.yaml", {
        "base": str(SCATTERED),
        "changes": [{"kind": "set_visit_windows", "minutes": 15, "clients": ["C02", "C11"]}]}))
    assert ("changes[0] (set_visit_windows).clients[1]: client 'C11' is not scattered"
            in message)


def test_pool_units_adds_a_pool(tmp_path: Path) -> None:
    pooled = _load(tmp_path, [{"kind": "pool_units", "units": ["U1", "U2"],
                               "clients_accept_pool": True}])
    assert pooled.pooling == [Pool(units=["U1", "U2"], clients_accept_pool=True)]
    staff, clients = pooled.staff_by_id(), pooled.client_by_id()
    # The pool itself shares the units and the clients: no also_units, no new approvals.
    assert all(not s.also_units for s in pooled.staff)
    assert clients["C01"].approved_staff == ["A01", "A02", "A03"]
    assert staff_units(staff["B01"], pooled) == {"U1", "U2"}
    assert may_serve_client(clients["C01"], staff["B01"], pooled)
    # approve_all writes named approvals instead; the clients do not accept the pool as such.
    approved = _load(tmp_path, [{"kind": "pool_units", "units": ["U1", "U2"],
                                 "approve_all": True}])
    assert approved.pooling == [Pool(units=["U1", "U2"], clients_accept_pool=False)]
    clients = approved.client_by_id()
    assert set(clients["C01"].approved_staff) == {"A01", "A02", "A03", "B01", "B02"}
    assert set(clients["C02"].approved_staff) == {"A01", "A02", "A03", "B01", "B02"}
    # Neither: the staff share the units, but every client keeps their own assistants.
    shared = _load(tmp_path, [{"kind": "pool_units", "units": ["U1", "U2"]}])
    assert shared.pooling == [Pool(units=["U1", "U2"])]
    assert not may_serve_client(shared.client_by_id()["C01"], shared.staff_by_id()["B01"],
                                shared)


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
    ([{"kind": "set_rounds", "rounds": {"max_visits": 0}}],
     ["changes[0] (set_rounds).rounds.max_visits", "greater than or equal to 1"]),
    ([{"kind": "set_visit_windows", "minutes": 30, "clients": ["C09"]}],
     ["changes[0] (set_visit_windows).clients[0]: unknown client 'C09'"]),
    ([{"kind": "set_visit_windows", "minutes": 30}],
     ["changes[0] (set_visit_windows).clients: the scenario has no scattered clients"]),
    ([{"kind": "set_visit_windows", "minutes": 300}],
     ["changes[0] (set_visit_windows).minutes", "less than or equal to 240"]),
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


# --- group units: co-location and density ----------------------------------------------------


def _stay_client(cid: str, unit: str) -> dict[str, Any]:
    return {"id": cid, "unit": unit, "need": {}, "decisions": [{
        "id": f"D{cid}", "kind": "short_term_stay", "granted_hours_per_week": 0,
        "settlement_period": {"start": "2027-01-01", "end": "2027-12-31"}}]}


def _group_base() -> dict[str, Any]:
    """Two short-term stay homes with one child each on Tuesday 09–13, one hourly staff member
    each, and an assistance group: apart (or pooled) the homes need two staff at a time
    (min_staff 1 each), co-located one (⌈1/3 + 1/3⌉ = 1, one minimum for the house)."""
    density = {"clients_per_staff": 3, "min_staff": 1}
    return {
        "name": "homes",
        "horizon": {"start": "2027-03-23", "days": 1},
        "units": [{"id": "U1"},
                  {"id": "K1", "kind": "short_term_stay", "density": density},
                  {"id": "K2", "kind": "short_term_stay", "density": density},
                  {"id": "T1", "kind": "after_school_supervision"}],
        "clients": [_stay_client("KC1", "K1"), _stay_client("KC2", "K2")],
        "bookings": [
            {"client": "KC1", "unit": "K1", "start": "2027-03-23T09:00",
             "end": "2027-03-23T13:00"},
            {"client": "KC2", "unit": "K2", "start": "2027-03-23T09:00",
             "end": "2027-03-23T13:00"},
        ],
        "staff": [{"id": "N1", "home_unit": "K1", "contract_hours_per_week": 0,
                   "employment": "hourly"},
                  {"id": "N2", "home_unit": "K2", "contract_hours_per_week": 0,
                   "employment": "hourly"}],
        "solver": {"time_limit_seconds": 5, "workers": 1},
    }


def _group_variant(tmp_path: Path, changes: list[dict[str, Any]], name: str = "v.yaml") -> Path:
    if not (tmp_path / "homes.yaml").exists():
        write_yaml(tmp_path / "homes.yaml", _group_base())
    return write_yaml(tmp_path / name, {"base": "homes.yaml", "changes": changes})


def test_co_locate_units_adds_a_co_location_group(tmp_path: Path) -> None:
    s = load_scenario(_group_variant(tmp_path, [
        {"kind": "co_locate_units", "units": ["K1", "K2"]}]))
    assert s.co_location == [["K1", "K2"]]
    assert s.pooling == [] and all(not m.also_units for m in s.staff)
    # The joint density: one staff at a time for both homes instead of one each.
    assert need_person_hours(s) == 4
    assert need_person_hours(load_scenario(tmp_path / "homes.yaml")) == 8


def test_change_density_edits_the_units_rules(tmp_path: Path) -> None:
    s = load_scenario(_group_variant(tmp_path, [
        {"kind": "change_density", "unit": "K1",
         "density": {"min_staff": 2, "night": {"start": "22:00", "end": "07:00"}}},
        {"kind": "change_density", "unit": "K1", "density": {"night": {"mode": "awake"}}},
    ]))
    units = s.unit_by_id()
    # Merged into the unit's rules: clients_per_staff kept, night merged field by field.
    assert units["K1"].density == DensityRules(
        clients_per_staff=3, min_staff=2,
        night=NightMode(start="22:00", end="07:00", mode="awake"))
    assert units["K2"].density == DensityRules(clients_per_staff=3, min_staff=1)


@pytest.mark.parametrize(("changes", "fragments"), [
    ([{"kind": "co_locate_units", "units": ["K1", "U1"]}],
     ["changes[0] (co_locate_units).units: unit 'U1' is of kind assistance_group; only group "
      "units share premises"]),
    ([{"kind": "co_locate_units", "units": ["K1", "K9"]}],
     ["changes[0] (co_locate_units).units: unknown unit 'K9'"]),
    ([{"kind": "co_locate_units", "units": ["K1", "K1"]}],
     ["changes[0] (co_locate_units).units: name at least two different units"]),
    ([{"kind": "co_locate_units", "units": ["K1", "K2"]},
      {"kind": "co_locate_units", "units": ["K2", "T1"]}],
     ["changes[1] (co_locate_units).units: unit 'K2' is already co-located"]),
    ([{"kind": "co_locate_units", "units": ["K1"]}],
     ["changes[0] (co_locate_units).units", "at least 2 items"]),
    ([{"kind": "co_locate_units", "units": ["K1", "K2"], "approve_all": True}],
     ["changes[0] (co_locate_units).approve_all", "Extra inputs are not permitted"]),
    ([{"kind": "pool_units", "units": ["K1", "K9"]}],
     ["changes[0] (pool_units).units: unknown unit 'K9'"]),
    ([{"kind": "pool_units", "units": ["K1", "K2", "K1"]}],
     ["changes[0] (pool_units).units: a unit is listed twice"]),
    ([{"kind": "pool_units", "units": ["K1", "K2"]}, {"kind": "pool_units", "units": ["U1", "K2"]}],
     ["changes[1] (pool_units).units: unit 'K2' is already in another pool"]),
    ([{"kind": "change_density", "unit": "U1", "density": {"min_staff": 2}}],
     ["changes[0] (change_density).unit: unit 'U1' is of kind assistance_group; only group "
      "units"]),
    ([{"kind": "change_density", "unit": "K9", "density": {}}],
     ["changes[0] (change_density).unit: unknown unit 'K9'"]),
    ([{"kind": "change_density", "unit": "K1", "density": {"no_such_rule": 1}}],
     ["changes[0] (change_density).density.no_such_rule: Extra inputs are not permitted"]),
    ([{"kind": "change_density", "unit": "K1", "density": {"clients_per_staff": 0}}],
     ["changes[0] (change_density).density.clients_per_staff: Input should be greater than 0"]),
    ([{"kind": "change_density", "unit": "K1", "density": {"night": {"mode": "asleep"}}}],
     ["changes[0] (change_density).density.night.mode: Input should be 'awake' or 'jour'"]),
    ([{"kind": "change_density", "unit": "K1", "density": 3}],
     ["changes[0] (change_density).density: Input should be a valid dictionary"]),
])
def test_bad_group_changes_name_change_and_field(tmp_path: Path, changes: list[dict[str, Any]],
                                                 fragments: list[str]) -> None:
    message = _error_at(_group_variant(tmp_path, changes))
    for fragment in fragments:
        assert fragment in message, (fragment, message)


def test_a_pool_in_the_base_is_checked_too(tmp_path: Path) -> None:
    write_yaml(tmp_path / "homes.yaml", {**_group_base(), "pooling": [{"units": ["K1", "K2"]}]})
    message = _error_at(_group_variant(tmp_path, [{"kind": "pool_units", "units": ["K2", "U1"]}]))
    assert "changes[0] (pool_units).units: unit 'K2' is already in another pool" in message


def test_co_located_variant_solves_with_fewer_staff_than_the_pooled_one(tmp_path: Path) -> None:
    """Pooling shares the staff, co-location also the density: the pooled homes still need
    one staff each, the co-located ones one for both."""
    pooled = load_scenario(_group_variant(
        tmp_path, [{"kind": "pool_units", "units": ["K1", "K2"]}], name="pooled.yaml"))
    together = load_scenario(_group_variant(
        tmp_path, [{"kind": "co_locate_units", "units": ["K1", "K2"]}], name="together.yaml"))
    hours = {}
    for label, scenario in (("pooled", pooled), ("together", together)):
        planned = plan(scenario, time_limit=5, workers=1, seed=0)
        assert planned.complete and not planned.report.violations, label
        assert planned.schedule.uncovered == [], label
        hours[label] = sum(s.hours for s in planned.schedule.shifts)
    assert hours == {"pooled": 8, "together": 4}


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


@pytest.mark.parametrize("which", ["assistance", "group units"])
def test_cli_validate_resolved_prints_a_scenario_that_loads_again(tmp_path: Path,
                                                                  which: str) -> None:
    if which == "assistance":
        variant = _variant(tmp_path, [
            {"kind": "add_staff", "staff": {"id": "N01", "home_unit": "U1",
                                            "contract_hours_per_week": 25,
                                            "absences": [{"start": "2027-03-23T08:00",
                                                          "end": "2027-03-24T08:00"}]},
             "approve_for": ["C01"]},
            {"kind": "pool_units", "units": ["U1", "U2"], "approve_all": True},
            {"kind": "set_cost", "cost": {"ob": {"weekday_evening": 30}}},
        ])
    else:
        variant = _group_variant(tmp_path, [
            {"kind": "co_locate_units", "units": ["K1", "K2"]},
            {"kind": "change_density", "unit": "K2",
             "density": {"night": {"start": "22:00", "end": "07:00"}}},
        ])
    runner = CliRunner()
    result = runner.invoke(app, ["validate", str(variant), "--resolved"])
    assert result.exit_code == 0, result.stderr
    # stdout is the scenario alone; the summary went to stderr.
    assert "OK" in result.stderr and "OK" not in result.stdout
    data = yaml.safe_load(result.stdout)
    assert "base" not in data and "changes" not in data
    resolved = tmp_path / "resolved.yaml"
    resolved.write_text(result.stdout, encoding="utf-8")
    again = runner.invoke(app, ["validate", str(resolved)])
    assert again.exit_code == 0, again.stderr
    assert load_scenario(resolved) == load_scenario(variant)


def test_cli_validate_resolved_of_a_plain_scenario_is_the_scenario(tmp_path: Path) -> None:
    plain = write_yaml(tmp_path / "plain.yaml", _group_base())
    result = CliRunner().invoke(app, ["validate", str(plain), "--resolved"])
    assert result.exit_code == 0, result.stderr
    resolved = tmp_path / "resolved.yaml"
    resolved.write_text(result.stdout, encoding="utf-8")
    assert load_scenario(resolved) == load_scenario(plain)


EXAMPLES = Path(__file__).resolve().parents[2] / "scenarios" / "variants"


def test_the_example_variants_mean_what_their_names_say() -> None:
    base = load_scenario(EXAMPLES / "base.yaml")
    assert base.pooling == [] and base.co_location == []
    pooled = load_scenario(EXAMPLES / "pooled.yaml")
    assert pooled.pooling == [Pool(units=["U1", "U2"], clients_accept_pool=True)]
    co_located = load_scenario(EXAMPLES / "co_located.yaml")
    assert co_located.co_location == [["U3", "U4"]]
    # The joint density: the KTV's midweek child and the supervision's pupils share staff.
    assert need_person_hours(co_located) < need_person_hours(base)
    placed = load_scenario(EXAMPLES / "team_placed.yaml")
    assert not any(s.overstaffing_team for s in placed.staff)
    result = CliRunner().invoke(app, ["validate", str(EXAMPLES / "co_located.yaml"),
                                      "--resolved"])
    assert result.exit_code == 0, result.stderr
    assert yaml.safe_load(result.stdout)["co_location"] == [["U3", "U4"]]
