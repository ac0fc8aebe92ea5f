"""Builders for small hand-made scenarios and schedules (pseudonymous ids, no solver)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from scheduler.domain.clients import (
    ApprovedException,
    Client,
    Decision,
    DecisionKind,
    Need,
    NeedException,
    NeedWindow,
    ReserveRule,
)
from scheduler.domain.common import DatePeriod, Horizon, TimePeriod
from scheduler.domain.scenario import Scenario
from scheduler.domain.schedule import (
    Break,
    PenaltyTerm,
    Schedule,
    Shift,
    SolveInfo,
    UncoveredInterval,
)
from scheduler.domain.settings import WorkingTimeRules
from scheduler.domain.staff import AvailabilityWindow, Staff
from scheduler.domain.units import Unit

TZ = ZoneInfo("Europe/Stockholm")
MONDAY = date(2027, 1, 4)  # a plain winter week, no DST change


def local(text: str) -> datetime:
    """'2027-01-04T07:00' → aware local time (the zone object itself, as a caller might)."""
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def decision(
    did: str = "D1",
    start: date = date(2027, 1, 1),
    end: date = date(2027, 12, 31),
    per_week: float = 200,
    *,
    kind: DecisionKind = DecisionKind.SFB_ASSISTANCE,
    reserve: ReserveRule = ReserveRule.NONE,
    performed: float = 0,
    extra: float | None = None,
) -> Decision:
    return Decision(
        id=did,
        kind=kind,
        granted_hours_per_week=per_week,
        settlement_period=DatePeriod(start=start, end=end),
        hours_performed=performed,
        reserve=reserve,
        exception=None if extra is None else ApprovedException(reference="AC-1", extra_hours=extra),
    )


def window(start: str, end: str, staff: int = 1, *, on_call: bool = False,
           days: Iterable[str] | None = None) -> NeedWindow:
    extra: dict[str, Any] = {} if days is None else {"days": list(days)}
    return NeedWindow(start=start, end=end, staff=staff, on_call=on_call, **extra)


DAY_AND_JOUR = (window("07:00", "22:00"), window("22:00", "07:00", on_call=True))


def client(
    cid: str = "C1",
    *,
    approved: Iterable[str] = ("A1", "A2", "A3"),
    windows: Iterable[NeedWindow] = DAY_AND_JOUR,
    exceptions: Iterable[NeedException] = (),
    decisions: Iterable[Decision] | None = None,
    competences: Iterable[str] = ("lift",),
) -> Client:
    return Client(
        id=cid,
        unit="U1",
        decisions=list(decisions) if decisions is not None else [decision("D" + cid)],
        need=Need(weekly=list(windows), exceptions=list(exceptions)),
        approved_staff=list(approved),
        required_competences=list(competences),
    )


def exception(start: str, end: str, staff: int = 0, *, on_call: bool = False) -> NeedException:
    return NeedException(start=datetime.fromisoformat(start), end=datetime.fromisoformat(end),
                         staff=staff, on_call=on_call)


def assistant(
    sid: str,
    contract: float = 40,
    *,
    competences: Iterable[str] = ("lift",),
    absences: Iterable[tuple[str, str]] = (),
    availability: Iterable[AvailabilityWindow] | None = None,
    **fields: Any,
) -> Staff:
    return Staff(
        id=sid,
        home_unit="U1",
        contract_hours_per_week=contract,
        competences=list(competences),
        absences=[
            TimePeriod(start=datetime.fromisoformat(a), end=datetime.fromisoformat(b))
            for a, b in absences
        ],
        availability=None if availability is None else list(availability),
        **fields,
    )


def team(*ids: str, **fields: Any) -> list[Staff]:
    return [assistant(i, **fields) for i in ids]


def scenario(
    clients: Iterable[Client] | None = None,
    staff: Iterable[Staff] | None = None,
    *,
    start: date = MONDAY,
    days: int = 7,
    **rules: Any,
) -> Scenario:
    return Scenario(
        name="validator-test",
        horizon=Horizon(start=start, days=days, slot_minutes=15),
        units=[Unit(id="U1")],
        clients=list(clients) if clients is not None else [client("C1")],
        staff=list(staff) if staff is not None else team("A1", "A2", "A3"),
        rules=WorkingTimeRules(**rules),
    )


def shift(
    staff: str, client_id: str | None, start: str, end: str, unit: str = "U1", *, jour: float = 0,
    meal_pauses: bool = True,
) -> Shift:
    a, b = local(start), local(end)
    hours = (b.astimezone(UTC) - a.astimezone(UTC)).total_seconds() / 3600
    pauses = []
    if client_id is not None and meal_pauses:
        # Personal assistance: a paid 30-min meal pause after each 4.5 h (at most 5 h without).
        t = a.astimezone(UTC) + timedelta(hours=4.5)
        while t + timedelta(minutes=30) < b.astimezone(UTC):
            pauses.append(Break(start=t, end=t + timedelta(minutes=30), paid=True))
            t += timedelta(hours=5)
    return Shift(staff=staff, client=client_id, unit=unit, start=a, end=b, hours=hours,
                 on_call_hours=jour, breaks=pauses)


def schedule(
    scn: Scenario,
    shifts: Iterable[Shift],
    *,
    penalties: dict[str, float] | None = None,
    uncovered: Iterable[UncoveredInterval] = (),
) -> Schedule:
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


@pytest.fixture
def kit() -> SimpleNamespace:
    return SimpleNamespace(
        TZ=TZ, MONDAY=MONDAY, local=local, decision=decision, window=window, client=client,
        exception=exception, assistant=assistant, team=team, scenario=scenario, shift=shift,
        schedule=schedule, gap=gap, AvailabilityWindow=AvailabilityWindow,
        ReserveRule=ReserveRule, DecisionKind=DecisionKind,
    )
