"""The HTML report: the key figures (differences coloured better or worse), bar charts, and per
unit the week views (per client a row per day, per staff member a row with a cell per day) and
need against staffing; with several scenarios, two of them side by side (chosen in the page).

One self-contained file without a charting library: the charts are SVG drawn here
(``reports/svg.py``) and the week views are HTML, so it opens offline and stays small (the
four-scenario example is measured in README). The only script picks the two scenarios shown.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scheduler.i18n import DEFAULT_LANG, Translator, translator
from scheduler.planning.compare import (
    Metric,
    ScenarioRun,
    comparison_table,
    figures,
    has_visits,
    metrics,
    unit_ids,
    unit_names,
)
from scheduler.reports.svg import Series, bar_chart, step_chart
from scheduler.reports.week import (
    UNCOVERED_COLOUR,
    Block,
    Curve,
    WeekData,
    WeekView,
    asked_note,
    colour,
    text_colour,
)
from scheduler.results.summary import status_text

if TYPE_CHECKING:
    import pandas as pd

_NEED_COLOUR = "#BBBBBB"  # a wide light line under the staffing
_STAFFED_COLOUR = "#1F4E9A"

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 1.5rem;
       color: #1b1b1b; max-width: 1440px; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.25rem; margin-top: 2rem; }
h3 { font-size: 1.1rem; margin-top: 1.6rem; } h4 { font-size: 0.95rem; margin: 1rem 0 0.3rem; }
table.kpi { border-collapse: collapse; font-size: 0.9rem; }
table.kpi th, table.kpi td { padding: 0.25rem 0.6rem; border-bottom: 1px solid #ddd; }
table.kpi td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.kpi tr.group td { background: #f3f3f3; font-weight: 600; }
table.kpi th { text-align: right; } table.kpi th:first-child { text-align: left; }
.delta { font-size: 0.8rem; margin-left: 0.3rem; padding: 0 0.25rem; border-radius: 3px; }
.delta.better { color: #0b5d1e; background: #d9f2df; }
.delta.worse { color: #8a1010; background: #fbe0e0; }
.delta.neutral { color: #555; }
.note { color: #555; font-size: 0.85rem; }
.charts { display: flex; flex-wrap: wrap; gap: 1rem; }
svg.chart { font-size: 11px; background: #fff; }
svg.chart .title { font-size: 13px; font-weight: 600; }
svg.chart .grid { stroke: #e4e4e4; } svg.chart .axis { stroke: #888; }
svg.chart .day { stroke: #ccc; stroke-dasharray: 2 2; } svg.chart .tick { fill: #444; }
.cols { display: flex; gap: 1.2rem; align-items: flex-start; }
.cols > .panel { flex: 1 1 0; min-width: 0; }
.panel > h4.scenario { background: #eef2f7; padding: 0.3rem 0.5rem; margin-top: 0; }
.pick { margin: 0.3rem 0 0.6rem; font-size: 0.9rem; }
.week { margin-bottom: 0.8rem; }
.axis-row, .day-row { display: flex; }
.day-label { width: 6.2rem; flex: none; font-size: 0.8rem; padding: 2px 4px;
             border-top: 1px solid #e4e4e4; }
.day-label small { display: block; color: #8a1010; }
.track { position: relative; flex: 1; border-top: 1px solid #e4e4e4;
         background: repeating-linear-gradient(90deg, transparent 0,
           transparent calc(25% - 1px), #eee calc(25% - 1px), #eee 25%); }
.day-row.weekend .track, .day-row.weekend .day-label { background-color: #f4f1fa; }
.day-row.holiday .track, .day-row.holiday .day-label { background-color: #fdeee0; }
.axis-row .track { border: none; height: 1rem; background: none; font-size: 0.7rem; color: #666; }
.axis-row .track span { position: absolute; transform: translateX(-50%); }
.blk { position: absolute; height: 30px; margin-top: 2px; border-radius: 3px; overflow: hidden;
       font-size: 0.72rem; line-height: 1.05; padding: 1px 3px; box-sizing: border-box;
       white-space: nowrap; }
.blk b { display: block; }
.blk .t { position: relative; z-index: 2; }
.blk.uncovered { background: repeating-linear-gradient(45deg, #C00000 0, #C00000 6px,
                 #e04848 6px, #e04848 12px) !important; color: #fff; }
.seg { position: absolute; top: 0; bottom: 0; z-index: 1; }
.seg.jour { background: repeating-linear-gradient(135deg, rgba(255,255,255,.45) 0,
            rgba(255,255,255,.45) 3px, transparent 3px, transparent 8px); }
.blk.light .t { text-shadow: 0 0 2px #fff, 0 0 3px #fff; }
.blk.dark .t { text-shadow: 0 0 2px #000, 0 0 3px #000; }
.seg.break { background: #fff; border-left: 1px dashed #333; border-right: 1px dashed #333; }
.seg.pause { border-left: 2px dotted #fff; border-right: 2px dotted #fff; }
.seg.waiting { background: rgba(255,255,255,.62); }
.seg.travel { background: repeating-linear-gradient(90deg, rgba(255,255,255,.5) 0,
              rgba(255,255,255,.5) 2px, transparent 2px, transparent 5px); }
ol.visits { margin: 1px 0 0; padding-left: 1.1rem; }
ol.visits li.travel-note { display: block; margin-left: -1.1rem; color: #555; }
.chip .waiting { color: #777; }
.blk.visit { outline: 1px dashed rgba(0,0,0,.45); }
table.staff { border-collapse: collapse; font-size: 0.74rem; width: 100%; table-layout: fixed; }
table.staff th, table.staff td { border: 1px solid #ddd; padding: 2px 3px; vertical-align: top; }
table.staff th { background: #f6f6f6; font-weight: 600; }
table.staff th.person { width: 4.2rem; text-align: left; }
table.staff th small { display: block; overflow-wrap: anywhere; font-weight: normal;
                       color: #8a1010; }
table.staff .weekend { background-color: #f4f1fa; }
table.staff .holiday { background-color: #fdeee0; }
table.staff td.absent { background: repeating-linear-gradient(45deg, #e6e6e6 0, #e6e6e6 5px,
                        #f5f5f5 5px, #f5f5f5 10px); color: #444; }
.chip { border-left: 6px solid; padding: 1px 3px; margin: 1px 0; background: #fafafa;
        overflow-wrap: anywhere; }
.chip.jour { background: repeating-linear-gradient(135deg, #fff 0, #fff 4px, #eee 4px,
             #eee 8px); }
.chip.uncovered { border-left-color: #C00000; background: #fbe0e0; color: #8a1010; }
.legend { font-size: 0.8rem; display: flex; flex-wrap: wrap; gap: 0.8rem; margin: 0.4rem 0; }
.legend span i { display: inline-block; width: 1.4rem; height: 0.8rem; vertical-align: middle;
                 margin-right: 0.3rem; border: 1px solid #999; position: relative; }
"""

# Shows the two scenarios chosen in each unit's selects (left and right); nothing else.
_SCRIPT = """
document.querySelectorAll('section.unit').forEach(function (unit) {
  var picks = unit.querySelectorAll('select');
  if (!picks.length) return;  // one scenario: nothing to choose
  function show() {
    var chosen = Array.prototype.map.call(picks, function (s) { return s.value; });
    unit.querySelectorAll('.panel').forEach(function (panel) {
      var at = chosen.indexOf(panel.dataset.scenario);
      panel.hidden = at < 0;
      panel.style.order = at;
    });
  }
  picks.forEach(function (s) { s.addEventListener('change', show); });
  show();
});
"""


def _esc(value: Any) -> str:
    return html.escape(str(value))


def _fmt(_: Translator, value: Any, unit: str) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "–"
    if unit == "":
        return str(value)
    return _.number(value, 0 if unit == "kr" else 1)


def delta_class(diff: float, better: str) -> str:
    """'better', 'worse' or 'neutral' for a difference against the base."""
    if better not in ("lower", "higher") or diff == 0:
        return "neutral"
    return "better" if (diff < 0) == (better == "lower") else "worse"


def _delta(_: Translator, value: Any, base: Any, metric: Metric) -> str:
    if metric.unit == "" or value is None or base is None:
        return ""
    diff = value - base
    if abs(diff) < (0.5 if metric.unit == "kr" else 0.05):
        return ""
    kind = delta_class(diff, metric.better)
    sign = "+" if diff > 0 else "−"
    hint = {"better": _("better"), "worse": _("worse"), "neutral": ""}[kind]
    return (f'<span class="delta {kind}" title="{_esc(hint)}">{sign}'
            f"{_esc(_fmt(_, abs(diff), metric.unit))}</span>")


def _table_html(_: Translator, runs: Sequence[ScenarioRun], table: pd.DataFrame,
                labels: Sequence[str]) -> str:
    by_key = {m.key: m for m in metrics(runs, _.lang)}
    groups = {"solve": _("Solve"), "hours": _("Hours"), "units": _("Per unit"),
              "cost": _("Cost (kr)")}
    head = "".join(f"<th>{_esc(label)}</th>" for label in labels)
    rows, group = [], None
    for row in table.to_dict(orient="records"):
        metric = by_key.get(row["key"]) or Metric(row["key"], row["metric"], row["unit"],
                                                  row["group"])
        if row["group"] != group:
            group = row["group"]
            rows.append(f'<tr class="group"><td colspan="{len(labels) + 2}">'
                        f"{_esc(groups.get(group, group))}</td></tr>")
        base = row[labels[0]]
        cells = []
        for i, label in enumerate(labels):
            value = row[label]
            delta = _delta(_, value, base, metric) if i > 0 else ""
            shown = status_text(_, value) if row["key"] == "status" else _fmt(_, value,
                                                                                metric.unit)
            cells.append(f'<td class="num">{_esc(shown)}{delta}</td>')
        rows.append(f'<tr data-key="{_esc(row["key"])}"><td>{_esc(metric.label)}</td>'
                    f"<td>{_esc(metric.unit)}</td>{''.join(cells)}</tr>")
    return (f'<table class="kpi" id="kpi-table"><thead><tr><th>{_esc(_("Key figure"))}</th>'
            f"<th>{_esc(_('unit'))}</th>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>")


# --- charts ------------------------------------------------------------------------------------


def _charts(_: Translator, runs: Sequence[ScenarioRun], columns: list[dict[str, Any]]) -> str:
    labels = [r.label for r in runs]
    kr = (lambda v: _.number(v, 0))  # noqa: E731
    parts = [("base_pay", _("base pay")), ("ob", _("OB supplements")),
             ("jour", _("jour supplement")), ("overtime_premium", _("overtime premium")),
             ("additional_premium", _("additional-hours premium")),
             ("employer_contributions", _("employer's contributions"))]
    cost = bar_chart(_("Cost by component (kr)"), labels,
                     [Series(name, [r.costs.total[key] for r in runs], colour(i))
                      for i, (key, name) in enumerate(parts)], stacked=True, fmt=kr,
                     chart_id="chart-cost")
    net = bar_chart(_("Revenue and net (kr)"), labels, [
        Series(_("revenue (FK hourly amount)"), [r.costs.total["revenue"] for r in runs],
               colour(2)),
        Series(_("net (revenue − cost)"), [r.costs.total["net"] for r in runs], colour(0)),
    ], fmt=kr, chart_id="chart-net")
    hour_parts = [("granted_hours", _("granted hours left for the horizon")),
                  ("scheduled_decision_hours", _("scheduled on decisions")),
                  ("hours_above_granted", _("hours beyond granted (exception)")),
                  ("uncovered_hours", _("uncovered need (person-hours)")),
                  ("overtime_hours", _("overtime")),
                  ("additional_hours", _("additional hours (mertid)")),
                  ("unused_contract_hours", _("unused contract hours"))]
    hours = bar_chart(_("Hours per scenario"), labels, [
        Series(name, [f[key] for f in columns],
               UNCOVERED_COLOUR if key == "uncovered_hours" else colour(i))
        for i, (key, name) in enumerate(hour_parts)], fmt=kr, chart_id="chart-hours")
    names = unit_names(runs)
    units = unit_ids(runs)
    per_unit = bar_chart(_("Total cost per unit (kr)"), [names[u] for u in units], [
        Series(r.label, [r.costs.by_unit.get(u, {}).get("total_cost", 0.0) for u in units],
               colour(i)) for i, r in enumerate(runs)], fmt=kr, width=1300,
        chart_id="chart-units")
    return f'<div class="charts">{cost}{net}{hours}</div><div class="charts">{per_unit}</div>'


# --- week views --------------------------------------------------------------------------------


def _pct(value: float) -> str:
    return f"{100 * value:.3f}%"


def _block_text(_: Translator, b: Block) -> str:
    if b.kind == "uncovered":
        return f"{_('missing')} {b.missing} {b.times}"
    jour = [s for s in b.segments if s.kind == "jour"]
    extra = "".join(f" · {_('jour')} {s.start:%H}–{s.end:%H}" for s in jour)
    if b.round_visit:  # a round's visit in its client's row
        extra += f" · {_('in a round')}{asked_note(_, b.visits[0], ' · {}')}"
    elif b.visits:  # a visit shift in a staff row or a single-client shift with waiting
        extra += "".join(f" · {_visit_text(_, v)}" for v in b.visits)
        if b.waiting_minutes:
            extra += f" · {_('waiting time')} {_.number(b.waiting_minutes, 0)} min"
    return f"{b.who} {b.times}{extra}"


def _visit_text(_: Translator, v: Any) -> str:
    """'C2 08:15–09:00 (travel time 10 min before)'."""
    travel = (f" ({_('travel time')} {v.travel_minutes} min {_('before')})"
              if v.travel_minutes else "")
    return f"{v.client} {v.times}{asked_note(_, v)}{travel}"


def _chip_text(_: Translator, b: Block) -> str:
    """A staff-week chip's text after the client (or unit) it is for."""
    text = _block_text(_, b)
    return text if b.kind == "uncovered" else text.partition(" ")[2]


def _title(_: Translator, b: Block) -> str:
    parts = [_block_text(_, b)]
    for s in b.segments:
        name = {"jour": _("jour"), "break": _("unpaid break"), "pause": _("paid meal pause"),
                "travel": _("travel time"), "waiting": _("waiting time")}
        parts.append(f"{name[s.kind]} {s.start:%H:%M}–{s.end:%H:%M}")
    if b.reason:
        parts.append(b.reason)
    return "\n".join(parts)


def _day_row(_: Translator, row: Any) -> str:
    day = row.day
    classes = "day-row" + (" weekend" if day.weekend else "") + (" holiday" if day.holiday
                                                                  else "")
    start = datetime.combine(day.date, datetime.min.time())
    blocks = []
    for b in row.blocks:
        left = (b.start - start).total_seconds() / 86400
        width = (b.end - b.start).total_seconds() / 86400
        seconds = max((b.end - b.start).total_seconds(), 1)
        segs = "".join(
            f'<i class="seg {s.kind}" style="left:{_pct((max(s.start, b.start) - b.start).total_seconds() / seconds)};'  # noqa: E501
            f'width:{_pct((min(s.end, b.end) - max(s.start, b.start)).total_seconds() / seconds)}"></i>'  # noqa: E501
            for s in b.segments)
        style = (f"left:{_pct(left)};width:{_pct(width)};top:{b.lane * 34}px;"
                 f"background:{b.colour};color:{text_colour(b.colour)}")
        text = _block_text(_, b)
        head, _sep, tail = text.partition(" ")
        tone = "light" if text_colour(b.colour) == "#000000" else "dark"
        visit = " visit" if b.round_visit else ""
        blocks.append(f'<div class="blk {b.kind}{visit} {tone}" style="{style}" '
                      f'title="{_esc(_title(_, b))}"'
                      f' data-who="{_esc(b.who)}" data-times="{_esc(b.times)}">{segs}'
                      f'<span class="t"><b>{_esc(head)}</b>{_esc(tail)}</span></div>')
    holiday = f"<small>{_esc(day.holiday)}</small>" if day.holiday else ""
    return (f'<div class="{classes}" data-day="{row.key}"><div class="day-label">'
            f"{_esc(row.label)}{holiday}</div><div class=\"track\" style=\"height:"
            f'{row.lanes * 34 + 2}px">{"".join(blocks)}</div></div>')


def client_week_html(_: Translator, view: WeekView) -> str:
    axis = "".join(f'<span style="left:{h / 24:.4%}">{h:02d}</span>' for h in range(0, 25, 3))
    rows = "".join(_day_row(_, row) for row in view.rows)
    return (f'<div class="week client-week" data-subject="{_esc(view.subject)}" '
            f'data-week="{view.week}"><h4>{_esc(view.title)} · {_esc(view.week_label)}</h4>'
            f'<div class="axis-row"><div class="day-label"></div><div class="track">{axis}'
            f"</div></div>{rows}</div>")


def _chip(_: Translator, b: Block) -> str:
    """A staff-week cell's shift: who and when; a visit shift lists its visits in order, with
    the travel before each, and its waiting."""
    head = (f'<div class="chip {b.kind}{" jour" if b.jour_hours else ""}'
            f'{" round" if b.in_round else ""}" style="border-left-color:{b.colour}" '
            f'title="{_esc(_title(_, b))}" data-who="{_esc(b.who)}" '
            f'data-times="{_esc(b.times)}">')
    if not b.visits:
        return f"{head}<b>{_esc(b.who)}</b> {_esc(_chip_text(_, b))}</div>"
    items = []
    for v in b.visits:
        if v.travel_minutes:
            items.append(f'<li class="travel-note">↓ {_esc(_("travel time"))} '
                         f"{v.travel_minutes} min</li>")
        items.append(f'<li class="visit" data-client="{_esc(v.client)}" '
                     f'data-times="{_esc(v.times)}">{_esc(v.client)} {_esc(v.times)}'
                     f"{_esc(asked_note(_, v))}</li>")
    note = (f'<div class="waiting">{_esc(_("waiting time"))} '
            f'{_esc(_.number(b.waiting_minutes, 0))} min</div>' if b.waiting_minutes else "")
    return (f"{head}<b>{_esc(b.who)}</b> {_esc(b.times)}"
            f'<ol class="visits">{"".join(items)}</ol>{note}</div>')


def staff_week_html(_: Translator, view: WeekView) -> str:
    def day_class(d: Any) -> str:
        return ("weekend" if d.weekend else "") + (" holiday" if d.holiday else "")

    head = "".join(
        f'<th class="{day_class(d)}">{_esc(d.label)}'
        + (f"<br><small>{_esc(d.holiday)}</small>" if d.holiday else "") + "</th>"
        for d in view.days)
    body = []
    for row in view.rows:
        cells = []
        for d, blocks, absent in zip(view.days, row.cells, row.absences, strict=True):
            chips = "".join(_chip(_, b) for b in blocks)
            note = f"<div>{_esc(absent)}</div>" if absent else ""
            classes = (day_class(d) + (" absent" if absent else "")).strip()
            cells.append(f'<td class="{classes}" data-day="{d.date.isoformat()}">{note}{chips}'
                         "</td>")
        body.append(f'<tr data-staff="{_esc(row.key)}"><th class="person">{_esc(row.label)}'
                    f"</th>{''.join(cells)}</tr>")
    return (f'<div class="week staff-week" data-subject="{_esc(view.subject)}" '
            f'data-week="{view.week}"><h4>{_esc(view.title)} · {_esc(view.week_label)}</h4>'
            f'<table class="staff"><thead><tr><th class="person">{_esc(_("Staff"))}</th>{head}'
            f"</tr></thead><tbody>{''.join(body)}</tbody></table></div>")


def curve_html(_: Translator, curve: Curve, data: WeekData, chart_id: str,
               width: int = 680) -> str:
    labels = [(datetime.combine(d.date, datetime.min.time()), d.label) for d in data.days]
    return step_chart(
        f"{curve.title}: {_('need and staffed')}", curve.times,
        [Series(_("need"), curve.need, _NEED_COLOUR),
         Series(_("staffed"), curve.staffed, _STAFFED_COLOUR)],
        day_labels=labels, chart_id=chart_id, shortfall_colour=UNCOVERED_COLOUR,
        shortfall_name=_("uncovered need"), width=width)


def _legend(_: Translator) -> str:
    return (
        '<div class="legend">'
        f'<span><i style="background:{colour(0)}"></i>{_esc(_("awake work"))}</span>'
        f'<span><i style="background:{colour(0)}"><i class="seg jour" style="left:0;width:100%">'
        f'</i></i>{_esc(_("jour"))}</span>'
        f'<span><i class="seg break" style="position:relative;display:inline-block"></i>'
        f'{_esc(_("unpaid break"))}</span>'
        f'<span><i style="background:{colour(0)}"><i class="seg waiting" '
        f'style="left:0;width:100%"></i></i>{_esc(_("waiting time"))}</span>'
        f'<span><i style="background:{colour(0)}"><i class="seg travel" '
        f'style="left:0;width:100%"></i></i>{_esc(_("travel time"))}</span>'
        f'<span><i style="background:{UNCOVERED_COLOUR}"></i>{_esc(_("uncovered need"))}</span>'
        '<span><i style="background:#f4f1fa"></i>' + _esc(_("weekend")) + "</span>"
        '<span><i style="background:#fdeee0"></i>' + _esc(_("public holiday")) + "</span>"
        '<span><i style="background:repeating-linear-gradient(45deg,#e6e6e6 0,#e6e6e6 3px,'
        '#f5f5f5 3px,#f5f5f5 6px)"></i>' + _esc(_("absent")) + "</span></div>")


def _unit_of(data: WeekData, view: WeekView) -> str:
    if view.kind == "client":
        return next(c.unit for c in data.scenario.clients if c.id == view.subject)
    return view.subject


def _unit_sections(_: Translator, runs: Sequence[ScenarioRun]) -> str:
    datas = [WeekData(r.scenario, r.schedule, _.lang) for r in runs]
    names = unit_names(runs)
    panels: dict[str, list[str]] = {u: [] for u in unit_ids(runs)}
    for i, (run, data) in enumerate(zip(runs, datas, strict=True)):
        by_unit: dict[str, list[str]] = {}
        for view in data.client_weeks():
            by_unit.setdefault(_unit_of(data, view), []).append(client_week_html(_, view))
        for view in data.staff_weeks():
            by_unit.setdefault(view.subject, []).append(staff_week_html(_, view))
        for j, curve in enumerate(data.curves()):
            unit = (next(c.unit for c in data.scenario.clients if c.id == curve.subject)
                    if curve.kind == "client" else curve.subject)
            by_unit.setdefault(unit, []).append(curve_html(
                _, curve, data, f"curve-{i}-{j}", width=1200 if len(runs) == 1 else 660))
        for unit, parts in by_unit.items():
            panels.setdefault(unit, []).append(
                f'<div class="panel" data-scenario="{i}"><h4 class="scenario">'
                f"{_esc(run.label)}</h4>{''.join(parts)}</div>")
    sections = []
    for k, (unit, parts) in enumerate(panels.items()):
        if not parts:
            continue
        pick = ""
        if len(runs) > 1:
            def options(chosen: int) -> str:
                return "".join(f'<option value="{i}"{" selected" if i == chosen else ""}>'
                               f"{_esc(r.label)}</option>" for i, r in enumerate(runs))
            pick = (f'<div class="pick">{_esc(_("Side by side:"))} '
                    f'<select aria-label="{_esc(_("left column"))}">{options(0)}</select> '
                    f'<select aria-label="{_esc(_("right column"))}">{options(1)}</select></div>')
        sections.append(f'<section class="unit" id="unit-{k}" data-unit="{_esc(unit)}">'
                        f"<h3>{_esc(names.get(unit, unit))}</h3>{pick}"
                        f'<div class="cols">{"".join(parts)}</div></section>')
    return "".join(sections)


def _settings_note(_: Translator, runs: Sequence[ScenarioRun]) -> str:
    cost = runs[0].scenario.cost
    ob = cost.ob
    w = cost.ob_windows
    n = _.number
    return '<p class="note">' + _esc(_(
        "Cost settings of {label} (each scenario uses its own): wages monthly {monthly}, hourly "
        "{hourly}, PAN {pan} kr/h; OB weekday evening {evening} {ob_evening}, night {night} "
        "{ob_night}, weekend {ob_weekend} (until {holiday_end} the day after), major holidays "
        "{ob_major} kr/h; jour {jour} kr/h; overtime ×{overtime} (qualified ×{qualified}); "
        "mertid +{mertid}; employer's contributions {contributions}; FK hourly amount {fk} kr "
        "for {kinds} hours within what the decision leaves for the horizon."
    ).format(
        label=runs[0].label, monthly=n(cost.wages.monthly, 0), hourly=n(cost.wages.hourly, 0),
        pan=n(cost.wages.pan, 0), evening=f"{w.evening_start}–{w.night_start}",
        ob_evening=n(ob.weekday_evening, 0), night=f"{w.night_start}–{w.night_end}",
        ob_night=n(ob.weekday_night, 0),
        ob_weekend=f"{n(ob.weekend_day, 0)}/{n(ob.weekend_night, 0)}",
        holiday_end=w.holiday_end,
        ob_major=f"{n(ob.major_holiday_day, 0)}/{n(ob.major_holiday_night, 0)}",
        jour=f"{n(cost.jour.weekday, 0)}/{n(cost.jour.weekend, 0)}/"
             f"{n(cost.jour.major_holiday, 0)}",
        overtime=n(cost.overtime_simple_factor, 1),
        qualified=n(cost.overtime_qualified_factor, 1),
        mertid=f"{cost.additional_hours_premium:.0%}",
        contributions=f"{cost.employer_contribution_rate:.0%}", fk=n(cost.fk_hourly_amount, 2),
        kinds=", ".join(cost.revenue_decision_kinds),
    )) + "</p>"


def rounds_table(_: Translator, runs: Sequence[ScenarioRun]) -> str:
    """Per scenario and unit with visits: rounds, visits, visit hours, travel and waiting (hours
    and what they cost), from the KPIs and the cost attribution; empty without visits."""
    if not has_visits(runs):
        return ""
    heads = [_("Scenario"), _("Unit"), _("rounds"), _("visits"), _("visit hours"),
             _("travel time (hours)"), _("waiting in rounds"),
             _("waiting in single-client shifts"), _("travel time (kr)"),
             _("waiting time (kr)")]
    body = []
    for run in runs:
        lines = run.costs.attribution
        for u in run.kpis.units.to_dict(orient="records"):
            if not u["visits"]:
                continue
            mine = lines[lines["unit"] == u["unit"]]
            kr = {k: float(mine.loc[mine["line"] == k, "cost"].sum())
                  for k in ("travel", "waiting")}
            cells = [_.number(u["rounds"], 0), _.number(u["visits"], 0),
                     _.number(u["visit_hours"], 1), _.number(u["travel_hours"], 1),
                     _.number(u["round_waiting_hours"], 1),
                     _.number(u["client_waiting_hours"], 1),
                     _.number(kr["travel"], 0), _.number(kr["waiting"], 0)]
            body.append(f'<tr data-unit="{_esc(u["unit"])}"><td>{_esc(run.label)}</td>'
                        f'<td>{_esc(u["unit"])}</td>'
                        + "".join(f'<td class="num">{_esc(c)}</td>' for c in cells) + "</tr>")
    return (f'<h2>{_esc(_("Visits and rounds"))}</h2><table class="kpi" id="rounds-table">'
            "<thead><tr>" + "".join(f"<th>{_esc(h)}</th>" for h in heads)
            + f"</tr></thead><tbody>{''.join(body)}</tbody></table>")


def default_title(runs: Sequence[ScenarioRun], lang: str = DEFAULT_LANG) -> str:
    _ = translator(lang)
    if len(runs) == 1:
        return _("Schedule for {name}").format(name=runs[0].scenario.name)
    return _("{base} and {n} variant(s)").format(base=runs[0].label, n=len(runs) - 1)


def render_html_report(runs: Sequence[ScenarioRun], *, title: str | None = None,
                       table: pd.DataFrame | None = None, lang: str = DEFAULT_LANG) -> str:
    if not runs:
        raise ValueError("no scenarios to report")
    _ = translator(lang)
    title = title or default_title(runs, lang)
    table = comparison_table(runs, lang) if table is None else table
    labels = [r.label for r in runs]
    columns = [figures(r) for r in runs]
    scenario_items = "".join(
        f"<li><b>{_esc(r.label)}</b>{' – ' + _esc(r.source) if r.source else ''}: "
        f"{_esc(r.scenario.description or '')} <span class=\"note\">("
        + _esc(_("{status}, {shifts} shifts, {seconds} s").format(
            status=status_text(_, r.schedule.solve.status), shifts=len(r.schedule.shifts),
            seconds=_.number(r.schedule.solve.wall_seconds, 1)))
        + ("" if r.violations is None else ", " + _esc(
            _("validator: {n} violations").format(n=r.violations)))
        + ")</span></li>"
        for r in runs
    )
    horizon = runs[0].scenario.horizon
    created = datetime.now(UTC).astimezone().strftime("%Y-%m-%d %H:%M")
    intro = _("Created {created}. Horizon {start} + {days} days. Every figure is recomputed "
              "from the schedules and the cost settings.").format(
        created=created, start=horizon.start, days=horizon.days)
    if len(runs) > 1:
        intro += " " + _("Differences are against the first column: green is better, red is "
                         "worse.")
    schedules_title = (_("Schedules per unit: week views and need against staffing")
                       if len(runs) == 1 else
                       _("Schedules per unit: two scenarios side by side"))
    return f"""<!DOCTYPE html>
<html lang="{_.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_esc(title)}</title>
<style>{_CSS}</style>
</head>
<body>
<section id="summary">
<h1>{_esc(title)}</h1>
<p class="note">{_esc(intro)}</p>
<ul>{scenario_items}</ul>
<h2>{_esc(_("Key figures"))}</h2>
{_table_html(_, runs, table, labels)}
{_settings_note(_, runs)}
{rounds_table(_, runs)}
</section>
<section id="charts">
<h2>{_esc(_("Charts"))}</h2>
{_charts(_, runs, columns)}
</section>
<section id="schedules">
<h2>{_esc(schedules_title)}</h2>
{_legend(_)}
{_unit_sections(_, runs)}
</section>
<script>{_SCRIPT}</script>
</body>
</html>
"""


def write_html_report(runs: Sequence[ScenarioRun], path: Path | str, *,
                      title: str | None = None, table: pd.DataFrame | None = None,
                      lang: str = DEFAULT_LANG) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html_report(runs, title=title, table=table, lang=lang),
                    encoding="utf-8")
    return path
