"""A readable terminal summary of a schedule (rich tables), built from the schedule file alone.

The key figures are read from ``schedule.kpis`` (see ``kpi.kpis_to_dict``), so a schedule loaded
from JSON summarises the same as one fresh from the solver.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.table import Table

from scheduler.domain.schedule import Blocker, Schedule
from scheduler.i18n import DEFAULT_LANG, Translator, translator


def _num(value: Any, digits: int = 1, _: Translator | None = None) -> str:
    if value is None:
        return "–"
    if isinstance(value, int | bool):
        return str(int(value))
    if _ is not None:
        return _.number(value, digits)
    return f"{value:,.{digits}f}"


@dataclass(frozen=True)
class Column:
    header: str
    numeric: bool = False  # right-aligned, never wrapped
    wrap: bool = False  # long text (a reason) that may wrap over several lines


Line = tuple[list[str], str | None]  # the cells and a style; None in a list: a section break

_SEPARATOR = 3  # " │ " between columns (no outer edge, no edge padding)
_WRAP_MIN = 16


def _need(column: Column, cells: Sequence[str]) -> int:
    """Width a column needs so that no header word and no value is cut."""
    words = max((len(w) for w in column.header.split()), default=1)
    if column.wrap:
        longest_word = max((len(w) for c in cells for w in c.split()), default=1)
        return max(words, min(longest_word, 30), _WRAP_MIN)
    return max([words, *(len(c) for c in cells)])


def fitted_tables(title: str, columns: Sequence[Column], lines: Sequence[Line | None],
                  width: int, keys: int = 1, continued: str = "(cont.)") -> list[Table]:
    """``lines`` as one table, or, when ``width`` is too narrow for all columns, as several
    tables that each repeat the first ``keys`` columns: a header is never cut or ellipsised
    (multi-word headers wrap at spaces), a number never wraps, long text wraps."""
    rows = [line for line in lines if line is not None]
    need = [_need(c, [r[0][i] for r in rows]) for i, c in enumerate(columns)]
    key_width = sum(need[:keys]) + _SEPARATOR * keys
    chunks: list[list[int]] = []
    used = width  # start a chunk at the first column
    for i in range(keys, len(columns)):
        if chunks and used + need[i] <= width:
            chunks[-1].append(i)
            used += need[i] + _SEPARATOR
        else:
            chunks.append([i])
            used = key_width + need[i] + _SEPARATOR
    tables = []
    for n, chunk in enumerate(chunks or [[]]):
        shown = list(range(keys)) + chunk
        table = Table(title=title if n == 0 else f"{title} {continued}", title_justify="left",
                      show_edge=False, pad_edge=False)
        for i in shown:
            c = columns[i]
            # A fixed width of the widest value or header word: values never wrap, headers
            # wrap at their spaces; only long text (wrap) takes what is left.
            table.add_column(c.header, justify="right" if c.numeric else "left",
                             min_width=need[i] if c.wrap else None,
                             width=None if c.wrap else need[i], overflow="fold")
        for line in lines:
            if line is None:
                table.add_section()
            else:
                table.add_row(*[line[0][i] for i in shown], style=line[1])
        tables.append(table)
    return tables


def print_fitted(console: Console, title: str, columns: Sequence[Column],
                 lines: Sequence[Line | None], keys: int = 1, lang: str = DEFAULT_LANG) -> None:
    _ = translator(lang)
    for table in fitted_tables(title, columns, lines, console.width, keys, _("(cont.)")):
        console.print()
        console.print(table)


def _records(_: Translator, columns: Sequence[tuple[str, str]], rows: list[dict[str, Any]],
             digits: int = 1, wrap: Sequence[str] = ()) -> tuple[list[Column], list[Line | None]]:
    """``columns``: (key in the row, header); numbers are right-aligned."""
    numeric = {key for key, _h in columns
               if rows and all(isinstance(r.get(key), int | float | None) for r in rows)}
    cols = [Column(header, numeric=key in numeric, wrap=key in wrap) for key, header in columns]
    lines: list[Line | None] = [
        ([_num(row.get(key), digits, _) if key in numeric else str(row.get(key) or "–")
          for key, _h in columns], None) for row in rows]
    return cols, lines


def wide_console() -> Console:
    """A console for the summary: the terminal's width, or 160 columns when piped to a file
    (rich's default of 80 squeezes the tables into unreadable columns)."""
    if sys.stdout.isatty() or os.environ.get("COLUMNS"):
        return Console()
    return Console(width=160)


def blockers_line(blockers: Sequence[Blocker], max_shown: int = 6,
                  lang: str = DEFAULT_LANG) -> str:
    """'A3 (free: would cost 4 h of overtime); A1 resting until 18:00 after C1 06:00–14:00; …':
    the free first, then the others in their order."""
    ordered = sorted(blockers, key=lambda b: b.kind not in ("free", "settlement"))
    parts = [f"{b.staff} ({b.detail})" if b.kind in ("free", "settlement")
             else f"{b.staff} {b.detail}" for b in ordered[:max_shown]]
    if len(ordered) > max_shown:
        parts.append(translator(lang)("… {n} more").format(n=len(ordered) - max_shown))
    return "; ".join(parts)


def status_text(_: Translator, status: str) -> str:
    """The solver's status for people (the JSON keeps CP-SAT's name)."""
    return {"optimal": _("optimal"), "feasible": _("feasible, not proven optimal"),
            "infeasible": _("infeasible"), "model_invalid": _("invalid model"),
            "unknown": _("no solution in time"), "greedy": _("greedy baseline")
            }.get(status, status)


def solve_line(schedule: Schedule, lang: str = DEFAULT_LANG) -> str:
    _ = translator(lang)
    info = schedule.solve
    gap = "–" if info.gap is None else f"{_.number(info.gap * 100, 2)} %"
    first = info.time_to_first_solution_seconds
    return _(
        "status [bold]{status}[/bold]  objective {objective}  bound {bound}  gap {gap}  time "
        "{seconds} s (limit {limit} s, first solution {first})  workers {workers}  seed {seed}"
        "  components {components}  variables {variables}"
    ).format(status=status_text(_, info.status), objective=_num(info.objective, 2, _),
             bound=_num(info.best_bound, 2, _), gap=gap, seconds=_.number(info.wall_seconds),
             limit=f"{info.time_limit_seconds:g}",
             first="–" if first is None else f"{_.number(first)} s", workers=info.workers,
             seed=info.seed, components=info.components, variables=_.number(info.variables, 0))


# Every key figure of the totals, named with the glossary's terms (the JSON keeps the keys).
def total_labels(_: Translator) -> dict[str, str]:
    return {
        "need_person_hours": _("need (person-hours)"),
        "scheduled_hours": _("staff hours scheduled (incl. jour)"),
        "on_call_hours": _("of which jour"),
        "work_hours": _("work time (jour counted in part)"),
        "uncovered_person_hours": _("uncovered need (person-hours)"),
        "coverage_pct": _("need covered (%)"),
        "granted_total_hours": _("granted hours (settlement periods)"),
        "available_in_horizon_hours": _("available in the horizon"),
        "decision_scheduled_hours": _("scheduled on decisions"),
        "decision_charged_hours": _("charged to decisions"),
        "scheduled_outside_decisions_hours": _("scheduled outside decisions"),
        "exception_hours_used": _("hours beyond granted (exception)"),
        "contract_hours": _("contract hours"),
        "absence_hours": _("absence hours"),
        "overtime_hours": _("overtime"),
        "additional_hours": _("additional hours (mertid)"),
        "unused_contract_hours": _("unused contract hours"),
        "shifts": _("shifts"),
        "night_shifts": _("night shifts"),
        "weekend_shifts": _("weekend shifts"),
        "unit_shift_hours": _("hours in group units"),
        "paid_hours": _("paid hours"),
        "unpaid_break_hours": _("unpaid breaks (hours)"),
        "paid_meal_pause_hours": _("paid meal pauses (hours)"),
        "hours_outside_home_unit": _("hours outside the home unit"),
        "double_decision_overlap_hours": _("double decisions: overlapping hours"),
        "double_decision_staffed_hours": _("double decisions: staffed twice"),
        "visits": _("visits"),
        "rounds": _("rounds"),
        "visit_hours": _("visit hours"),
        "travel_hours": _("travel time (hours)"),
        "waiting_hours": _("waiting time (hours)"),
        "travel_charged_hours": _("travel charged to decisions (hours)"),
    }


def _when(_: Translator, start: datetime, end: datetime) -> str:
    """'ons 23/6 18:00–22:00', or with the end's day where it ends on another day."""
    to = f"{end:%H:%M}" if end.date() == start.date() else f"{_.day(end.date())} {end:%H:%M}"
    return f"{_.day(start.date())} {start:%H:%M}–{to}"


def value_labels(_: Translator) -> dict[str, str]:
    """Names for people of the values the tables show (penalty terms and their units, decision
    kinds, employment forms); the JSON keeps the ids, and an unknown id shows as it is."""
    return {
        "uncovered_need": _("uncovered need"), "overtime": _("overtime"),
        "additional_hours": _("additional hours (mertid)"),
        "unused_contract": _("unused contract hours"),
        "fair_nights": _("fair spread of nights"), "fair_weekends": _("fair spread of weekends"),
        "continuity": _("continuity"),
        "person-hours": _("person-hours"), "hours": _("hours"),
        "night shifts per FTE (spread)": _("night shifts per FTE (spread)"),
        "weekend shifts per FTE (spread)": _("weekend shifts per FTE (spread)"),
        "assistants per client, summed": _("assistants per client, summed"),
        "sfb_assistance": _("assistance allowance (SFB)"),
        "lss_assistance": _("municipal assistance (LSS)"),
        "ultimate_responsibility": _("ultimate responsibility"),
        "companion_service": _("companion service"), "relief_service": _("respite"),
        "short_term_stay": _("short-term stay"), "other": _("other"),
        "monthly": _("monthly paid"), "hourly": _("hourly paid"), "pan": "PAN",
    }


def print_summary(schedule: Schedule, *, console: Console | None = None,
                  max_uncovered: int = 10, lang: str = DEFAULT_LANG) -> None:
    _ = translator(lang)
    console = console or wide_console()
    console.print(_("[bold]Schedule for {name}[/bold]: {days} days from {start} ({zone}), "
                    "{shifts} shifts").format(
        name=schedule.scenario, days=schedule.horizon_days, start=schedule.horizon_start,
        zone=schedule.timezone, shifts=len(schedule.shifts)))
    console.print(solve_line(schedule, lang))

    if schedule.penalties:
        names = value_labels(_)
        rows = [{**p.model_dump(), "rule": names.get(p.rule, p.rule),
                 "unit": names.get(p.unit, p.unit)} for p in schedule.penalties]
        cols, lines = _records(_, [
            ("rule", _("rule")), ("raw", _("amount")), ("unit", _("unit")),
            ("weight", _("weight")), ("contribution", _("contribution")),
        ], rows, digits=2, wrap=("unit",))
        total = sum(p.contribution for p in schedule.penalties)
        lines += [None, ([_("total"), "", "", "", _num(total, 2, _)], None)]
        print_fitted(console, _("Penalties (soft rules)"), cols, lines, lang=lang)

    kpis = schedule.kpis or {}
    if kpis.get("decisions"):
        cols, lines = _records(_, [
            ("client", _("client")), ("decision", _("decision")), ("kind", _("kind")),
            ("granted_total_hours", _("granted")), ("performed_hours", _("performed")),
            ("reserve_hours", _("reserve")), ("available_in_horizon_hours", _("available")),
            ("scheduled_hours", _("scheduled")), ("charged_hours", _("charged")),
            ("exception_reference", _("exception")),
            # The comparison's "hours beyond granted (exception)", per decision.
            ("exception_hours_used", _("beyond granted")),
            ("left_in_period_hours", _("left")),
        ], [{**d, "kind": value_labels(_).get(d.get("kind"), d.get("kind"))}
            for d in kpis["decisions"]])
        print_fitted(console, _("Decisions (hours)"), cols, lines, keys=2, lang=lang)
    if kpis.get("staff"):
        # Travel and waiting only where someone has a shift with visits.
        visits = [("travel_hours", _("travel time")), ("waiting_hours", _("waiting time"))] if any(
            m.get("visit_hours") for m in kpis["staff"]) else []
        cols, lines = _records(_, [
            ("staff", _("staff")), ("home_unit", _("unit")), ("employment", _("form")),
            ("contract_hours", _("contract")), ("absence_hours", _("absent")),
            ("scheduled_hours", _("scheduled")),
            ("on_call_hours", _("jour")), ("work_hours", _("work")),
            ("additional_hours", _("mertid")), ("overtime_hours", _("overtime")),
            ("unused_contract_hours", _("unused")), ("shifts", _("shifts")),
            ("night_shifts", _("nights")), ("weekend_shifts", _("weekends")), *visits,
        ], [{**m, "employment": value_labels(_).get(m.get("employment"), m.get("employment"))}
            for m in kpis["staff"]])
        print_fitted(console, _("Staff (hours in the horizon)"), cols, lines, lang=lang)
    units = [u for u in kpis.get("units") or [] if u.get("visits")]
    if units:
        cols, lines = _records(_, [
            ("unit", _("unit")), ("rounds", _("rounds")), ("round_hours", _("in rounds")),
            ("visits", _("visits")), ("visit_hours", _("visit hours")),
            ("travel_hours", _("travel time")), ("round_waiting_hours", _("waiting in rounds")),
            ("client_waiting_hours", _("waiting in single-client shifts")),
        ], units)
        print_fitted(console, _("Visits and rounds (hours)"), cols, lines, lang=lang)
    if kpis.get("totals"):
        labels = total_labels(_)
        items = [(labels.get(k, k.replace("_", " ")), v) for k, v in kpis["totals"].items()]
        # As many label/value pairs a line as fit the console.
        cell = max(len(k) for k, _v in items) + 2 + 10 + 2
        per_line = max(1, min(3, console.width // cell))
        grid = Table.grid(padding=(0, 2))
        for _i in range(per_line):
            grid.add_column()
            grid.add_column(justify="right", no_wrap=True)
        for i in range(0, len(items), per_line):
            cells: list[str] = []
            for key, value in items[i : i + per_line]:
                cells += [key, _num(value, 1, _)]
            grid.add_row(*cells)
        console.print()
        console.print(f"[bold]{_('Totals')}[/bold]")
        console.print(grid)

    if schedule.uncovered:
        zone = ZoneInfo(schedule.timezone)
        shown = schedule.uncovered[:max_uncovered]
        rows = [{
            "client": u.client or "",
            "unit": u.unit,
            "when": _when(_, u.start.astimezone(zone), u.end.astimezone(zone)),
            "missing": u.missing,
            "reason": u.reason,
        } for u in shown]
        cols, lines = _records(_, [
            ("client", _("client")), ("unit", _("unit")), ("when", _("when")),
            ("missing", _("missing")), ("reason", _("reason")),
        ], rows, wrap=("reason",))
        print_fitted(console, _("Uncovered need ({n} intervals)").format(
            n=len(schedule.uncovered)), cols, lines, lang=lang)
        for u in shown:
            if u.blockers:
                start = u.start.astimezone(zone)
                console.print(_("{who} {when}: could take it: {blockers}").format(
                    who=u.client or u.unit, when=f"{_.day(start.date()).split()[0]} "
                    f"{start:%H:%M}", blockers=blockers_line(u.blockers, lang=lang)),
                    markup=False, highlight=False)
        rest = len(schedule.uncovered) - len(shown)
        if rest > 0:
            console.print(_("… and {n} more uncovered intervals (see the JSON file)").format(
                n=rest))
    else:
        console.print()
        console.print(_("All need covered."))
