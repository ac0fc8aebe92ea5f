"""Week views of a schedule, as data: per client (or group unit) one row per day with its shifts on
the day's 24 hours; per unit's staff one row per person with a cell per day; need against staffing
as a step curve. The HTML report draws them (``reports/html.py``) and the workbook writes them
(``reports/week_sheets.py``), so both show the same rows.

Times are local wall-clock times (naive), as the staff read them. Jour inside a shift is where the
need it covers is jour (the client's need, or the group unit's night staffing), the same place
the engine counts ``on_call_hours``.

Scattered clients: a shift with visits is one block in its staff member's row, with its visits
listed in order (client, times, the travel before each) and its travel and waiting as segments
(waiting is shown lighter than work). In a client's rows a round shows as that client's visits
only (times, staff, marked as in a round); a single-client shift that waits between its own
visits shows whole, its waiting lighter. Staffing (need against staffing) counts a visit shift
for each client during its visits only.
"""

from __future__ import annotations

import colorsys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np

from scheduler.domain.common import TimePeriod
from scheduler.domain.groups import client_demand, demand_groups, expand_unit_demand
from scheduler.domain.scenario import Scenario
from scheduler.domain.schedule import Schedule, Shift, UncoveredInterval, Visit
from scheduler.domain.timegrid import TimeGrid
from scheduler.i18n import Translator, translator
from scheduler.results.visits import is_round, travel_spans, waiting_spans

# The colour reserved for uncovered need; no person or client ever gets it (see ``colour``).
UNCOVERED_COLOUR = "#C00000"


def colour(index: int) -> str:
    """The ``index``-th colour of an endless palette: hues spread by the golden ratio (each new
    one falls in the largest gap left) over the wheel less the red band of uncovered need
    (±40° around red), with the lightness cycling so that hues that come close differ in
    lightness. Distinct for any number of clients or staff; never the uncovered colour."""
    hue = (40 + 280 * ((index * 0.6180339887498949) % 1)) / 360
    lightness = (0.40, 0.56, 0.31, 0.66)[index % 4]
    saturation = (0.62, 0.45)[(index // 4) % 2]
    r, g, b = colorsys.hls_to_rgb(hue, lightness, saturation)
    return f"#{round(r * 255):02X}{round(g * 255):02X}{round(b * 255):02X}"


def text_colour(background: str) -> str:
    """Black or white, whichever reads better on ``background`` (#RRGGBB)."""
    r, g, b = (int(background[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return "#000000" if 0.299 * r + 0.587 * g + 0.114 * b > 0.55 else "#FFFFFF"


@lru_cache(maxsize=32)
def holiday_names(year: int, lang: str) -> dict[date, str]:
    """Swedish public holidays and the eves kept as holidays (midsummer, Christmas and New
    Year's Eve), named in the language."""
    import holidays

    days = holidays.country_holidays("SE", years=year, categories=("public", "de_facto"),
                                     language="sv" if lang == "sv" else "en_US")
    return {d: str(name) for d, name in days.items()}


@dataclass(frozen=True)
class Day:
    date: date
    label: str  # "mån 17/3"
    weekend: bool
    holiday: str | None  # its name, if a public holiday

    @property
    def iso_week(self) -> int:
        return self.date.isocalendar().week


@dataclass(frozen=True)
class Segment:
    """A part of a shift that is not awake work at the client's: jour, an unpaid break, a paid
    meal pause, or (visit shifts) travel between homes and waiting."""

    kind: str  # "jour" | "break" | "pause" | "travel" | "waiting"
    start: datetime
    end: datetime


@dataclass(frozen=True)
class VisitLine:
    """One visit of a shift, in local time, with the travel right before it."""

    client: str
    start: datetime
    end: datetime
    travel_minutes: int = 0
    asked: datetime | None = None  # moved within the client's visit window: the asked start

    @property
    def times(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"


def asked_note(_: Translator, v: VisitLine, wrap: str = " ({})") -> str:
    """'önskad tid 08:00' in ``wrap`` for a visit held away from its asked time; ''
    otherwise."""
    return "" if v.asked is None else wrap.format(f"{_('asked')} {v.asked:%H:%M}")


@dataclass
class Block:
    """A shift or an uncovered interval, or the part of it that falls in one row's day."""

    kind: str  # "shift" | "uncovered"
    start: datetime  # the part shown in this row
    end: datetime
    first: datetime  # the whole shift or interval
    last: datetime
    who: str  # client views: the staff member; staff views: the client or unit
    colour: str
    segments: tuple[Segment, ...] = ()
    missing: int = 0  # uncovered: assistants missing at once
    reason: str = ""
    lane: int = 0  # client views: the lane in the row, so parallel shifts do not overlap
    visits: tuple[VisitLine, ...] = ()  # a visit shift's visits in order (staff views)
    in_round: bool = False  # a round (staff views), or a visit of one (client views)
    round_visit: bool = False  # client views: this client's visit in someone's round

    @property
    def times(self) -> str:
        return f"{self.first:%H:%M}–{self.last:%H:%M}"

    @property
    def jour_hours(self) -> float:
        return sum((s.end - s.start).total_seconds() for s in self.segments
                   if s.kind == "jour") / 3600

    @property
    def waiting_minutes(self) -> float:
        """The waiting in this part of a visit shift, as the week views print it."""
        return sum((s.end - s.start).total_seconds() for s in self.segments
                   if s.kind == "waiting") / 60


@dataclass
class Row:
    key: str  # the day (ISO date) or the staff id
    label: str
    day: Day | None = None  # client views: the row's day
    blocks: list[Block] = field(default_factory=list)  # client views: on the day's 24 h
    lanes: int = 1
    cells: list[list[Block]] = field(default_factory=list)  # staff views: shifts per day
    absences: list[str] = field(default_factory=list)  # staff views: per day, "" or the text


@dataclass
class WeekView:
    kind: str  # "client" | "unit" | "staff"
    subject: str  # the client's or unit's id
    title: str
    year: int
    week: int
    week_label: str  # "v. 25"
    days: list[Day]
    rows: list[Row]


@dataclass
class Curve:
    """Need and staffing (people on shift, as uncovered need counts them: a break staggered
    under the unit's floor is not uncovered) of a client or unit as steps:
    ``need[i]`` and ``staffed[i]`` hold from ``times[i]`` to ``times[i + 1]``."""

    kind: str  # "client" | "unit"
    subject: str
    title: str
    times: list[datetime]
    need: list[int]
    staffed: list[int]

    def uncovered_hours(self) -> float:
        return sum(max(n - s, 0) * (b - a).total_seconds() / 3600 for a, b, n, s
                   in zip(self.times, self.times[1:], self.need, self.staffed, strict=False))


class WeekData:
    """Everything the week views of one schedule are made of, derived once."""

    def __init__(self, scenario: Scenario, schedule: Schedule, lang: str = "sv"):
        self.scenario = scenario
        self.schedule = schedule
        self.lang = lang
        self._ = translator(lang)
        self.grid = TimeGrid.from_horizon(scenario.horizon)
        self.zone = self.grid.zone
        first = scenario.horizon.start
        self.days = [self._day(first + timedelta(days=i)) for i in range(scenario.horizon.days)]
        self.units = {u.id: u for u in scenario.units}
        # A shift's owner: its client, or the first unit of its (co-located) group.
        self._group_of = {u.id: g[0].id for g in demand_groups(scenario) for u in g}
        self._demand: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for c in scenario.clients:
            d = client_demand(c, scenario, self.grid)
            self._demand[c.id] = (d.count.astype(int), d.on_call)
        for g in demand_groups(scenario):
            d = expand_unit_demand(g, scenario, self.grid).demand
            self._demand["unit:" + g[0].id] = (d.count.astype(int), d.on_call)
        people = sorted({m.id for m in scenario.staff} | {s.staff for s in schedule.shifts})
        self.staff_colour = {sid: colour(i) for i, sid in enumerate(people)}
        owners = [c.id for c in scenario.clients] + [u.id for u in scenario.units]
        self.owner_colour = {o: colour(i) for i, o in enumerate(dict.fromkeys(owners))}

    # --- helpers ---------------------------------------------------------------------------

    def _day(self, day: date) -> Day:
        return Day(day, self._.day(day), day.weekday() >= 5,
                   holiday_names(day.year, self.lang).get(day))

    def local(self, value: datetime) -> datetime:
        return value.astimezone(self.zone).replace(tzinfo=None)

    def unit_title(self, unit_id: str) -> str:
        unit = self.units.get(unit_id)
        return f"{unit.name} ({unit_id})" if unit is not None and unit.name else unit_id

    def owner_key(self, client: str | None, unit: str) -> str:
        return client if client is not None else "unit:" + self._group_of.get(unit, unit)

    def _slots(self, start: datetime, end: datetime) -> tuple[int, int]:
        n = self.grid.n_slots
        return (max(self.grid.slot_floor(start), 0), min(self.grid.slot_ceil(end), n))

    def segments(self, shift: Shift) -> tuple[Segment, ...]:
        """Jour (where the need it covers is jour) and breaks of a shift, in local time."""
        out: list[Segment] = []
        demand = self._demand.get(self.owner_key(shift.client, shift.unit))
        if demand is not None and shift.on_call_hours > 0:
            a, b = self._slots(shift.start, shift.end)
            on_call = demand[1][a:b]
            t = 0
            while t < len(on_call):
                if on_call[t]:
                    u = t
                    while u < len(on_call) and on_call[u]:
                        u += 1
                    out.append(Segment("jour", self.local(self.grid.instant(a + t)),
                                       self.local(self.grid.instant(a + u))))
                    t = u
                else:
                    t += 1
        for br in shift.breaks:
            out.append(Segment("pause" if br.paid else "break", self.local(br.start),
                               self.local(br.end)))
        out += [Segment("travel", self.local(a), self.local(b)) for a, b in travel_spans(shift)]
        out += [Segment("waiting", self.local(a), self.local(b)) for a, b in waiting_spans(shift)]
        return tuple(sorted(out, key=lambda s: s.start))

    def _visit_line(self, v: Visit) -> VisitLine:
        return VisitLine(v.client, self.local(v.start), self.local(v.end), v.travel_minutes,
                         None if v.asked_start is None else self.local(v.asked_start))

    def _shift_block(self, shift: Shift, who: str, colour_: str) -> Block:
        first, last = self.local(shift.start), self.local(shift.end)
        visits = tuple(self._visit_line(v) for v in shift.visits)
        return Block("shift", first, last, first, last, who, colour_, self.segments(shift),
                     visits=visits, in_round=is_round(shift))

    def _client_blocks(self, key: str) -> list[Block]:
        """The blocks of a client's (or group unit's) rows: its shifts, a round's visits of
        this client, a single-client visit shift whole (with its waiting)."""
        out = []
        for s in self.schedule.shifts:
            colour_ = self.staff_colour.get(s.staff, "#777777")
            if not s.visits:
                if self.owner_key(s.client, s.unit) == key:
                    out.append(self._shift_block(s, s.staff, colour_))
            elif not is_round(s):
                if s.visits[0].client == key:
                    out.append(self._shift_block(s, s.staff, colour_))
            else:
                for v in s.visits:
                    if v.client == key:
                        line = self._visit_line(v)
                        a, b = line.start, line.end
                        out.append(Block("shift", a, b, a, b, s.staff, colour_,
                                         visits=(line,), in_round=True, round_visit=True))
        return out

    def _uncovered_block(self, u: UncoveredInterval, who: str) -> Block:
        first, last = self.local(u.start), self.local(u.end)
        return Block("uncovered", first, last, first, last, who, UNCOVERED_COLOUR,
                     missing=u.missing, reason=u.reason)

    def weeks(self) -> list[tuple[int, int, list[Day]]]:
        """(ISO year, ISO week, the horizon's days in it), in order."""
        out: list[tuple[int, int, list[Day]]] = []
        for d in self.days:
            year, week, _ = d.date.isocalendar()
            if not out or out[-1][:2] != (year, week):
                out.append((year, week, []))
            out[-1][2].append(d)
        return out

    def week_label(self, week: int) -> str:
        return self._("w. {week}").format(week=week)

    # --- per client or group unit: one row per day ---------------------------------------

    def owners(self) -> list[tuple[str, str, str]]:
        """(kind, id, title) of every client, then every group unit (co-located: the first)."""
        out = [("client", c.id, f"{self._('Client')} {c.id} – {self.unit_title(c.unit)}")
               for c in self.scenario.clients]
        out += [("unit", g[0].id, " + ".join(self.unit_title(u.id) for u in g))
                for g in demand_groups(self.scenario)]
        return out

    def client_weeks(self) -> list[WeekView]:
        views = []
        for kind, subject, title in self.owners():
            key = subject if kind == "client" else "unit:" + subject
            shifts = self._client_blocks(key)
            gaps = [self._uncovered_block(u, self._("uncovered"))
                    for u in self.schedule.uncovered if self.owner_key(u.client, u.unit) == key]
            if not shifts and not gaps and not self._demand.get(key, (np.zeros(1),))[0].any():
                continue
            for year, week, days in self.weeks():
                rows = [self._day_row(d, shifts, gaps) for d in days]
                views.append(WeekView(kind, subject, title, year, week, self.week_label(week),
                                      days, rows))
        return views

    def _day_row(self, day: Day, shifts: Sequence[Block], gaps: Sequence[Block]) -> Row:
        start = datetime.combine(day.date, datetime.min.time())
        end = start + timedelta(days=1)
        blocks = []
        for b in [*sorted(shifts, key=lambda b: (b.first, b.who)),
                  *sorted(gaps, key=lambda b: b.first)]:
            if b.last <= start or b.first >= end:
                continue
            part = Block(b.kind, max(b.first, start), min(b.last, end), b.first, b.last, b.who,
                         b.colour, tuple(Segment(s.kind, max(s.start, start), min(s.end, end))
                                         for s in b.segments if s.end > start and s.start < end),
                         b.missing, b.reason, visits=b.visits, in_round=b.in_round,
                         round_visit=b.round_visit)
            blocks.append(part)
        lanes = _assign_lanes(blocks)
        return Row(day.date.isoformat(), day.label, day=day, blocks=blocks, lanes=lanes)

    # --- per unit's staff: one row per person, a cell per day ----------------------------

    def staff_weeks(self) -> list[WeekView]:
        views = []
        for unit in self.scenario.units:
            home = [m.id for m in self.scenario.staff if m.home_unit == unit.id]
            in_unit = [s for s in self.schedule.shifts if s.unit == unit.id]
            people = sorted(set(home) | {s.staff for s in in_unit})
            if not people:
                continue
            # Every shift of these people (also in other units: their week is one week).
            mine = [s for s in self.schedule.shifts if s.staff in people]
            gaps = [u for u in self.schedule.uncovered if u.unit == unit.id]
            title = self._("Staff of {unit}").format(unit=self.unit_title(unit.id))
            for year, week, days in self.weeks():
                rows = [self._person_row(p, days, mine) for p in people]
                if gaps:
                    rows.append(self._uncovered_row(days, gaps))
                views.append(WeekView("staff", unit.id, title, year, week,
                                      self.week_label(week), days, rows))
        return views

    def _who(self, shift: Shift) -> str:
        """A staff row's label of a shift: its client, a single-client visit shift's client,
        'round' for a round, else its unit."""
        if is_round(shift):
            return self._("round")
        if shift.visits:
            return shift.visits[0].client
        return shift.client if shift.client is not None else shift.unit

    def _owner(self, shift: Shift) -> str:
        """Whose colour a staff row's shift takes: a round takes its unit's."""
        if is_round(shift) or not shift.visits:
            return shift.client if shift.client is not None else shift.unit
        return shift.visits[0].client

    def _person_row(self, person: str, days: list[Day], shifts: Iterable[Shift]) -> Row:
        own = sorted((s for s in shifts if s.staff == person), key=lambda s: s.start)
        member = next((m for m in self.scenario.staff if m.id == person), None)
        cells: list[list[Block]] = []
        absences: list[str] = []
        for d in days:
            cells.append([self._shift_block(s, self._who(s), self.owner_colour.get(
                self._owner(s), "#777777")) for s in own if self.local(s.start).date() == d.date])
            absences.append(self._absence_text(member.absences if member else [], d.date))
        return Row(person, person, cells=cells, absences=absences)

    def _absence_text(self, periods: Sequence[TimePeriod], day: date) -> str:
        start = datetime.combine(day, datetime.min.time())
        end = start + timedelta(days=1)
        texts = []
        for p in periods:
            a, b = _naive(p.start, self.zone), _naive(p.end, self.zone)
            if b <= start or a >= end:
                continue
            reason = p.reason or self._("absent")
            if a <= start and b >= end:
                texts.append(reason)
            else:
                texts.append(f"{reason} {max(a, start):%H:%M}–"
                             f"{'24:00' if b >= end else f'{b:%H:%M}'}")
        return "; ".join(texts)

    def _uncovered_row(self, days: list[Day], gaps: Sequence[UncoveredInterval]) -> Row:
        cells = [[self._uncovered_block(u, u.client or u.unit) for u in gaps
                  if self.local(u.start).date() == d.date] for d in days]
        return Row("uncovered", self._("uncovered need"), cells=cells,
                   absences=[""] * len(days))

    # --- need against staffing ---------------------------------------------------------

    def curves(self) -> list[Curve]:
        """Per client and group unit, then per unit (the sum of its clients and its own
        group demand)."""
        n = self.grid.n_slots
        staffed: dict[str, np.ndarray] = {k: np.zeros(n, dtype=int) for k in self._demand}
        for s in self.schedule.shifts:
            # A visit shift staffs each client during its visits only, at the need's (asked)
            # time where a visit was moved within its window.
            spans = ([(v.client, v.need_start, v.need_end) for v in s.visits] if s.visits
                     else [(self.owner_key(s.client, s.unit), s.start, s.end)])
            for key, start, end in spans:
                if key in staffed:
                    a, b = self._slots(start, end)
                    staffed[key][a:b] += 1
        out: list[Curve] = []
        per_unit: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for kind, subject, title in self.owners():
            key = subject if kind == "client" else "unit:" + subject
            need = self._demand[key][0]
            if not need.any() and not staffed[key].any():
                continue
            out.append(self._curve(kind, subject, title, need, staffed[key]))
            unit = (next(c.unit for c in self.scenario.clients if c.id == subject)
                    if kind == "client" else subject)
            total = per_unit.setdefault(unit, (np.zeros(n, dtype=int), np.zeros(n, dtype=int)))
            total[0][:] += need
            total[1][:] += staffed[key]
        owners_in = {u: sum(1 for c in out if (c.kind == "client" and any(
            x.id == c.subject and x.unit == u for x in self.scenario.clients))
            or (c.kind == "unit" and c.subject == u)) for u in per_unit}
        for u in self.scenario.units:
            if u.id in per_unit and owners_in[u.id] > 1:  # one owner: its own curve shows it
                need, have = per_unit[u.id]
                out.append(self._curve("unit", u.id, self._("Unit {unit}").format(
                    unit=self.unit_title(u.id)), need, have))
        return out

    def _curve(self, kind: str, subject: str, title: str, need: np.ndarray,
               staffed: np.ndarray) -> Curve:
        times, needs, haves = [], [], []
        for t in range(self.grid.n_slots):
            if t == 0 or need[t] != need[t - 1] or staffed[t] != staffed[t - 1]:
                times.append(self.local(self.grid.instant(t)))
                needs.append(int(need[t]))
                haves.append(int(staffed[t]))
        times.append(self.local(self.grid.instant(self.grid.n_slots)))
        return Curve(kind, subject, title, times, needs, haves)


def _naive(value: datetime, zone: ZoneInfo) -> datetime:
    """A scenario time (naive = local) or an aware time as local naive time."""
    if value.tzinfo is None:
        return value
    return value.astimezone(zone).replace(tzinfo=None)


def _assign_lanes(blocks: list[Block]) -> int:
    """Greedy interval partitioning: each block gets the first lane free at its start."""
    ends: list[datetime] = []
    for b in blocks:
        for i, end in enumerate(ends):
            if end <= b.start:
                b.lane, ends[i] = i, b.end
                break
        else:
            b.lane = len(ends)
            ends.append(b.end)
    return max(len(ends), 1)
