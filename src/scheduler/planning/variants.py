"""Scenario variants: a base scenario plus a list of changes, so a variant is a few lines.

    base: ../unit.yaml            # relative to this file; may itself be a variant
    name: unit-pooled             # optional (default: the file's stem)
    description: ...              # optional
    changes:
      - {kind: pool_units, units: [U1, U2], clients_accept_pool: true}
      - {kind: change_contract_hours, staff: A03, hours: 30}

The changes edit the base's *data* in order; the result is then validated as a whole scenario.
Every error names the file, the change (index and kind) and the field.

Change kinds:

- ``add_staff`` {staff: <a staff entry>, approve_for: [client ids]}
- ``remove_staff`` {staff: id} — also from every client's approved assistants
- ``move_staff`` {staff: id, unit: id, approve_for: [client ids]} — a new home unit
- ``approve_staff`` {client: id, staff: [ids]}
- ``change_contract_hours`` {staff: id, hours: h}
- ``add_absence`` {staff: id, start, end, reason} — a sick call, say (then ``scheduler replan``)
- ``set_weights`` {weights: {...}} and ``set_cost`` {cost: {...}} — merged into the base's
- ``set_rounds`` {rounds: {...}} — merged into the base's ``rounds`` (scattered clients:
  ``{enabled: false}`` compares rounds with one-client shifts)
- ``set_visit_windows`` {minutes: m, clients: [ids]} — scattered clients' visit windows
  (``visit_window_minutes``: ± minutes a visit may move): the listed clients', or every
  scattered client's when none are listed
- ``pool_units`` {units: [ids], clients_accept_pool: false, approve_all: false} — adds
  ``{units, clients_accept_pool}`` to ``pooling``: the staff of each listed unit may work in all
  of them. With ``clients_accept_pool: true`` the pool's clients accept every pooled assistant
  (also staff who join later); ``approve_all: true`` instead writes the listed units' current
  staff into the approved assistants of each of their clients. Competences still apply.
- ``co_locate_units`` {units: [ids]} — adds the group units to ``co_location``: they share
  staff and premises and meet their density jointly (one minimum, one night staffing).
- ``change_density`` {unit: id, density: {...}} — merged into the group unit's ``density``.
- ``apply_placement`` {file: placement.json, include_needs_introduction: false}: places the
  overstaffing team as ``scheduler place`` decided (without ``file``: runs the placement on the
  scenario as changed so far).

Pools and co-location groups are checked by the scenario's own rules (``domain.units``) when
the change applies, so an error names the change (``changes[2] (pool_units).units: ...``), not
an entry the variant author never wrote.
"""

from __future__ import annotations

import copy
import json
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from scheduler.domain.common import Id, NonNegativeHours
from scheduler.domain.costs import CostSettings
from scheduler.domain.loader import InputError, parse_model, read_document
from scheduler.domain.scattered import RoundSettings
from scheduler.domain.scenario import Scenario
from scheduler.domain.settings import Weights
from scheduler.domain.staff import Staff
from scheduler.domain.units import (
    GROUP_KINDS,
    DensityRules,
    UnitKind,
    co_location_errors,
    pooling_errors,
)
from scheduler.solver.placement import PlacementResult, place


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class AddStaff(_Model):
    kind: Literal["add_staff"]
    staff: Staff
    approve_for: list[Id] = Field(default_factory=list, description="Clients who approve them.")


class RemoveStaff(_Model):
    kind: Literal["remove_staff"]
    staff: Id


class MoveStaff(_Model):
    kind: Literal["move_staff"]
    staff: Id
    unit: Id
    approve_for: list[Id] = Field(default_factory=list)


class ApproveStaff(_Model):
    kind: Literal["approve_staff"]
    client: Id
    staff: list[Id] = Field(min_length=1)


class ChangeContractHours(_Model):
    kind: Literal["change_contract_hours"]
    staff: Id
    hours: NonNegativeHours


class AddAbsence(_Model):
    kind: Literal["add_absence"]
    staff: Id
    start: datetime
    end: datetime
    reason: str = "sick"


class SetWeights(_Model):
    kind: Literal["set_weights"]
    weights: dict[str, Any]


class SetCost(_Model):
    kind: Literal["set_cost"]
    cost: dict[str, Any]


class SetRounds(_Model):
    kind: Literal["set_rounds"]
    rounds: dict[str, Any]


class SetVisitWindows(_Model):
    kind: Literal["set_visit_windows"]
    minutes: int = Field(ge=0, le=240, description="± minutes each visit may move.")
    clients: list[Id] = Field(default_factory=list,
                              description="Scattered clients; none: every scattered client.")


class PoolUnits(_Model):
    kind: Literal["pool_units"]
    units: list[Id] = Field(min_length=2)
    clients_accept_pool: bool = Field(
        default=False, description="The pool's clients accept every pooled assistant."
    )
    approve_all: bool = Field(
        default=False, description="Add the listed units' current staff to the approved "
        "assistants of every client of those units.",
    )


class CoLocateUnits(_Model):
    kind: Literal["co_locate_units"]
    units: list[Id] = Field(min_length=2)


class ChangeDensity(_Model):
    kind: Literal["change_density"]
    unit: Id
    density: dict[str, Any] = Field(description="Merged into the unit's density rules.")


class ApplyPlacement(_Model):
    kind: Literal["apply_placement"]
    file: str | None = Field(default=None, description="Placement JSON, relative to this file.")
    include_needs_introduction: bool = Field(
        default=False, description="Also approve members whose client has not met them yet."
    )


Change = Annotated[
    AddStaff | RemoveStaff | MoveStaff | ApproveStaff | ChangeContractHours | AddAbsence
    | SetWeights | SetCost | SetRounds | SetVisitWindows | PoolUnits | CoLocateUnits
    | ChangeDensity | ApplyPlacement,
    Field(discriminator="kind"),
]
CHANGE_KINDS = (
    "add_staff", "remove_staff", "move_staff", "approve_staff", "change_contract_hours",
    "add_absence", "set_weights", "set_cost", "set_rounds", "set_visit_windows", "pool_units",
    "co_locate_units", "change_density", "apply_placement",
)


class VariantDocument(_Model):
    base: str = Field(min_length=1, description="The base scenario, relative to this file.")
    name: str | None = None
    description: str | None = None
    changes: list[Change] = Field(default_factory=list)


def is_variant(data: dict[str, Any]) -> bool:
    return "base" in data


class _ChangeError(Exception):
    def __init__(self, field: str, message: str):
        self.field, self.message = field, message


# --- resolving ---------------------------------------------------------------------------------


def resolve_variant(path: Path | str, data: dict[str, Any] | None = None,
                    _seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    """The scenario data a variant file stands for (its base with the changes applied)."""
    path = Path(path)
    source = str(path)
    if data is None:
        data = read_document(path)
    here = path.resolve()
    if here in _seen:
        chain = " → ".join(str(p) for p in (*_seen, here))
        raise InputError(source, [f"base: the variants refer to each other in a circle ({chain})"])
    try:
        doc = VariantDocument.model_validate(data)
    except ValidationError as exc:
        raise InputError(source, _describe(exc)) from None
    base_path = (path.parent / doc.base)
    if not base_path.exists():
        raise InputError(source, [f"base: file not found: {doc.base} (looked for {base_path})"])
    base = read_document(base_path)
    if is_variant(base):
        base = resolve_variant(base_path, base, (*_seen, here))
    result = copy.deepcopy(base)
    result["name"] = doc.name or path.stem
    if doc.description is not None:
        result["description"] = doc.description
    problems = []
    for index, change in enumerate(doc.changes):
        try:
            _APPLY[change.kind](result, change, path)
        except _ChangeError as exc:
            field = f".{exc.field}" if exc.field else ""
            problems.append(f"changes[{index}] ({change.kind}){field}: {exc.message}")
            break  # later changes build on this one: their errors would only mislead
    if problems:
        raise InputError(source, problems)
    return result


def load_resolved(path: Path | str) -> tuple[dict[str, Any], Scenario]:
    """A scenario file, or a variant file (``base:`` + ``changes:``) resolved, as the data a
    scenario file holds and as the validated scenario."""
    data = read_document(path)
    if is_variant(data):
        data = resolve_variant(path, data)
        return data, parse_model(Scenario, data, f"{path} (after applying its changes)")
    return data, parse_model(Scenario, data, str(path))


def load_scenario(path: Path | str) -> Scenario:
    """A scenario file, or a variant file resolved and validated."""
    return load_resolved(path)[1]


def _describe(exc: ValidationError) -> list[str]:
    """Pydantic's errors in the variant's own terms: 'changes[2] (add_staff).staff.id: ...'."""
    out = []
    for error in exc.errors():
        loc = list(error["loc"])
        text = ""
        if loc[:1] == ["changes"] and len(loc) >= 2 and isinstance(loc[1], int):
            text = f"changes[{loc[1]}]"
            rest = loc[2:]
            if rest and rest[0] in CHANGE_KINDS:
                text += f" ({rest[0]})"
                rest = rest[1:]
            loc = rest
        for part in loc:
            text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "union_tag_invalid":
            message = (f"unknown change kind {error['input'].get('kind')!r}; known kinds: "
                       f"{', '.join(CHANGE_KINDS)}")
        elif error["type"] == "union_tag_not_found":
            message = f"every change needs a 'kind' (one of {', '.join(CHANGE_KINDS)})"
        value = error.get("input")
        if error["type"] not in ("missing", "union_tag_invalid") and isinstance(
            value, str | int | float | bool
        ) and len(repr(value)) <= 60:
            message += f" (got {value!r})"
        out.append(f"{text}: {message}" if text else message)
    return out


# --- the changes -------------------------------------------------------------------------------


def _by_id(data: dict[str, Any], section: str, ident: str, field: str) -> dict[str, Any]:
    for item in data.get(section) or []:
        if isinstance(item, dict) and item.get("id") == ident:
            return item
    label = {"staff": "staff member", "clients": "client", "units": "unit"}[section]
    raise _ChangeError(field, f"unknown {label} {ident!r}")


def _approve(client: dict[str, Any], staff_ids: list[str]) -> None:
    approved = client.setdefault("approved_staff", [])
    approved.extend(s for s in staff_ids if s not in approved)


def _add_staff(data: dict[str, Any], change: AddStaff, _: Path) -> None:
    new = change.staff
    if any(s.get("id") == new.id for s in data.get("staff") or []):
        raise _ChangeError("staff.id", f"a staff member {new.id!r} already exists")
    _by_id(data, "units", new.home_unit, "staff.home_unit")
    clients = [_by_id(data, "clients", c, "approve_for") for c in change.approve_for]
    data.setdefault("staff", []).append(new.model_dump(mode="json", exclude_defaults=True))
    for client in clients:
        _approve(client, [new.id])


def _remove_staff(data: dict[str, Any], change: RemoveStaff, _: Path) -> None:
    member = _by_id(data, "staff", change.staff, "staff")
    data["staff"].remove(member)
    for client in data.get("clients") or []:
        if change.staff in client.get("approved_staff", []):
            client["approved_staff"].remove(change.staff)


def _move_staff(data: dict[str, Any], change: MoveStaff, _: Path) -> None:
    member = _by_id(data, "staff", change.staff, "staff")
    _by_id(data, "units", change.unit, "unit")
    clients = [_by_id(data, "clients", c, "approve_for") for c in change.approve_for]
    member["home_unit"] = change.unit
    if change.unit in member.get("also_units", []):
        member["also_units"].remove(change.unit)
    for client in clients:
        _approve(client, [change.staff])


def _approve_staff(data: dict[str, Any], change: ApproveStaff, _: Path) -> None:
    client = _by_id(data, "clients", change.client, "client")
    for sid in change.staff:
        _by_id(data, "staff", sid, "staff")
    _approve(client, change.staff)


def _change_contract_hours(data: dict[str, Any], change: ChangeContractHours, _: Path) -> None:
    _by_id(data, "staff", change.staff, "staff")["contract_hours_per_week"] = change.hours


def _add_absence(data: dict[str, Any], change: AddAbsence, _: Path) -> None:
    entry = _by_id(data, "staff", change.staff, "staff")
    # Overlaps with the member's other absences are named by the scenario's own check.
    entry["absences"] = [*entry.get("absences", []), {
        "start": change.start, "end": change.end, "reason": change.reason}]


def _merge(into: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    out = dict(into)
    for key, value in new.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _checked_section(data: dict[str, Any], key: str, new: dict[str, Any],
                     model: type[BaseModel]) -> None:
    """Merge ``new`` into ``data[key]`` if the result is a valid ``model``."""
    merged = _merge(data.get(key) or {}, new)
    try:
        model.model_validate(merged)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in (key, *first["loc"]))
        raise _ChangeError(where, first["msg"].removeprefix("Value error, ")) from None
    data[key] = merged


def _set_weights(data: dict[str, Any], change: SetWeights, _: Path) -> None:
    _checked_section(data, "weights", change.weights, Weights)


def _set_cost(data: dict[str, Any], change: SetCost, _: Path) -> None:
    _checked_section(data, "cost", change.cost, CostSettings)


def _set_rounds(data: dict[str, Any], change: SetRounds, _: Path) -> None:
    _checked_section(data, "rounds", change.rounds, RoundSettings)


def _set_visit_windows(data: dict[str, Any], change: SetVisitWindows, _: Path) -> None:
    if change.clients:
        chosen = [_by_id(data, "clients", c, f"clients[{i}]")
                  for i, c in enumerate(change.clients)]
        for i, client in enumerate(chosen):
            if not client.get("scattered"):
                raise _ChangeError(f"clients[{i}]", f"client {client['id']!r} is not scattered "
                                   "(scattered: false): a visit window is for visits")
    else:
        chosen = [c for c in data.get("clients") or []
                  if isinstance(c, dict) and c.get("scattered")]
        if not chosen:
            raise _ChangeError("clients", "the scenario has no scattered clients")
    for client in chosen:
        client["visit_window_minutes"] = change.minutes


def _unit_kinds(data: dict[str, Any]) -> dict[str, str]:
    """Unit id → kind as written (the default where none is)."""
    return {u["id"]: str(u.get("kind", UnitKind.ASSISTANCE_GROUP.value))
            for u in data.get("units") or [] if isinstance(u, dict) and "id" in u}


def _first_problem(problems: list[tuple[int, str]], index: int) -> None:
    """Raise the first problem of the entry the change adds (``index``); earlier entries come
    from the base and are the whole scenario's validation's business."""
    own = [problem for i, problem in problems if i == index]
    if own:
        raise _ChangeError("units", "; ".join(own))


def _pool_units(data: dict[str, Any], change: PoolUnits, _: Path) -> None:
    pools = [list(p.get("units") or []) for p in data.get("pooling") or [] if isinstance(p, dict)]
    _first_problem(pooling_errors([*pools, change.units], set(_unit_kinds(data))), len(pools))
    data.setdefault("pooling", []).append(
        {"units": list(change.units), "clients_accept_pool": change.clients_accept_pool}
    )
    if change.approve_all:
        pooled = set(change.units)
        ids = [s["id"] for s in data.get("staff") or [] if s.get("home_unit") in pooled]
        for client in data.get("clients") or []:
            if client.get("unit") in pooled:
                _approve(client, ids)


def _co_locate_units(data: dict[str, Any], change: CoLocateUnits, _: Path) -> None:
    groups = [list(g) for g in data.get("co_location") or [] if isinstance(g, list)]
    _first_problem(co_location_errors([*groups, change.units], _unit_kinds(data)), len(groups))
    data.setdefault("co_location", []).append(list(change.units))


def _change_density(data: dict[str, Any], change: ChangeDensity, _: Path) -> None:
    unit = _by_id(data, "units", change.unit, "unit")
    kind = _unit_kinds(data)[change.unit]
    if kind not in GROUP_KINDS:
        raise _ChangeError("unit", f"unit {change.unit!r} is of kind {kind}; only group units "
                                   "(short-term stay, after-school supervision, leisure) have "
                                   "a staffing density")
    _checked_section(unit, "density", change.density, DensityRules)


def _apply_placement(data: dict[str, Any], change: ApplyPlacement, path: Path) -> None:
    if change.file is not None:
        file = path.parent / change.file
        try:
            raw = json.loads(file.read_text(encoding="utf-8"))
            result = PlacementResult.model_validate(raw)
        except FileNotFoundError:
            raise _ChangeError("file", f"file not found: {change.file} (looked for {file})"
                               ) from None
        except (json.JSONDecodeError, ValidationError) as exc:
            raise _ChangeError("file", f"{change.file} is not a placement result: "
                                       f"{str(exc).splitlines()[0]}") from None
    else:
        try:
            scenario = Scenario.model_validate(data)
        except ValidationError as exc:
            raise _ChangeError("", "the scenario before this change is not valid: "
                                   f"{str(exc).splitlines()[0]}") from None
        result = place(scenario)
    for p in result.placements:
        if p.status != "placed" and not change.include_needs_introduction:
            continue
        member = _by_id(data, "staff", p.member, f"placements[{p.member}].member")
        _by_id(data, "units", p.unit, f"placements[{p.member}].unit")
        member["home_unit"] = p.unit
        member["overstaffing_team"] = False
        if p.unit in member.get("also_units", []):
            member["also_units"].remove(p.unit)
        if p.client is not None:
            _approve(_by_id(data, "clients", p.client, f"placements[{p.member}].client"),
                     [p.member])


_APPLY: dict[str, Any] = {
    "add_staff": _add_staff,
    "remove_staff": _remove_staff,
    "move_staff": _move_staff,
    "approve_staff": _approve_staff,
    "change_contract_hours": _change_contract_hours,
    "add_absence": _add_absence,
    "set_weights": _set_weights,
    "set_cost": _set_cost,
    "set_rounds": _set_rounds,
    "set_visit_windows": _set_visit_windows,
    "pool_units": _pool_units,
    "co_locate_units": _co_locate_units,
    "change_density": _change_density,
    "apply_placement": _apply_placement,
}
assert set(_APPLY) == set(CHANGE_KINDS)
