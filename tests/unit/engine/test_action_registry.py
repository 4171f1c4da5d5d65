"""The action registry walked against the language: what the checker accepts (with the
engine's tenant registry) has a production applier, and every applier can be written.

Fails when someone adds an action, a freeze kind or a document type to the language without
an applier (or the other way round), instead of letting production say "not supported".
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pytest

from dsl import check, default_registry, parse
from dsl.action_kinds import expressible
from engine import actions
from engine.decision import PlannedAction, Provenance
from engine.executors import outbound
from engine.schema_store import action_refusals

PROV = Provenance(event_id="e", rule_id="r", version="v" * 16, node_id="r/then/0")


class _Names:
    """A connectors catalogue with fixed names (the real one reads the connector table)."""

    def names(self, session: object, kind: str) -> Sequence[str]:
        return ["erp_sync"] if kind == "webhook" else []


@pytest.fixture
def with_connectors() -> Iterator[None]:
    before = outbound.catalogue()
    outbound.register_catalogue(_Names())
    yield
    outbound.register_catalogue(before)


@pytest.fixture
def without_connectors() -> Iterator[None]:
    """As in a process that never registered the connectors (an app created earlier in the
    same test process would have)."""
    before = outbound.catalogue()
    outbound.register_catalogue(None)
    yield
    outbound.register_catalogue(before)


def _engine_registry():  # type: ignore[no-untyped-def]
    registry = default_registry()
    return registry.with_actions(action_refusals(registry), ["erp_sync"])


def _planned(kind: str, variant: str | None) -> PlannedAction:
    spec = actions.REGISTRY[kind]
    args = ((spec.variant_arg, f"{variant}.x" if kind == "set" else variant),) \
        if spec.variant_arg else ()
    return PlannedAction(kind=kind, args=args, provenance=PROV)


def _said() -> set[tuple[str, str | None]]:
    registry = default_registry()
    return expressible(registry, [e.name for e in registry.events()])


def test_everything_the_checker_accepts_has_a_production_applier(with_connectors):
    registry = _engine_registry()
    accepted = {(k, v) for k, v in _said() if registry.action_refusal(k, v) is None}
    assert accepted, "the walk found nothing"
    unapplied = []
    for kind, variant in sorted(accepted, key=str):
        spec = actions.lookup(kind)
        if (kind, variant or "") in actions.KNOWN_GAPS:
            continue
        applied = spec is not None and (spec.applier(_planned(kind, variant)) is not None
                                        or spec.applied_by != "production executor")
        if not applied:
            unapplied.append((kind, variant))
    assert unapplied == []


def test_every_production_applier_can_be_written_and_is_accepted(with_connectors):
    registry = _engine_registry()
    said = _said()
    for spec in actions.REGISTRY.values():
        if not spec.in_firing or spec.kind == "table_result":
            continue  # timers and table rows come from patterns and tables, not actions
        variants = [v for v, a in spec.variants.items() if callable(a)] \
            if spec.variant_arg else [None]
        for variant in variants:
            assert (spec.kind, variant) in said, f"{spec.kind} {variant} cannot be written"
            assert registry.action_refusal(spec.kind, variant) is None, (spec.kind, variant)


def test_the_known_gaps_are_exactly_the_listed_ones():
    assert set(actions.KNOWN_GAPS) == set()


def test_what_production_refuses_is_refused_at_check_with_the_reason(with_connectors):
    registry = _engine_registry()
    src = """
rule r "x"
  when receipt.frozen
  then unfreeze receipt
    create document quality_inspection (reason = "x")
    call webhook "erp_synk"
end
"""
    found = {(d.code, d.found): d for d in check(parse(src), registry)}
    refused = found[("dsl.type.action_not_applied", "unfreeze receipt")]
    assert "released by a person" in refused.render("en")
    assert "质量" in refused.render("zh-CN")
    assert ("dsl.type.action_not_applied", "create_document quality_inspection") in found
    unknown = found[("dsl.name.unknown_connector", "erp_synk")]
    assert unknown.suggestion == "Did you mean `erp_sync`?"


def test_connector_actions_are_refused_where_no_connectors_are_installed(without_connectors):
    registry = default_registry()
    engine_registry = registry.with_actions(action_refusals(registry), [])
    src = 'rule r "x"\n  when sales_order.confirmed\n  then call webhook "erp_sync"\nend\n'
    (diag,) = check(parse(src), engine_registry)
    assert diag.code == "dsl.type.action_not_applied"
    assert "no connectors are installed" in diag.render("en")
    assert check(parse(src), registry) == []  # a dsl-only tool accepts what the dsl can say


def test_the_new_freezes_and_documents_are_accepted(with_connectors):
    src = """
rule r "x"
  when sales_order.confirmed
  then freeze channel "TIKTOK"
    freeze item "TEA-1"
    freeze lot "L-1"
    freeze supplier "SUP-1"
    unfreeze channel "TIKTOK"
    create document 调拨单 (sku = "TEA-1", qty = 50 件, from_warehouse = "WH-B",
                            to_warehouse = "WH-A")
    create document adjustment (sku = "TEA-1", qty = -1 件, warehouse = "WH-A",
                                reason = "damaged", photo = "p.jpg")
end
"""
    assert check(parse(src), _engine_registry()) == []
