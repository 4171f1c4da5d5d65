"""The conflict check of one version: its rules against every other rule set the tenant has
in production, judged on the tenant's own items (read here, judged in :mod:`conflicts`).

Work is bounded: at most ``max_skus`` priced SKUs are checked (by SKU, so the same ones every
time) and the report says how many there were. SKUs a price rule of the candidate could apply
to but that lack a list or a cost price are listed as not checked, never silently passed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from engine.governance.conflicts import (
    Conflict,
    below_cost_conflicts,
    pair_conflicts,
    triggers_with_price_writes,
)
from engine.governance.models import VersionGovernance
from engine.governance.price_stack import RuleRef, SkuFacts, SourcedRule
from engine.governance.satisfiable import decide
from engine.governance.versions import rule_set_of
from engine.models import RuleSetVersion
from inventory.models import Item

#: Priced SKUs checked per version at most; more are counted and reported, not checked.
MAX_SKUS = 1000
#: SKUs without prices examined (and listed) at most.
MAX_UNPRICED = 200


@dataclass(frozen=True, slots=True, kw_only=True)
class ConflictReport:
    """The conflicts of a version and what the check covered."""

    conflicts: list[Conflict]
    coverage: dict[str, Any] = field(default_factory=dict)


def sourced(version: RuleSetVersion, *, is_candidate: bool) -> list[SourcedRule]:
    """The rules of ``version`` with where they come from."""
    return [SourcedRule(RuleRef(rule_set=version.name, rule_id=r.id, title=r.title,
                                version_id=version.id, version_hash=version.version_hash,
                                is_candidate=is_candidate), r)
            for r in rule_set_of(version).rules]


def production_others(session: Session, version: RuleSetVersion) -> list[RuleSetVersion]:
    """Per other rule set in production, the version everyone gets (the full release; the
    newest when there are only gray ones), by name."""
    rows = session.scalars(select(RuleSetVersion).where(
        RuleSetVersion.state == "production", RuleSetVersion.name != version.name)
        .order_by(RuleSetVersion.name, RuleSetVersion.id)).all()
    chosen: dict[str, RuleSetVersion] = {}
    for row in rows:
        gov = session.get(VersionGovernance, row.id)
        is_full = gov is None or gov.rollout is None
        if is_full or row.name not in chosen:
            chosen[row.name] = row
    return [chosen[name] for name in sorted(chosen)]


def _facts(item: Item) -> SkuFacts:
    return SkuFacts(sku=item.sku, name=item.name_zh, category=item.category or "",
                    list_price=item.list_price, cost_price=item.cost_price,
                    attributes=dict(item.attributes or {}))


def _priced(session: Session, limit: int) -> tuple[list[SkuFacts], int]:
    has_prices = (Item.list_price.is_not(None), Item.cost_price.is_not(None))
    total = session.scalar(select(func.count()).select_from(Item).where(*has_prices)) or 0
    rows = session.scalars(select(Item).where(*has_prices).order_by(Item.sku).limit(limit))
    return [_facts(i) for i in rows], total


def _could_apply(candidate: list[SourcedRule], triggers: list[str], sku: SkuFacts) -> bool:
    """Whether a price rule of the candidate could fire for ``sku`` on what its facts say
    (its missing prices are unknown, so conditions on them do not decide)."""
    item = sku.item()
    known = {("item", k) for k, v in item.items() if k not in {"list_price", "cost_price"}
             or v is not None}
    if sku.list_price is not None:
        known.add(("price", "list_price"))
    scope = {"item": item, "price": {"list_price": sku.list_price}}
    return any(r.rule.trigger in triggers and r.rule.kind != "guard"
               and decide(r.rule.condition, scope, known.__contains__) is not False
               for r in candidate)


def _not_checked(session: Session, candidate: list[SourcedRule], triggers: list[str]
                 ) -> tuple[list[dict[str, str]], int]:
    missing = or_(Item.list_price.is_(None), Item.cost_price.is_(None))
    total = session.scalar(select(func.count()).select_from(Item).where(missing)) or 0
    rows = session.scalars(select(Item).where(missing).order_by(Item.sku).limit(MAX_UNPRICED))
    found = []
    for item in rows:
        facts = _facts(item)
        if not _could_apply(candidate, triggers, facts):
            continue
        lacks_en = " or ".join(n for n, v in (("list price", item.list_price),
                                              ("cost price", item.cost_price)) if v is None)
        lacks_zh = "或".join(n for n, v in (("标价", item.list_price),
                                           ("成本价", item.cost_price)) if v is None)
        found.append({"sku": item.sku, "reason_en": f"no {lacks_en}: not checked",
                      "reason_zh": f"没有{lacks_zh}，未检查"})
    return found, total


def check(session: Session, version: RuleSetVersion, *, max_skus: int = MAX_SKUS
          ) -> ConflictReport:
    """Conflicts of ``version`` with itself and every other rule set in production, on the
    tenant's own SKUs, and the coverage of that check."""
    candidate = sourced(version, is_candidate=True)
    others_versions = production_others(session, version)
    others = [r for v in others_versions for r in sourced(v, is_candidate=False)]
    triggers = triggers_with_price_writes(candidate)
    skus: list[SkuFacts] = []
    unpriced: list[dict[str, str]] = []
    priced_total, unpriced_total = 0, 0
    if triggers:
        skus, priced_total = _priced(session, max_skus)
        unpriced, unpriced_total = _not_checked(session, candidate, triggers)
    priced, stacks = below_cost_conflicts(candidate, others, skus)
    conflicts = priced + pair_conflicts(candidate, others)
    not_computed = sorted({(ref.label, why) for done in stacks for ref, why in done.not_computed})
    coverage = {
        "production_versions": [{"rule_set": v.name, "version_id": v.id,
                                 "version_hash": v.version_hash} for v in others_versions],
        "price_triggers": triggers, "skus_priced": priced_total, "skus_checked": len(skus),
        "max_skus": max_skus, "is_truncated": priced_total > len(skus),
        "not_checked": unpriced, "skus_without_prices": unpriced_total,
        "is_not_checked_truncated": unpriced_total > MAX_UNPRICED,
        "not_computed": [{"rule": label, "reason": why} for label, why in not_computed],
    }
    return ConflictReport(conflicts=conflicts, coverage=coverage)
