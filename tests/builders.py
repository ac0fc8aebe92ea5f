"""The tests' one set of scenario builders (pseudonymous ids only: U1, C1, A1, ...).

Small composable functions return plain scenario data, as a YAML file or an API request holds
it: ``unit``, ``decision``, ``window``, ``client``, ``staff``, ``scenario_data``; group units
add ``stay_client`` and ``booking``; the overstaffing team ``member`` and ``vacancy``. ``build``
and ``scenario`` validate data into a ``Scenario``. Hand-made schedules (no solver) come from
``shift`` and ``schedule``. Below them, the named scenarios several tests share, each composed
of the same parts.

Defaults are the smallest personal-assistance case: unit U1, client C1 needing lift-competent
assistants day and night (jour), three full-time assistants A1–A3, one plain winter week.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from scheduler.domain.scenario import Scenario
from scheduler.domain.schedule import (
    Break,
    PenaltyTerm,
    Schedule,
    Shift,
    SolveInfo,
    UncoveredInterval,
)

Data = dict[str, Any]

TZ = ZoneInfo("Europe/Stockholm")
MONDAY = date(2027, 1, 4)  # a plain winter week: no holiday, no DST change
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]


def _iso(value: date | datetime | str) -> str:
    return value if isinstance(value, str) else value.isoformat()


def _given(**fields: Any) -> Data:
    """The fields that were given (None: leave the model's default)."""
    return {k: v for k, v in fields.items() if v is not None}


# -- parts -------------------------------------------------------------------------------------


def unit(uid: str = "U1", kind: str | None = None, **fields: Any) -> Data:
    return {"id": uid, **_given(kind=kind), **fields}


def decision(
    did: str = "D1",
    start: date | str = date(2027, 1, 1),
    end: date | str = date(2027, 12, 31),
    per_week: float = 200,
    *,
    kind: str | None = None,
    reserve: str | None = "none",  # everything left in the period is usable in the horizon
    performed: float | None = None,
    extra: float | None = None,
    **fields: Any,
) -> Data:
    """A decision granting ``per_week`` hours over the settlement period ``start``–``end``;
    ``extra``: an approved exception of that many hours."""
    data = {"id": did, **_given(kind=kind), "granted_hours_per_week": per_week,
            "settlement_period": {"start": _iso(start), "end": _iso(end)},
            **_given(hours_performed=performed, reserve=reserve), **fields}
    if extra is not None:
        data["exception"] = {"reference": "AC-1", "extra_hours": extra}
    return data


def window(start: str, end: str, staff: int = 1, *, on_call: bool = False,
           days: Iterable[str] | None = None) -> Data:
    """A weekly need window (every day unless ``days``); ``staff`` assistants at once."""
    data: Data = {} if days is None else {"days": list(days)}
    data.update(start=start, end=end)
    if staff != 1:
        data["staff"] = staff
    if on_call:
        data["on_call"] = True
    return data


DAY_AND_JOUR = (window("07:00", "22:00"), window("22:00", "07:00", on_call=True))


def need_exception(start: str, end: str, staff: int = 0, *, on_call: bool = False) -> Data:
    """A dated change of need (0 staff: no need, e.g. a hospital stay)."""
    return {"start": start, "end": end, "staff": staff, "on_call": on_call}


def client(
    cid: str = "C1",
    unit: str = "U1",
    *,
    decisions: Iterable[Data] | None = None,
    windows: Iterable[Data] = DAY_AND_JOUR,
    exceptions: Iterable[Data] = (),
    approved: Iterable[str] = ("A1", "A2", "A3"),
    competences: Iterable[str] = ("lift",),
    **fields: Any,
) -> Data:
    """A client of ``unit`` with decisions (one for 2027 by default) and a weekly need."""
    need: Data = {"weekly": [dict(w) for w in windows]}
    if exceptions:
        need["exceptions"] = [dict(e) for e in exceptions]
    return {
        "id": cid,
        "unit": unit,
        "decisions": [dict(d) for d in decisions] if decisions is not None
        else [decision("D" + cid)],
        "need": need,
        "approved_staff": list(approved),
        "required_competences": list(competences),
        **fields,
    }


def staff(sid: str, hours: float = 40, *, unit: str = "U1", **fields: Any) -> Data:
    """A staff member of ``unit`` with a contract of ``hours`` a week (0 for hourly)."""
    return {"id": sid, "home_unit": unit, "contract_hours_per_week": hours, **fields}


_staff = staff  # for functions below whose parameter of that name shadows it


def assistant(
    sid: str,
    hours: float = 40,
    *,
    competences: Iterable[str] = ("lift",),
    absences: Iterable[tuple[str, str]] = (),
    **fields: Any,
) -> Data:
    """A personal assistant of U1 competent for the default client; ``absences``: (start, end)."""
    return staff(sid, hours, competences=list(competences),
                 absences=[{"start": a, "end": b} for a, b in absences], **fields)


def team(*ids: str, **fields: Any) -> list[Data]:
    return [assistant(i, **fields) for i in ids]


def scenario_data(
    clients: Iterable[Data] | None = None,
    staff: Iterable[Data] | None = None,
    *,
    name: str = "test",
    start: date | str = MONDAY,
    days: int = 7,
    slot_minutes: int | None = None,
    units: Iterable[Data] | None = None,
    rules: Data | None = None,
    **top: Any,
) -> Data:
    """A scenario's data: by default C1 and A1–A3 in U1 for a week; ``top``: other fields
    (weights, solver, bookings, ...)."""
    horizon: Data = {"start": _iso(start), "days": days, **_given(slot_minutes=slot_minutes)}
    data: Data = {
        "name": name,
        "horizon": horizon,
        "units": [dict(u) for u in units] if units is not None else [unit("U1")],
        "clients": [dict(c) for c in clients] if clients is not None else [client("C1")],
        "staff": [dict(s) for s in staff] if staff is not None else team("A1", "A2", "A3"),
    }
    if rules:
        data["rules"] = dict(rules)
    data.update(top)
    return data


def build(data: Data, **overrides: Any) -> Scenario:
    """Validate a copy of ``data`` with top-level fields replaced by ``overrides``."""
    data = copy.deepcopy(data)
    data.update(copy.deepcopy(overrides))
    return Scenario.model_validate(data)


def scenario(clients: Iterable[Data] | None = None, staff: Iterable[Data] | None = None,
             **fields: Any) -> Scenario:
    """``scenario_data`` validated."""
    return build(scenario_data(clients, staff, **fields))


def write_yaml(path: Path, data: Data) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


# -- group units: short-term stays, bookings ---------------------------------------------------


def stay_client(cid: str, unit: str) -> Data:
    """A child with a short-term stay decision and no personal assistance of their own."""
    return {"id": cid, "unit": unit, "need": {},
            "decisions": [decision(f"D{cid}", "2027-01-01", "2027-06-30", 0,
                                   kind="short_term_stay", reserve=None)]}


def booking(cid: str, unit: str, start: str, end: str, **fields: Any) -> Data:
    return {"client": cid, "unit": unit, "start": start, "end": end, **fields}


# -- the overstaffing team: members and vacancies ----------------------------------------------


def member(mid: str, contract: float, competences: list[str], **fields: Any) -> Data:
    """A member of the overstaffing team (home unit OT), to be placed in a vacancy."""
    return staff(mid, contract, unit="OT", competences=competences, overstaffing_team=True,
                 **fields)


def vacancy(vid: str, unit: str, hours: float, **fields: Any) -> Data:
    return {"id": vid, "unit": unit, "hours_per_week": hours, "start": "2027-03-01", **fields}


# -- hand-made schedules -----------------------------------------------------------------------


def local(text: str) -> datetime:
    """'2027-01-04T07:00' → aware local time."""
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def shift(
    staff_id: str, client_id: str | None, start: str, end: str, unit: str = "U1", *,
    jour: float = 0, meal_pauses: bool = True,
) -> Shift:
    """A shift in local time; personal assistance gets the paid 30-min meal pause after each
    4.5 h that the validator expects (at most 5 h without one)."""
    a, b = local(start), local(end)
    hours = (b.astimezone(UTC) - a.astimezone(UTC)).total_seconds() / 3600
    pauses = []
    if client_id is not None and meal_pauses:
        t = a.astimezone(UTC) + timedelta(hours=4.5)
        while t + timedelta(minutes=30) < b.astimezone(UTC):
            pauses.append(Break(start=t, end=t + timedelta(minutes=30), paid=True))
            t += timedelta(hours=5)
    return Shift(staff=staff_id, client=client_id, unit=unit, start=a, end=b, hours=hours,
                 on_call_hours=jour, breaks=pauses)


def schedule(
    scn: Scenario,
    shifts: Iterable[Shift],
    *,
    penalties: dict[str, float] | None = None,
    uncovered: Iterable[UncoveredInterval] = (),
) -> Schedule:
    """A schedule made by hand; ``penalties``: raw values it claims per term (weight 1)."""
    return Schedule(
        scenario=scn.name,
        horizon_start=scn.horizon.start.isoformat(),
        horizon_days=scn.horizon.days,
        timezone=scn.horizon.timezone,
        created=datetime(2027, 1, 1, tzinfo=UTC),
        solve=SolveInfo(status="feasible", objective=None, best_bound=None, gap=None,
                        wall_seconds=0, time_limit_seconds=1, workers=1, seed=0),
        penalties=[
            PenaltyTerm(rule=k, raw=v, unit="h", weight=1, contribution=v)
            for k, v in (penalties or {}).items()
        ],
        shifts=list(shifts),
        uncovered=list(uncovered),
    )


def gap(client_id: str, start: str, end: str, missing: int = 1) -> UncoveredInterval:
    return UncoveredInterval(client=client_id, unit="U1", start=local(start), end=local(end),
                             missing=missing, reason="no staff")


# -- named scenarios shared by several tests ---------------------------------------------------


def assistance_week(
    *,
    start: date = date(2027, 2, 1),
    days: int = 7,
    windows: list[Data] | None = None,
    granted: float = 56,
    period: tuple[str, str] = ("2027-02-01", "2027-02-07"),
    performed: float = 0,
    reserve: str = "none",
    exception: Data | None = None,
    staff: list[Data] | None = None,
    rules: Data | None = None,
    weights: Data | None = None,
    extra_decisions: list[Data] | None = None,
    time_limit: float = 10,
) -> Scenario:
    """Client C1 needing one assistant 08:00–16:00 every day (unless ``windows``), one decision
    over ``period``, three full-timers A1–A3 (unless ``staff``): the solver tests' case."""
    staff = staff or [_staff(f"A{i}") for i in (1, 2, 3)]
    granted_by = decision("D1", *period, granted, performed=performed, reserve=reserve)
    if exception:
        granted_by["exception"] = exception
    c1 = client("C1", decisions=[granted_by, *(extra_decisions or [])],
                windows=windows or [window("08:00", "16:00")],
                approved=[s["id"] for s in staff], competences=())
    top: Data = {"weights": weights} if weights else {}
    return scenario([c1], staff, start=start, days=days, rules=rules,
                    solver={"time_limit_seconds": time_limit, "workers": 2}, **top)


def tiny_week_data() -> Data:
    """C01 in U1 with 4 h of need a day for the week of 22 March 2027 (the spring DST change
    is on the last night): 28 person-hours, ~33 h left of the decision, three assistants of
    different employment forms. Solved in well under a second."""
    need = [window("08:00", "12:00", days=WEEKDAYS), window("10:00", "14:00", days=["sat", "sun"])]
    granted = decision("D01", "2027-01-01", "2027-06-30", 30, kind="sfb_assistance",
                       reserve=None, performed=300)
    return scenario_data(
        [client("C01", decisions=[granted], windows=need, approved=["A01", "A02", "A03"],
                competences=())],
        [staff("A01", 20), staff("A02", 10, employment="pan"),
         staff("A03", 0, employment="hourly")],
        name="tiny", start="2027-03-22", units=[unit("U1", name="Group 1")],
        format_version="1", solver={"time_limit_seconds": 5, "workers": 2},
    )


def week_data(unit_id: str = "U1", name: str = "tiny") -> Data:
    """The API's example week (one client, three assistants, need 08:00–16:00): solved in well
    under a second."""
    return scenario_data(
        [client("C1", unit_id, decisions=[decision("D1", "2027-02-01", "2027-02-07", 56)],
                windows=[window("08:00", "16:00")], competences=())],
        [staff(f"A{i}", unit=unit_id) for i in (1, 2, 3)],
        name=name, start="2027-02-01", units=[unit(unit_id, name="Assistance group 1")],
        solver={"time_limit_seconds": 2, "workers": 1},
    )


def heavy_data(unit_id: str = "U1") -> Data:
    """Four weeks, a 24-hour need with night jour and double mornings, eight assistants: the
    search is still running after several seconds (for cancel and restart tests)."""
    team_ids = [f"A{i}" for i in range(1, 9)]
    need = [window("07:00", "22:00"), window("22:00", "07:00", on_call=True),
            window("07:00", "10:00", staff=2)]
    return scenario_data(
        [client("C1", unit_id, decisions=[decision("D1", "2027-02-01", "2027-07-31", 200)],
                windows=need, approved=team_ids, competences=())],
        [staff(sid, 30 + i, unit=unit_id) for i, sid in enumerate(team_ids, start=1)],
        name="heavy", start="2027-02-01", days=28,
        units=[unit(unit_id, name="Assistance group 1")],
        solver={"time_limit_seconds": 2, "workers": 1},
    )


def stay_home_data(*, bookings: list[Data] | None = None, n_staff: int = 6,
                   density: Data | None = None, breaks: Data | None = None,
                   days: int = 3, contract: float = 20) -> Data:
    """A short-term stay home K from Monday 1 March 2027 with four children (K1–K4), by default
    K1–K3 booked Monday 08:00–20:00, and ``n_staff`` staff B1...; one staff per two present."""
    home = unit("K", "short_term_stay", density=density or {"clients_per_staff": 2},
                **({} if breaks is None else {"breaks": breaks}))
    if bookings is None:
        bookings = [booking(f"K{i}", "K", "2027-03-01T08:00", "2027-03-01T20:00")
                    for i in (1, 2, 3)]
    return scenario_data(
        [stay_client(f"K{i}", "K") for i in range(1, 5)],
        [staff(f"B{i}", contract, unit="K") for i in range(1, n_staff + 1)],
        name="ktv-test", start="2027-03-01", days=days, units=[home], bookings=bookings,
        solver={"time_limit_seconds": 5, "workers": 2},
    )


TEAM_COMPETENCES = ("lift", "epilepsy", "autism", "tube")
TEAM_UNITS = ("U1", "U2", "U3")
TEAM_HOURS = (16, 20, 25, 30, 35, 38, 40)


def placement_data(**overrides: Any) -> Data:
    """Units U1–U3 and the team's unit OT, one client C1 in U1; no staff, no vacancies."""
    c1 = client("C1", decisions=[decision("D1", "2027-01-01", "2027-06-30", 10, reserve=None)],
                windows=[window("08:00", "12:00", days=["mon"])], approved=(), competences=())
    data = scenario_data([c1], [], name="placement-test", start="2027-02-01",
                         units=[unit(u) for u in (*TEAM_UNITS, "OT")], vacancies=[])
    data.update(overrides)
    return data


def random_team_instance(seed: int) -> Scenario:
    """1–6 members and 1–5 vacancies with random competences, hours, wishes, areas, approvals."""
    rng = random.Random(seed)
    n_members, n_vacancies = rng.randint(1, 6), rng.randint(1, 5)

    def some(pool: tuple[str, ...], most: int) -> list[str]:
        return rng.sample(pool, rng.randint(0, most))

    members = []
    for i in range(n_members):
        extra: Data = {
            "preferred_units": some(TEAM_UNITS, 3),
            "also_units": some(TEAM_UNITS, 1),
            "home_area": rng.choice(["Norr", "Söder", None]),
        }
        if rng.random() < 0.15:  # absent over the 1 March start dates
            extra["absences"] = [{"start": "2027-02-20T00:00", "end": "2027-03-10T00:00"}]
        members.append(member(f"T{i + 1}", rng.choice(TEAM_HOURS),
                              some(TEAM_COMPETENCES, 4), **extra))
    vacancies = []
    for j in range(n_vacancies):
        place = rng.choice(TEAM_UNITS)
        extra = {
            "required_competences": some(TEAM_COMPETENCES, 1),
            "desired_competences": some(TEAM_COMPETENCES, 2),
            "area": rng.choice(["Norr", "Söder", None]),
        }
        if place == "U1" and rng.random() < 0.5:
            extra["client"] = "C1"
        vacancies.append(vacancy(f"V{j + 1}", place, rng.choice(TEAM_HOURS), **extra))
    data = placement_data(staff=members, vacancies=vacancies,
                          placement={"max_hours_gap": rng.choice([5, 10, 20])})
    data["clients"][0]["required_competences"] = some(TEAM_COMPETENCES, 1)
    data["clients"][0]["approved_staff"] = [m["id"] for m in members if rng.random() < 0.5]
    return Scenario.model_validate(data)


def two_groups_data() -> Data:
    """Two small groups run apart, over the week 22–28 March 2027: Good Friday (26th), Holy
    Saturday and Easter Sunday (major holidays) and the spring change to summer time (night to
    Sunday 28th: 02:00 → 03:00). For comparisons and costs."""
    c01 = client(
        "C01",
        # 42 h/week over 181 days = 1086 h; 1056 performed: 30 h left (+3 h exception).
        decisions=[decision("D01", "2027-01-01", "2027-06-30", 42, kind="sfb_assistance",
                            performed=1056, extra=3)],
        windows=[window("08:00", "12:00", days=WEEKDAYS),
                 window("10:00", "14:00", days=["sat", "sun"]),
                 window("22:00", "07:00", on_call=True, days=["sat"])],
        approved=["A01", "A02", "A03"], competences=(),
    )
    c02 = client(
        "C02", "U2",
        decisions=[decision("D02", "2027-03-01", "2027-08-31", 40, kind="lss_assistance")],
        windows=[window("17:00", "23:00", days=WEEKDAYS)],
        approved=["B01", "B02"], competences=(),
    )
    return scenario_data(
        [c01, c02],
        [
            staff("A01", 30),
            # A family caregiver on weekday days only, so the jour night goes to someone paid.
            staff("A02", 10, employment="pan", family_caregiver=True,
                  availability=[{"days": WEEKDAYS, "start": "07:00", "end": "18:00"}]),
            staff("A03", 0, employment="hourly", hourly_wage=180),
            staff("B01", 20, unit="U2", role="senior"),
            staff("B02", 0, unit="U2", employment="hourly"),
        ],
        name="base", description="two small groups run apart", start="2027-03-22",
        units=[unit("U1"), unit("U2")],
        cost={"wages": {"roles": {"senior": 200}}},
        solver={"time_limit_seconds": 3, "workers": 1},
    )


# -- scattered clients and rounds --------------------------------------------------------------

SCATTERED_VISITS = (("07:00", "08:00"), ("12:00", "12:45"), ("18:00", "19:00"))


def scattered_client(cid: str, x_km: float, y_km: float, *, unit: str = "U1",
                     visits: Iterable[tuple[str, str]] = SCATTERED_VISITS,
                     approved: Iterable[str] = ("A1", "A2", "A3"), per_week: float = 25,
                     **fields: Any) -> Data:
    """A scattered client (municipal LSS assistance) with daily ``visits`` at a home on the
    local plane."""
    return client(cid, unit, decisions=[decision("D" + cid, per_week=per_week,
                                                 kind="lss_assistance")],
                  windows=[window(a, b) for a, b in visits], approved=approved,
                  competences=(), scattered=True, home={"x_km": x_km, "y_km": y_km}, **fields)


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def staggered_visits(i: int) -> list[tuple[str, str]]:
    """Client number ``i``'s (from 0) daily visits: an hour from 07:00 + 75 min × i and from
    16:00 + 75 min × i, so consecutive clients' visits are 15 minutes apart."""
    return [(_clock(start + 75 * i), _clock(start + 75 * i + 60)) for start in (420, 960)]


def rounds_data(*, n_clients: int = 4, days: int = 2, enabled: bool = True,
                spacing_km: float = 1.0, n_staff: int = 3, **top: Any) -> Data:
    """``n_clients`` scattered clients of U1 along a road (``spacing_km`` apart: 5 minutes'
    travel at the default speed), each with ``staggered_visits`` every day, so one round can
    visit them in turn; ``n_staff`` assistants approved for all."""
    ids = [f"A{i + 1}" for i in range(n_staff)]
    clients = [scattered_client(f"C{i + 1}", i * spacing_km, 0.0, approved=ids,
                                visits=staggered_visits(i))
               for i in range(n_clients)]
    return scenario_data(clients, [staff(i, 30, competences=[]) for i in ids], days=days,
                         rounds={"enabled": enabled}, **top)
