"""The time-report audit, performed hours and the invoicing basis for people and machines:
terminal summaries, JSON, CSV (English column names) and workbooks (headers in the language
chosen, Swedish by default)."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pandas as pd

from scheduler.i18n import translator
from scheduler.planning.audit import KINDS, AuditResult
from scheduler.planning.invoicing import BASES, InvoiceRow, totals
from scheduler.planning.performed import PerformedRow

FINDING_COLUMNS = ("kind", "rule", "source", "row", "reference", "approved", "staff", "client",
                   "unit", "start", "end", "hours", "amount", "detail")


def _kind_label(kind: str, lang: str) -> str:
    _ = translator(lang)
    return {
        "ob": _("OB claimed ≠ OB due"),
        "jour": _("Jour supplement claimed ≠ jour worked"),
        "caregiver_supplement": _("Family caregiver claims OB or jour supplement"),
        "overtime": _("Overtime claimed ≠ overtime worked"),
        "outside_decision": _("Work outside any decision"),
        "beyond_settlement": _("Work beyond the settlement period's hours"),
        "unplanned": _("Work with no planned shift"),
        "off_plan": _("Work far from the planned shift"),
        "working_time": _("Rest or working-time rule broken"),
    }[kind]


def audit_document(result: AuditResult) -> dict[str, Any]:
    return {
        "lines": len(result.lines),
        "findings": [f.record() for f in result.findings],
        "totals": {key: result.totals(key) for key in ("kind", "staff", "unit")},
        "amount": round(sum(f.amount for f in result.findings), 2),
        "overtime_periods_not_checked": result.unchecked_periods,
        "seconds": round(result.seconds, 3),
    }


def print_audit(result: AuditResult, lang: str = "sv") -> str:
    """The summary people read: counts and kr per kind, then each finding on one line."""
    _ = translator(lang)
    out = [f"{_('Time-report lines')}: {len(result.lines)}, {_('findings')}: "
           f"{len(result.findings)}, {_('amount')}: "
           f"{translator(lang).number(sum(f.amount for f in result.findings), 0)} kr"]
    per_kind = result.totals("kind")
    for kind in KINDS:
        if kind in per_kind:
            row = per_kind[kind]
            out.append(f"  {_kind_label(kind, lang)}: {int(row['findings'])}, "
                       f"{translator(lang).number(row['amount'], 0)} kr")
    for f in result.findings:
        line = f.line
        where = f"{line.source}, {_('row')} {line.row}" + (
            f" ({line.reference})" if line.reference else "")
        out.append(f"{where}  {_kind_label(f.kind, lang)}  "
                   f"{translator(lang).number(f.amount, 2)} kr  {f.text(lang)}")
    if result.unchecked_periods:
        out.append(_("Overtime not checked (limiting period not complete in the reports)")
                   + ": " + ", ".join(result.unchecked_periods))
    return "\n".join(out)


def write_audit(result: AuditResult, out: Path, lang: str = "sv") -> list[Path]:
    """<out>.json, <stem>.csv (one row per finding), <stem>.xlsx (findings and totals)."""
    _ = translator(lang)
    out.parent.mkdir(parents=True, exist_ok=True)
    json_path = out.with_suffix(".json")
    json_path.write_text(json.dumps(audit_document(result), indent=2, ensure_ascii=False),
                         encoding="utf-8")
    records = [f.record() for f in result.findings]
    csv_path = out.with_suffix(".csv")
    _write_csv(csv_path, FINDING_COLUMNS, records)
    xlsx_path = out.with_suffix(".xlsx")
    findings = pd.DataFrame(records, columns=list(FINDING_COLUMNS))
    findings.insert(1, "what", [_kind_label(k, lang) for k in findings["kind"]])
    findings["detail"] = [f.text(lang) for f in result.findings]
    # Local wall-clock times as Excel date-times (sortable, filterable), not text.
    findings["start"] = [f.line.start for f in result.findings]
    findings["end"] = [f.line.end for f in result.findings]
    headers = {"kind": _("Kind"), "what": _("Finding"), "rule": _("Rule"),
               "source": _("File"), "row": _("Row"), "reference": _("Reference"),
               "approved": _("Approved"),
               "staff": _("Staff"), "client": _("Client"), "unit": _("Unit"),
               "start": _("Start"), "end": _("End"), "hours": _("Hours"),
               "amount": _("Amount (kr)"), "detail": _("Detail")}
    with pd.ExcelWriter(xlsx_path, engine="openpyxl") as writer:
        findings.rename(columns=headers).to_excel(writer, sheet_name=_("Audit"), index=False)
        for key, title in (("kind", _("Per kind")), ("staff", _("Per staff member")),
                           ("unit", _("Per unit"))):
            table = pd.DataFrame([{key: _kind_label(k, lang) if key == "kind" else k, **v}
                                  for k, v in result.totals(key).items()],
                                 columns=[key, "findings", "hours", "amount"])
            table.rename(columns={"kind": _("Kind"), "staff": _("Staff"), "unit": _("Unit"),
                                  "findings": _("Findings"), "hours": _("Hours"),
                                  "amount": _("Amount (kr)")}).to_excel(
                writer, sheet_name=title, index=False)
    return [json_path, csv_path, xlsx_path]


def _write_csv(path: Path, columns: Sequence[str], records: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns))
        writer.writeheader()
        for r in records:
            writer.writerow({k: ("" if r.get(k) is None else r.get(k)) for k in columns})


# --- performed hours ---------------------------------------------------------------------------


def write_performed(rows: list[PerformedRow], next_performed: dict[str, float], out: Path
                    ) -> list[Path]:
    """<out>.json (rows and each decision's next hours_performed) and <stem>.csv."""
    out.parent.mkdir(parents=True, exist_ok=True)
    records = [_rounded(asdict(r)) for r in rows]
    json_path = out.with_suffix(".json")
    json_path.write_text(json.dumps({
        "months": records,
        "hours_performed": {k: round(v, 2) for k, v in next_performed.items()},
    }, indent=2, ensure_ascii=False), encoding="utf-8")
    csv_path = out.with_suffix(".csv")
    columns = list(PerformedRow.__dataclass_fields__)
    _write_csv(csv_path, columns, records)
    return [json_path, csv_path]


def print_performed(rows: list[PerformedRow], lang: str = "sv") -> str:
    _ = translator(lang)
    n = translator(lang).number
    out = [f"{_('Decision')}  {_('Month')}  {_('Awake hours')}  {_('Jour hours')}  "
           f"{_('Charged hours')}  {_('Used')}  {_('Remaining')}"]
    for r in rows:
        out.append(f"{r.client}/{r.decision} ({r.kind})  {r.month}  {n(r.awake_hours, 2)}  "
                   f"{n(r.jour_hours, 2)}  {n(r.charged_hours, 2)}  {n(r.used_hours, 2)}  "
                   f"{n(r.remaining_hours, 2)}")
    return "\n".join(out)


def _rounded(record: dict[str, Any]) -> dict[str, Any]:
    return {k: round(v, 2) if isinstance(v, float) else v for k, v in record.items()}


# --- invoicing ---------------------------------------------------------------------------------


def _recipient_label(kind: str, lang: str) -> str:
    _ = translator(lang)
    return {"fk": "FK", "provider": _("private provider"),
            "municipality": _("municipality"), "own": _("own (not invoiced)")}[kind]


def print_invoice(rows: list[InvoiceRow], month: str, lang: str = "sv") -> str:
    _ = translator(lang)
    n = translator(lang).number
    out = [f"{_('Invoicing basis')} {month}"]
    for r in rows:
        kind = _recipient_label(r.recipient_kind, lang)
        out.append(f"  {kind:<18} {r.recipient or '-':<18} {r.client:<8} "
                   f"{r.decision or '-':<8} {r.first_day}–{r.last_day}  {n(r.quantity, 2)} "
                   f"{_(BASES[r.basis])} × {n(r.rate, 2)} = {n(r.amount, 2)} kr  {r.text(lang)}")
    for recipient, amount in totals(rows).items():
        kind, name = recipient.split(": ", 1)
        out.append(f"{_('Total')} {_recipient_label(kind, lang)} {name}: {n(amount, 2)} kr")
    return "\n".join(out)


def write_invoice(rows: list[InvoiceRow], out: Path, lang: str = "sv") -> list[Path]:
    """<stem>.csv (one row per invoice line) and <stem>.xlsx (lines and totals)."""
    _ = translator(lang)
    out.parent.mkdir(parents=True, exist_ok=True)
    records = [r.record() for r in rows]
    columns = [c for c in InvoiceRow.__dataclass_fields__ if c != "note_values"]
    csv_path = out.with_suffix(".csv")
    _write_csv(csv_path, columns, records)
    xlsx_path = out.with_suffix(".xlsx")
    headers = {"recipient_kind": _("Recipient kind"), "recipient": _("Recipient"),
               "client": _("Client"), "decision": _("Decision"), "basis": _("Basis"),
               "first_day": _("First day"), "last_day": _("Last day"),
               "quantity": _("Quantity"), "rate": _("Price (kr)"),
               "amount": _("Amount (kr)"), "note": _("Note")}
    with pd.ExcelWriter(xlsx_path, engine="openpyxl") as writer:
        frame = pd.DataFrame(records, columns=columns)
        frame["recipient_kind"] = [_recipient_label(k, lang) for k in frame["recipient_kind"]]
        frame["basis"] = [_(BASES[b]) for b in frame["basis"]]
        frame["note"] = [r.text(lang) for r in rows]
        frame.rename(columns=headers).to_excel(
            writer, sheet_name=_("Invoicing basis"), index=False)
        pd.DataFrame([{"recipient": k, "amount": round(v, 2)} for k, v in totals(rows).items()],
                     columns=["recipient", "amount"]).rename(
            columns={"recipient": _("Recipient"), "amount": _("Amount (kr)")}).to_excel(
            writer, sheet_name=_("Total"), index=False)
    return [csv_path, xlsx_path]
