"""Charts as inline SVG, drawn here: bars (grouped or stacked) and step curves. No JavaScript
library, so a report is a few hundred kilobytes and opens offline; each bar and step carries its
value as a ``<title>`` (the browser's tooltip) and the legend is text."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape

Formatter = Callable[[float], str]


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float]
    colour: str


def _nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high] (1, 2 or 5 times a power of ten apart)."""
    if high <= low:
        high = low + 1
    raw = (high - low) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.floor(low / step) * step
    ticks = []
    value = first
    while value <= high + step * 1e-9:
        ticks.append(round(value, 10))
        value += step
    if ticks[-1] < high:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def _legend(series: Sequence[tuple[str, str]], x: float, y: float, width: float) -> str:
    parts, cx, cy = [], x, y
    for name, colour in series:
        w = 16 + 7 * len(name)
        if cx + w > x + width and cx > x:
            cx, cy = x, cy + 16
        parts.append(f'<rect x="{cx:.0f}" y="{cy - 9:.0f}" width="10" height="10" '
                     f'fill="{colour}"/><text x="{cx + 14:.0f}" y="{cy:.0f}">{escape(name)}</text>')
        cx += w + 10
    return "".join(parts)


def bar_chart(title: str, categories: Sequence[str], series: Sequence[Series], *,
              stacked: bool = False, fmt: Formatter = lambda v: f"{v:,.0f}",
              width: int = 640, height: int = 300, chart_id: str = "") -> str:
    """Bars per category: side by side, or stacked (positive parts up, negative down)."""
    legend_rows = 1 + sum(16 + 7 * len(s.name) + 10 for s in series) // (width - 70)
    top, bottom, left, right = 28 + 16 * legend_rows, 36, 64, 10
    plot_w, plot_h = width - left - right, height - top - bottom
    if stacked:
        ups = [sum(max(s.values[i], 0) for s in series) for i in range(len(categories))]
        downs = [sum(min(s.values[i], 0) for s in series) for i in range(len(categories))]
    else:
        ups = [max([0.0, *(s.values[i] for s in series)]) for i in range(len(categories))]
        downs = [min([0.0, *(s.values[i] for s in series)]) for i in range(len(categories))]
    ticks = _nice_ticks(min([0.0, *downs]), max([0.0, *ups]))
    lo, hi = ticks[0], ticks[-1]

    def y(v: float) -> float:
        return top + plot_h * (hi - v) / (hi - lo)

    out = [f'<svg class="chart" {f"id={chr(34)}{chart_id}{chr(34)} " if chart_id else ""}'
           f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
           f'aria-label="{escape(title)}"><text class="title" x="{left}" y="16">'
           f"{escape(title)}</text>",
           _legend([(s.name, s.colour) for s in series], left, 34, plot_w)]
    for t in ticks:
        out.append(f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y(t):.1f}" '
                   f'y2="{y(t):.1f}"/><text class="tick" x="{left - 4}" y="{y(t) + 4:.1f}" '
                   f'text-anchor="end">{escape(fmt(t))}</text>')
    band = plot_w / max(len(categories), 1)
    for i, category in enumerate(categories):
        x0 = left + i * band
        out.append(f'<text class="tick" x="{x0 + band / 2:.1f}" y="{height - bottom + 16}" '
                   f'text-anchor="middle">{escape(category)}</text>')
        if stacked:
            bar_w, up, down = band * 0.5, 0.0, 0.0
            for s in series:
                v = s.values[i]
                base = up if v >= 0 else down
                a, b = y(base), y(base + v)
                out.append(_bar(x0 + band * 0.25, min(a, b), bar_w, abs(b - a), s.colour,
                                f"{category} – {s.name}: {fmt(v)}"))
                if v >= 0:
                    up += v
                else:
                    down += v
        else:
            bar_w = band * 0.8 / max(len(series), 1)
            for j, s in enumerate(series):
                v = s.values[i]
                a, b = y(0), y(v)
                out.append(_bar(x0 + band * 0.1 + j * bar_w, min(a, b), bar_w * 0.92,
                                abs(b - a), s.colour, f"{category} – {s.name}: {fmt(v)}"))
    out.append(f'<line class="axis" x1="{left}" x2="{width - right}" y1="{y(0):.1f}" '
               f'y2="{y(0):.1f}"/></svg>')
    return "".join(out)


def _bar(x: float, y: float, w: float, h: float, colour: str, tip: str) -> str:
    return (f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{max(h, 0):.1f}" '
            f'fill="{colour}"><title>{escape(tip)}</title></rect>')


def step_chart(title: str, times: Sequence[datetime], series: Sequence[Series], *,
               day_labels: Sequence[tuple[datetime, str]] = (), width: int = 640,
               height: int = 170, chart_id: str = "", shortfall_colour: str | None = None,
               shortfall_name: str = "") -> str:
    """Step curves over time: ``values[i]`` holds from ``times[i]`` to ``times[i + 1]``. With
    ``shortfall_colour``, the area where the first series (the need) is above the second (the
    staffing) is filled in that colour."""
    top, bottom, left, right = 38, 22, 34, 10
    plot_w, plot_h = width - left - right, height - top - bottom
    t0, t1 = times[0], times[-1]
    span = max((t1 - t0).total_seconds(), 1)
    high = max([1.0, *(v for s in series for v in s.values)])
    ticks = _nice_ticks(0, high, 3)
    hi = ticks[-1]

    def x(t: datetime) -> float:
        return left + plot_w * (t - t0).total_seconds() / span

    def y(v: float) -> float:
        return top + plot_h * (hi - v) / hi

    out = [f'<svg class="chart curve" {f"id={chr(34)}{chart_id}{chr(34)} " if chart_id else ""}'
           f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
           f'aria-label="{escape(title)}"><text class="title" x="{left}" y="14">'
           f"{escape(title)}</text>"]
    legend = [(s.name, s.colour) for s in series]
    if shortfall_colour and len(series) >= 2:
        need, have = series[0].values, series[1].values
        for i in range(len(need)):
            if need[i] > have[i]:
                out.append(f'<rect x="{x(times[i]):.1f}" y="{y(need[i]):.1f}" '
                           f'width="{x(times[i + 1]) - x(times[i]):.1f}" '
                           f'height="{y(have[i]) - y(need[i]):.1f}" fill="{shortfall_colour}" '
                           f'opacity="0.55"><title>{times[i]:%a %H:%M}–{times[i + 1]:%H:%M}: '
                           f"{need[i] - have[i]:g}</title></rect>")
        legend.append((shortfall_name, shortfall_colour))
    out.append(_legend([item for item in legend if item[0]], left, 30, plot_w))
    for t in ticks:
        out.append(f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y(t):.1f}" '
                   f'y2="{y(t):.1f}"/><text class="tick" x="{left - 4}" y="{y(t) + 4:.1f}" '
                   f'text-anchor="end">{t:g}</text>')
    for when, label in day_labels:
        out.append(f'<line class="day" x1="{x(when):.1f}" x2="{x(when):.1f}" y1="{top}" '
                   f'y2="{height - bottom}"/><text class="tick" x="{x(when) + 3:.1f}" '
                   f'y="{height - bottom + 14}">{escape(label)}</text>')
    for k, s in enumerate(series):
        points = []
        for i, v in enumerate(s.values):
            points.append(f"{x(times[i]):.1f},{y(v):.1f} {x(times[i + 1]):.1f},{y(v):.1f}")
        width_ = 6 if k == 0 and len(series) > 1 else 2  # the first (the need) underneath
        out.append(f'<polyline fill="none" stroke="{s.colour}" stroke-width="{width_}" '
                   f'stroke-linejoin="round" points="{" ".join(points)}">'
                   f"<title>{escape(s.name)}</title></polyline>")
    out.append("</svg>")
    return "".join(out)
