"""The shipped jxc.manufacturing pack: valid, switches its module on, and every rule set's
tests pass by pure evaluation (the same run governance keeps before a version moves)."""

from __future__ import annotations

import pytest

from dsl import default_registry, parse_and_check
from engine.compiler import compile_rule_set
from engine.governance.rule_tests import run_rule_tests
from engine.lowering_rules import lower_rule_file
from templates_marketplace import builtin

PACK = builtin("jxc.manufacturing")


def test_the_manifest_names_the_module_and_both_languages() -> None:
    m = PACK.manifest
    assert (m.id, m.modules) == ("jxc.manufacturing", ("manufacturing",))
    assert m.name.zh == "生产进销存·离散制造" and m.name.en == "Discrete manufacturing"
    assert set(PACK.parts.tests) == set(PACK.parts.rule_sets) == {"plated_return",
                                                                   "work_orders"}
    assert {"machining_shop"} <= set(PACK.parts.demo)


@pytest.mark.parametrize("name", sorted(PACK.parts.rule_sets))
def test_every_rule_set_passes_its_tests(name: str) -> None:
    plan = compile_rule_set(lower_rule_file(parse_and_check(PACK.parts.rule_sets[name],
                                                            default_registry())))
    text = PACK.files[f"tests/{name}.toml"].decode("utf-8")
    results = run_rule_tests(plan, text)
    assert len(results) >= 3
    assert all(r.is_passed for r in results), [(r.name, r.message) for r in results]
