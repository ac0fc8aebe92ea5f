"""``scheduler import``: staff, clients with decisions, need and absences from spreadsheets
(``.xlsx`` sheets or ``.csv`` files, ``tables``) into the data of a scenario file.

Tables and their columns (Swedish or English names; case, accents, spaces and dashes do not
matter; ``*`` required):

- **Personal / Staff**: id*, home unit, contract hours per week *or* employment degree
  (sysselsättningsgrad, % of ``rules.full_time_hours_per_week``), employment form,
  competences, other units, clients approved for, role, hourly wage, weekdays only, family
  caregiver, overstaffing team.
- **Kunder / Brukare / Clients**: one row per decision: client*, unit, decision id, kind,
  granted hours per week*, settlement period from/to, hours performed, jour counts as, reserve,
  approved staff, required competences; scattered hours (yes/no), the home's x and y in km on
  a local plane (no address), the visit window (± minutes a visit may move), whether the
  decision pays for travel.
- **Behov / Need**: one row per weekly need window: client*, days, start*, end*, assistants at
  once, jour, service.
- **Frånvaro / Absences**: staff*, from*, to* (a date without a time is the last day,
  inclusive), reason.
- **Enheter / Units** (optional): id*, name, kind.

Settings (horizon, rules, weights, solver, cost, units) come from a template scenario, or from
``--start``/``--days``. Every problem is collected with its file, sheet, row and column before
anything is written; the result is validated as a scenario (``Scenario``) too.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from scheduler.domain.loader import InputError, parse_model
from scheduler.domain.scenario import Scenario
from scheduler.domain.settings import WorkingTimeRules
from scheduler.planning.tables import (
    WEEK,
    Place,
    Problem,
    Table,
    TableError,
    choice,
    is_blank,
    lookup,
    normalise,
    parse_bool,
    parse_clock,
    parse_date,
    parse_days,
    parse_degree,
    parse_hours,
    parse_id,
    parse_ids,
    parse_moment,
    parse_number,
    read_tables,
)


@dataclass(frozen=True)
class Column:
    key: str
    names: tuple[str, ...]
    required: bool = False

    @property
    def label(self) -> str:
        return self.names[0]


@dataclass(frozen=True)
class TableSpec:
    key: str
    sheets: tuple[str, ...]  # sheet names that hold it (first: the Swedish name we write)
    columns: tuple[Column, ...]

    def column_by_name(self) -> dict[str, Column]:
        return {normalise(n): c for c in self.columns for n in (c.key, *c.names)}


_STAFF_ID = ("Anställningsnummer", "staff id", "staff", "id", "Personal-id", "Personalnummer",
             "Anst.nr", "Medarbetare", "Medarbetar-id", "Assistent", "employee", "employee id")
_CLIENT_ID = ("Kund", "client", "client id", "Kund-id", "Kundnummer", "Brukare", "Brukar-id",
              "id")
_UNIT = ("Enhet", "unit", "home unit", "home_unit", "Hemenhet", "Enhets-id", "unit id")

STAFF = TableSpec("staff", ("Personal", "Staff", "Medarbetare", "Anställda", "Assistenter"), (
    Column("id", _STAFF_ID, required=True),
    Column("home_unit", _UNIT),
    Column("contract_hours_per_week", (
        "Timmar per vecka", "contract hours", "contract hours per week", "hours per week",
        "Avtalade timmar", "Avtalad tid", "Veckoarbetstid", "Arbetstid per vecka")),
    Column("degree", ("Sysselsättningsgrad", "employment degree", "degree", "Syss.grad",
                      "Tjänstgöringsgrad", "Omfattning", "employment rate")),
    Column("employment", ("Anställningsform", "employment", "employment form", "Avlöningsform",
                          "Lönetyp")),
    Column("competences", ("Kompetenser", "competences", "Kompetens", "skills")),
    Column("also_units", ("Andra enheter", "also units", "other units", "Övriga enheter")),
    Column("approved_for", ("Godkänd hos", "approved for", "Godkänd för", "Godkänd av",
                            "Brukare", "Kunder", "clients")),
    Column("role", ("Roll", "role", "Lönegrupp", "wage group")),
    Column("hourly_wage", ("Timlön", "hourly wage", "wage")),
    Column("works_weekdays_only", ("Bara vardagar", "weekdays only", "works weekdays only",
                                   "Endast vardagar")),
    Column("family_caregiver", ("Anhörigvårdare", "family caregiver")),
    Column("overstaffing_team", ("Övertalighetsteam", "overstaffing team")),
))

CLIENTS = TableSpec("clients", ("Kunder", "Brukare", "Clients", "Beslut", "Decisions"), (
    Column("client", _CLIENT_ID, required=True),
    Column("unit", _UNIT),
    Column("decision", ("Beslut", "decision", "decision id", "Beslut-id", "Beslutsnummer",
                        "Beslutsid")),
    Column("kind", ("Beslutstyp", "kind", "decision kind", "Insats", "Lagrum", "Typ")),
    Column("granted_hours_per_week", (
        "Beviljade timmar", "granted hours per week", "granted hours", "Beviljade timmar per "
        "vecka", "Beviljade tim/v", "Beviljat", "Timmar per vecka", "hours per week"),
        required=True),
    Column("period_start", ("Avräkningsperiod från", "settlement period from",
                            "settlement start", "period start", "period from",
                            "Avräkningsperiod start", "Period från", "Beslut från", "from",
                            "Från")),
    Column("period_end", ("Avräkningsperiod till", "settlement period to", "settlement end",
                          "period end", "period to", "Avräkningsperiod slut", "Period till",
                          "Beslut till", "to", "Till")),
    Column("hours_performed", ("Utförda timmar", "hours performed", "performed", "Utförd tid",
                               "Utfört")),
    Column("on_call_counts_as", ("Jour räknas som", "jour counts as", "on call counts as",
                                 "Jourfaktor")),
    Column("reserve", ("Reserv", "reserve")),
    Column("approved_staff", ("Godkända assistenter", "approved staff", "approved assistants",
                              "Godkänd personal", "Assistenter")),
    Column("required_competences", ("Kompetenskrav", "required competences",
                                    "Krav på kompetens", "competences")),
    Column("scattered", ("Spridda timmar", "scattered", "scattered hours", "Utspridda timmar",
                         "Hemtjänstliknande")),
    Column("home_x_km", ("Hem x (km)", "home x (km)", "home x km", "x_km", "x (km)")),
    Column("home_y_km", ("Hem y (km)", "home y (km)", "home y km", "y_km", "y (km)")),
    Column("visit_window_minutes", ("Besöksfönster (min)", "visit window (min)",
                                    "visit window minutes", "visit_window_minutes",
                                    "Besöksfönster")),
    Column("charges_travel", ("Restid debiteras", "charges travel", "travel charged",
                              "Beslutet betalar restid")),
))

NEED = TableSpec("need", ("Behov", "Need"), (
    Column("client", _CLIENT_ID, required=True),
    Column("days", ("Dagar", "days", "Veckodagar", "weekdays")),
    Column("start", ("Från", "start", "from", "Start", "Starttid", "start time", "Klockan från"),
           required=True),
    Column("end", ("Till", "end", "to", "Slut", "Sluttid", "end time", "Klockan till"),
           required=True),
    Column("staff", ("Antal", "staff", "assistants", "Antal assistenter", "Bemanning", "count",
                     "Antal personal")),
    Column("on_call", ("Jour", "on call", "on_call", "Sovande jour")),
    Column("service", ("Insats", "service", "Tjänst")),
))

ABSENCES = TableSpec("absences", ("Frånvaro", "Absences", "Absence"), (
    Column("staff", _STAFF_ID, required=True),
    Column("start", ("Från", "from", "start", "Från och med", "Fr.o.m.", "fom"), required=True),
    Column("end", ("Till", "to", "end", "Till och med", "T.o.m.", "tom"), required=True),
    Column("reason", ("Orsak", "reason", "Frånvarotyp", "Typ", "kind")),
))

UNITS = TableSpec("units", ("Enheter", "Units"), (
    Column("id", ("Enhet", "id", "unit", "Enhets-id", "unit id"), required=True),
    Column("name", ("Namn", "name", "Enhetsnamn")),
    Column("kind", ("Typ", "kind", "Verksamhet")),
))

SPECS: tuple[TableSpec, ...] = (STAFF, CLIENTS, NEED, ABSENCES, UNITS)

_EMPLOYMENT = {
    "monthly": ("monthly", "månadsavlönad", "månadslön", "månad", "månadsanställd"),
    "hourly": ("hourly", "timavlönad", "timanställd", "timlön", "tim", "timvikarie"),
    "pan": ("pan", "pan-anställd", "pan-avtal"),
}
_DECISION_KIND = {
    "sfb_assistance": ("sfb_assistance", "sfb", "assistansersättning", "fk"),
    "lss_assistance": ("lss_assistance", "lss", "lss 9 § 2", "lss 9:2", "kommunal assistans"),
    "ultimate_responsibility": ("ultimate_responsibility", "basansvar"),
    "short_term_stay": ("short_term_stay", "korttidsvistelse", "ktv"),
    "companion_service": ("companion_service", "ledsagarservice", "ledsagning"),
    "relief_service": ("relief_service", "avlösarservice", "avlösning"),
    "other": ("other", "övrigt", "annat"),
}
_SERVICE = {
    "assistance": ("assistance", "assistans", "personlig assistans"),
    "companion_service": ("companion_service", "ledsagarservice", "ledsagning"),
    "relief_service": ("relief_service", "avlösarservice", "avlösning"),
    "other": ("other", "övrigt", "annat"),
}
_RESERVE = {"pro_rata_need": ("pro_rata_need", "behov"), "pro_rata_time": ("pro_rata_time", "tid"),
            "none": ("none", "ingen")}
_UNIT_KIND = {
    "assistance_group": ("assistance_group", "assistansgrupp", "personlig assistans"),
    "short_term_stay": ("short_term_stay", "korttidsvistelse", "ktv"),
    "after_school_supervision": ("after_school_supervision", "korttidstillsyn"),
    "leisure": ("leisure", "fritidsverksamhet", "fritid"),
    "resource_unit": ("resource_unit", "resursenhet"),
}
_ABSENCE_REASON = {
    "vacation": ("semester", "vacation", "ledighet semester"),
    "sick leave": ("sjuk", "sjukfrånvaro", "sjukdom", "sjukskriven", "sick", "sick leave"),
    "leave": ("ledig", "tjänstledig", "tjänstledighet", "föräldraledig", "leave"),
}
# Columns a staff or client list often has that must not reach a scenario file.
_PERSONAL_DATA = {normalise(n) for n in (
    "Namn", "name", "Förnamn", "Efternamn", "first name", "last name", "surname", "full name",
    "Personnummer", "personal identity number", "Telefon", "Telefonnummer", "phone", "Mobil",
    "Adress", "address", "E-post", "e-mail", "email", "Födelsedatum", "date of birth")}


_TITLE_ROWS = 5


def _below_title(table: Table, known: Mapping[str, Column]) -> Table:
    """The table under a title: sheets often start with a line or two ("Personallista v. 12")
    above the header. The header is the first row naming a known column, if the first row
    names none and one of the next few does."""
    if any(normalise(h) in known for h in table.header if h):
        return table
    for k, (_, values) in enumerate(table.rows[:_TITLE_ROWS]):
        names = ["" if is_blank(v) else str(v).strip() for v in values]
        if any(normalise(n) in known for n in names if n):
            return Table(table.file, table.sheet, names, table.rows[k + 1:])
    return table


class _Cells:
    """Parses the cells of one table, collecting a problem per bad cell."""

    def __init__(self, table: Table, spec: TableSpec, problems: list[Problem]):
        known = spec.column_by_name()
        self.table = _below_title(table, known)
        table = self.table
        self.spec = spec
        self.problems = problems
        self.index: dict[str, int] = {}
        self.headers: dict[str, str] = {}
        for i, name in enumerate(table.header):
            if not name:
                if any(not is_blank(v[i]) for _, v in table.rows if i < len(v)):
                    self.problem(None, None, f"column {i + 1} has values but no header")
                continue
            column = known.get(normalise(name))
            if column is None and normalise(name) in _PERSONAL_DATA:
                self.problem(None, name, "personal data is not imported: remove the column "
                             "(scenarios hold pseudonymous ids only)")
            elif column is None:
                self.problem(None, name, "unknown column; known columns: " + ", ".join(
                    c.label for c in spec.columns))
            elif column.key in self.index:
                self.problem(None, name, f"the same as column {self.headers[column.key]!r}")
            else:
                self.index[column.key] = i
                self.headers[column.key] = name
        for column in spec.columns:
            if column.required and column.key not in self.index:
                self.problem(None, None, f"missing column {column.label!r} (or one of: "
                             f"{', '.join(column.names[1:])})")

    def problem(self, row: int | None, column: str | None, message: str) -> None:
        self.problems.append(Problem(self.table.place(row, column), message))

    def place(self, row: int, key: str | None = None) -> Place:
        return self.table.place(row, None if key is None else self.headers.get(key))

    def rows(self) -> Iterable[tuple[int, dict[str, Any]]]:
        for number, values in self.table.rows:
            yield number, {key: values[i] if i < len(values) else None
                           for key, i in self.index.items()}

    def get(self, number: int, row: dict[str, Any], key: str, parse: Callable[[Any], Any],
            default: Any = None, required: bool = False) -> Any:
        value = row.get(key)
        if is_blank(value):
            if required and key in self.index:  # a missing column is reported once, above
                self.problem(number, self.headers[key], "empty")
            return default
        try:
            return parse(value)
        except ValueError as exc:
            self.problem(number, self.headers.get(key, key), str(exc))
            return default


# --- from tables to scenario data --------------------------------------------------------------


@dataclass
class Sources:
    """Where each table comes from: a file per table (CSV, or a workbook's matching sheet) and
    workbooks whose every sheet is one of the tables."""

    workbooks: list[Path] = field(default_factory=list)
    files: dict[str, Path] = field(default_factory=dict)  # table key → file


@dataclass
class Imported:
    data: dict[str, Any]
    scenario: Scenario
    notes: list[str]


def _spec_for_sheet(name: str) -> TableSpec | None:
    wanted = normalise(name)
    return next((s for s in SPECS if wanted in {normalise(n) for n in s.sheets}), None)


def collect_tables(sources: Sources, problems: list[Problem]) -> dict[str, list[Table]]:
    found: dict[str, list[Table]] = defaultdict(list)
    for path in sources.workbooks:
        try:
            tables = read_tables(path)
        except TableError as exc:
            problems += exc.problems
            continue
        if path.suffix.lower() not in (".xlsx", ".xlsm"):
            problems.append(Problem(Place(str(path)), "a workbook must be .xlsx; give a CSV "
                                    "file with --staff, --clients, --need or --absences"))
            continue
        for name, table in tables.items():
            spec = _spec_for_sheet(name)
            if spec is None:
                if table.header:
                    problems.append(Problem(table.place(), "unknown sheet; known sheets: " +
                                            ", ".join(s.sheets[0] for s in SPECS)))
                continue
            found[spec.key].append(table)
    for key, path in sources.files.items():
        spec = next(s for s in SPECS if s.key == key)
        try:
            tables = read_tables(path)
        except TableError as exc:
            problems += exc.problems
            continue
        if len(tables) == 1:
            found[key] += tables.values()
            continue
        matching = [t for name, t in tables.items() if _spec_for_sheet(name) is spec]
        if not matching:
            problems.append(Problem(Place(str(path)), f"no sheet named {spec.sheets[0]!r} "
                                    f"(or {', '.join(spec.sheets[1:])}); sheets: "
                                    f"{', '.join(tables)}"))
        found[key] += matching
    return found


def _half_year(day: date) -> tuple[date, date]:
    if day.month <= 6:
        return date(day.year, 1, 1), date(day.year, 6, 30)
    return date(day.year, 7, 1), date(day.year, 12, 31)


def _iso_minutes(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


class _Builder:
    def __init__(self, template: dict[str, Any], horizon_start: date, problems: list[Problem]):
        self.template = template
        self.horizon_start = horizon_start
        self.problems = problems
        self.notes: list[str] = []
        self.units: dict[str, dict[str, Any]] = {
            str(u["id"]): dict(u) for u in template.get("units", []) if "id" in u}
        self.units_given = bool(self.units)
        rules = WorkingTimeRules.model_validate(template.get("rules", {}))
        self.full_time = rules.full_time_hours_per_week
        self.staff: dict[str, dict[str, Any]] = {}
        self.staff_place: dict[str, Place] = {}
        # (staff, client, place): from the staff's "approved for" and the clients' "approved"
        self.approved_for: list[tuple[str, str, Place]] = []
        self.approved_by: list[tuple[str, str, Place]] = []
        self.clients: dict[str, dict[str, Any]] = {}
        self.client_place: dict[str, Place] = {}
        self.decision_place: dict[str, Place] = {}
        self.approved_given: set[str] = set()
        self.need_rows: list[tuple[str, dict[str, Any], Place]] = []
        self.absences: list[tuple[str, datetime, datetime, str, Place]] = []

    def problem(self, place: Place, message: str) -> None:
        self.problems.append(Problem(place, message))

    def _unit(self, cells: _Cells, number: int, row: dict[str, Any], key: str) -> str | None:
        unit = cells.get(number, row, key, parse_id)
        if unit is None:
            if len(self.units) == 1:
                return next(iter(self.units))
            cells.problem(number, cells.headers.get(key, "unit"),
                          "no unit given" + ("" if self.units else " and no units known")
                          + (f"; units: {', '.join(self.units)}" if self.units else ""))
            return None
        if unit not in self.units:
            if self.units_given:
                cells.problem(number, cells.headers.get(key), f"unknown unit {unit!r}; units: "
                              f"{', '.join(self.units)}")
                return None
            self.units[unit] = {"id": unit}
            self.notes.append(f"unit {unit}: not in the template; added as an assistance group")
        return unit

    # -- tables --

    def read_units(self, cells: _Cells) -> None:
        for number, row in cells.rows():
            uid = cells.get(number, row, "id", parse_id, required=True)
            if uid is None:
                continue
            unit = dict(self.units.get(uid, {"id": uid}))
            name = cells.get(number, row, "name", lambda v: str(v).strip())
            if name:
                unit["name"] = name
            kind = cells.get(number, row, "kind", choice(_UNIT_KIND, "unit kind"))
            if kind:
                unit["kind"] = kind
            self.units[uid] = unit
        self.units_given = self.units_given or bool(self.units)

    def read_staff(self, cells: _Cells) -> None:
        if "contract_hours_per_week" in cells.index and "degree" in cells.index:
            cells.problem(None, cells.headers["degree"], "give contract hours or employment "
                          f"degree, not both (also {cells.headers['contract_hours_per_week']!r})")
        for number, row in cells.rows():
            sid = cells.get(number, row, "id", parse_id, required=True)
            unit = self._unit(cells, number, row, "home_unit")
            hours = cells.get(number, row, "contract_hours_per_week", parse_hours)
            degree = cells.get(number, row, "degree", parse_degree)
            employment = cells.get(number, row, "employment", choice(_EMPLOYMENT, "employment"))
            member: dict[str, Any] = {"id": sid, "home_unit": unit}
            if degree is not None:
                hours = round(degree * self.full_time, 2)
            if hours is None:
                given = any(not is_blank(row.get(k))
                            for k in ("contract_hours_per_week", "degree"))
                if employment != "hourly" and not given:  # a bad value is reported already
                    cells.problem(number, None, "no contract hours (or employment degree); "
                                  "give 0 for hourly staff")
                hours = 0.0
            member["contract_hours_per_week"] = hours
            member["employment"] = employment or ("hourly" if hours == 0 else "monthly")
            for key, parse in (("competences", _texts), ("also_units", parse_ids),
                               ("role", lambda v: str(v).strip()), ("hourly_wage", parse_hours),
                               ("works_weekdays_only", parse_bool),
                               ("family_caregiver", parse_bool),
                               ("overstaffing_team", parse_bool)):
                value = cells.get(number, row, key, parse)
                if value not in (None, [], False):
                    member[key] = value
            for client in cells.get(number, row, "approved_for", parse_ids, default=[]):
                if sid is not None:
                    self.approved_for.append((sid, client, cells.place(number, "approved_for")))
            if sid is None or unit is None:
                continue
            if sid in self.staff:
                cells.problem(number, cells.headers["id"], f"staff member {sid!r} already in "
                              f"{self.staff_place[sid]}")
                continue
            self.staff[sid] = member
            self.staff_place[sid] = cells.place(number)

    def read_clients(self, cells: _Cells) -> None:
        for number, row in cells.rows():
            cid = cells.get(number, row, "client", parse_id, required=True)
            unit = self._unit(cells, number, row, "unit")
            granted = cells.get(number, row, "granted_hours_per_week", parse_hours,
                                required=True)
            start = cells.get(number, row, "period_start", parse_date)
            end = cells.get(number, row, "period_end", parse_date)
            decision: dict[str, Any] = {
                "id": cells.get(number, row, "decision", parse_id),
                "kind": cells.get(number, row, "kind", choice(_DECISION_KIND, "decision kind"),
                                  default="sfb_assistance"),
                "granted_hours_per_week": granted,
            }
            if start is None and end is None:
                start, end = _half_year(self.horizon_start)
            elif start is None or end is None:
                cells.problem(number, cells.headers.get("period_start" if start is None
                                                        else "period_end"),
                              "give both ends of the settlement period (or neither: the half "
                              "year of the horizon's start)")
            decision["settlement_period"] = {"start": str(start), "end": str(end)}
            for key, parse in (("hours_performed", parse_hours),
                               ("on_call_counts_as", parse_number),
                               ("reserve", choice(_RESERVE, "reserve rule")),
                               ("charges_travel", parse_bool)):
                value = cells.get(number, row, key, parse)
                if value is not None:
                    decision[key] = value
            approved = cells.get(number, row, "approved_staff", parse_ids)
            competences = cells.get(number, row, "required_competences", _texts)
            scattered = cells.get(number, row, "scattered", parse_bool)
            visit_window = cells.get(number, row, "visit_window_minutes", _window_minutes)
            x_km = cells.get(number, row, "home_x_km", parse_number)
            y_km = cells.get(number, row, "home_y_km", parse_number)
            if (x_km is None) != (y_km is None):
                cells.problem(number, cells.headers.get("home_x_km" if y_km is None
                                                        else "home_y_km"),
                              "give both coordinates of the home (km on the local plane)")
            if cid is None or unit is None or granted is None:
                continue
            client = self.clients.get(cid)
            if client is None:
                client = {"id": cid, "unit": unit, "decisions": [], "need": {"weekly": []},
                          "approved_staff": [], "required_competences": []}
                self.clients[cid] = client
                self.client_place[cid] = cells.place(number)
            elif client["unit"] != unit:
                cells.problem(number, cells.headers.get("unit"), f"client {cid!r} is in unit "
                              f"{client['unit']!r} in {self.client_place[cid]}")
                continue
            if decision["id"] is None:
                decision["id"] = f"{cid}-D{len(client['decisions']) + 1}"
            if decision["id"] in self.decision_place:
                where = self.decision_place[decision["id"]]
                cells.problem(number, cells.headers.get("decision"),
                              f"decision {decision['id']!r} already in {where}")
                continue
            self.decision_place[decision["id"]] = cells.place(number)
            client["decisions"].append(decision)
            for sid in approved or []:  # checked in link(), with every other reference
                self.approved_by.append((sid, cid, cells.place(number, "approved_staff")))
            if approved is not None:
                self.approved_given.add(cid)
            for competence in competences or []:
                if competence not in client["required_competences"]:
                    client["required_competences"].append(competence)
            if scattered:
                client["scattered"] = True
            if x_km is not None and y_km is not None:
                client["home"] = {"x_km": x_km, "y_km": y_km}
            if visit_window is not None:
                client["visit_window_minutes"] = visit_window

    def read_need(self, cells: _Cells) -> None:
        for number, row in cells.rows():
            cid = cells.get(number, row, "client", parse_id, required=True)
            window: dict[str, Any] = {
                "days": cells.get(number, row, "days", parse_days, default=list(WEEK)),
                "start": cells.get(number, row, "start", parse_clock, required=True),
                "end": cells.get(number, row, "end", parse_clock, required=True),
                "staff": cells.get(number, row, "staff", _count, default=1),
            }
            if window["start"] == "24:00":
                cells.problem(number, cells.headers.get("start"), "a window cannot start at "
                              "24:00; write 00:00")
                continue
            if not window["days"]:
                cells.problem(number, cells.headers.get("days"), "no days")
                continue
            if cells.get(number, row, "on_call", parse_bool, default=False):
                window["on_call"] = True
            service = cells.get(number, row, "service", choice(_SERVICE, "service"))
            if service and service != "assistance":
                window["service"] = service
            if cid is None or window["start"] is None or window["end"] is None:
                continue
            if window["days"] == WEEK:
                del window["days"]  # every day: the scenario format's default
            self.need_rows.append((cid, window, cells.place(number, "client")))

    def read_absences(self, cells: _Cells) -> None:
        for number, row in cells.rows():
            sid = cells.get(number, row, "staff", parse_id, required=True)
            start = cells.get(number, row, "start", parse_moment, required=True)
            end = cells.get(number, row, "end", parse_moment, required=True)
            reason = cells.get(number, row, "reason", _reason, default="")
            if sid is None or start is None or end is None:
                continue
            begin = start[0]
            finish = end[0] if end[1] else end[0] + timedelta(days=1)  # a date: through that day
            if finish <= begin:
                cells.problem(number, cells.headers.get("end"), f"ends ({end[0]:%Y-%m-%d %H:%M})"
                              f" before it starts ({begin:%Y-%m-%d %H:%M})")
                continue
            self.absences.append((sid, begin, finish, reason, cells.place(number)))

    # -- cross-references --

    def _approve(self, client: dict[str, Any], sid: str, place: Place) -> None:
        if sid not in self.staff:
            self.problem(place, f"unknown staff member {sid!r} (not in the staff list)")
        elif sid not in client["approved_staff"]:
            client["approved_staff"].append(sid)

    def link(self) -> None:
        for sid, cid, place in self.approved_by:
            self._approve(self.clients[cid], sid, place)
        for sid, cid, place in self.approved_for:
            if cid not in self.clients:
                self.problem(place, f"unknown client {cid!r} (not in the clients list)")
            else:
                self._approve(self.clients[cid], sid, place)
                self.approved_given.add(cid)
        for cid, window, place in self.need_rows:
            if cid not in self.clients:
                self.problem(place, f"unknown client {cid!r} (not in the clients list)")
            else:
                self.clients[cid]["need"]["weekly"].append(window)
        by_staff: dict[str, list[tuple[datetime, datetime, str, Place]]] = defaultdict(list)
        for sid, begin, finish, reason, place in self.absences:
            if sid not in self.staff:
                self.problem(Place(place.file, place.sheet, place.row, None),
                             f"unknown staff member {sid!r} (not in the staff list)")
                continue
            by_staff[sid].append((begin, finish, reason, place))
        for sid, periods in by_staff.items():
            periods.sort(key=lambda p: p[0])
            kept: list[tuple[datetime, datetime, str, Place]] = []
            for period in periods:
                if kept and period[0] < kept[-1][1]:
                    prev = kept[-1]
                    self.problem(period[3], f"absence of {sid} {period[0]:%Y-%m-%d %H:%M}–"
                                 f"{period[1]:%Y-%m-%d %H:%M} overlaps the one in row "
                                 f"{prev[3].row} ({prev[0]:%Y-%m-%d %H:%M}–"
                                 f"{prev[1]:%Y-%m-%d %H:%M})")
                    continue
                kept.append(period)
            self.staff[sid]["absences"] = [
                {"start": _iso_minutes(b), "end": _iso_minutes(e), **({"reason": r} if r else {})}
                for b, e, r, _ in kept]
        for cid, client in self.clients.items():
            if cid not in self.approved_given:
                unit = client["unit"]
                client["approved_staff"] = [s for s, m in self.staff.items()
                                            if m["home_unit"] == unit
                                            or unit in m.get("also_units", [])]
                self.notes.append(f"client {cid}: no approved staff given; approved the "
                                  f"{len(client['approved_staff'])} staff of unit {unit}")
            if not client["need"]["weekly"]:
                self.notes.append(f"client {cid}: no need rows; nothing will be scheduled")


def _texts(value: Any) -> list[str]:
    return [p.strip() for p in re.split(r"[,;/\n]+", str(value)) if p.strip()]


def _window_minutes(value: Any) -> int:
    number = parse_number(re.sub(r"\s*min(uter)?$", "", str(value).strip(), flags=re.I))
    if not number.is_integer() or not 0 <= number <= 240:
        raise ValueError(f"not a visit window of whole minutes (0–240): {value!r}")
    return int(number)


def _count(value: Any) -> int:
    number = parse_number(value)
    if not number.is_integer() or not 1 <= number <= 10:
        raise ValueError(f"not a number of assistants (1–10): {value!r}")
    return int(number)


def _reason(value: Any) -> str:
    text = str(value).strip()
    return lookup(_ABSENCE_REASON).get(normalise(text), text)


_DROPPED = ("clients", "staff", "bookings", "pinned_shifts", "history", "vacancies")


def import_scenario(sources: Sources, *, template: dict[str, Any] | None = None,
                    name: str | None = None, start: date | None = None,
                    days: int | None = None, out_label: str = "the imported scenario",
                    description: str = "") -> Imported:
    """The scenario data the tables describe, on the settings of ``template`` (a scenario's
    data; its clients, staff and what names them are replaced). Raises ``TableError`` with
    every problem found."""
    problems: list[Problem] = []
    base = {k: v for k, v in (template or {}).items() if k not in _DROPPED}
    horizon = dict(base.get("horizon", {}))
    if start is not None:
        horizon["start"] = start.isoformat()
    if days is not None:
        horizon["days"] = days
    if "start" not in horizon:
        raise TableError([Problem(Place(out_label), "no horizon: give --start (and --days) or "
                                  "a --template scenario")])
    horizon.setdefault("days", 28)
    try:
        horizon_start = parse_date(horizon["start"])
    except ValueError as exc:
        raise TableError([Problem(Place(out_label), f"horizon start: {exc}")]) from None
    horizon["start"] = horizon_start.isoformat()
    builder = _Builder(base, horizon_start, problems)
    tables = collect_tables(sources, problems)
    if not tables.get("staff") and not problems:
        problems.append(Problem(Place(out_label), "no staff table (sheet Personal or --staff)"))
    if not tables.get("clients") and not problems:
        problems.append(Problem(Place(out_label), "no clients table (sheet Kunder or "
                                "--clients)"))
    readers = {"units": builder.read_units, "staff": builder.read_staff,
               "clients": builder.read_clients, "need": builder.read_need,
               "absences": builder.read_absences}
    for spec in (UNITS, STAFF, CLIENTS, NEED, ABSENCES):  # units first: others name them
        for table in tables.get(spec.key, []):
            readers[spec.key](_Cells(table, spec, problems))
    builder.link()  # also after bad cells: every problem is reported in one run
    if problems:
        raise TableError(problems)
    data: dict[str, Any] = {"format_version": base.get("format_version", "1"),
                            "name": name or base.get("name") or "imported"}
    data["description"] = description
    data["horizon"] = horizon
    data["units"] = list(builder.units.values())
    data["clients"] = list(builder.clients.values())
    data["staff"] = list(builder.staff.values())
    data.update({k: v for k, v in base.items() if k not in data and k != "description"})
    dropped = [k for k in _DROPPED[2:] if (template or {}).get(k)]
    if dropped:
        builder.notes.append(f"left out the template's {', '.join(dropped)} (they name its "
                             "clients and staff)")
    try:
        scenario = parse_model(Scenario, data, out_label)
    except InputError as exc:
        raise TableError([Problem(Place(out_label), p) for p in exc.problems]) from None
    return Imported(data, scenario, builder.notes)
