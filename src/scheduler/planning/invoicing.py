"""The invoicing basis of a month: who pays for what the department performed.

From approved time-report lines (or a schedule read as lines), allocated to decisions as in
``scheduler.planning.performed`` (each day's hours on the decision whose settlement period holds
the day, jour at its ``on_call_counts_as``), and from the scenario's bookings:

- **Försäkringskassan** (``fk``): hours charged to ``sfb_assistance`` decisions within the
  granted total, × ``cost.fk_hourly_amount``. Hours beyond the granted total (an approved
  exception's, or beyond everything) are listed as ``own`` with no amount: FK does not pay them.
- **Private providers** (``provider``): hours our staff worked under an
  ``ultimate_responsibility`` decision (basansvar) for a client whose ``provider`` is set, ×
  ``cost.invoicing.provider_rates[provider]`` (else ``default_provider_rate``, else FK's hourly
  amount).
- **Other municipalities** (``municipality``): bookings of a client with a
  ``paying_municipality``: each night of a stay (a local midnight inside it) at ``per_night``,
  belonging to the month of the evening it starts; a stay without a night is one day per
  calendar day it touches at ``per_day``.
- Everything else (municipal LSS assistance, companion and relief service) is ``own``: listed
  with its hours, not invoiced.

A case that switches from municipal assistance to an SFB decision on a date is split there by
the decisions' settlement periods: the days before go to the municipal decision, the days from
the SFB decision's start to FK.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta

from scheduler.domain.clients import DecisionKind
from scheduler.domain.scenario import Scenario
from scheduler.domain.timereport import ReportLine
from scheduler.i18n import translator
from scheduler.planning.performed import allocate

RECIPIENT_KINDS = ("fk", "provider", "municipality", "own")
FK = "Försäkringskassan"


def _(text: str) -> str:
    """Marks a note for the catalogue; ``InvoiceRow.text`` translates it when shown."""
    return text


BASES = {"hours": _("hours"), "nights": _("nights"), "days": _("days")}


@dataclass(frozen=True)
class InvoiceRow:
    recipient_kind: str
    recipient: str
    client: str
    decision: str
    basis: str  # hours, nights, days
    first_day: str
    last_day: str
    quantity: float
    rate: float
    amount: float
    note: str = ""  # English, with {named} fields from note_values
    note_values: dict[str, str] = field(default_factory=dict)

    def text(self, lang: str = "en") -> str:
        return translator(lang)(self.note).format(**self.note_values) if self.note else ""

    def record(self) -> dict[str, object]:
        out: dict[str, object] = {f.name: getattr(self, f.name) for f in fields(self)
                                  if f.name != "note_values"}
        out["quantity"] = round(self.quantity, 2)
        out["amount"] = round(self.amount, 2)
        out["note"] = self.text("en")
        return out


def parse_month(text: str) -> tuple[date, date]:
    """'2027-03' → (first day, first day of the next month)."""
    try:
        first = datetime.strptime(text.strip(), "%Y-%m").date()
    except ValueError:
        raise ValueError(f"--month {text!r}: give the month as YYYY-MM") from None
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return first, following


def invoice_rows(scenario: Scenario, lines: list[ReportLine], month: str) -> list[InvoiceRow]:
    """Every invoice line of the month (approved lines only), grouped per recipient, client
    and decision."""
    first, following = parse_month(month)
    approved = [line for line in lines if line.approved]
    cost = scenario.cost
    rates = cost.invoicing
    # decision id → [hours within the granted total, hours beyond it] and the days worked
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    days: dict[str, list[date]] = defaultdict(list)
    for c in allocate(scenario, approved):
        if c.decision is None or not first <= c.day < following:
            continue
        sums[c.decision.id][0] += c.granted_hours
        sums[c.decision.id][1] += c.exception_hours + c.beyond_hours
        days[c.decision.id].append(c.day)
    rows: list[InvoiceRow] = []
    for client in scenario.clients:
        for d in client.decisions:
            if d.id not in sums:
                continue
            granted, over = sums[d.id]
            a, z = min(days[d.id]).isoformat(), max(days[d.id]).isoformat()
            if d.kind == DecisionKind.SFB_ASSISTANCE:
                rows.append(InvoiceRow("fk", FK, client.id, d.id, "hours", a, z, granted,
                                       cost.fk_hourly_amount, granted * cost.fk_hourly_amount))
                if over > 1e-9:
                    rows.append(InvoiceRow("own", "", client.id, d.id, "hours", a, z, over, 0.0,
                                           0.0, _("beyond the granted hours: not paid by FK")))
            elif d.kind == DecisionKind.ULTIMATE_RESPONSIBILITY:
                hours = granted + over
                if client.provider is None:
                    rows.append(InvoiceRow("provider", "", client.id, d.id, "hours", a, z,
                                           hours, 0.0, 0.0,
                                           _("no provider given for the client "
                                             "(clients[].provider)")))
                    continue
                rate = rates.provider_rates.get(client.provider)
                if rate is None:
                    rate = (rates.default_provider_rate if rates.default_provider_rate is not None
                            else cost.fk_hourly_amount)
                rows.append(InvoiceRow("provider", client.provider, client.id, d.id, "hours",
                                       a, z, hours, rate, hours * rate, _("basansvar")))
            else:
                rows.append(InvoiceRow("own", "", client.id, d.id, "hours", a, z,
                                       granted + over, 0.0, 0.0,
                                       _("{kind}: paid by the municipality"),
                                       {"kind": d.kind.value}))
    rows += _bookings(scenario, first, following)
    order = {k: n for n, k in enumerate(RECIPIENT_KINDS)}
    rows.sort(key=lambda r: (order[r.recipient_kind], r.recipient, r.client, r.first_day))
    return rows


def _bookings(scenario: Scenario, first: date, following: date) -> list[InvoiceRow]:
    clients = scenario.client_by_id()
    rates = scenario.cost.invoicing
    per: dict[tuple[str, str, str, str], list[date]] = defaultdict(list)
    for b in scenario.bookings:
        client = clients.get(b.client)
        if client is None or client.paying_municipality is None:
            continue
        start, end = b.start.replace(tzinfo=None), b.end.replace(tzinfo=None)
        midnight = datetime.combine(start.date() + timedelta(days=1), time(0))
        evenings: list[date] = []
        while midnight < end:
            evenings.append(midnight.date() - timedelta(days=1))
            midnight += timedelta(days=1)
        key = (client.paying_municipality, client.id, b.unit)
        if evenings:
            per[(*key, "nights")] += [d for d in evenings if first <= d < following]
        else:
            last = (end - timedelta(microseconds=1)).date()
            day = start.date()
            while day <= last:
                if first <= day < following:
                    per[(*key, "days")].append(day)
                day += timedelta(days=1)
    rows: list[InvoiceRow] = []
    for (municipality, client_id, unit, basis), dates in sorted(per.items()):
        if not dates:
            continue
        price = rates.place_prices.get(municipality, rates.default_place_price)
        rate = price.per_night if basis == "nights" else price.per_day
        rows.append(InvoiceRow("municipality", municipality, client_id, "", basis,
                               min(dates).isoformat(), max(dates).isoformat(), len(dates), rate,
                               len(dates) * rate, _("bought place in {unit}"), {"unit": unit}))
    return rows


def totals(rows: list[InvoiceRow]) -> dict[str, float]:
    """kr per recipient (kind: name)."""
    out: dict[str, float] = defaultdict(float)
    for r in rows:
        if r.amount:
            out[f"{r.recipient_kind}: {r.recipient}"] += r.amount
    return dict(out)
