"""The placement of the overstaffing team for people: tables in the terminal, CSV and JSON."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from rich.console import Console

from scheduler.domain.scenario import Scenario
from scheduler.i18n import DEFAULT_LANG, Translator, translator
from scheduler.results.summary import Column, Line, print_fitted
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


def _parts_text(_: Translator, parts: dict[str, int]) -> str:
    labels = {"placed": _("base"), "hours_gap": _("hours"),
              "desired_competences": _("merits"), "preference": _("wish"),
              "home_area": _("area"), "approved_by_client": _("approved"), "same_unit": _("unit")}
    return " ".join(f"{labels.get(k, k)} {v:+d}" for k, v in parts.items()
                    if v and k != "placed")


def print_placement(scenario: Scenario, result: PlacementResult, console: Console,
                    lang: str = DEFAULT_LANG) -> None:
    _ = translator(lang)
    info = result.solve
    console.print(_(
        "[bold]Placement of the overstaffing team – {scenario}[/bold]: {members} members, "
        "{vacancies} vacancies, {pairs} allowed pairs; status [bold]{status}[/bold], total fit "
        "{fit} (bound {bound}), {seconds} s").format(
        scenario=result.scenario, members=len(team_members(scenario)),
        vacancies=len(scenario.vacancies), pairs=info.allowed_pairs, status=info.status,
        fit=info.objective, bound=f"{info.best_bound:g}", seconds=_.number(info.wall_seconds, 2)))
    status = {"placed": _("placed"), NEEDS_INTRODUCTION: _("needs introduction")}
    columns = [Column(_("member")), Column(_("vacancy")), Column(_("unit")), Column(_("client")),
               Column(_("start")), Column(_("h/week (vac./contract)"), numeric=True),
               Column(_("fit"), numeric=True), Column(_("fit parts"), wrap=True),
               Column(_("status"))]
    lines: list[Line | None] = [
        ([p.member, p.vacancy, p.unit, p.client or "–", p.start.isoformat(),
          f"{p.vacancy_hours_per_week:g} / {p.contract_hours_per_week:g}", str(p.fit),
          _parts_text(_, p.fit_parts), status.get(p.status, p.status)],
         "yellow" if p.status == NEEDS_INTRODUCTION else None) for p in result.placements]
    if lines:
        print_fitted(console, _("Placements"), columns, lines, lang=lang)
    else:
        console.print()
        console.print(_("No placements."))
    if result.not_placed:
        print_fitted(console, _("Not placed"), [
            Column(_("member")), Column(_("contract h/week"), numeric=True),
            Column(_("reason"), wrap=True)],
            [([n.member, f"{n.contract_hours_per_week:g}", n.reason], None)
             for n in result.not_placed], lang=lang)
    if result.unfilled:
        print_fitted(console, _("Vacancies left open"), [
            Column(_("vacancy")), Column(_("unit")), Column(_("client")),
            Column(_("h/week"), numeric=True), Column(_("reason"), wrap=True)],
            [([u.vacancy, u.unit, u.client or "–", f"{u.hours_per_week:g}", u.reason], None)
             for u in result.unfilled], lang=lang)
