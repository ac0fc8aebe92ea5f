"""A hand-made day with a round, a single-client shift that waits, and a plain client shift,
with every figure the results should derive from it computed by hand (shared by the results and
reports tests; until the engine plans rounds, schedules with visits are made by hand).

Monday 2027-01-04 (no holiday, no OB before 19:00), unit U1, all staff monthly paid (190 kr/h,
employer's contributions 40 %: 266 kr per paid hour):

- A1, a round 07:00–10:00: C1 07:00–08:00; travel 10 min (08:00–08:10); C2 08:15–09:00;
  waiting 08:10–08:15 and 09:00–10:00 = 65 min (180 − 60 − 45 − 10; a 3-hour shift needs no
  meal pause).
- A2, a single-client shift of C3 12:00–15:00 with visits 12:00–12:30 and 14:00–14:30: waiting
  2 h (C3's), no travel.
- A3, a plain shift of C4 (not scattered) 07:00–15:00 with its paid meal pause.

C2's decision pays for travel (``charges_travel``); the others do not. The independent
validator accepts the day (``test_the_hand_made_day_is_valid``).
"""

from __future__ import annotations

from typing import Any

import builders as kit
from scheduler.domain.scenario import Scenario
from scheduler.domain.schedule import Schedule, Shift, Visit

HOURLY = 190 * 1.4  # kr per paid hour with employer's contributions


def scenario_data() -> dict[str, Any]:
    c1 = kit.scattered_client("C1", 0.0, 0.0, visits=[("07:00", "08:00")])
    # 3.5 km × 1.3 at 30 km/h = 9.1 min → 10 min of travel from C1.
    c2 = kit.scattered_client("C2", 3.5, 0.0, visits=[("08:15", "09:00")])
    c2["decisions"][0]["charges_travel"] = True
    c3 = kit.scattered_client("C3", 20.0, 0.0, visits=[("12:00", "12:30"), ("14:00", "14:30")])
    c4 = kit.client("C4", windows=[kit.window("07:00", "15:00")], competences=())
    staff = [kit.staff(s, 40, competences=[]) for s in ("A1", "A2", "A3")]
    return kit.scenario_data([c1, c2, c3, c4], staff, days=1, slot_minutes=15)


def scenario() -> Scenario:
    return kit.build(scenario_data())


def visit(client: str, start: str, end: str, travel: int = 0) -> Visit:
    return Visit(client=client, start=kit.local(f"2027-01-04T{start}"),
                 end=kit.local(f"2027-01-04T{end}"), travel_minutes=travel)


def round_shift(staff: str = "A1", visits: list[Visit] | None = None) -> Shift:
    base = kit.shift(staff, None, "2027-01-04T07:00", "2027-01-04T10:00")
    return base.model_copy(update={
        "visits": visits if visits is not None else [
            visit("C1", "07:00", "08:00"), visit("C2", "08:15", "09:00", travel=10)],
        "travel_hours": 10 / 60, "waiting_hours": 65 / 60})


def waiting_shift() -> Shift:
    base = kit.shift("A2", "C3", "2027-01-04T12:00", "2027-01-04T15:00")
    return base.model_copy(update={
        "visits": [visit("C3", "12:00", "12:30"), visit("C3", "14:00", "14:30")],
        "waiting_hours": 2.0})


def plain_shift() -> Shift:
    return kit.shift("A3", "C4", "2027-01-04T07:00", "2027-01-04T15:00")


def schedule(scn: Scenario | None = None, shifts: list[Shift] | None = None) -> Schedule:
    scn = scn or scenario()
    return kit.schedule(scn, shifts if shifts is not None
                        else [round_shift(), waiting_shift(), plain_shift()])
