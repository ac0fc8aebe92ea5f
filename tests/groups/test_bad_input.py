"""Bad group input gets a clear error naming the field and the id, or (density that cannot be
met) a listed unmet interval with its reason; never a crash or a silently wrong schedule."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from pydantic import ValidationError

from builders import booking, build, stay_client, stay_home_data
from scheduler.domain.loader import InputError
from scheduler.planning.variants import load_scenario


def supervision(data: dict[str, Any]) -> None:
    data["units"].append({"id": "T", "kind": "after_school_supervision", "opening_hours": [
        {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "13:00", "end": "18:00"}]})
    data["clients"].append(stay_client("P1", "T"))


def add(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        data.setdefault(key, []).append(value)
    return change


def set_unit(**fields: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        data["units"][0].update(fields)
    return change


def both(*changes: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        for c in changes:
            c(data)
    return change


CASES: dict[str, tuple[Callable[[dict[str, Any]], None], str]] = {
    "booking for an unknown client": (
        add("bookings", booking("X9", "K", "2027-03-01T08:00", "2027-03-01T12:00")),
        "bookings[3] (X9 in K).client: unknown client 'X9'"),
    "booking in an unknown unit": (
        add("bookings", booking("K4", "Q", "2027-03-01T08:00", "2027-03-01T12:00")),
        "bookings[3] (K4 in Q).unit: unknown unit 'Q'"),
    "booking in an assistance group": (
        both(add("units", {"id": "G"}),
             add("bookings", booking("K4", "G", "2027-03-01T08:00", "2027-03-01T12:00"))),
        "'G' is of kind assistance_group; bookings are for short-term stays"),
    "booking outside opening hours": (
        both(supervision,
             add("bookings", booking("P1", "T", "2027-03-01T10:00", "2027-03-01T16:00"))),
        "bookings[3] (P1 in T): 2027-03-01 10:00–2027-03-01 16:00 is outside the unit's "
        "opening hours (closed 2027-03-01 10:00–2027-03-01 13:00)"),
    "booking off the slot grid": (
        add("bookings", booking("K4", "K", "2027-03-01T08:10", "2027-03-01T12:00")),
        "bookings[3] (K4 in K).start: 08:10:00 is off the 15-minute slot grid"),
    "booking far from the horizon": (
        add("bookings", booking("K4", "K", "2040-12-31T08:00", "2040-12-31T12:00")),
        "bookings[3] (K4 in K): 2040-12-31–2040-12-31 is more than five years from the horizon"),
    "client booked twice at once": (
        add("bookings", booking("K1", "K", "2027-03-01T19:00", "2027-03-01T22:00")),
        "client 'K1' is booked twice at once"),
    "break as long as a shift": (
        set_unit(breaks={"length_minutes": 180, "after_hours": 5}),
        "units[K].breaks.length_minutes: a 180-minute break is not shorter than the shortest "
        "shift (3 h)"),
    "break longer than the work it interrupts": (
        set_unit(breaks={"length_minutes": 90, "after_hours": 1}),
        "length_minutes: a 90-minute break is not shorter than the 1 h of work"),
    "break off the slot grid": (
        set_unit(breaks={"length_minutes": 20}),
        "units[K].breaks.length_minutes: 20 is not a multiple of the 15-minute slot"),
    "pool with an unknown unit": (
        add("pooling", {"units": ["K", "Q"]}), "pooling[0].units: unknown unit 'Q'"),
    "co-location of an assistance group": (
        both(add("units", {"id": "G"}), add("co_location", ["K", "G"])),
        "co_location[0]: unit 'G' is of kind assistance_group; only group units share premises"),
    "night window off the grid": (
        set_unit(density={"night": {"start": "22:10", "end": "07:00"}}),
        "units[K].density.night.start: 22:10 is off the 15-minute slot grid"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_group_input_is_refused_with_field_and_id(case: str) -> None:
    change, message = CASES[case]
    data = stay_home_data()
    change(data)
    with pytest.raises(ValidationError) as info:
        build(data)
    assert message in str(info.value)


def test_loader_names_the_file(tmp_path) -> None:
    import yaml

    data = stay_home_data()
    data["bookings"].append(booking("X9", "K", "2027-03-01T08:00", "2027-03-01T12:00"))
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_scenario(path)
    assert str(path) in str(info.value) and "unknown client 'X9'" in str(info.value)


def test_density_that_cannot_be_met_is_listed_with_its_reason(solve_checked) -> None:
    # Four children booked 1:1 at once and three staff: one staff member short all day.
    ones = [booking(f"K{i}", "K", "2027-03-01T08:00", "2027-03-01T12:00", one_to_one=True)
            for i in range(1, 5)]
    schedule = solve_checked(build(stay_home_data(bookings=ones, n_staff=3)))
    assert schedule.uncovered
    assert all(u.unit == "K" and u.client is None for u in schedule.uncovered)
    assert any("need 4 staff at once; only 3 may work in K" in u.reason
               for u in schedule.uncovered)


def test_a_unit_nobody_may_work_in_is_listed(solve_checked) -> None:
    data = stay_home_data()
    data["units"][0]["required_competences"] = ["sign_language"]
    schedule = solve_checked(build(data))
    assert schedule.shifts == []
    assert schedule.uncovered and all("nobody may work in K" in u.reason
                                      for u in schedule.uncovered)
