"""The overcapacity report for people: a terminal table, JSON and CSV files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from rich.console import Console

from scheduler.i18n import DEFAULT_LANG, Translator, translator
from scheduler.planning.capacity import DEPARTMENT, TOTAL, CapacityReport, CapacityRow, TeamUsage
from scheduler.results.summary import Column, Line, print_fitted


def rows_frame(report: CapacityReport) -> pd.DataFrame:
    return pd.DataFrame([r.model_dump(mode="json") for r in report.rows],
                        columns=list(CapacityRow.model_fields))


def write_report(report: CapacityReport, path: Path | str) -> list[Path]:
    """``path`` (JSON), ``<stem>.csv`` (one row per unit or department and week) and, with a
    schedule, ``<stem>.team.csv`` (the team's pool use)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(report.model_dump_json(indent=2) + "\n", encoding="utf-8")
    csv_path = path.with_suffix(".csv")
    rows_frame(report).to_csv(csv_path, index=False)
    written = [path, csv_path]
    if report.with_schedule:
        team_path = path.with_name(f"{path.stem}.team.csv")
        pd.DataFrame([u.model_dump() for u in report.team_usage],
                     columns=list(TeamUsage.model_fields)).to_csv(team_path, index=False)
        written.append(team_path)
    return written


def print_report(report: CapacityReport, console: Console, lang: str = DEFAULT_LANG) -> None:
    _ = translator(lang)

    def h(value: float | None) -> str:
        return "–" if value is None else _.number(value, 1)

    def pct(value: float | None) -> str:
        return "–" if value is None else f"{_.number(value * 100, 0)} %"

    console.print(_(
        "[bold]Capacity – {scenario}[/bold]: {days} days from {start}; work hours, jour counted "
        "× {fraction}").format(scenario=report.scenario, days=report.horizon_days,
                               start=report.horizon_start,
                               fraction=_.number(report.on_call_work_fraction, 2)))
    headers = [_("unit"), _("week"), _("contracted"), _("absent"), _("available"), _("needed")]
    if report.with_schedule:
        headers.append(_("scheduled"))
    headers += [_("difference"), _("over"), _("short"), _("not needed"), _("available after"),
                _("over after"), _("short after"), _("not needed after")]
    columns = [Column(header, numeric=i >= 2) for i, header in enumerate(headers)]
    lines: list[Line | None] = []
    previous = None
    for r in report.rows:
        if previous is not None and r.scope != previous:
            lines.append(None)
        previous = r.scope
        scope = _("department") if r.scope == DEPARTMENT else r.scope
        week = _("all weeks") if r.week == TOTAL else r.week
        cells = [scope, week, h(r.contracted_hours), h(r.absence_hours), h(r.available_hours),
                 h(r.needed_hours)]
        if report.with_schedule:
            cells.append(h(r.scheduled_hours))
        cells += [h(r.difference_hours), h(r.overcapacity_hours), h(r.shortage_hours),
                  pct(r.not_needed_share), h(r.available_after_hours),
                  h(r.overcapacity_after_hours), h(r.shortage_after_hours),
                  pct(r.not_needed_share_after)]
        lines.append((cells, "bold" if r.week == TOTAL else None))
    print_fitted(console, _("Available (contracted − absent) vs needed hours (after: placed "
                            "members moved to their vacancy's unit)"), columns, lines, keys=2,
                 lang=lang)
    if report.moves:
        console.print()
        console.print(_("Placement moves:") + " " + "; ".join(
            f"{m.member} {m.from_unit} → {m.to_unit} ({m.vacancy}, "
            f"{m.contract_hours_per_week:g} {_('h/week')}"
            + ("" if m.status == "placed" else f", {_status(_, m.status)}") + ")"
            for m in report.moves))
    if report.with_schedule:
        team = [Column(_("member")), Column(_("contract"), numeric=True),
                Column(_("absent"), numeric=True), Column(_("worked"), numeric=True),
                Column(_("used"), numeric=True)]
        rows: list[Line | None] = [
            ([u.member, h(u.contract_hours), h(u.absence_hours), h(u.work_hours),
              pct(u.used_share)], None) for u in report.team_usage]
        rows += [None, ([_("team"), h(report.team_contract_hours), h(report.team_absence_hours),
                         h(report.team_work_hours), pct(report.team_used_share)], "bold")]
        print_fitted(console, _("Team pool use (hours)"), team, rows, lang=lang)


def _status(_: Translator, status: str) -> str:
    return {"placed": _("placed"), "needs introduction": _("needs introduction"),
            "not placed": _("not placed"), "unfilled": _("unfilled")}.get(status, status)
