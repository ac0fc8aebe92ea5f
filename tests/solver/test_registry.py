"""The rule registry is complete: every rule module is registered, every hard rule has an
independent audit in the validator, and every penalty term is recomputed there."""

from __future__ import annotations

import pkgutil

import scheduler.solver.rules as rules_package
from scheduler.domain.settings import Weights
from scheduler.solver.output import penalty_terms
from scheduler.solver.rules import HARD_RULES, MODULES, PENALTY_SPECS, PENALTY_TERMS, REGISTRY
from scheduler.validator import AUDITS, PENALTY_AUDITS


def test_every_rule_module_is_registered():
    on_disk = {m.name for m in pkgutil.iter_modules(rules_package.__path__)} - {"base"}
    registered = {m.__name__.rsplit(".", 1)[1] for m in MODULES}
    assert on_disk == registered


def test_every_hard_rule_has_an_audit_twin_and_no_audit_is_orphaned():
    assert set(HARD_RULES) == set(AUDITS)


def test_every_penalty_term_is_recomputed_by_the_validator():
    assert set(PENALTY_TERMS) == set(PENALTY_AUDITS)


def test_rules_are_documented():
    for rule in REGISTRY:
        assert rule.title and rule.source, rule.id
        assert (rule.kind == "soft") == bool(rule.penalties), rule.id


def test_every_penalty_term_is_priced_by_a_weights_field():
    for spec in PENALTY_SPECS:
        assert spec.weight_field in Weights.model_fields, spec
        assert spec.label and spec.unit, spec


def test_a_schedule_reports_each_term_with_its_declared_unit_and_weight():
    class _Scenario:  # penalty_terms reads only the weights
        weights = Weights(uncovered=7, fairness=3)

    terms = {t.rule: t for t in penalty_terms(_Scenario(), {"uncovered_need": 2.0})}
    assert [t for t in terms] == [s.id for s in PENALTY_SPECS]
    assert terms["uncovered_need"].weight == 7 and terms["uncovered_need"].contribution == 14
    assert terms["fair_nights"].weight == 3 and terms["fair_weekends"].weight == 3
    for spec in PENALTY_SPECS:
        assert terms[spec.id].unit == spec.unit
