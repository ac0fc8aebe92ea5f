"""The ``scheduler`` command line: validate, solve, check, schema, import, place, capacity,
compare, docs (and serve, keys for the HTTP API).

Exit codes scripts can rely on:
  0  ok (input valid / schedule written / schedule clean)
  1  rule violations found by the independent validator
  2  bad input: unreadable or invalid scenario or schedule file, bad option (never a traceback)
  3  internal error (a bug; the traceback is printed) or the validator is not installed for check
"""

from __future__ import annotations

import json
import sys
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from pydantic import ValidationError
from rich.text import Text

from scheduler import __version__
from scheduler.api.cli import keys_app, serve, worker  # API modules load only when run
from scheduler.domain.groups import need_person_hours
from scheduler.domain.loader import InputError, describe_errors, load_schedule
from scheduler.domain.scenario import Scenario
from scheduler.domain.schedule import Schedule
from scheduler.i18n import DEFAULT_LANG, LANGS, check_lang, translator
from scheduler.planning.capacity import capacity_report
from scheduler.planning.compare import comparison_table, make_run, run_comparison
from scheduler.planning.continuity import continue_from, join
from scheduler.planning.importer import Sources, import_scenario
from scheduler.planning.pins import PinError
from scheduler.planning.pipeline import PlannedSchedule, plan
from scheduler.planning.replan import replan as run_replan
from scheduler.planning.tables import TableError
from scheduler.planning.variants import load_resolved, load_scenario
from scheduler.reports.capacity import print_report, write_report
from scheduler.reports.comparison import print_table, write_outputs
from scheduler.reports.html import write_html_report
from scheduler.reports.placement import print_placement, write_placement
from scheduler.reports.rules_doc import REGENERATE, render_rules_markdown
from scheduler.results.diff import diff_lines, write_diff
from scheduler.results.export import CSV_DIALECTS, csv_dialect, write_kpi_csvs, write_schedule
from scheduler.results.summary import print_summary, wide_console
from scheduler.solver.placement import place as run_placement
from scheduler.validator import check_schedule, format_report

EXIT_OK, EXIT_VIOLATIONS, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 3

app = typer.Typer(
    name="scheduler",
    help="Staff scheduling for LSS personal assistance (CP-SAT).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # scenario data may be sensitive; keep it off screens
)


def _fail(message: str, code: int = EXIT_BAD_INPUT) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


@contextmanager
def _bad_input(source: Path) -> Iterator[None]:
    """Turn every kind of input problem into a message naming the file, and exit code 2."""
    try:
        yield
    except InputError as exc:
        raise _fail(str(exc)) from None
    except ValidationError as exc:  # the loader wraps these; kept as a safety net
        raise _fail(f"{source}: " + "\n  ".join(["invalid input:", *describe_errors(exc, {})])
                    ) from None
    except (yaml.YAMLError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise _fail(f"{source}: cannot parse the file: {exc}") from None
    except OSError as exc:
        raise _fail(f"{source}: {exc.strerror or exc}") from None


def _load_scenario(path: Path) -> Scenario:
    with _bad_input(path):
        return load_scenario(path)


def _load_schedule(path: Path) -> Schedule:
    with _bad_input(path):
        return load_schedule(path)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"scheduler {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    """Staff scheduling for LSS personal assistance (CP-SAT).

    Exit codes: 0 ok, 1 rule violations, 2 bad input, 3 internal error.
    """


def _lang(value: str) -> str:
    try:
        return check_lang(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None


LangOption = Annotated[str, typer.Option(
    "--lang", callback=_lang, metavar="|".join(LANGS),
    help="Language of what people read: sv (Swedish) or en (English). JSON keys and the "
    "machine files stay English.")]

TimeLimitOption = Annotated[float | None, typer.Option(
    "--time-limit", "-t", min=0.1, help="Seconds (default: the scenario's solver settings).")]
WorkersOption = Annotated[int | None, typer.Option("--workers", "-w", min=1, max=64,
                                                   help="CP-SAT worker threads.")]
SeedOption = Annotated[int | None, typer.Option("--seed", min=0, help="Random seed.")]

ScenarioArg = Annotated[Path, typer.Argument(metavar="SCENARIO", show_default=False,
                                             help="Scenario file (YAML or JSON).")]


@app.command()
def validate(
    scenario_path: ScenarioArg,
    resolved: Annotated[bool, typer.Option(
        "--resolved", help="Print the scenario as YAML (a variant with its changes applied: "
        "loadable as a scenario file); the summary goes to stderr.")] = False,
) -> None:
    """Load and check a scenario (input only); print a one-line summary."""
    with _bad_input(scenario_path):
        data, scenario = load_resolved(scenario_path)
    if resolved:
        # stdout carries the YAML alone, so it can be redirected into a scenario file.
        typer.echo(yaml.safe_dump(data, sort_keys=False, allow_unicode=True,
                                  default_flow_style=None, width=100), nl=False)
    decisions = sum(len(c.decisions) for c in scenario.clients)
    typer.echo(
        f"{scenario_path}: OK – scenario {scenario.name!r}: {len(scenario.clients)} clients, "
        f"{len(scenario.staff)} staff, {decisions} decisions, "
        f"{need_person_hours(scenario):,.1f} need person-hours in {scenario.horizon.days} days "
        f"from {scenario.horizon.start}",
        err=resolved,
    )


class _ProgressLine:
    """Rendered on every refresh of the status line, so the elapsed time ticks between solutions;
    the solver's callback thread only swaps in the latest report."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.latest: Any = None  # engine.Progress

    def update(self, progress: Any) -> None:
        self.latest = progress

    def __rich__(self) -> Text:
        elapsed = time.perf_counter() - self.started
        p = self.latest
        if p is None:
            return Text(f"solving… {elapsed:5.1f} s  (no solution yet)")
        bound = "—" if p.bound is None else f"{p.bound:,.2f}"  # none during neighbourhood search
        return Text(
            f"solving… {elapsed:5.1f} s  best {p.objective:,.2f}  bound {bound}  "
            f"component {p.component + 1}/{p.components}"
        )


@app.command()
def solve(
    scenario_path: ScenarioArg,
    out: Annotated[Path, typer.Option("--out", "-o", help="Schedule JSON to write; the shift "
                                      "CSV goes beside it with the same stem.",
                                      show_default=False)],
    time_limit: TimeLimitOption = None,
    workers: WorkersOption = None,
    seed: SeedOption = None,
    deterministic: Annotated[bool, typer.Option(
        "--deterministic", help="The same input and seed give the same schedule, byte for byte "
        "(the time limit counts CP-SAT's deterministic time; slower per result, see README); "
        "default: the scenario's solver.deterministic.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q",
                                        help="No progress line and no summary.")] = False,
    kpi_csv: Annotated[bool, typer.Option("--kpi-csv", help="Also write <stem>.decisions.csv, "
                                          "<stem>.staff.csv, <stem>.clients.csv and "
                                          "<stem>.units.csv.")] = False,
    log: Annotated[bool, typer.Option("--log", help="Show CP-SAT's search log.")] = False,
    html: Annotated[bool, typer.Option("--report", help="Also write <stem>.html: key figures, "
                                         "charts and the week views (opens offline).")
                      ] = False,
    csv_format: Annotated[str, typer.Option(
        "--csv-dialect", metavar="|".join(CSV_DIALECTS),
        help="machine: comma, decimal point, UTF-8, English column names (for scripts); "
        "excel-sv: semicolon, decimal comma, UTF-8 with BOM and Swedish column names, which "
        "Swedish Excel opens in columns.")] = "machine",
    history: Annotated[list[Path] | None, typer.Option(
        "--history", metavar="PREVIOUS.json", show_default=False,
        help="A previous schedule of ours that ends where this horizon starts: its shifts "
        "become the history every rule counts (rest, weekly rest, caps). Repeat it for older "
        "ones, oldest first.")] = None,
    lang: LangOption = DEFAULT_LANG,
) -> None:
    """Solve a scenario (or a variant), write the schedule (JSON + CSV), print a summary,
    validate it."""
    if out.suffix.lower() == ".csv":
        raise _fail(f"--out {out}: give the JSON file name; the CSV is written beside it")
    try:
        csv_dialect(csv_format)
    except ValueError as exc:
        raise _fail(f"--csv-dialect: {exc}") from None
    scenario = _load_scenario(scenario_path)
    for path in history or []:
        previous = _load_schedule(path)
        with _bad_input(path):
            scenario = continue_from(scenario, previous, str(path))
    console = wide_console()
    line = _ProgressLine()
    live = not quiet and not log
    try:
        with console.status(line) if live else nullcontext():
            planned = plan(scenario, time_limit=time_limit, workers=workers, seed=seed,
                           progress=line.update if live else None, log=log,
                           deterministic=True if deterministic else None)
    except PinError as exc:
        raise _fail(f"{scenario_path}: pinned_shifts: {exc}") from None
    schedule, kpis = planned.schedule, planned.kpis
    with _bad_input(out):
        written = list(write_schedule(schedule, out, csv_dialect=csv_format))
        if kpi_csv:
            written += write_kpi_csvs(kpis, out, csv_dialect=csv_format)
        if html:
            run = make_run(scenario, schedule, source=str(scenario_path))
            written.append(write_html_report([run], out.with_suffix(".html"), lang=lang))

    if quiet:
        info = schedule.solve
        typer.echo(f"{info.status}, objective {info.objective}, {len(schedule.shifts)} shifts → "
                   + ", ".join(map(str, written)))
    else:
        print_summary(schedule, console=console, lang=lang)
        console.print()
        console.print(_wrote(lang, written))

    _verdict(planned, quiet)


def _verdict(planned: PlannedSchedule, quiet: bool) -> None:
    """The independent check's verdict on a written schedule; exit 1 on a broken rule."""
    schedule, report = planned.schedule, planned.report
    if not planned.complete:
        typer.echo(f"warning: no solution found ({schedule.solve.status}) for all parts within "
                   "the time limit; what was written is incomplete – try a longer --time-limit",
                   err=True)

    if report.violations:
        typer.echo(format_report(report), err=True)
        typer.echo(f"validator: {len(report.violations)} rule violations (an engine bug)",
                   err=True)
        raise typer.Exit(EXIT_VIOLATIONS)
    mismatches = list(report.penalty_mismatches)
    if report.uncovered_mismatch:
        mismatches.append(report.uncovered_mismatch)
    if mismatches:
        # Not a broken rule, but the engine and the validator disagree: show it, exit 0.
        typer.echo(format_report(report), err=True)
        typer.echo(f"validator: no violations, but {len(mismatches)} figures differ from its "
                   "recomputation", err=True)
    elif not quiet:
        typer.echo("validator: OK (no violations, penalties agree)")


@app.command()
def replan(
    scenario_path: ScenarioArg,
    previous_path: Annotated[Path, typer.Argument(
        metavar="PREVIOUS.json", help="The schedule to re-plan (made for this scenario before "
        "the change).", show_default=False)],
    start: Annotated[datetime, typer.Option(
        "--from", formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
        help="Local time from which the plan may change; what starts before it (and a shift "
        "running then) stays as it was.", show_default=False)],
    out: Annotated[Path, typer.Option("--out", "-o", help="New schedule JSON; beside it the "
                                      "shift CSV, <stem>.diff.json/.csv (the changes) and "
                                      "<stem>.scenario.yaml (the scenario it was planned for: "
                                      "check it with that).", show_default=False)],
    time_limit: TimeLimitOption = None,
    workers: WorkersOption = None,
    seed: SeedOption = None,
    deterministic: Annotated[bool, typer.Option(
        "--deterministic", help="The same input and seed give the same files.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q",
                                        help="No progress line and no summary.")] = False,
    lang: LangOption = DEFAULT_LANG,
) -> None:
    """Re-plan a schedule after a change (a sick call added as an absence, say) from --from on:
    keep everything before it, change as little as pays (weights.change per changed
    shift-hour), and write the changes with their reasons."""
    if out.suffix.lower() == ".csv":
        raise _fail(f"--out {out}: give the JSON file name; the CSV is written beside it")
    scenario = _load_scenario(scenario_path)
    previous = _load_schedule(previous_path)
    console = wide_console()
    line = _ProgressLine()
    try:
        with _bad_input(previous_path), console.status(line) if not quiet else nullcontext():
            result = run_replan(scenario, previous, start, time_limit=time_limit,
                                workers=workers, seed=seed,
                                progress=None if quiet else line.update,
                                deterministic=True if deterministic else None)
    except PinError as exc:
        raise _fail(f"{previous_path}: the shifts kept before --from {start:%Y-%m-%d %H:%M} "
                    f"cannot be kept in {scenario_path}: {exc}\n(what starts before --from, "
                    "and a shift running then, stays as it was: give an earlier --from, or let "
                    "the change start when that shift ends)") from None
    schedule = result.planned.schedule
    stem = out.with_suffix("")
    with _bad_input(out):
        written = list(write_schedule(schedule, out))
        written += write_diff(result.diff, stem.with_name(stem.name + ".diff.json"))
        scenario_out = stem.with_name(stem.name + ".scenario.yaml")
        scenario_out.write_text(yaml.safe_dump(
            result.scenario.model_dump(mode="json", exclude_defaults=True), sort_keys=False,
            allow_unicode=True, default_flow_style=None, width=100), encoding="utf-8")
        written.append(scenario_out)
    lines = diff_lines(result.diff)
    if quiet:
        typer.echo(f"{schedule.solve.status}, objective {schedule.solve.objective}; {lines[0]} "
                   "→ " + ", ".join(map(str, written)))
    else:
        print_summary(schedule, console=console, lang=lang)
        console.print()
        console.print(Text("Changes from " + f"{start:%Y-%m-%d %H:%M}: " + "\n".join(lines)))
        console.print("Wrote " + ", ".join(map(str, written)))
    _verdict(result.planned, quiet)


@app.command()
def check(
    scenario_path: ScenarioArg,
    schedule_path: Annotated[Path, typer.Argument(metavar="SCHEDULE", show_default=False,
                                                  help="Schedule JSON to check.")],
) -> None:
    """Check a schedule against its scenario with the independent validator.

    Exit 0 if clean, 1 on rule violations or when the schedule misstates its own figures
    (penalties or uncovered need that the validator recomputes differently), 2 on bad input.
    """
    scenario = _load_scenario(scenario_path)
    schedule = _load_schedule(schedule_path)
    horizon = scenario.horizon
    if (schedule.horizon_start, schedule.horizon_days, schedule.timezone) != (
        horizon.start.isoformat(), horizon.days, horizon.timezone
    ):
        raise _fail(
            f"{schedule_path}: made for the horizon {schedule.horizon_start} + "
            f"{schedule.horizon_days} days ({schedule.timezone}), but {scenario_path} has "
            f"{horizon.start} + {horizon.days} days ({horizon.timezone})"
        )
    if schedule.scenario != scenario.name:
        typer.echo(f"warning: {schedule_path} names scenario {schedule.scenario!r}, "
                   f"{scenario_path} is {scenario.name!r}", err=True)
    report = check_schedule(scenario, schedule)
    typer.echo(format_report(report))
    # A schedule that claims coverage or costs it does not have is as wrong as a broken rule.
    if report.violations or report.penalty_mismatches or report.uncovered_mismatch:
        raise typer.Exit(EXIT_VIOLATIONS)


@app.command("join")
def join_schedules(
    scenario_path: ScenarioArg,
    schedule_paths: Annotated[list[Path], typer.Argument(
        metavar="SCHEDULE...", show_default=False,
        help="Consecutive schedules (each planned with the one before as --history).")],
    out: Annotated[Path, typer.Option("--out", "-o", show_default=False,
                                      help="The joined schedule (JSON).")],
) -> None:
    """Join consecutive schedules into one schedule of SCENARIO (whose horizon holds them all),
    to check every rule across their seams with `scheduler check`."""
    scenario = _load_scenario(scenario_path)
    schedules = [_load_schedule(p) for p in schedule_paths]
    with _bad_input(out):
        joined = join(scenario, schedules, ", ".join(map(str, schedule_paths)))
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(joined.model_dump_json(indent=2) + "\n", encoding="utf-8")
    typer.echo(f"{len(joined.shifts)} shifts from {len(schedules)} schedules → {out}")


@app.command()
def schema(
    schedule: Annotated[bool, typer.Option("--schedule", help="The schedule (output) format "
                                           "instead of the scenario (input).")] = False,
) -> None:
    """Print the JSON Schema of the scenario (or schedule) format."""
    model = Schedule if schedule else Scenario
    typer.echo(json.dumps(model.model_json_schema(), indent=2, ensure_ascii=False))


OutOption = Annotated[Path | None, typer.Option(
    "--out", "-o", show_default=False,
    help="JSON file to write; the CSV files go beside it with the same stem.")]


@app.command()
def place(
    scenario_path: ScenarioArg,
    out: OutOption = None,
    time_limit: Annotated[float | None, typer.Option(
        "--time-limit", "-t", min=0.1, help="Seconds (default: the scenario's placement settings)."
    )] = None,
    lang: LangOption = DEFAULT_LANG,
) -> None:
    """Place the overstaffing team in the vacancies (CP-SAT): a table, and JSON + CSV with --out.

    Writes <out>.json, <stem>.csv (one row per member) and <stem>.vacancies.csv. Exit 0 ok,
    2 bad input.
    """

    if out is not None and out.suffix.lower() == ".csv":
        raise _fail(f"--out {out}: give the JSON file name; the CSV files are written beside it")
    scenario = _load_scenario(scenario_path)
    result = run_placement(scenario, time_limit=time_limit)
    console = wide_console()
    print_placement(scenario, result, console, lang=lang)
    if out is not None:
        with _bad_input(out):
            written = write_placement(scenario, result, out)
        console.print()
        console.print(_wrote(lang, written))


@app.command()
def capacity(
    scenario_path: ScenarioArg,
    schedule_path: Annotated[Path | None, typer.Argument(
        metavar="[SCHEDULE]", show_default=False,
        help="A schedule JSON of the scenario: adds scheduled hours and the team's pool use.",
    )] = None,
    out: OutOption = None,
    lang: LangOption = DEFAULT_LANG,
) -> None:
    """Overcapacity per unit and week: contracted, needed and scheduled hours, and the change
    the placement of the overstaffing team makes.

    Writes <out>.json, <stem>.csv and, with a schedule, <stem>.team.csv. Exit 0 ok, 2 bad input.
    """

    if out is not None and out.suffix.lower() == ".csv":
        raise _fail(f"--out {out}: give the JSON file name; the CSV files are written beside it")
    scenario = _load_scenario(scenario_path)
    schedule = None if schedule_path is None else _load_schedule(schedule_path)
    placement = run_placement(scenario)
    with _bad_input(schedule_path or scenario_path):
        report = capacity_report(scenario, schedule, placement,
                                 schedule_source=str(schedule_path))
    console = wide_console()
    print_report(report, console, lang=lang)
    if out is not None:
        with _bad_input(out):
            written = write_report(report, out)
        console.print()
        console.print(_wrote(lang, written))


@app.command()
def compare(
    base: Annotated[Path, typer.Argument(metavar="BASE", show_default=False,
                                         help="The base scenario (or variant) file.")],
    variants: Annotated[list[Path], typer.Argument(
        metavar="VARIANT...", show_default=False,
        help="Scenario or variant files to compare with the base.")],
    out_dir: Annotated[Path, typer.Option("--out-dir", "-o", help="Where the report, the "
                                          "workbook and the schedules go.")
                       ] = Path("out/compare"),
    time_limit: Annotated[float | None, typer.Option(
        "--time-limit", "-t", min=0.1, help="Seconds per scenario (default: each scenario's "
        "solver settings).")] = None,
    workers: Annotated[int | None, typer.Option(
        "--workers", "-w", min=1, max=64, help="CP-SAT threads in total, shared out over "
        "parallel solves (default: the number of cores).")] = None,
    seed: Annotated[int | None, typer.Option("--seed", min=0, help="Random seed.")] = None,
    lang: LangOption = DEFAULT_LANG,
) -> None:
    """Solve the base and each variant (in parallel), print the key figures side by side, and
    write an HTML report, an Excel workbook and every schedule to --out-dir.

    Exit 0 ok, 1 rule violations in a schedule, 2 bad input.
    """

    paths = [base, *variants]
    scenarios = [_load_scenario(p) for p in paths]
    console = wide_console()
    with console.status(f"solving {len(scenarios)} scenarios…"):
        runs = run_comparison(scenarios, [str(p) for p in paths], time_limit=time_limit,
                              workers=workers, seed=seed)
    table = comparison_table(runs, lang)
    print_table(table, [r.label for r in runs], console, lang=lang)
    with _bad_input(out_dir):
        written = write_outputs(runs, table, out_dir, lang=lang)
    console.print()
    console.print(_wrote(lang, [p for p in written if p.suffix != ".csv"]))
    incomplete = [r.label for r in runs if r.schedule.solve.status not in ("optimal", "feasible")]
    if incomplete:
        typer.echo(f"warning: no complete solution within the time limit for: "
                   f"{', '.join(incomplete)} – try a longer --time-limit", err=True)
    broken = [f"{r.label} ({r.violations})" for r in runs if r.violations]
    if broken:
        typer.echo(f"validator: rule violations in {', '.join(broken)} (an engine bug); run "
                   "`scheduler check` on the schedule for details", err=True)
        raise typer.Exit(EXIT_VIOLATIONS)


@app.command("import")
def import_tables(
    out: Annotated[Path, typer.Option("--out", "-o", show_default=False,
                                      help="The scenario file to write (YAML).")],
    workbooks: Annotated[list[Path] | None, typer.Argument(
        metavar="WORKBOOK.xlsx", show_default=False,
        help="Workbooks with sheets Personal, Kunder, Behov, Frånvaro (and Enheter).")] = None,
    staff: Annotated[Path | None, typer.Option(
        "--staff", show_default=False, help="Staff list: .csv, or .xlsx (sheet Personal).")
    ] = None,
    clients: Annotated[Path | None, typer.Option(
        "--clients", show_default=False,
        help="Clients, one row per decision: .csv, or .xlsx (sheet Kunder).")] = None,
    need: Annotated[Path | None, typer.Option(
        "--need", show_default=False,
        help="Need, one row per weekly window: .csv, or .xlsx (sheet Behov).")] = None,
    absences: Annotated[Path | None, typer.Option(
        "--absences", show_default=False, help="Absences: .csv, or .xlsx (sheet Frånvaro).")
    ] = None,
    units: Annotated[Path | None, typer.Option(
        "--units", show_default=False, help="Units: .csv, or .xlsx (sheet Enheter).")] = None,
    template: Annotated[Path | None, typer.Option(
        "--template", show_default=False,
        help="A scenario whose settings (horizon, units, rules, weights, solver, cost) the new "
        "one takes; its clients and staff are replaced.")] = None,
    name: Annotated[str | None, typer.Option("--name", show_default=False,
                                             help="Scenario name (default: the file's stem)."
                                             )] = None,
    start: Annotated[str | None, typer.Option(
        "--start", metavar="YYYY-MM-DD", show_default=False,
        help="First day of the horizon (default: the template's).")] = None,
    days: Annotated[int | None, typer.Option("--days", min=1, max=112, show_default=False,
                                             help="Days in the horizon (default: the "
                                             "template's, else 28).")] = None,
) -> None:
    """Turn a staff list, clients with decisions and need, and absences from spreadsheets
    (.xlsx or .csv in any common encoding and separator, Swedish or English column names) into
    a scenario file.

    Every bad cell is reported with file, sheet, row and column; nothing is written then.
    Exit 0 ok, 2 bad input.
    """
    if out.suffix.lower() not in (".yaml", ".yml"):
        raise _fail(f"--out {out}: the scenario is written as YAML (.yaml)")
    files = {key: path for key, path in (("staff", staff), ("clients", clients), ("need", need),
                                         ("absences", absences), ("units", units)) if path}
    if not workbooks and not files:
        raise _fail("nothing to import: give a workbook, or --staff and --clients files")
    base: dict[str, Any] | None = None
    if template is not None:
        with _bad_input(template):
            base = load_resolved(template)[0]
    try:
        first = None if start is None else date.fromisoformat(start)
    except ValueError:
        raise _fail(f"--start {start!r}: not a date (YYYY-MM-DD)") from None
    try:
        imported = import_scenario(Sources(list(workbooks or []), files), template=base,
                                   name=name or out.stem, start=first, days=days,
                                   out_label=str(out), description="Imported from " + ", ".join(
                                       map(str, [*(workbooks or []), *files.values()]))
                                   + (f" on the settings of {template}" if template else ""))
    except TableError as exc:
        problems = exc.problems
        typer.echo(f"error: {len(problems)} problem(s), nothing written:", err=True)
        for problem in problems:
            typer.echo(f"  {problem}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    with _bad_input(out):
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(yaml.safe_dump(imported.data, sort_keys=False, allow_unicode=True,
                                      default_flow_style=None, width=100), encoding="utf-8")
    for note in imported.notes:
        typer.echo(f"note: {note}", err=True)
    scenario = imported.scenario
    decisions = sum(len(c.decisions) for c in scenario.clients)
    absent = sum(len(s.absences) for s in scenario.staff)
    typer.echo(f"Wrote {out}: {len(scenario.staff)} staff, {len(scenario.clients)} clients, "
               f"{decisions} decisions, {absent} absences; {scenario.horizon.days} days from "
               f"{scenario.horizon.start}")


docs_app = typer.Typer(help="Documentation generated from the code.", no_args_is_help=True)


@docs_app.command("rules")
def docs_rules(
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", show_default=False,
        help="Markdown file to write (the repository's is docs/rules.md); default: stdout.")
    ] = None,
) -> None:
    """The rule catalogue (docs/rules.md), generated from the rule registry.

    Every registered rule with its kind, legal source, penalty terms and weights, the validator
    audit that re-checks it, and the working-time settings.
    """
    text = render_rules_markdown()
    if out is None:
        typer.echo(text, nl=False)
        return
    with _bad_input(out):
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    typer.echo(f"Wrote {out} (regenerate with `{REGENERATE}`)")


app.add_typer(docs_app, name="docs")

# --- time reports: audit, performed hours, invoicing basis (issue 17) -------------------------
# Imported where used, so these commands stay one block of this file.

ReportsOption = Annotated[Path | None, typer.Option(
    "--time-reports", show_default=False, help="Time report (CSV or XLSX); approved lines count.")]
ScheduleOption = Annotated[Path | None, typer.Option(
    "--schedule", show_default=False, help="A schedule JSON of the scenario.")]


def _time_reports(path: Path) -> list[Any]:
    from scheduler.domain.timereport import read_time_reports

    with _bad_input(path):
        return read_time_reports(path)


def _checked_lines(scenario: Scenario, lines: list[Any], source: Path) -> None:
    from scheduler.domain.timereport import line_reference_errors

    errors = line_reference_errors(lines, {s.id for s in scenario.staff},
                                   {c.id for c in scenario.clients},
                                   {u.id for u in scenario.units})
    if errors:
        raise _fail(str(InputError(str(source), errors)))


def _lines_of(scenario: Scenario, reports: Path | None, schedule_path: Path | None
              ) -> list[Any]:
    from scheduler.planning.performed import lines_from_schedule

    if (reports is None) == (schedule_path is None):
        raise _fail("give either --time-reports or --schedule")
    if reports is not None:
        lines = _time_reports(reports)
        _checked_lines(scenario, lines, reports)
        return lines
    assert schedule_path is not None
    return lines_from_schedule(_load_schedule(schedule_path), source=schedule_path.name)


def _not_approved(count: int, lang: str) -> None:
    from scheduler.i18n import translator

    if count:
        _ = translator(lang)
        typer.echo(_("Lines not approved, not counted") + f": {count}")


@app.command()
def audit(
    scenario_path: ScenarioArg,
    reports_path: Annotated[Path, typer.Argument(
        metavar="TIME_REPORTS", show_default=False,
        help="Time report, CSV or XLSX (Swedish or English column names).")],
    schedule_path: ScheduleOption = None,
    out: OutOption = None,
    tolerance: Annotated[float, typer.Option(
        "--tolerance-minutes", min=0, help="With --schedule: how far start and end may lie "
        "from the planned shift.")] = 60,
    lang: LangOption = DEFAULT_LANG,
) -> None:
    """Checks every time-report line: OB, jour and overtime claimed versus due, family
    caregivers' supplements, work outside a decision or beyond its settlement period, work
    not planned (with --schedule), rest and working-time rules.

    Writes <out>.json, <stem>.csv and <stem>.xlsx. Exit 0 no findings, 1 findings, 2 bad input.
    """
    from scheduler.planning.audit import run_audit
    from scheduler.reports.audit import print_audit, write_audit

    scenario = _load_scenario(scenario_path)
    lines = _time_reports(reports_path)
    _checked_lines(scenario, lines, reports_path)
    schedule = None if schedule_path is None else _load_schedule(schedule_path)
    try:
        result = run_audit(scenario, lines, schedule, tolerance_minutes=tolerance)
    except ValueError as exc:
        raise _fail(f"{reports_path}: {exc}") from None
    typer.echo(print_audit(result, lang))
    if out is not None:
        with _bad_input(out):
            written = write_audit(result, out, lang)
        typer.echo("Wrote " + ", ".join(map(str, written)))
    raise typer.Exit(EXIT_VIOLATIONS if result.findings else EXIT_OK)


@app.command()
def performed(
    scenario_path: ScenarioArg,
    reports: ReportsOption = None,
    schedule_path: ScheduleOption = None,
    out: OutOption = None,
    lang: LangOption = DEFAULT_LANG,
) -> None:
    """Performed hours per decision and month (awake time, jour as the decision counts it) and
    the settlement period's used and remaining hours, from approved time reports or a schedule;
    the JSON's hours_performed is the next plan's.

    Writes <out>.json and <stem>.csv. Exit 0 ok, 2 bad input.
    """
    from scheduler.planning.performed import next_hours_performed, performed_hours
    from scheduler.reports.audit import print_performed, write_performed

    scenario = _load_scenario(scenario_path)
    given = _lines_of(scenario, reports, schedule_path)
    lines = [line for line in given if line.approved]
    rows = performed_hours(scenario, lines)
    typer.echo(print_performed(rows, lang))
    _not_approved(len(given) - len(lines), lang)
    if out is not None:
        with _bad_input(out):
            written = write_performed(rows, next_hours_performed(scenario, lines), out)
        typer.echo("Wrote " + ", ".join(map(str, written)))


@app.command()
def invoice(
    scenario_path: ScenarioArg,
    month: Annotated[str, typer.Option("--month", help="The month, YYYY-MM.")],
    reports: ReportsOption = None,
    schedule_path: ScheduleOption = None,
    out: Annotated[Path | None, typer.Option(
        "--out", show_default=False, help="<stem>.csv and <stem>.xlsx are written.")] = None,
    lang: LangOption = DEFAULT_LANG,
) -> None:
    """The invoicing basis of a month: FK (SFB decisions, up to the granted hours), private
    providers (basansvar hours), other municipalities (bought places per night or day).

    Writes <stem>.csv and <stem>.xlsx. Exit 0 ok, 2 bad input.
    """
    from scheduler.planning.invoicing import invoice_rows, parse_month
    from scheduler.reports.audit import print_invoice, write_invoice

    try:
        parse_month(month)
    except ValueError as exc:
        raise _fail(str(exc)) from None
    scenario = _load_scenario(scenario_path)
    given = _lines_of(scenario, reports, schedule_path)
    rows = invoice_rows(scenario, given, month)
    typer.echo(print_invoice(rows, month, lang))
    _not_approved(sum(1 for line in given if not line.approved), lang)
    if out is not None:
        with _bad_input(out):
            written = write_invoice(rows, out, lang)
        typer.echo("Wrote " + ", ".join(map(str, written)))


# The HTTP API: `scheduler serve`, `scheduler worker`, `scheduler keys create|list|revoke`.
app.command()(serve)
app.command()(worker)
app.add_typer(keys_app, name="keys")


def _wrote(lang: str, paths: list[Path]) -> str:
    return translator(lang)("Wrote {files}").format(files=", ".join(map(str, paths)))


def main() -> None:
    """Console entry point: a bug exits 3 with its traceback, so exit 1 always means violations."""
    try:
        app(prog_name="scheduler")
    except SystemExit:
        raise
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)
    except Exception:
        traceback.print_exc()
        sys.exit(EXIT_INTERNAL)
