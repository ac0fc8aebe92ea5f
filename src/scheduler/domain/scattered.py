"""Scattered assistance hours (hemtjänstliknande form): clients whose granted hours are visits
spread over the day, served in rounds.

A round is one shift of one assistant that serves visits of several scattered clients of a unit
in sequence, travelling between their homes. A scattered client may also get single-client
shifts that wait between its own visits (or past a short visit, up to the minimum shift
length): today's practice, kept as an option so the engine can choose by the objective.

Homes are points on a local plane in kilometres (``x_km``, ``y_km``): never an address or a
coordinate that locates a person. Measured travel times (``travel.times``) override them.
"""

from __future__ import annotations

import math

from pydantic import Field, model_validator

from scheduler.domain.common import Frozen, Id


class Home(Frozen):
    """Where a scattered client's visits take place, on the municipality's local plane (km
    east and north of any fixed reference point): pseudonymous, no address."""

    x_km: float = Field(ge=-1000, le=1000)
    y_km: float = Field(ge=-1000, le=1000)


class TravelTime(Frozen):
    """A measured travel time between two scattered clients' homes, both ways."""

    between: tuple[Id, Id]
    minutes: int = Field(ge=0, le=600)

    @model_validator(mode="after")
    def _distinct(self) -> TravelTime:
        if self.between[0] == self.between[1]:
            raise ValueError(f"between: {self.between[0]!r} twice; a client's own visits "
                             "need no travel")
        return self


class Travel(Frozen):
    """Travel between homes: a measured time where ``times`` lists the pair, else the straight
    line between the homes × ``detour_factor`` at ``speed_kmh``, rounded up to whole minutes
    and never below ``minimum_minutes`` (parking, getting in and out)."""

    speed_kmh: float = Field(default=30, gt=0, le=200, description="Average speed door to door.")
    detour_factor: float = Field(default=1.3, ge=1, le=5,
                                 description="Road distance per straight-line distance.")
    minimum_minutes: int = Field(default=5, ge=0, le=120,
                                 description="The least travel between two different homes.")
    times: list[TravelTime] = Field(default_factory=list,
                                    description="Measured times; they override the homes.")

    def minutes(self, a: str, b: str, homes: dict[str, Home]) -> int | None:
        """Travel minutes from client ``a``'s home to ``b``'s; 0 for the same client; None if
        neither a measured time nor both homes are known."""
        if a == b:
            return 0
        for t in self.times:
            if set(t.between) == {a, b}:
                return t.minutes
        if a not in homes or b not in homes:
            return None
        ha, hb = homes[a], homes[b]
        km = math.hypot(ha.x_km - hb.x_km, ha.y_km - hb.y_km) * self.detour_factor
        return max(self.minimum_minutes, math.ceil(km / self.speed_kmh * 60 - 1e-9))


class RoundSettings(Frozen):
    """How scattered clients' visits may be combined into shifts."""

    enabled: bool = Field(
        default=True, description="Rounds of several clients' visits; false: every scattered "
        "client gets single-client shifts only (today's practice, for comparison).")
    travel: Travel = Travel()
    max_visits: int = Field(default=6, ge=1, le=20, description="Visits in one shift at most.")
    max_wait_minutes: int = Field(
        default=120, ge=0, le=720,
        description="The longest wait between two visits of one shift (after travel).")
