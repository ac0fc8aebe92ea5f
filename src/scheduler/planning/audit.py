"""The time-report audit: every reported line checked against the agreements and the plan.

Kinds of finding (``KINDS``), each naming the line, the rule and an amount in kr (positive: paid
or spent beyond what is due; negative: owed to the staff member):

- ``ob``: claimed OB hours per class versus the cost model's (``results.costing``: the same OB
  calendar, jour and unpaid breaks excluded); amount = claimed kr − computed kr.
- ``jour``: claimed jour supplement hours versus the line's jour hours; amount priced at the
  line's jour rates.
- ``caregiver_supplement``: a family caregiver under PAN claims OB or jour supplement, which the
  agreement does not pay them; amount = everything claimed.
- ``overtime``: overtime claimed in a limiting period (calendar periods from
  ``rules.period_start``) versus the overtime the hours make: work (jour at
  ``on_call_work_fraction``, unpaid breaks excluded) with the history's hours in the period,
  beyond full time for the period. Checked for periods that end inside the scenario's horizon
  (the period the reports are for) or the lines' span. Amount =
  hours × wage × (factor − 1): the premium paid too much (or too little).
  With the hours right, qualified overtime claimed beyond the period's share of work at
  qualified times (the cost model's reading) is a finding too: the premium claimed − due.
- ``outside_decision``: work on a client on a day no paying decision's settlement period holds;
  amount = hours × wage (pay no decision funds).
- ``beyond_settlement``: work beyond what the decision's period has left (granted − performed −
  earlier lines, plus an approved exception); amount = hours × wage.
- ``unplanned`` / ``off_plan`` (with a schedule): no planned shift of the staff member for that
  client or unit overlaps the line; or one does, but start or end differ by more than the
  tolerance; amount = the hours worked outside the plan × wage.
- ``working_time``: rest and working-time rules broken by what was worked: the lines become a
  schedule (jour and unpaid breaks as reported; a break is placed mid-shift) that the
  independent validator's audits ``WORKING_TIME_AUDITS`` check with the scenario's history;
  amount 0 (a breach, not a payment).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from scheduler.domain.common import Horizon
from scheduler.domain.costs import OB_CLASSES
from scheduler.domain.history import History
from scheduler.domain.scenario import Scenario
from scheduler.domain.schedule import Break, Schedule, Shift, SolveInfo
from scheduler.domain.staff import Staff
from scheduler.domain.timereport import ReportLine
from scheduler.i18n import translator
from scheduler.planning.performed import allocate
from scheduler.results.costing import ShiftCost, hourly_wage, jour_amount, price_shifts
from scheduler.validator import AUDITS, Violation
from scheduler.validator.context import Context

KINDS = ("ob", "jour", "caregiver_supplement", "overtime", "outside_decision",
         "beyond_settlement", "unplanned", "off_plan", "working_time")
WORKING_TIME_AUDITS = ("no_overlap", "shift_length", "daily_rest", "weekly_rest", "hour_caps")
HOURS_TOLERANCE = 0.05  # 3 minutes: rounding in a payroll export is no finding
Part = tuple[str, dict[str, object]]  # a message (English, {named} fields) and its values


def _(text: str) -> str:
    """Marks a message for the catalogue; ``Finding.text`` translates it when shown."""
    return text


OB_LABELS = {
    "weekday_evening": _("OB weekday evening"), "weekday_night": _("OB weekday night"),
    "weekend_day": _("OB weekend day"), "weekend_night": _("OB weekend night"),
    "major_holiday_day": _("OB major holiday day"),
    "major_holiday_night": _("OB major holiday night"),
}


@dataclass(frozen=True)
class Finding:
    kind: str
    rule: str
    line: ReportLine
    hours: float
    amount: float
    message: tuple[Part, ...]

    def text(self, lang: str = "en") -> str:
        """The detail in ``lang``: hours as people in that language write numbers."""
        t = translator(lang)
        parts = []
        for template, values in self.message:
            shown = {k: t.number(v, 2) if isinstance(v, float) else
                     t(v) if isinstance(v, str) and v in OB_LABELS.values() else v
                     for k, v in values.items()}
            parts.append(t(template).format(**shown))
        return "; ".join(parts)

    @property
    def detail(self) -> str:
        return self.text("en")

    def record(self) -> dict[str, object]:
        line = self.line
        return {
            "kind": self.kind, "rule": self.rule, "source": line.source, "row": line.row,
            "reference": line.reference, "approved": line.approved, "staff": line.staff,
            "client": line.client,
            "unit": line.unit, "start": line.start.isoformat(timespec="minutes"),
            "end": line.end.isoformat(timespec="minutes"), "hours": round(self.hours, 2),
            "amount": round(self.amount, 2), "detail": self.detail,
        }


@dataclass
class AuditResult:
    lines: list[ReportLine]
    findings: list[Finding] = field(default_factory=list)
    unchecked_periods: list[str] = field(default_factory=list)  # overtime periods cut off
    seconds: float = 0.0
    unit_of: dict[int, str] = field(default_factory=dict)  # id(line) → the unit worked in

    def totals(self, key: str) -> dict[str, dict[str, float]]:
        """Per staff member, unit or kind (``key``): findings, hours and kr."""
        out: dict[str, dict[str, float]] = defaultdict(
            lambda: {"findings": 0, "hours": 0.0, "amount": 0.0})
        for f in self.findings:
            name = {"staff": f.line.staff, "kind": f.kind,
                    "unit": self.unit_of.get(id(f.line), f.line.unit or "")}[key]
            row = out[name]
            row["findings"] += 1
            row["hours"] += f.hours
            row["amount"] += f.amount
        return dict(sorted(out.items()))


def _msg(template: str, **values: object) -> tuple[Part, ...]:
    return ((template, values),)


def audit_scenario(scenario: Scenario, lines: list[ReportLine]) -> Scenario:
    """The scenario with its horizon widened to hold every line (local dates)."""
    first = min(min(line.start.date() for line in lines), scenario.horizon.start)
    last = max(max((line.end - timedelta(microseconds=1)).date() for line in lines),
               scenario.horizon.end - timedelta(days=1))
    days = (last - first).days + 1
    if first == scenario.horizon.start and days == scenario.horizon.days:
        return scenario
    if days > 16 * 7:
        raise ValueError(f"the time reports span {first}–{last} ({days} days); audit at most "
                         "16 weeks at a time")
    horizon = Horizon(start=first, days=days, slot_minutes=scenario.horizon.slot_minutes,
                      timezone=scenario.horizon.timezone)
    return scenario.model_copy(update={"horizon": horizon})


def _aware(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment.replace(tzinfo=zone)


def lines_as_schedule(scenario: Scenario, lines: list[ReportLine]) -> Schedule:
    """The lines as a schedule (one shift per line, in line order): what the validator reads.
    A line's unpaid break is placed in the middle of the shift on the 15-minute grid (a time
    report gives only its length)."""
    zone = ZoneInfo(scenario.horizon.timezone)
    clients = scenario.client_by_id()
    shifts: list[Shift] = []
    for line in lines:
        start, end = _aware(line.start, zone), _aware(line.end, zone)
        hours = (end.astimezone(UTC) - start.astimezone(UTC)).total_seconds() / 3600
        breaks: list[Break] = []
        if line.unpaid_break_hours > 0:
            length = timedelta(hours=line.unpaid_break_hours)
            offset = timedelta(minutes=15 * int((line.hours - line.unpaid_break_hours) * 2))
            b0 = line.start + offset
            breaks.append(Break(start=_aware(b0, zone), end=_aware(b0 + length, zone),
                                paid=False))
        unit = line.unit
        if unit is None and line.client in clients:
            unit = clients[line.client].unit
        # On the night clocks go forward a wall-clock 22–07 is 8 real hours: jour reported as
        # 9 h is held to what the shift has.
        jour = min(line.on_call_hours, max(0.0, hours - line.unpaid_break_hours))
        shifts.append(Shift(staff=line.staff, client=line.client, unit=unit or "",
                            start=start, end=end, hours=round(hours, 4),
                            on_call_hours=jour, breaks=breaks))
    return Schedule(
        scenario=scenario.name, horizon_start=scenario.horizon.start.isoformat(),
        horizon_days=scenario.horizon.days, timezone=scenario.horizon.timezone,
        created=datetime(1970, 1, 1, tzinfo=UTC),
        solve=SolveInfo(status="unknown", objective=None, best_bound=None, gap=None,
                        wall_seconds=0, time_limit_seconds=0, workers=0, seed=0,
                        engine="time reports"),
        shifts=shifts)


# --- the checks --------------------------------------------------------------------------------


def _claims(line: ReportLine, cost: ShiftCost, staff: Staff | None, scenario: Scenario
            ) -> list[Finding]:
    settings = scenario.cost
    rates = settings.ob.model_dump()
    out: list[Finding] = []
    claimed_ob = sum(h * rates[c] for c, h in line.ob_hours.items())
    jour_hours = sum(cost.jour.values())
    # The claimed jour supplement priced at this line's own jour rates (or its hours' classes).
    basis = cost.jour if jour_hours > 0 else cost.active
    basis_hours = sum(basis.values())
    rate = jour_amount(basis, settings) / basis_hours if basis_hours > 0 else \
        settings.jour.weekday
    claimed_jour = line.jour_supplement_hours * rate
    if staff is not None and staff.family_caregiver:
        if claimed_ob + claimed_jour > 0 or line.ob_hours or line.jour_supplement_hours:
            hours = sum(line.ob_hours.values()) + line.jour_supplement_hours
            out.append(Finding(
                "caregiver_supplement", "family caregiver (PAN): no OB, no jour supplement",
                line, hours, claimed_ob + claimed_jour,
                _msg(_("{staff} is a family caregiver under PAN; the line claims {ob} h OB and "
                       "{jour} h jour supplement"), staff=line.staff,
                     ob=float(sum(line.ob_hours.values())),
                     jour=float(line.jour_supplement_hours))))
        return out
    computed = {c: max(0.0, cost.active.get(c, 0.0)) for c in OB_CLASSES}
    wrong = {c: line.ob_hours.get(c, 0.0) - computed[c] for c in OB_CLASSES
             if abs(line.ob_hours.get(c, 0.0) - computed[c]) > HOURS_TOLERANCE}
    if wrong:
        amount = claimed_ob - cost.ob
        parts = tuple((_("{code}: claimed {claimed} h, due {due} h"),
                       {"code": OB_LABELS[c], "claimed": float(line.ob_hours.get(c, 0.0)),
                        "due": computed[c]}) for c in wrong)
        out.append(Finding("ob", "OB windows (cost.ob_windows)", line,
                           sum(abs(v) for v in wrong.values()), amount, parts))
    if abs(line.jour_supplement_hours - jour_hours) > HOURS_TOLERANCE:
        out.append(Finding(
            "jour", "jour supplement per jour hour (cost.jour)", line,
            line.jour_supplement_hours - jour_hours, claimed_jour - cost.jour_pay,
            _msg(_("jour supplement claimed for {claimed} h, the line has {jour} h of jour"),
                 claimed=float(line.jour_supplement_hours), jour=float(jour_hours))))
    return out


def _overtime(scenario: Scenario, lines: list[ReportLine], costs: list[ShiftCost],
              result: AuditResult) -> list[Finding]:
    rules, settings = scenario.rules, scenario.cost
    staff_by_id = scenario.staff_by_id()
    days = rules.limiting_period_weeks * 7
    first = min(line.start.date() for line in lines)
    last = max(line.end.date() for line in lines)
    # The reports cover the scenario's horizon (the period audited), or further to their last
    # line; a limiting period ending later is not complete and its overtime not yet known.
    covered_to = max(max(line.start.date() for line in lines),
                     scenario.horizon.end - timedelta(days=1))
    by_staff: dict[str, list[int]] = defaultdict(list)
    for i, line in enumerate(lines):
        by_staff[line.staff].append(i)
    history = scenario.history
    out: list[Finding] = []
    start = rules.period_start + timedelta(days=((first - rules.period_start).days // days) * days)
    while start <= last:
        end = start + timedelta(days=days)
        label = f"{start.isoformat()}–{(end - timedelta(days=1)).isoformat()}"
        complete = end - timedelta(days=1) <= covered_to
        for sid, indices in by_staff.items():
            inside = [i for i in indices if start <= lines[i].start.date() < end]
            if not inside:
                continue
            if not complete:
                if any(lines[i].overtime_hours for i in inside):
                    result.unchecked_periods.append(f"{sid} {label}")
                continue
            work = sum(_share_in(lines[i], start, end) * costs[i].work_hours for i in indices)
            work += _history_work(history, sid, start, end, rules.on_call_work_fraction)
            full = rules.full_time_hours_per_week * days / 7
            made = max(0.0, work - full)
            claimed = sum(lines[i].overtime_hours for i in inside)
            wage = hourly_wage(staff_by_id.get(sid), settings)
            claiming = [i for i in inside if lines[i].overtime_hours > 0]
            if abs(claimed - made) <= HOURS_TOLERANCE:
                out += _overtime_kind(lines, costs, inside, claiming, indices, start, end,
                                      made, wage, scenario, label)
                continue
            if claimed > made:
                excess = claimed - made
                for i in reversed(claiming):  # the latest claims are the ones too many
                    take = min(excess, lines[i].overtime_hours)
                    factor = (settings.overtime_qualified_factor
                              if lines[i].overtime_kind == "qualified"
                              else settings.overtime_simple_factor)
                    out.append(Finding(
                        "overtime", "overtime: work beyond full time in the limiting period",
                        lines[i], take, take * wage * (factor - 1),
                        _msg(_("period {period}: {claimed} h overtime claimed, the hours make "
                               "{made} h (work {work} h, full time {full} h)"), period=label,
                             claimed=float(claimed), made=made, work=work, full=float(full))))
                    excess -= take
                    if excess <= HOURS_TOLERANCE:
                        break
            else:
                missing = made - claimed
                i = max(inside, key=lambda k: lines[k].start)
                out.append(Finding(
                    "overtime", "overtime: work beyond full time in the limiting period",
                    lines[i], -missing, -missing * wage * (settings.overtime_simple_factor - 1),
                    _msg(_("period {period}: {claimed} h overtime claimed, the hours make "
                           "{made} h (work {work} h, full time {full} h): under-claimed"),
                         period=label, claimed=float(claimed), made=made, work=work,
                         full=float(full))))
        start = end
    return out


def _overtime_kind(lines: list[ReportLine], costs: list[ShiftCost], inside: list[int],
                   claiming: list[int], indices: list[int], start: date, end: date,
                   made: float, wage: float, scenario: Scenario, label: str) -> list[Finding]:
    """The right hours claimed, but more of them qualified than the period's work: the cost
    model's reading (a plan does not say which hours are the extra ones) gives overtime the
    period's share of work at qualified times (weekday nights, weekends, holidays)."""
    if not claiming:
        return []
    settings = scenario.cost
    simple, qualified = settings.overtime_simple_factor - 1, settings.overtime_qualified_factor - 1
    work = sum(_share_in(lines[i], start, end) * costs[i].work_hours for i in indices)
    at_qualified = sum(_share_in(lines[i], start, end) * costs[i].qualified_work_hours
                       for i in indices)
    share = at_qualified / work if work > 0 else 0.0
    due = made * wage * (simple * (1 - share) + qualified * share)
    claimed_qualified = sum(lines[i].overtime_hours for i in claiming
                            if lines[i].overtime_kind == "qualified")
    claimed = sum(lines[i].overtime_hours * wage * (qualified if lines[i].overtime_kind ==
                                                    "qualified" else simple)
                  for i in claiming)
    if claimed <= due + 1.0:  # under-claiming the qualified part is left to the payroll rules
        return []
    i = max(claiming, key=lambda k: lines[k].start)
    return [Finding(
        "overtime", "qualified overtime: nights, weekends, holidays", lines[i],
        claimed_qualified, claimed - due,
        _msg(_("period {period}: {qualified} h of {made} h overtime claimed as qualified; "
               "{share} % of the work was at qualified times"), period=label,
             qualified=float(claimed_qualified), made=made, share=100 * share))]


def _share_in(line: ReportLine, start: date, end: date) -> float:
    """The share of a line's time inside the local days [start, end)."""
    a = max(line.start, datetime.combine(start, datetime.min.time()))
    b = min(line.end, datetime.combine(end, datetime.min.time()))
    return max(0.0, (b - a).total_seconds()) / (line.end - line.start).total_seconds()


def _history_work(history: History | None, sid: str, start: date, end: date,
                  fraction: float) -> float:
    """Work time of the scenario's history (shifts and totals) inside the period (wall-clock
    times; a span's jour and breaks pro rata)."""
    if history is None:
        return 0.0
    w0 = datetime.combine(start, datetime.min.time())
    w1 = datetime.combine(end, datetime.min.time())
    total = 0.0
    for entry in history.staff:
        if entry.staff != sid:
            continue
        spans = [(s.start.replace(tzinfo=None), s.end.replace(tzinfo=None), s.hours,
                  s.on_call_hours, s.unpaid_break_hours) for s in entry.shifts]
        spans += [(t.start.replace(tzinfo=None), t.end.replace(tzinfo=None), t.presence_hours,
                   t.on_call_hours, t.unpaid_break_hours) for t in entry.totals]
        for a, b, presence, jour, unpaid in spans:
            inside = max(0.0, (min(b, w1) - max(a, w0)).total_seconds())
            share = inside / max((b - a).total_seconds(), 1.0)
            total += share * (presence - unpaid - jour + fraction * jour)
    return total


def _decisions(scenario: Scenario, lines: list[ReportLine]) -> list[Finding]:
    staff = scenario.staff_by_id()
    out: list[Finding] = []
    outside: dict[int, list[date]] = defaultdict(list)
    outside_hours: dict[int, float] = defaultdict(float)
    beyond: dict[int, tuple[float, str, float]] = {}
    for c in allocate(scenario, lines):
        if c.decision is None:
            outside[c.line].append(c.day)
            outside_hours[c.line] += c.awake_hours + c.jour_hours
        elif c.beyond_hours > 1e-9:
            hours, _id, left = beyond.get(c.line, (0.0, c.decision.id, 0.0))
            beyond[c.line] = (hours + c.beyond_hours, c.decision.id, left)
    for i, days in sorted(outside.items()):
        line = lines[i]
        wage = hourly_wage(staff.get(line.staff), scenario.cost)
        hours = outside_hours[i]
        out.append(Finding(
            "outside_decision", "decisions: work only within a decision", line, hours,
            hours * wage,
            _msg(_("no decision of {client} holds {days} ({hours} h)"), client=line.client,
                 days=", ".join(sorted({d.isoformat() for d in days})), hours=hours)))
    for i, (hours, decision, _left) in sorted(beyond.items()):
        line = lines[i]
        wage = hourly_wage(staff.get(line.staff), scenario.cost)
        out.append(Finding(
            "beyond_settlement", "decision_budget: the settlement period's granted hours",
            line, hours, hours * wage,
            _msg(_("{hours} h charged to {decision} beyond what its settlement period had "
                   "left"), hours=hours, decision=decision)))
    return out


def _plan(scenario: Scenario, lines: list[ReportLine], schedule: Schedule,
          tolerance_minutes: float) -> list[Finding]:
    zone = ZoneInfo(scenario.horizon.timezone)
    staff = scenario.staff_by_id()
    planned: dict[str, list[tuple[datetime, datetime, str | None, str]]] = defaultdict(list)
    for s in schedule.shifts:
        planned[s.staff].append((s.start.astimezone(zone).replace(tzinfo=None),
                                 s.end.astimezone(zone).replace(tzinfo=None), s.client, s.unit))
    tolerance = timedelta(minutes=tolerance_minutes)
    out: list[Finding] = []
    for line in lines:
        wage = hourly_wage(staff.get(line.staff), scenario.cost)
        same = [(a, b) for a, b, client, unit in planned.get(line.staff, [])
                if a < line.end and line.start < b
                and (client == line.client if line.client is not None else unit == line.unit)]
        if not same:
            out.append(Finding("unplanned", "the schedule: no planned shift", line,
                               line.hours, line.hours * wage,
                               _msg(_("no planned shift of {staff} for {where} overlaps the "
                                      "line"), staff=line.staff,
                                    where=line.client or line.unit)))
            continue
        a = min(x for x, _end in same)
        b = max(y for _start, y in same)
        if abs(line.start - a) <= tolerance and abs(line.end - b) <= tolerance:
            continue
        extra = (max(timedelta(0), a - line.start) + max(timedelta(0), line.end - b)
                 ).total_seconds() / 3600
        out.append(Finding(
            "off_plan", f"the schedule: start and end within {tolerance_minutes:g} min", line,
            extra, extra * wage,
            _msg(_("planned {planned}, reported {reported} ({hours} h outside the plan)"),
                 planned=f"{a:%Y-%m-%d %H:%M}–{b:%H:%M}",
                 reported=f"{line.start:%Y-%m-%d %H:%M}–{line.end:%H:%M}", hours=extra)))
    return out


_WHEN = re.compile(r"^(\d{4}-\d{2}-\d{2} \d{2}:\d{2})–(?:(\d{4}-\d{2}-\d{2}) )?(\d{2}:\d{2})$")


def _working_time(scenario: Scenario, lines: list[ReportLine]) -> list[Finding]:
    schedule = lines_as_schedule(scenario, lines)
    ctx = Context(scenario, schedule)
    by_staff: dict[str, list[int]] = defaultdict(list)
    for i, line in enumerate(lines):
        by_staff[line.staff].append(i)
    out: list[Finding] = []
    for rule in WORKING_TIME_AUDITS:
        for v in AUDITS[rule](scenario, schedule, ctx):
            k = _line_of(v, lines, by_staff)
            if k is not None:
                # The validator's own wording (English), as `scheduler check` prints it.
                out.append(Finding("working_time", rule, lines[k], 0.0, 0.0,
                                   (("{when}: {detail}", {"when": v.when, "detail": v.detail}),)))
    return out


def _line_of(v: Violation, lines: list[ReportLine], by_staff: dict[str, list[int]]
             ) -> int | None:
    """The line a violation is about: the one starting at the interval's start or end (a
    shift, the shift after a short rest), else the staff member's last line inside it."""
    staff = v.who.split("@", 1)[0]
    own = by_staff.get(staff, [])
    match = _WHEN.match(v.when)
    if not own:
        return None
    if match is None:
        return own[-1]
    a = datetime.fromisoformat(match.group(1))
    b = datetime.fromisoformat(f"{match.group(2) or match.group(1)[:10]} {match.group(3)}")
    if v.rule == "daily_rest":
        starting = [i for i in own if lines[i].start == b]
    else:
        starting = [i for i in own if lines[i].start == a]
    if starting:
        return starting[0]
    inside = [i for i in own if a <= lines[i].start < b]
    return max(inside, key=lambda i: lines[i].start) if inside else own[-1]


def run_audit(scenario: Scenario, lines: list[ReportLine], schedule: Schedule | None = None,
              *, tolerance_minutes: float = 60) -> AuditResult:
    """Every check on every line; findings in line order, then kind order."""
    import time

    began = time.perf_counter()
    wide = audit_scenario(scenario, lines)
    staff = wide.staff_by_id()
    plain = lines_as_schedule(wide, lines)
    costs = price_shifts(wide, list(plain.shifts))
    result = AuditResult(lines=lines)
    result.unit_of = {id(line): s.unit for line, s in zip(lines, plain.shifts, strict=True)}
    findings: list[Finding] = []
    for line, cost in zip(lines, costs, strict=True):
        findings += _claims(line, cost, staff.get(line.staff), wide)
    findings += _overtime(wide, lines, costs, result)
    findings += _decisions(wide, lines)
    if schedule is not None:
        findings += _plan(wide, lines, schedule, tolerance_minutes)
    findings += _working_time(wide, lines)
    position = {id(line): k for k, line in enumerate(lines)}
    findings.sort(key=lambda f: (position[id(f.line)], KINDS.index(f.kind), f.rule))
    result.findings = findings
    result.seconds = time.perf_counter() - began
    return result
