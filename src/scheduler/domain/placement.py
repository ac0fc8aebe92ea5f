"""Vacancies and the settings for placing the overstaffing team (övertalighetsteamet) in them.

The team members themselves are ordinary ``Staff`` with ``overstaffing_team: true`` (plus their
``preferred_units`` and ``home_area``): until placed they are a flexible pool the scheduler uses
like any other approved assistant.

"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from pydantic import ConfigDict, Field, model_validator

from scheduler.domain.common import CalendarDate, Id, StrictNumbers


class _Frozen(StrictNumbers):
    # The same contract as scenario.Frozen: a misspelt field is an error.
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True,
                              allow_inf_nan=False)


class Vacancy(_Frozen):
    """An open position (vakant tjänst) in a unit, or in one client's assistance group."""

    id: Id
    unit: Id
    hours_per_week: float = Field(gt=0, le=60, description="Hours per week of the position.")
    required_competences: list[str] = Field(
        default_factory=list,
        description="Hard: a member without all of them (and the client's) cannot be placed.",
    )
    desired_competences: list[str] = Field(
        default_factory=list, description="Meriting: each one the member has adds to the fit."
    )
    start: CalendarDate = Field(description="First day of the position.")
    client: Id | None = Field(
        default=None,
        description="A vacancy in this client's assistance group: the client must approve the "
        "member (approved_staff), otherwise the placement needs an introduction first.",
    )
    area: str | None = Field(
        default=None, description="Where the workplace is; matched with the member's home_area."
    )
    title: str = ""


MAX_POINTS = 1_000_000  # far above any sensible weighting; keeps the objective in range


class PlacementWeights(_Frozen):
    """Points per fit criterion; the placement maximises the sum over the chosen pairs."""

    placed: int = Field(default=100, ge=1, le=MAX_POINTS,
                        description="Per member placed: the point of it all.")
    hours_gap: int = Field(
        default=3, ge=0, le=MAX_POINTS,
        description="Minus, per hour/week between contract and vacancy hours.",
    )
    desired_competence: int = Field(default=5, ge=0, le=MAX_POINTS,
                                    description="Per desired competence held.")
    preference: int = Field(
        default=20, ge=0, le=MAX_POINTS,
        description="The member's first preferred unit; later choices get proportionally less.",
    )
    home_area: int = Field(default=10, ge=0, le=MAX_POINTS,
                           description="The vacancy is in the member's area.")
    approved_by_client: int = Field(
        default=25, ge=0, le=MAX_POINTS,
        description="Continuity: the client already approved the member.",
    )
    same_unit: int = Field(
        default=10, ge=0, le=MAX_POINTS,
        description="Continuity: the member already works in the unit.",
    )


class PlacementSettings(_Frozen):
    max_hours_gap: float = Field(
        default=10, ge=0, le=60,
        description="Hard: at most this many hours/week between contract and vacancy hours.",
    )
    weights: PlacementWeights = PlacementWeights()
    time_limit_seconds: float = Field(default=10, gt=0, le=3600)

    @model_validator(mode="after")
    def _placing_pays(self) -> PlacementSettings:
        # Every allowed placement must score above leaving the member unplaced; then an
        # optimal placement never leaves a member out while a vacancy they fit stays empty.
        if self.weights.placed <= self.weights.hours_gap * self.max_hours_gap:
            raise ValueError(
                f"weights.placed ({self.weights.placed}) must exceed weights.hours_gap × "
                f"max_hours_gap ({self.weights.hours_gap} × {self.max_hours_gap:g})"
            )
        return self


def vacancy_reference_errors(
    vacancies: Iterable[Vacancy], unit_ids: set[str], client_units: Mapping[str, str]
) -> list[str]:
    """Cross-reference problems, each naming the field and the id (for ``Scenario``)."""
    errors: list[str] = []
    seen: set[str] = set()
    for v in vacancies:
        where = f"vacancies[{v.id}]"
        if v.id in seen:
            errors.append(f"vacancies: id {v.id!r} is used twice")
        seen.add(v.id)
        if v.unit not in unit_ids:
            errors.append(f"{where}.unit: unknown unit {v.unit!r}")
        if v.client is not None:
            if v.client not in client_units:
                errors.append(f"{where}.client: unknown client {v.client!r}")
            elif client_units[v.client] != v.unit:
                errors.append(
                    f"{where}.client: client {v.client!r} belongs to unit "
                    f"{client_units[v.client]!r}, not {v.unit!r}"
                )
    return errors
