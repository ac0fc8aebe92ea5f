"""Small scenarios with an overstaffing team and vacancies, built in code (pseudonymous ids)."""

from __future__ import annotations

import random
from typing import Any

from scheduler.domain.scenario import Scenario

COMPETENCES = ("lift", "epilepsy", "autism", "tube")
UNITS = ("U1", "U2", "U3")
HOURS = (16, 20, 25, 30, 35, 38, 40)


def base(**overrides: Any) -> dict[str, Any]:
    """Units U1–U3 and the team's unit OT, one client C1 in U1; no staff, no vacancies."""
    data: dict[str, Any] = {
        "name": "placement-test",
        "horizon": {"start": "2027-02-01", "days": 7},
        "units": [{"id": u} for u in (*UNITS, "OT")],
        "clients": [{
            "id": "C1",
            "unit": "U1",
            "decisions": [{"id": "D1", "granted_hours_per_week": 10,
                           "settlement_period": {"start": "2027-01-01", "end": "2027-06-30"}}],
            "need": {"weekly": [{"days": ["mon"], "start": "08:00", "end": "12:00"}]},
            "approved_staff": [],
            "required_competences": [],
        }],
        "staff": [],
        "vacancies": [],
    }
    data.update(overrides)
    return data


def member(mid: str, contract: float, competences: list[str], **extra: Any) -> dict[str, Any]:
    return {"id": mid, "home_unit": "OT", "contract_hours_per_week": contract,
            "competences": competences, "overstaffing_team": True, **extra}


def vacancy(vid: str, unit: str, hours: float, **extra: Any) -> dict[str, Any]:
    return {"id": vid, "unit": unit, "hours_per_week": hours, "start": "2027-03-01", **extra}


def random_instance(seed: int) -> Scenario:
    """1–6 members and 1–5 vacancies with random competences, hours, wishes, areas, approvals."""
    rng = random.Random(seed)
    n_members, n_vacancies = rng.randint(1, 6), rng.randint(1, 5)

    def some(pool: tuple[str, ...], most: int) -> list[str]:
        return rng.sample(pool, rng.randint(0, most))

    members = []
    for i in range(n_members):
        extra: dict[str, Any] = {
            "preferred_units": some(UNITS, 3),
            "also_units": some(UNITS, 1),
            "home_area": rng.choice(["Norr", "Söder", None]),
        }
        if rng.random() < 0.15:  # absent over the 1 March start dates
            extra["absences"] = [{"start": "2027-02-20T00:00", "end": "2027-03-10T00:00"}]
        members.append(member(f"T{i + 1}", rng.choice(HOURS), some(COMPETENCES, 4), **extra))
    vacancies = []
    for j in range(n_vacancies):
        unit = rng.choice(UNITS)
        extra = {
            "required_competences": some(COMPETENCES, 1),
            "desired_competences": some(COMPETENCES, 2),
            "area": rng.choice(["Norr", "Söder", None]),
        }
        if unit == "U1" and rng.random() < 0.5:
            extra["client"] = "C1"
        vacancies.append(vacancy(f"V{j + 1}", unit, rng.choice(HOURS), **extra))
    data = base(staff=members, vacancies=vacancies,
                placement={"max_hours_gap": rng.choice([5, 10, 20])})
    data["clients"][0]["required_competences"] = some(COMPETENCES, 1)
    data["clients"][0]["approved_staff"] = [m["id"] for m in members if rng.random() < 0.5]
    return Scenario.model_validate(data)
