"""Time reports with planted errors, and the audit's run time on them.

    python bench/timereports.py L [--seed N] [--out DIR] [--per-kind N] [--repeat N]

Generates the instance (``scheduler.planning.instances``, 28 days from 2027-02-22, the start of
a limiting period from the default ``period_start``), marks every other PAN assistant a family
caregiver and brings one decision near the end of its settlement period (``hours_performed``),
plans it with the greedy baseline, writes that schedule's shifts as time-report lines that claim
exactly what is due (OB per class and jour supplement from the cost model, overtime per limiting
period on the period's last line), then plants ``--per-kind`` errors of each kind on distinct
lines and writes ``scenario.yaml``, ``schedule.json``, ``time_reports.csv`` and ``planted.csv``
(row, kind). Finally it times ``run_audit`` (with the schedule) ``--repeat`` times and prints the
median, and how many planted rows got a finding of their kind.

``due_lines`` and ``plant`` are also how ``scenarios/time_reports/`` was made.
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import sys
import time
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

from scheduler.domain.scenario import Scenario
from scheduler.domain.schedule import Schedule
from scheduler.domain.timereport import OB_CLASSES, ReportLine
from scheduler.planning.audit import lines_as_schedule, run_audit
from scheduler.planning.instances import generate, scenario_yaml
from scheduler.planning.performed import lines_from_schedule
from scheduler.results.costing import price_shifts
from scheduler.results.export import write_schedule
from scheduler.solver.baseline import plan_greedy

PLANTED_KINDS = ("ob", "jour", "caregiver_supplement", "overtime", "outside_decision",
                 "beyond_settlement", "unplanned", "off_plan", "working_time")
HEADER = ("referens", "anställd", "brukare", "enhet", "datum", "från", "till", "jour", "rast",
          "ob kväll", "ob natt", "ob helg dag", "ob helg natt", "ob storhelg dag",
          "ob storhelg natt", "jourersättning", "övertid", "övertid typ", "attesterad")


def due_lines(scenario: Scenario, schedule: Schedule) -> list[ReportLine]:
    """The schedule's shifts as lines claiming what is due."""
    lines = lines_from_schedule(schedule)
    costs = price_shifts(scenario, list(lines_as_schedule(scenario, lines).shifts))
    rules = scenario.rules
    days = rules.limiting_period_weeks * 7
    full = rules.full_time_hours_per_week * days / 7
    work: dict[tuple[str, int], float] = defaultdict(float)
    last: dict[tuple[str, int], int] = {}
    for i, (line, cost) in enumerate(zip(lines, costs, strict=True)):
        block = (line.start.date() - rules.period_start).days // days
        work[(line.staff, block)] += cost.work_hours
        key = (line.staff, block)
        if key not in last or lines[last[key]].start < line.start:
            last[key] = i
    overtime = {last[k]: round(max(0.0, w - full), 2) for k, w in work.items()}
    staff = scenario.staff_by_id()
    out: list[ReportLine] = []
    for i, (line, cost) in enumerate(zip(lines, costs, strict=True)):
        caregiver = staff[line.staff].family_caregiver
        ob = {} if caregiver else {c: round(cost.active.get(c, 0.0), 2) for c in OB_CLASSES
                                   if cost.active.get(c, 0.0) > 0.004}
        jour = 0.0 if caregiver else round(sum(cost.jour.values()), 2)
        out.append(line.model_copy(update={
            "row": i + 2, "reference": f"T{i + 1:05d}", "ob_hours": ob,
            "jour_supplement_hours": jour, "overtime_hours": overtime.get(i, 0.0)}))
    return out


def plant(scenario: Scenario, lines: list[ReportLine], per_kind: int, seed: int
          ) -> tuple[list[ReportLine], list[tuple[str, str]]]:
    """Lines with ``per_kind`` errors of each kind on distinct lines (added lines for unplanned
    work and short rest); returns the lines and (reference, kind) of each planted error."""
    rng = random.Random(seed)
    lines = list(lines)
    staff = scenario.staff_by_id()
    clients = scenario.client_by_id()
    used: set[int] = set()
    planted: list[tuple[str, str]] = []

    def pick(ok: object = None) -> int | None:
        candidates = [i for i, line in enumerate(lines) if i not in used
                      and line.client is not None and (ok is None or ok(line))]  # type: ignore
        if not candidates:
            return None
        i = rng.choice(candidates)
        used.add(i)
        return i

    def mark(i: int, kind: str, **update: object) -> None:
        lines[i] = lines[i].model_copy(update=update)
        planted.append((lines[i].reference, kind))

    def paid(line: ReportLine) -> bool:
        return not staff[line.staff].family_caregiver

    for _ in range(per_kind):
        if (i := pick(paid)) is not None:
            ob = dict(lines[i].ob_hours)
            ob["weekday_evening"] = ob.get("weekday_evening", 0.0) + 2
            mark(i, "ob", ob_hours=ob)
        if (i := pick(lambda x: paid(x) and x.on_call_hours == 0)) is not None:
            mark(i, "jour", jour_supplement_hours=3.0)
        if (i := pick(lambda x: staff[x.staff].family_caregiver)) is not None:
            mark(i, "caregiver_supplement", ob_hours={"weekday_night": 2.0})
        if (i := pick(lambda x: x.overtime_hours == 0)) is not None:
            mark(i, "overtime", overtime_hours=4.0)
        if (i := pick(lambda x: _undecided(scenario, x))) is not None:
            # Reported two weeks later, when the client's decision has ended.
            two = timedelta(days=14)
            mark(i, "outside_decision", start=lines[i].start + two, end=lines[i].end + two)
        if (i := pick(lambda x: x.end.hour <= 20 and x.end.hour >= 8)) is not None:
            mark(i, "off_plan", end=lines[i].end + timedelta(hours=2))
        if (i := pick()) is not None:
            # Someone else reports the same hours for the same client (nobody planned them).
            other = _free_colleague(scenario, lines, lines[i], rng)
            if other is not None:
                lines.append(lines[i].model_copy(update={
                    "staff": other, "row": 0, "reference": f"X{len(lines):05d}",
                    "overtime_hours": 0.0}))
                planted.append((lines[-1].reference, "unplanned"))
        if (i := pick(lambda x: x.end.hour < 20)) is not None:
            # A 3-hour line 4 h after a shift ends: 4 h of daily rest.
            start = lines[i].end + timedelta(hours=4)
            lines.append(lines[i].model_copy(update={
                "start": start, "end": start + timedelta(hours=3), "on_call_hours": 0.0,
                "unpaid_break_hours": 0.0, "ob_hours": {}, "jour_supplement_hours": 0.0,
                "overtime_hours": 0.0, "row": 0, "reference": f"X{len(lines):05d}"}))
            planted.append((lines[-1].reference, "working_time"))
    # Beyond settlement: the decision brought near its end (see main) is charged by its lines.
    del clients
    lines.sort(key=lambda x: (x.start, x.staff))
    lines = [x.model_copy(update={"row": k + 2}) for k, x in enumerate(lines)]
    return lines, planted


def _undecided(scenario: Scenario, line: ReportLine) -> bool:
    """No paying decision of the line's client holds the day two weeks later."""
    client = scenario.client_by_id().get(line.client or "")
    later = [line.start.date() + timedelta(days=14), line.end.date() + timedelta(days=14)]
    return client is not None and not any(
        d.settlement_period.start <= day <= d.settlement_period.end and d.kind.service is not None
        for d in client.decisions for day in later)


def _free_colleague(scenario: Scenario, lines: list[ReportLine], line: ReportLine,
                    rng: random.Random) -> str | None:
    margin = timedelta(hours=12)
    busy = {x.staff for x in lines if x.start - margin < line.end and line.start < x.end + margin}
    free = [s.id for s in scenario.staff if s.id not in busy]
    return rng.choice(free) if free else None


def write_csv(lines: list[ReportLine], path: Path) -> None:
    """Swedish column names, ';' and decimal commas, UTF-8 with BOM (as Excel saves it)."""
    def num(value: float) -> str:
        return f"{value:g}".replace(".", ",") if value else "0"

    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(HEADER)
        for x in lines:
            writer.writerow([
                x.reference, x.staff, x.client or "", x.unit or "", x.start.date().isoformat(),
                f"{x.start:%H:%M}", f"{x.end:%H:%M}" if x.end.date() == x.start.date() or (
                    x.end.date() == x.start.date() + timedelta(days=1)
                    and x.end.time() <= x.start.time())
                else x.end.isoformat(sep=" ", timespec="minutes"),
                num(x.on_call_hours), num(x.unpaid_break_hours),
                *(num(x.ob_hours.get(c, 0.0)) for c in OB_CLASSES),
                num(x.jour_supplement_hours), num(x.overtime_hours),
                "kvalificerad" if x.overtime_kind == "qualified" else "enkel",
                "ja" if x.approved else "nej"])


def prepared(size: str, seed: int) -> Scenario:
    """The instance with family caregivers and one decision near its period's end."""
    scenario = generate(size, seed=seed, start=date(2027, 2, 22), days=28)
    pan = [s for s in scenario.staff if s.employment.value == "pan"]
    caregivers = {s.id for s in pan[::2]}
    staff = [s.model_copy(update={"family_caregiver": s.id in caregivers})
             for s in scenario.staff]
    clients = list(scenario.clients)
    changed = 0  # the first client's decision near its end, the second's ending mid-horizon
    for k, c in enumerate(clients):
        d = c.decisions[0]
        if d.kind.service is None or d.settlement_period.start > scenario.horizon.start:
            continue
        if changed == 0:
            near = max(0.0, d.granted_total_hours - 40)
            update: dict[str, object] = {"hours_performed": near}
        else:
            end = scenario.horizon.start + timedelta(days=13)
            update = {"settlement_period": d.settlement_period.model_copy(update={"end": end})}
        decisions = [d.model_copy(update=update), *c.decisions[1:]]
        clients[k] = c.model_copy(update={"decisions": decisions})
        changed += 1
        if changed == 2:
            break
    data = scenario.model_dump(mode="json", exclude_defaults=True)
    data["staff"] = [s.model_dump(mode="json", exclude_defaults=True) for s in staff]
    data["clients"] = [c.model_dump(mode="json", exclude_defaults=True) for c in clients]
    return Scenario.model_validate(data)


def example(folder: Path, seed: int) -> int:
    """scenarios/time_reports: the plan, and time reports with one error of each kind."""
    from scheduler.planning.variants import load_scenario

    scenario = load_scenario(folder / "scenario.yaml")
    schedule = plan_greedy(scenario)
    (folder / "schedule.json").write_text(schedule.model_dump_json(indent=2) + "\n",
                                          encoding="utf-8")
    lines, planted = plant(scenario, due_lines(scenario, schedule), 1, seed)
    write_csv(lines, folder / "time_reports.csv")
    with (folder / "planted.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([("reference", "kind"), *planted])
    print(f"{folder}: {len(schedule.shifts)} planned shifts, {len(lines)} lines, "
          f"planted {planted}")
    return 0


def measure(size: str, seed: int, out: Path, per_kind: int, repeat: int) -> dict[str, object]:
    """Generate, plant, write, then time reading + auditing; the figures as a dict."""
    out.mkdir(parents=True, exist_ok=True)
    scenario = prepared(size, seed)
    (out / "scenario.yaml").write_text(scenario_yaml(scenario, "bench/timereports.py"),
                                       encoding="utf-8")
    began = time.perf_counter()
    schedule = plan_greedy(scenario)
    plan_seconds = time.perf_counter() - began
    write_schedule(schedule, out / "schedule.json")
    lines, planted = plant(scenario, due_lines(scenario, schedule), per_kind, seed)
    write_csv(lines, out / "time_reports.csv")
    with (out / "planted.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([("reference", "kind"), *planted])
    from scheduler.domain.timereport import read_time_reports

    seconds: list[float] = []
    result = None
    for _ in range(repeat):
        began = time.perf_counter()
        read = read_time_reports(out / "time_reports.csv")
        result = run_audit(scenario, read, schedule)
        seconds.append(time.perf_counter() - began)
    assert result is not None
    caught = {(f.line.reference, f.kind) for f in result.findings}
    by_kind: dict[str, int] = defaultdict(int)
    for f in result.findings:
        by_kind[f.kind] += 1
    return {
        "size": size, "seed": seed, "shifts": len(schedule.shifts), "lines": len(lines),
        "plan_seconds": plan_seconds, "planted": planted,
        "missed": [p for p in planted if p not in caught],
        "findings": dict(sorted(by_kind.items())), "seconds": seconds,
        "median_seconds": statistics.median(seconds),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("size", nargs="?", default="L")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path("out/timereports"))
    parser.add_argument("--per-kind", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--example", type=Path, default=None,
                        help="a folder with scenario.yaml: write its plan and time reports with "
                        "one planted error of each kind there (scenarios/time_reports)")
    args = parser.parse_args(argv)
    if args.example is not None:
        return example(args.example, args.seed)
    figures = measure(args.size, args.seed, args.out, args.per_kind, args.repeat)
    planted = figures["planted"]
    assert isinstance(planted, list)
    print(f"{figures['size']} seed {figures['seed']}: greedy plan {figures['shifts']} shifts "
          f"({figures['plan_seconds']:.1f} s); {figures['lines']} lines, {len(planted)} planted "
          f"errors, missed {figures['missed']}; findings per kind: {figures['findings']}")
    seconds = figures["seconds"]
    assert isinstance(seconds, list)
    print(f"read + audit (with the schedule): median {figures['median_seconds']:.2f} s of "
          f"{len(seconds)} ({', '.join(f'{s:.2f}' for s in seconds)})")
    return 0 if not figures["missed"] else 1


if __name__ == "__main__":
    sys.exit(main())
