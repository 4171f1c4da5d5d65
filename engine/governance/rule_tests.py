"""Rule tests written beside the rules, in a small TOML form, run by pure evaluation.

```toml
[[test]]
name = "a deposit order of ¥300 locks its lines"
event = "sales_order.confirmed"
payload.order = { id = "SO-1", deposit_amount = 100, lines = [{ sku = "TEA-1", qty = 2 }] }
facts.order = { total_amount = 300 }
expect = [{ kind = "reserve", rule = "deposit_locks_stock" }]

[[test]]
name = "no deposit, no hold"
event = "sales_order.confirmed"
payload.order = { deposit_amount = 0 }
expect = []          # no actions at all
```

``payload`` is what the event carries (fields the schema declares with a source on that
event); ``facts`` is what the fact loaders would read from the tenant's rows (fields
declared with a loader), served by :class:`engine.facts.GivenFacts`, the loaders'
in-memory twin, through the same :func:`engine.facts.load_facts` production uses. A case
that gives a payload field the event does not carry, or a fact no loader provides on it,
fails and says so. ``expect`` lists the actions in order (``kind``, optional ``rule``,
optional ``args`` of which each named one must match as text); ``blocked = true`` expects
a guard to refuse.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from dsl import SchemaRegistry, default_registry
from engine.compiler import Plan
from engine.decision import Event, PlannedAction
from engine.evaluate import evaluate
from engine.facts import GivenFacts, load_for_plans
from engine.governance.errors import BadRuleTests

_AT = datetime(2026, 1, 1, tzinfo=UTC)
#: Bookkeeping actions of temporal rules; a test names them only when it wants to.
_INTERNAL = {"arm_timer", "cancel_timer", "table_result"}


@dataclass(frozen=True, slots=True, kw_only=True)
class RuleTest:
    """One case: an event with its facts and the actions expected (in order)."""

    name: str
    event: str
    payload: dict[str, Any]
    facts: dict[str, Any]
    expect: tuple[dict[str, Any], ...]
    blocked: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class RuleTestResult:
    """What one case expected, what evaluation did, and whether they agree."""

    name: str
    is_passed: bool
    expected: list[dict[str, Any]]
    actual: list[dict[str, Any]]
    message: str

    def as_dict(self) -> dict[str, Any]:
        """JSON-able form (kept in ``rule_test_run.results``)."""
        return {"name": self.name, "is_passed": self.is_passed, "expected": self.expected,
                "actual": self.actual, "message": self.message}


def _decimals(value: Any) -> Any:
    """TOML floats become Decimals (money and quantities are never floats)."""
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, dict):
        return {k: _decimals(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decimals(v) for v in value]
    return value


def parse_rule_tests(text: str) -> list[RuleTest]:
    """Read the TOML rule-test file.

    Raises:
        BadRuleTests: not TOML, or a case without ``name``/``event``/``expect``.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise BadRuleTests(reason=str(exc)) from exc
    cases = data.get("test")
    if not isinstance(cases, list) or not cases:
        raise BadRuleTests(reason="add at least one [[test]] table")
    tests = []
    for n, case in enumerate(cases, 1):
        missing = [k for k in ("name", "event") if not isinstance(case.get(k), str)]
        if missing or not isinstance(case.get("expect", []), list):
            raise BadRuleTests(reason=f"test #{n} needs text {missing or ['expect list']}")
        expect = case.get("expect", [])
        if any(not isinstance(e, dict) or not isinstance(e.get("kind"), str) for e in expect):
            raise BadRuleTests(reason=f"test #{n}: every expected action needs a kind")
        given = {}
        for part in ("payload", "facts"):
            value = case.get(part, {})
            if not isinstance(value, dict) or \
                    any(not isinstance(v, dict) for v in value.values()):
                raise BadRuleTests(reason=f"test #{n}: {part} must be a table of entities, "
                                          f"such as {part}.order = {{ id = \"SO-1\" }}")
            given[part] = _decimals(value)
        tests.append(RuleTest(name=case["name"], event=case["event"], payload=given["payload"],
                              facts=given["facts"], expect=tuple(expect),
                              blocked=bool(case.get("blocked", False))))
    return tests


def _summary(action: PlannedAction) -> dict[str, Any]:
    return {"kind": action.kind, "rule": action.provenance.rule_id,
            "args": {k: str(v) for k, v in action.args if k != "scope"}}


def _matches(expected: dict[str, Any], actual: dict[str, Any]) -> bool:
    if expected["kind"] != actual["kind"]:
        return False
    if "rule" in expected and expected["rule"] != actual["rule"]:
        return False
    wanted = expected.get("args") or {}
    return all(str(_decimals(v)) == actual["args"].get(k) for k, v in wanted.items())


def _given_problems(test: RuleTest, registry: SchemaRegistry) -> list[str]:
    """What a case gives that nothing could fill in production (each named)."""
    declared = registry.event(test.event)
    if declared is None:
        return [f"there is no event type {test.event}"]
    problems = []
    for part, values in (("payload", test.payload), ("facts", test.facts)):
        for entity, fields in values.items():
            for name in fields:
                path = f"{entity}.{name}"
                f = registry.field(declared.name, path)
                if f is None:
                    problems.append(f"{part}: {test.event} has no field {path}")
                elif part == "payload" and f.source is None:
                    problems.append(
                        f"payload: {test.event} does not carry {path}"
                        + (f" (the {f.loader} loader fills it: give it under facts)"
                           if f.loader else ""))
                elif part == "facts" and f.loader is None:
                    problems.append(
                        f"facts: no loader provides {path} on {test.event}"
                        + (" (the event carries it: give it under payload)"
                           if f.source is not None else ""))
    return problems


def _differences(expected: list[dict[str, Any]], actual: list[dict[str, Any]]) -> str:
    """Where actions of the same kind differ: the rule or the arguments, named."""
    notes = []
    for n, (want, got) in enumerate(zip(expected, actual, strict=False), 1):
        if want["kind"] != got["kind"] or _matches(want, got):
            continue
        if "rule" in want and want["rule"] != got["rule"]:
            notes.append(f"action {n}: rule {got['rule']}, not {want['rule']}")
        for name, value in (want.get("args") or {}).items():
            if str(_decimals(value)) != got["args"].get(name):
                notes.append(f"action {n}: {name} is {got['args'].get(name)!r}, "
                             f"not {str(_decimals(value))!r}"
                             + ("" if name in got["args"] else
                                f" (its arguments: {', '.join(sorted(got['args']))})"))
    return f" ({'; '.join(notes)})" if notes else ""


def run_rule_test(plan: Plan, test: RuleTest, registry: SchemaRegistry | None = None
                  ) -> RuleTestResult:
    """Evaluate one case (pure) and compare the actions with the expected ones.

    A case giving a payload field the event does not carry, or a fact no loader provides,
    fails with that reason (it could not happen in production).
    """
    reg = registry or default_registry()
    given = _given_problems(test, reg)
    if given:
        return RuleTestResult(name=test.name, is_passed=False,
                              expected=[dict(e) for e in test.expect], actual=[],
                              message="; ".join(given))
    event = Event(id=f"test:{test.name}", type=test.event, tenant_id=0, occurred_at=_AT,
                  payload={k: dict(v) for k, v in test.payload.items()})
    facts = load_for_plans(GivenFacts(test.facts), event, (plan,))
    decision = evaluate(plan, event, facts, _AT)
    wants_internal = any(e["kind"] in _INTERNAL for e in test.expect)
    actual = [_summary(a) for a in decision.actions
              if wants_internal or a.kind not in _INTERNAL]
    expected = [dict(e) for e in test.expect]
    problems = []
    if len(actual) != len(expected) or not all(map(_matches, expected, actual)):
        problems.append(f"expected {[e['kind'] for e in expected]}, "
                        f"got {[a['kind'] for a in actual]}" + _differences(expected, actual))
    if test.blocked != (decision.blocked is not None):
        problems.append("expected a refusal" if test.blocked else
                        f"refused: {decision.blocked.arg('message') if decision.blocked else ''}")
    return RuleTestResult(name=test.name, is_passed=not problems, expected=expected,
                          actual=actual, message="; ".join(problems))


def run_rule_tests(plan: Plan, text: str, registry: SchemaRegistry | None = None
                   ) -> list[RuleTestResult]:
    """Run every case of the TOML file against ``plan`` (``registry``: the tenant's schema).

    Raises:
        BadRuleTests: the file is not valid.
    """
    return [run_rule_test(plan, t, registry) for t in parse_rule_tests(text)]
