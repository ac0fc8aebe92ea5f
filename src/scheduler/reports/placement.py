"""The placement of the overstaffing team for people: tables in the terminal, CSV and JSON."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from rich.console import Console
from rich.table import Table

from scheduler.domain.scenario import Scenario
from scheduler.solver.placement import NEEDS_INTRODUCTION, PlacementResult, team_members

MEMBER_COLUMNS = [
    "member", "status", "vacancy", "unit", "client", "start", "vacancy_hours_per_week",
    "contract_hours_per_week", "fit", "reason",
]


VACANCY_COLUMNS = [
    "vacancy", "unit", "client", "hours_per_week", "start", "member", "status", "reason",
]


def members_frame(scenario: Scenario, result: PlacementResult) -> pd.DataFrame:
    """One row per team member: where they go, or why not."""
    placed = {p.member: p for p in result.placements}
    reasons = {n.member: n.reason for n in result.not_placed}
    rows = []
    for m in team_members(scenario):
        p = placed.get(m.id)
        rows.append({
            "member": m.id,
            "status": p.status if p else "not placed",
            "vacancy": p.vacancy if p else "",
            "unit": p.unit if p else "",
            "client": (p.client or "") if p else "",
            "start": p.start.isoformat() if p else "",
            "vacancy_hours_per_week": p.vacancy_hours_per_week if p else None,
            "contract_hours_per_week": m.contract_hours_per_week,
            "fit": p.fit if p else None,
            "reason": reasons.get(m.id, ""),
        })
    return pd.DataFrame(rows, columns=MEMBER_COLUMNS).astype({"fit": "Int64"})


def vacancies_frame(scenario: Scenario, result: PlacementResult) -> pd.DataFrame:
    by_vacancy = {p.vacancy: p for p in result.placements}
    reasons = {u.vacancy: u.reason for u in result.unfilled}
    rows = [{
        "vacancy": v.id, "unit": v.unit, "client": v.client or "",
        "hours_per_week": v.hours_per_week, "start": v.start.isoformat(),
        "member": by_vacancy[v.id].member if v.id in by_vacancy else "",
        "status": by_vacancy[v.id].status if v.id in by_vacancy else "unfilled",
        "reason": reasons.get(v.id, ""),
    } for v in scenario.vacancies]
    return pd.DataFrame(rows, columns=VACANCY_COLUMNS)


def write_placement(scenario: Scenario, result: PlacementResult, path: Path | str
                    ) -> list[Path]:
    """``path`` (JSON), ``<stem>.csv`` (one row per member), ``<stem>.vacancies.csv``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(result.model_dump_json(indent=2) + "\n", encoding="utf-8")
    members_csv = path.with_suffix(".csv")
    vacancies_csv = path.with_name(f"{path.stem}.vacancies.csv")
    members_frame(scenario, result).to_csv(members_csv, index=False)
    vacancies_frame(scenario, result).to_csv(vacancies_csv, index=False)
    return [path, members_csv, vacancies_csv]


def _parts_text(parts: dict[str, int]) -> str:
    return " ".join(f"{_PART_LABELS.get(k, k)} {v:+d}" for k, v in parts.items()
                    if v and k != "placed")


def print_placement(scenario: Scenario, result: PlacementResult, console: Console) -> None:
    info = result.solve
    console.print(
        f"[bold]Placement of the overstaffing team – {result.scenario}[/bold]: "
        f"{len(team_members(scenario))} members, {len(scenario.vacancies)} vacancies, "
        f"{info.allowed_pairs} allowed pairs; status [bold]{info.status}[/bold], total fit "
        f"{info.objective} (bound {info.best_bound:g}), {info.wall_seconds:.2f} s"
    )
    table = _table("Placements", ["member", "vacancy", "unit", "client", "start",
                                  "h/week (vac./contract)", "fit", "fit parts", "status"])
    for p in result.placements:
        status = f"[yellow]{p.status}[/yellow]" if p.status == NEEDS_INTRODUCTION else p.status
        table.add_row(p.member, p.vacancy, p.unit, p.client or "–", p.start.isoformat(),
                      f"{p.vacancy_hours_per_week:g} / {p.contract_hours_per_week:g}",
                      str(p.fit), _parts_text(p.fit_parts), status)
    console.print()
    console.print(table if result.placements else "No placements.")
    if result.not_placed:
        table = _table("Not placed", ["member", "contract h/week", "reason"])
        for n in result.not_placed:
            table.add_row(n.member, f"{n.contract_hours_per_week:g}", n.reason)
        console.print()
        console.print(table)
    if result.unfilled:
        table = _table("Vacancies left open", ["vacancy", "unit", "client", "h/week", "reason"])
        for u in result.unfilled:
            table.add_row(u.vacancy, u.unit, u.client or "–", f"{u.hours_per_week:g}", u.reason)
        console.print()
        console.print(table)


def _table(title: str, headers: Sequence[str]) -> Table:
    table = Table(title=title, title_justify="left", show_edge=False, pad_edge=False)
    for header in headers:
        table.add_column(header, overflow="fold")
    return table


_PART_LABELS = {
    "placed": "base", "hours_gap": "hours", "desired_competences": "merits",
    "preference": "wish", "home_area": "area", "approved_by_client": "approved",
    "same_unit": "unit",
}
