"""docs/rules.md is the registry's catalogue: the committed file is what the code generates now,
and every rule, penalty term, audit and setting is in it."""

from __future__ import annotations

import inspect
import re
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pydantic import Field
from typer.testing import CliRunner

from scheduler.cli import app
from scheduler.domain.common import Frozen
from scheduler.domain.settings import Weights, WorkingTimeRules
from scheduler.reports import rules_doc
from scheduler.reports.rules_doc import REGENERATE, render_catalogue, render_rules_markdown
from scheduler.solver.context import PenaltySpec
from scheduler.solver.rules import REGISTRY
from scheduler.solver.rules.base import Rule
from scheduler.validator import AUDITS, PENALTY_AUDITS

RULES_MD = Path(__file__).resolve().parents[2] / "docs" / "rules.md"


def _sections(text: str) -> dict[str, str]:
    """Rule id → its section (from its ``### `id` `` heading to the next heading)."""
    parts = re.split(r"^### `([^`]+)`$", text, flags=re.MULTILINE)
    return {rid: body.split("\n## ")[0] for rid, body in zip(parts[1::2], parts[2::2],
                                                             strict=True)}


def _row(text: str, first_cell: str) -> list[str]:
    """The cells of the table row that starts with ``first_cell``."""
    rows = [line for line in text.splitlines() if line.startswith(f"| {first_cell} |")]
    assert len(rows) == 1, (first_cell, rows)
    return [cell.strip() for cell in rows[0].strip("|").split(" | ")]


def _audit_name(audit: Any) -> str:
    return f"`{audit.__module__}.{audit.__qualname__}`"


def _summary(audit: Any) -> str:
    doc = inspect.getdoc(audit)
    return doc.splitlines()[0] if doc else ""


def _written(value: Any) -> str:
    """A default as the catalogue writes it (as in a scenario file)."""
    if isinstance(value, bool):
        return str(value).lower()
    if value is None:
        return "(none)"
    if isinstance(value, date):
        return value.isoformat()
    return f"`{value}`" if isinstance(value, str) else f"{value:g}"


def test_the_committed_catalogue_is_what_the_code_generates() -> None:
    assert RULES_MD.read_text(encoding="utf-8") == render_rules_markdown(), (
        f"docs/rules.md is stale: run `{REGENERATE}` and commit it"
    )


def test_the_committed_catalogue_has_a_section_per_registered_rule() -> None:
    by_kind = [r.id for r in REGISTRY if r.kind == "hard"] + [
        r.id for r in REGISTRY if r.kind == "soft"]
    assert list(_sections(RULES_MD.read_text(encoding="utf-8"))) == by_kind


def test_the_catalogue_says_it_is_generated_and_how_to_regenerate_it() -> None:
    head = render_rules_markdown().split("## Overview")[0]
    assert "Generated" in head and REGENERATE in head


@pytest.mark.parametrize("rule", REGISTRY, ids=lambda r: r.id)
def test_every_registered_rule_is_documented(rule: Rule) -> None:
    text = render_rules_markdown()
    assert _row(text, f"[`{rule.id}`](#{rule.id})")[1:] == [rule.kind, rule.title, rule.source]
    section = _sections(text)[rule.id]
    assert rule.title in section and f"Source: {rule.source}" in section
    preceding = text.split(f"### `{rule.id}`")[0]
    assert ("## Soft rules" in preceding) == (rule.kind == "soft")
    if rule.kind == "hard":
        audit = AUDITS[rule.id]
        assert f"Re-checked by {_audit_name(audit)}: {_summary(audit)}" in section


@pytest.mark.parametrize("spec", [s for r in REGISTRY for s in r.penalties], ids=lambda s: s.id)
def test_every_penalty_term_is_documented_with_its_weight_and_audit(spec: PenaltySpec) -> None:
    owner = next(r for r in REGISTRY if spec in r.penalties)
    section = _sections(render_rules_markdown())[owner.id]
    audit = PENALTY_AUDITS[spec.id]
    default = Weights.model_fields[spec.weight_field].default
    assert _row(section, f"`{spec.id}`")[1:] == [
        spec.label, spec.unit, f"`weights.{spec.weight_field}`", _written(default),
        f"{_audit_name(audit)}: {_summary(audit)}",
    ]


def test_every_audit_of_the_validator_is_named_in_the_catalogue() -> None:
    # From the validator's side, so a rule the validator checks but the catalogue lost shows up.
    text = render_rules_markdown()
    for audit in [*AUDITS.values(), *PENALTY_AUDITS.values()]:
        assert _audit_name(audit) in text, audit


@pytest.mark.parametrize("audit", [*AUDITS.values(), *PENALTY_AUDITS.values()],
                         ids=lambda a: a.__name__)
def test_every_audit_has_a_one_sentence_summary_line(audit: Any) -> None:
    first = _summary(audit)
    assert first.endswith(".") and len(first.split()) >= 4, (audit, first)


@pytest.mark.parametrize(("model", "heading"), [(Weights, "## Weights"),
                                                (WorkingTimeRules, "## Working-time settings")],
                         ids=["Weights", "WorkingTimeRules"])
def test_every_setting_is_listed_with_its_default_and_description(
    model: type[Frozen], heading: str
) -> None:
    table = render_rules_markdown().split(heading)[1].split("\n## ")[0]
    for name, field in model.model_fields.items():
        cells = _row(table, f"`{name}`")
        assert cells[1:3] == [_written(field.default), field.description], name


def test_a_rule_without_an_audit_twin_cannot_be_documented() -> None:
    orphan = replace(REGISTRY[0], id="unaudited_rule")
    with pytest.raises(LookupError, match="unaudited_rule"):
        render_catalogue([*REGISTRY, orphan], AUDITS, PENALTY_AUDITS)
    soft = next(r for r in REGISTRY if r.kind == "soft")
    term = replace(soft.penalties[0], id="unaudited_term")
    with pytest.raises(LookupError, match="unaudited_term"):
        render_catalogue([*REGISTRY, replace(soft, id="x", penalties=(term,))], AUDITS,
                         PENALTY_AUDITS)


def test_a_setting_without_a_description_cannot_be_documented(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Settings(Frozen):
        described: int = Field(default=1, description="Has one.")
        undescribed: int = 2

    monkeypatch.setattr(rules_doc, "WorkingTimeRules", Settings)
    with pytest.raises(ValueError, match=r"Settings\.undescribed"):
        render_rules_markdown()


runner = CliRunner()


def test_docs_rules_prints_the_catalogue() -> None:
    result = runner.invoke(app, ["docs", "rules"])
    assert result.exit_code == 0, result.output
    assert result.stdout == render_rules_markdown()


def test_docs_rules_writes_the_catalogue(tmp_path: Path) -> None:
    out = tmp_path / "docs" / "rules.md"
    result = runner.invoke(app, ["docs", "rules", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == render_rules_markdown()
    assert str(out) in result.stdout
