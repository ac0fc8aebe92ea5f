"""The HTML report: the KPI table, bar charts per scenario, and each unit's schedule as a Gantt
timeline (staff as rows). One self-contained file: plotly.js is inlined, so it opens offline."""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from scheduler.planning.compare import (
    ScenarioRun,
    comparison_table,
    figures,
    format_value,
    unit_ids,
)

if TYPE_CHECKING:
    import pandas as pd

_CONFIG = {"displaylogo": False, "responsive": True}
# Colour-blind-safe qualitative palette (Okabe–Ito), cycled.
_PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
            "#000000"]
_COST_PARTS = [("base_pay", "base pay"), ("ob", "OB"), ("jour", "jour"),
               ("overtime_premium", "overtime premium"),
               ("additional_premium", "additional-hours premium"),
               ("employer_contributions", "employer's contributions")]

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 1.5rem;
       color: #1b1b1b; max-width: 1400px; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
h3 { font-size: 1.05rem; }
table.kpi { border-collapse: collapse; font-size: 0.9rem; }
table.kpi th, table.kpi td { padding: 0.25rem 0.6rem; border-bottom: 1px solid #ddd; }
table.kpi td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.kpi tr.group td { background: #f3f3f3; font-weight: 600; }
table.kpi .delta { color: #666; font-size: 0.8rem; margin-left: 0.3rem; }
table.kpi th { text-align: right; } table.kpi th:first-child { text-align: left; }
.note { color: #555; font-size: 0.85rem; }
"""

_GROUP_TITLES = {"solve": "Solve", "hours": "Hours", "units": "Per unit", "cost": "Cost (kr)"}


def _fmt(value: Any, unit: str) -> str:
    return format_value(value, unit)


def _delta(value: Any, base: Any, unit: str) -> str:
    if unit == "" or value is None or base is None:
        return ""
    diff = value - base
    if abs(diff) < (0.5 if unit == "kr" else 0.05):
        return ""
    sign = "+" if diff > 0 else "−"
    return f'<span class="delta">{sign}{_fmt(abs(diff), unit)}</span>'


def _table_html(table: pd.DataFrame, labels: Sequence[str]) -> str:
    head = "".join(f"<th>{html.escape(label)}</th>" for label in labels)
    rows = []
    group = None
    width = len(labels) + 2
    for row in table.to_dict(orient="records"):
        if row["group"] != group:
            group = row["group"]
            rows.append(f'<tr class="group"><td colspan="{width}">'
                        f"{html.escape(_GROUP_TITLES.get(group, group))}</td></tr>")
        unit = row["unit"]
        base = row[labels[0]]
        cells = []
        for i, label in enumerate(labels):
            value = row[label]
            delta = _delta(value, base, unit) if i > 0 else ""
            cells.append(f'<td class="num">{html.escape(_fmt(value, unit))}{delta}</td>')
        rows.append(f'<tr data-key="{html.escape(row["key"])}"><td>{html.escape(row["metric"])}'
                    f"</td><td>{html.escape(unit)}</td>{''.join(cells)}</tr>")
    return (f'<table class="kpi" id="kpi-table"><thead><tr><th>metric</th><th>unit</th>{head}'
            f"</tr></thead><tbody>{''.join(rows)}</tbody></table>")


def _figure_html(fig: go.Figure, div_id: str) -> str:
    fig.update_layout(margin={"l": 60, "r": 20, "t": 50, "b": 40}, template="plotly_white")
    return ('<div class="chart">'
            + fig.to_html(full_html=False, include_plotlyjs=False, div_id=div_id,
                          config=_CONFIG)
            + "</div>")


def _cost_chart(runs: Sequence[ScenarioRun]) -> go.Figure:
    labels = [r.label for r in runs]
    fig = go.Figure()
    for i, (key, name) in enumerate(_COST_PARTS):
        fig.add_bar(name=name, x=labels, y=[r.costs.total[key] for r in runs],
                    marker_color=_PALETTE[i % len(_PALETTE)], offsetgroup="cost")
    fig.add_bar(name="revenue", x=labels, y=[r.costs.total["revenue"] for r in runs],
                marker_color="#7f7f7f", offsetgroup="revenue")
    fig.update_layout(barmode="stack", title="Cost by component and revenue (kr)",
                      yaxis_title="kr")
    return fig


def _net_chart(runs: Sequence[ScenarioRun]) -> go.Figure:
    labels = [r.label for r in runs]
    nets = [r.costs.total["net"] for r in runs]
    fig = go.Figure(go.Bar(x=labels, y=nets, name="net",
                           marker_color=["#009E73" if n >= 0 else "#D55E00" for n in nets]))
    fig.update_layout(title="Net: revenue − cost (kr)", yaxis_title="kr")
    return fig


def _hours_chart(runs: Sequence[ScenarioRun], figures: list[dict[str, Any]]) -> go.Figure:
    labels = [r.label for r in runs]
    parts = [("granted_hours", "granted left for horizon"),
             ("scheduled_decision_hours", "scheduled on decisions"),
             ("hours_above_granted", "above granted"), ("uncovered_hours", "uncovered need"),
             ("overtime_hours", "overtime"), ("additional_hours", "additional hours"),
             ("unused_contract_hours", "unused contract")]
    fig = go.Figure()
    for i, (key, name) in enumerate(parts):
        fig.add_bar(name=name, x=labels, y=[f[key] for f in figures],
                    marker_color=_PALETTE[i % len(_PALETTE)])
    fig.update_layout(barmode="group", title="Hours per scenario", yaxis_title="hours")
    return fig


def _unit_chart(runs: Sequence[ScenarioRun], units: list[str]) -> go.Figure:
    fig = go.Figure()
    for i, run in enumerate(runs):
        fig.add_bar(name=run.label, x=units,
                    y=[run.costs.by_unit.get(u, {}).get("total_cost", 0.0) for u in units],
                    marker_color=_PALETTE[i % len(_PALETTE)])
    fig.update_layout(barmode="group", title="Total cost per unit (kr)", yaxis_title="kr")
    return fig


def _local(value: datetime, zone: ZoneInfo) -> datetime:
    return value.astimezone(zone).replace(tzinfo=None)


def _gantt(run: ScenarioRun, unit: str) -> go.Figure | None:
    """The unit's shifts, one row per staff member, coloured by client; uncovered need in red.
    Bars use wall-clock time (what the staff see), so a DST night looks as the clock reads."""
    zone = ZoneInfo(run.scenario.horizon.timezone)
    costs = {id(c.shift): c for c in run.costs.shifts}
    shifts = [s for s in run.schedule.shifts if s.unit == unit]
    uncovered = [u for u in run.schedule.uncovered if u.unit == unit]
    # Everyone at home in the unit gets a row, also those without a shift (unused hours show).
    home = {m.id for m in run.scenario.staff if m.home_unit == unit}
    if not shifts and not uncovered and not home:
        return None
    staff = sorted(home | {s.staff for s in shifts})
    by_client: dict[str, list[Any]] = {}
    for s in shifts:
        by_client.setdefault(s.client or "(unit)", []).append(s)
    fig = go.Figure()
    for i, (client, own) in enumerate(sorted(by_client.items())):
        starts = [_local(s.start, zone) for s in own]
        ends = [_local(s.end, zone) for s in own]
        text = []
        for s, a, b in zip(own, starts, ends, strict=True):
            c = costs.get(id(s))
            extra = f"<br>OB {c.ob:,.0f} kr, jour {c.jour_pay:,.0f} kr" if c else ""
            text.append(f"{s.staff} – {client}<br>{a:%a %d %b %H:%M} – {b:%a %H:%M}"
                        f"<br>{s.hours:g} h (jour {s.on_call_hours:g} h){extra}")
        fig.add_bar(
            name=client, orientation="h", y=[s.staff for s in own],
            base=[a.isoformat() for a in starts],
            x=[(b - a).total_seconds() * 1000 for a, b in zip(starts, ends, strict=True)],
            marker_color=_PALETTE[i % len(_PALETTE)], hovertext=text, hoverinfo="text",
        )
    if uncovered:
        starts = [_local(u.start, zone) for u in uncovered]
        ends = [_local(u.end, zone) for u in uncovered]
        fig.add_bar(
            name="uncovered need", orientation="h", y=["uncovered"] * len(uncovered),
            base=[a.isoformat() for a in starts],
            x=[(b - a).total_seconds() * 1000 for a, b in zip(starts, ends, strict=True)],
            marker_color="#D55E00",
            hovertext=[f"{u.client or unit}: {u.missing} missing<br>{a:%a %d %b %H:%M} – "
                       f"{b:%a %H:%M}<br>{html.escape(u.reason)}"
                       for u, a, b in zip(uncovered, starts, ends, strict=True)],
            hoverinfo="text",
        )
    rows = staff + (["uncovered"] if uncovered else [])
    horizon = run.scenario.horizon
    # An invisible point per row: plotly drops categories without data, but a staff member
    # without shifts is exactly what a manager should see.
    fig.add_scatter(x=[horizon.start.isoformat()] * len(rows), y=rows, mode="markers",
                    marker={"opacity": 0}, showlegend=False, hoverinfo="skip")
    fig.update_layout(
        barmode="overlay", title=f"{run.label}: unit {unit}",
        height=130 + 26 * len(rows), showlegend=True,
        # The whole horizon on every timeline, so units and scenarios line up.
        xaxis={"type": "date", "title": f"local time ({horizon.timezone})",
               "range": [horizon.start.isoformat(), horizon.end.isoformat()]},
        yaxis={"type": "category", "categoryorder": "array",
               "categoryarray": list(reversed(rows)), "title": "staff"},
    )
    return fig


def _settings_note(runs: Sequence[ScenarioRun]) -> str:
    cost = runs[0].scenario.cost
    ob = cost.ob
    w = cost.ob_windows
    return (
        f'<p class="note">Cost settings of {html.escape(runs[0].label)} (each scenario uses its '
        f"own): wages monthly {cost.wages.monthly:g}, hourly {cost.wages.hourly:g}, PAN "
        f"{cost.wages.pan:g} kr/h; OB weekday evening {w.evening_start}–{w.night_start} "
        f"{ob.weekday_evening:g}, night {w.night_start}–{w.night_end} {ob.weekday_night:g}, "
        f"weekend {ob.weekend_day:g}/{ob.weekend_night:g} (until {w.holiday_end} the day "
        f"after), major holidays {ob.major_holiday_day:g}/{ob.major_holiday_night:g} kr/h; "
        f"jour {cost.jour.weekday:g}/{cost.jour.weekend:g}/{cost.jour.major_holiday:g} kr/h; "
        f"overtime ×{cost.overtime_simple_factor:g} (qualified ×"
        f"{cost.overtime_qualified_factor:g}); mertid +{cost.additional_hours_premium:.0%}; "
        f"employer's contributions {cost.employer_contribution_rate:.0%}; FK hourly amount "
        f"{cost.fk_hourly_amount:g} kr for {', '.join(cost.revenue_decision_kinds)} hours "
        "within what the decision leaves for the horizon.</p>"
    )


def render_html_report(runs: Sequence[ScenarioRun], *, title: str = "Scenarios side by side",
                       table: pd.DataFrame | None = None) -> str:
    if not runs:
        raise ValueError("no scenarios to report")
    table = comparison_table(runs) if table is None else table
    labels = [r.label for r in runs]
    units = unit_ids(runs)
    columns = [figures(r) for r in runs]
    scenario_items = "".join(
        f"<li><b>{html.escape(r.label)}</b>"
        f"{' – ' + html.escape(r.source) if r.source else ''}: "
        f"{html.escape(r.scenario.description or '')} "
        f"<span class=\"note\">({r.schedule.solve.status}, {len(r.schedule.shifts)} shifts, "
        f"{r.schedule.solve.wall_seconds:.1f} s"
        + ("" if r.violations is None else f", validator: {r.violations} violations")
        + ")</span></li>"
        for r in runs
    )
    charts = [
        _figure_html(_cost_chart(runs), "chart-cost"),
        _figure_html(_net_chart(runs), "chart-net"),
        _figure_html(_hours_chart(runs, columns), "chart-hours"),
        _figure_html(_unit_chart(runs, units), "chart-units"),
    ]
    gantts = []
    for i, run in enumerate(runs):
        parts = []
        for j, unit in enumerate(u.id for u in run.scenario.units):
            fig = _gantt(run, unit)
            if fig is not None:
                parts.append(_figure_html(fig, f"gantt-{i}-{j}"))
        body = "".join(parts) or '<p class="note">No shifts.</p>'
        gantts.append(f"<h3>{html.escape(run.label)}</h3>{body}")
    created = datetime.now(UTC).astimezone().strftime("%Y-%m-%d %H:%M")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>{_CSS}</style>
<script type="text/javascript">{get_plotlyjs()}</script>
</head>
<body>
<h1>{html.escape(title)}</h1>
<p class="note">Created {created}. Horizon {runs[0].scenario.horizon.start} +
{runs[0].scenario.horizon.days} days. Every figure is recomputed from the schedules and the cost
settings; differences (small grey) are against the first column.</p>
<ul>{scenario_items}</ul>
<h2>Key figures</h2>
{_table_html(table, labels)}
{_settings_note(runs)}
<h2>Charts</h2>
{''.join(charts)}
<h2>Schedules (one timeline per unit, staff as rows)</h2>
{''.join(gantts)}
</body>
</html>
"""


def write_html_report(runs: Sequence[ScenarioRun], path: Path | str, *,
                      title: str = "Scenarios side by side",
                      table: pd.DataFrame | None = None) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html_report(runs, title=title, table=table), encoding="utf-8")
    return path
