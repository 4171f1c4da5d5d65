"""Check rule text without saving it: every diagnostic, and the rule tests if given.

The same parse, check and compile as saving a version (``engine.rulesets.save_version``)
and as the editor, so "ok" here means the text would be stored as a version.
"""

from __future__ import annotations

from typing import Any

from dsl import DslError, SchemaRegistry, check, parse, resolve
from engine.canonical import version_hash
from engine.compiler import compile_rule_set
from engine.governance.rule_tests import run_rule_tests
from engine.lowering_rules import lower_rule_file
from studio.diagnostics import diagnostics, too_large


def check_text(source: str, registry: SchemaRegistry, tests: str | None = None
               ) -> dict[str, Any]:
    """``{ok, diagnostics, version_hash, tests}`` for rule text; nothing is written.

    Raises:
        BadRuleTests: ``tests`` is not a valid rule-test file.
    """
    refusal = too_large(source)
    if refusal is not None:
        return {"ok": False, "diagnostics": diagnostics(refusal)}
    try:
        rule_file = parse(source)
    except DslError as exc:  # syntax fails fast: one diagnostic
        return {"ok": False, "diagnostics": diagnostics(exc)}
    found = check(rule_file, registry)
    if found:
        return {"ok": False, "diagnostics": diagnostics(tuple(found))}
    rule_set = lower_rule_file(resolve(rule_file, registry))
    results = None
    if tests is not None:
        results = [r.as_dict() for r in run_rule_tests(compile_rule_set(rule_set), tests)]
    return {"ok": True, "diagnostics": [], "version_hash": version_hash(rule_set),
            "tests": results}
