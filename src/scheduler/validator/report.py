"""The validator's findings and their terminal rendering."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Violation:
    """One broken hard rule: which rule, whom it concerns, when, and what exactly."""

    rule: str
    who: str
    when: str
    detail: str


@dataclass
class ValidationReport:
    violations: list[Violation] = field(default_factory=list)
    penalties: dict[str, float] = field(default_factory=dict)
    penalty_mismatches: list[str] = field(default_factory=list)
    uncovered_mismatch: str | None = None
    # Inconsistencies that break no rule (header fields, a shift's reported hours): shown, but
    # they do not make the schedule invalid.
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.violations

    def by_rule(self) -> dict[str, list[Violation]]:
        out: dict[str, list[Violation]] = {}
        for v in self.violations:
            out.setdefault(v.rule, []).append(v)
        return out


def format_report(report: ValidationReport) -> str:
    """One line per violation (rule, who, when, detail), then penalties and mismatches."""
    lines: list[str] = []
    if report.violations:
        rule_w = max(len(v.rule) for v in report.violations)
        who_w = max(len(v.who) for v in report.violations)
        when_w = max(len(v.when) for v in report.violations)
        for v in report.violations:
            lines.append(
                f"{v.rule:<{rule_w}}  {v.who:<{who_w}}  {v.when:<{when_w}}  {v.detail}".rstrip()
            )
        lines.append(f"INVALID: {len(report.violations)} hard-rule violation(s)")
    else:
        lines.append("OK: no hard-rule violations")
    if report.penalties:
        shown = ", ".join(f"{k}={v:.2f}" for k, v in report.penalties.items())
        lines.append(f"penalties (recomputed): {shown}")
    lines += [f"penalty mismatch: {m}" for m in report.penalty_mismatches]
    if report.uncovered_mismatch:
        lines.append(f"uncovered mismatch: {report.uncovered_mismatch}")
    lines += [f"note: {n}" for n in report.notes]
    return "\n".join(lines)
