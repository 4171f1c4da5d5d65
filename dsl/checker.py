"""Check a parsed rule file against the schema: names, types, actions, guards and tables.

``check`` never stops at the first problem; it returns every diagnostic of the file, in
source order. ``resolve`` returns a copy whose field paths and event types use canonical
names (``订单.定金`` becomes ``order.deposit_amount``), which is what the engine lowers.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from dsl.action_kinds import action_key
from dsl.ast import (
    Absent,
    Action,
    Alert,
    AnyCell,
    Assignment,
    Block,
    Branch,
    Call,
    CallWebhook,
    CompareCell,
    CreateDocument,
    EmitEvent,
    EventRef,
    Expr,
    Freeze,
    Guard,
    InCell,
    Item,
    Node,
    Notify,
    Path,
    PublishMqtt,
    Recipient,
    Release,
    Reserve,
    Rule,
    RuleFile,
    SetField,
    Sustained,
    Table,
    Template,
    Unfreeze,
    WindowCount,
    walk_actions,
    walk_branches,
)
from dsl.builtins import builtin
from dsl.contradictions import Fact, conflict, facts
from dsl.errors import Diagnostic, did_you_mean
from dsl.expr_checker import ExprChecker, close, literal_adapts
from dsl.schema import FieldDef, SchemaRegistry
from dsl.types import ANY, DslType, same_unit


def check(rule_file: RuleFile, registry: SchemaRegistry) -> list[Diagnostic]:
    """Return every problem of a parsed rule file (empty when it is clean)."""
    found: list[Diagnostic] = []
    seen: dict[str, int] = {}
    for item in rule_file.items:
        if item.name in seen:
            ExprChecker(registry, None, found.append).diag(
                "dsl.name.duplicate_rule", item, ("Give each rule its own name.",
                                                  "每条规则请用不同的名称。"),
                found=item.name, name=item.name, first_line=seen[item.name])
        else:
            seen[item.name] = item.span.line
        _ItemChecker(registry, item, found.append).run()
    found.sort(key=lambda d: (d.line, d.column))
    return found


class _ItemChecker:
    """Checks one rule, guard or table."""

    def __init__(self, registry: SchemaRegistry, item: Item, report: Any) -> None:
        self.registry = registry
        self.item = item
        event = registry.event(item.trigger.name)
        self.event = event.name if event is not None else None
        self.x = ExprChecker(registry, self.event, report)
        if event is None:
            near = close(item.trigger.name, registry.event_names())
            self.x.diag("dsl.name.unknown_event", item.trigger,
                        did_you_mean(near) if near else ("", ""), found=item.trigger.name,
                        name=item.trigger.name)
        self.blockable = event is not None and event.is_blockable

    def run(self) -> None:
        item = self.item
        if item.condition is not None:
            self.x.condition(item.condition)
        if isinstance(item, Table):
            self.table(item)
            return
        steps = item.actions + (item.else_actions if isinstance(item, Rule) else ())
        self.branches(item, steps)
        for a in walk_actions(steps):
            self.action(a)
        if isinstance(item, Guard):
            if not any(isinstance(a, Block) for a in walk_actions(item.actions)):
                self.x.diag("dsl.type.guard_without_block", item,
                            ('Add `block "<reason>"` to its actions.',
                             '请在动作中加上 `阻止 "<原因>"`。'), found=item.name)
            if self.event is not None and not self.blockable:
                self.x.diag("dsl.type.not_blockable", item.trigger,
                            ("Use `rule` to react to it, or guard the request before it.",
                             "请用 `规则` 对它做出反应，或守卫它之前的请求事件。"),
                            found=item.trigger.name, event=self.event,
                            examples=", ".join(self._blockable_examples()))

    def never(self, cond: Expr, context: list[Fact], holds: bool = True) -> bool:
        """Report ``cond`` when, given ``context`` (which can hold), it can never be true
        (``holds``) or never false; True when reported."""
        return self.report_conflict(cond, context + facts(cond, holds),
                                    "dsl.type.never_true" if holds else "dsl.type.always_true")

    def contradictions(self, item: Rule | Guard) -> None:
        """Conditions that can never hold (or always hold while an else waits), and nested
        ones whose side never runs where they sit."""
        cond = item.condition
        outer = facts(cond) if cond is not None else []
        if cond is not None and self.report_conflict(cond, outer, "dsl.type.never_true"):
            return
        otherwise = item.else_actions if isinstance(item, Rule) else ()
        inner = facts(cond, False) if cond is not None and otherwise else []
        if cond is not None and self.report_conflict(cond, inner, "dsl.type.always_true"):
            inner, otherwise = [], ()
        if any(isinstance(s, Branch) for s in item.actions + otherwise):
            self._steps_context(item.actions, outer)
            self._steps_context(otherwise, inner)

    def report_conflict(self, cond: Expr, found: list[Fact], code: str) -> bool:
        """Report ``cond`` with ``code`` when ``found`` cannot all hold; True when reported."""
        pair = conflict(found) if len(found) > 1 else None
        if pair is None:
            return False
        self.x.diag(code, cond, ("Check the numbers and the branch it sits in.",
                                 "请检查数值及其所在的分支。"),
                    first=pair[0].text, second=pair[1].text)
        return True

    def _steps_context(self, steps: tuple[Any, ...], context: list[Fact]) -> None:
        for step in steps:
            if isinstance(step, Branch):
                # A side that can never run is reported once; nothing below it is checked.
                if not self.never(step.condition, context):
                    self._steps_context(step.actions, context + facts(step.condition))
                if not (step.else_actions and self.never(step.condition, context, False)):
                    self._steps_context(step.else_actions,
                                        context + facts(step.condition, False))

    def branches(self, item: Rule | Guard, steps: tuple[Any, ...]) -> None:
        """Check the conditions nested in the then/else branches."""
        self.contradictions(item)
        for branch in walk_branches(steps):
            self.x.condition(branch.condition)
            clause = _time_clause(branch.condition)
            if clause is not None:
                self.x.diag("dsl.type.time_clause_in_branch", clause,
                            ("Move the time clause into the rule's own `if`, or write a "
                             "separate rule for it.",
                             "请把时间条件移到规则本身的 `若` 中，或为它单独写一条规则。"))
        first = item.actions[0] if len(item.actions) == 1 else None
        if item.condition is None and isinstance(first, Branch) and not (
                isinstance(item, Rule) and item.else_actions):
            self.x.diag("dsl.type.branch_only_step", first.condition,
                        ("Write it as the rule's own condition: `if … then … else … end`.",
                         "请把它写成规则本身的条件：`若 … 则 … 否则 … 结束`。"))

    def _blockable_examples(self) -> list[str]:
        names = [n for n in self.registry.event_names() if (ev := self.registry.event(n))
                 and ev.is_blockable and ev.name == n]
        return names[:3]

    # ---- actions ------------------------------------------------------------------------
    def want(self, action: str, node: Expr, t: DslType, ok: bool, expected: str,
             expected_zh: str, hint: tuple[str, str]) -> None:
        if ok or t.kind == "any":
            return
        w = self.x.words(t)
        self.x.diag("dsl.type.action_argument", node, hint, expect=[expected], action=action,
                    expected=expected,
                    actual=w["en"], actual_zh=w["zh"], expected_zh=expected_zh)

    def action(self, a: Action) -> None:
        self.action_args(a)
        self.applied(a)

    def applied(self, a: Action) -> None:
        """Refuse an action production will not apply (the engine's action registry)."""
        kind, variant = action_key(a, self.registry, self.event)
        refusal = self.registry.action_refusal(kind, variant)
        if refusal is not None:
            written = f"{kind} {variant}" if variant else kind
            self.x.diag("dsl.type.action_not_applied", a,
                        ("Use an action the product applies, or remove this one.",
                         "请改用产品会执行的动作，或删除此动作。"),
                        found=written, action=written, reason=refusal[0],
                        reason_zh=refusal[1])

    def action_args(self, a: Action) -> None:
        x = self.x
        if isinstance(a, Reserve | Release):
            name = "reserve" if isinstance(a, Reserve) else "release"
            t = x.type_of(a.target)
            self.want(name, a.target, t, t.kind == "list" and t.item is not None
                      and t.item.kind == "line", "order lines such as order.lines",
                      "订单行，如 order.lines",
                      ("Reserve the lines of a document, such as `order.lines`.",
                       "请预占单据的明细，如 `order.lines`。"))
        elif isinstance(a, Alert | Notify):
            for r in a.recipients:
                if r.kind == "role" and self.registry.role_names() and \
                        self.registry.role(r.name) is None:
                    near = close(r.name, self.registry.role_names())
                    x.diag("dsl.name.unknown_role", r, did_you_mean(near) if near else ("", ""),
                           found=r.name, name=r.name)
            x.template(a.message)
        elif isinstance(a, Freeze | Unfreeze):
            self.freeze(a)
        elif isinstance(a, SetField):
            self.assign(x.field_type(a.target, reading=False), a.target, a.value, "set",
                        self.registry.field(self.event, a.target.dotted) if self.event else None)
        elif isinstance(a, CreateDocument):
            doc = self.registry.document(a.document)
            if doc is None:
                near = close(a.document, self.registry.document_names())
                x.diag("dsl.name.unknown_document", a, did_you_mean(near) if near else ("", ""),
                       found=a.document, name=a.document)
            self.fields(a.fields, {f.path: f for d in [doc] if d for f in
                                   (*d.fields, *_alias_fields(d.fields))}, a.document)
        elif isinstance(a, EmitEvent):
            ev = self.registry.event(a.event.name)
            if ev is None:
                near = close(a.event.name, self.registry.event_names())
                x.diag("dsl.name.unknown_event", a.event, did_you_mean(near) if near else
                       ("", ""), found=a.event.name, name=a.event.name)
            known = {n: f for n in self.registry.field_names(ev.name)
                     if (f := self.registry.field(ev.name, n))} if ev else {}
            self.fields(a.fields, known, a.event.name if ev else None, is_event=True)
        elif isinstance(a, CallWebhook | PublishMqtt):
            if isinstance(a, PublishMqtt):
                x.template(a.topic)
            elif (names := self.registry.connector_names()) and a.name not in names:
                near = close(a.name, names)
                x.diag("dsl.name.unknown_connector", a, did_you_mean(near) if near else
                       ("Add the connector under Connectors first.", "请先在连接器中添加它。"),
                       found=a.name, name=a.name)
            for asg in a.fields:
                x.type_of(asg.value)
        elif isinstance(a, Block):
            x.template(a.message)
            if not isinstance(self.item, Guard):
                x.diag("dsl.type.block_outside_guard", a,
                       ("Write `guard` instead of `rule` to refuse the request, or `alert` to "
                        "report it.",
                        "若要拒绝请求，请把 `规则` 改为 `守卫`；若只需提醒，请用 `预警`。"),
                       found="block")

    def freeze(self, a: Freeze | Unfreeze) -> None:
        name = "freeze" if isinstance(a, Freeze) else "unfreeze"
        if a.target is None:
            if self.event is not None and self.registry.field(self.event, f"{a.kind}.id") is None:
                zh = {"customer": "客户", "receipt": "入库单", "channel": "渠道", "lot": "批次",
                      "item": "商品", "supplier": "供应商", "location": "库位"}[a.kind]
                self.x.diag("dsl.type.no_target", a,
                            (f"Write the id after the kind: `{name} {a.kind} <field>`.",
                             f"请在对象类别后写编号字段：`冻结 {zh} <字段>`。"),
                            found=name, event=self.event, kind=a.kind, kind_zh=zh)
            return
        t = self.x.type_of(a.target)
        ok = t.kind in ("id", "text") or (t.kind == "list" and t.item is not None
                                          and t.item.kind in ("id", "text"))
        self.want(name, a.target, t, ok, "an id or a list of ids", "编号或编号列表",
                  (f"Give the id of the {a.kind}, such as `order.customer_id`.",
                   "请给出对象的编号，如 `order.customer_id`。"))

    def fields(self, assigns: tuple[Assignment, ...], known: dict[str, FieldDef],
               owner: str | None, is_event: bool = False) -> None:
        for asg in assigns:
            f = known.get(asg.target.dotted)
            if f is None and owner is not None:
                near = close(asg.target.dotted, list(known))
                code = "dsl.name.unknown_field" if is_event else "dsl.name.unknown_document_field"
                self.x.diag(code, asg.target, did_you_mean(near) if near else ("", ""),
                            name=asg.target.dotted, event=owner, document=owner)
            self.assign(f.type if f else ANY, asg.target, asg.value, "=", None)

    def assign(self, target_t: DslType, target: Path, value: Expr, action: str,
               field: FieldDef | None, collect: bool = False) -> None:
        """Check that ``value`` fits a field of type ``target_t``."""
        vt = self.x.type_of(value)
        if field is not None and not field.is_settable:
            self.x.diag("dsl.type.read_only", target,
                        ("Rules may set only fields marked settable in the schema.",
                         "规则只能设置模式中标为可设置的字段。"), name=target.dotted)
            return
        if collect and target_t.kind == "list" and target_t.item is not None:
            target_t = target_t.item
        if not _fits(value, vt, target_t):
            tw, vw = self.x.words(target_t), self.x.words(vt)
            self.x.diag("dsl.type.action_argument", value,
                        (f"Give {target.dotted} {tw['en']}.",
                         f"请为 {target.dotted} 提供{tw['zh']}。"),
                        expect=[tw["en"]], action=f"{action} {target.dotted}", expected=tw["en"],
                        actual=vw["en"], actual_zh=vw["zh"], expected_zh=tw["zh"])
        elif (target_t.kind == "enum" and vt.kind == "text" and isinstance(value, Template)
              and value.is_plain):
            self.x.enum_value(value, target_t)

    # ---- tables -------------------------------------------------------------------------
    def table(self, t: Table) -> None:
        x = self.x
        in_types = [x.type_of(e) for e in t.inputs]
        out_fields = [self.registry.field(self.event, p.dotted) if self.event else None
                      for p in t.outputs]
        out_types = [x.field_type(p, reading=False) for p in t.outputs]
        for p, f in zip(t.outputs, out_fields, strict=True):
            if f is not None and not f.is_settable:
                x.diag("dsl.type.read_only", p, ("Output into a settable field.",
                                                 "请输出到可设置的字段。"), name=p.dotted)
            elif f is not None and t.hit == "collect" and f.type.kind != "list":
                x.diag("dsl.type.collect_needs_list", p,
                       ("Use `hit first`, or output into a list field.",
                        "请改用 `命中 首条`，或输出到列表字段。"), name=p.dotted)
        for row in t.rows:
            shapes = (("cells", len(row.cells), len(t.inputs), "输入单元格"),
                      ("values", len(row.results), len(t.outputs), "输出值"))
            for part, have, want, part_zh in shapes:
                if have != want:
                    x.diag("dsl.type.table_shape", row,
                           ("Give every row one cell per input and one value per output.",
                            "每行须为每个输入写一个单元格，为每个输出写一个值。"),
                           found=f"{have} {part}", actual=have, expected=want, part=part,
                           part_zh=part_zh)
            for cell, inp, it in zip(row.cells, t.inputs, in_types, strict=False):
                if isinstance(cell, CompareCell):
                    x.compare(cell.op, inp, it, cell.value, x.type_of(cell.value), cell)
                elif isinstance(cell, InCell):
                    for v in cell.items:
                        x.compare("=", inp, it, v, x.type_of(v), v)
                else:
                    assert isinstance(cell, AnyCell)
            for value, p, ot in zip(row.results, t.outputs, out_types, strict=False):
                vt = x.type_of(value)
                target = ot.item if t.hit == "collect" and ot.item is not None else ot
                if not _fits(value, vt, target):
                    tw, vw = x.words(target), x.words(vt)
                    x.diag("dsl.type.action_argument", value,
                           (f"Give {p.dotted} {tw['en']}.", f"请为 {p.dotted} 提供{tw['zh']}。"),
                           expect=[tw["en"]], action=f"output {p.dotted}", actual=vw["en"],
                           expected=tw["en"],
                           actual_zh=vw["zh"], expected_zh=tw["zh"])


def _time_clause(e: Any) -> Absent | Sustained | WindowCount | None:
    """The first time clause inside an expression, if any."""
    if isinstance(e, Absent | Sustained | WindowCount):
        return e
    if isinstance(e, Node) and not isinstance(e, Path | Template):
        for fld in dataclasses.fields(e):
            value = getattr(e, fld.name)
            for child in value if isinstance(value, tuple) else (value,):
                found = _time_clause(child)
                if found is not None:
                    return found
    return None


def _alias_fields(fields: tuple[FieldDef, ...]) -> list[FieldDef]:
    return [dataclasses.replace(f, path=a) for f in fields for a in f.aliases]


def _fits(value: Expr, vt: DslType, target: DslType) -> bool:
    """True when a value of type ``vt`` may be stored in a field of type ``target``."""
    if "any" in (vt.kind, target.kind):
        return True
    vt = literal_adapts(value, target) or vt
    if vt.kind == target.kind:
        if vt.kind in ("money", "quantity"):
            return same_unit(vt, target)
        if vt.kind == "list" and vt.item is not None and target.item is not None:
            return vt.item.kind == target.item.kind or "any" in (vt.item.kind, target.item.kind)
        return True
    return (vt.kind, target.kind) in {("text", "id"), ("text", "enum"), ("enum", "text"),
                                      ("id", "text"), ("date", "datetime")}


# ---- canonical names for the engine ------------------------------------------------------


def resolve(rule_file: RuleFile, registry: SchemaRegistry) -> RuleFile:
    """Return a copy with canonical field paths, event types and function names.

    Only meaningful for a file that ``check`` found clean; unknown names stay as written.
    """
    out: list[Item] = []
    for item in rule_file.items:
        ev = registry.event(item.trigger.name)
        out.append(_canon(item, registry, ev.name if ev else None))
    return dataclasses.replace(rule_file, items=tuple(out))


def _canon(node: Any, registry: SchemaRegistry, event: str | None) -> Any:
    if isinstance(node, tuple):
        return tuple(_canon(n, registry, event) for n in node)
    if not isinstance(node, Node):
        return node
    if isinstance(node, Path):
        f = registry.field(event, node.dotted) if event else None
        return dataclasses.replace(node, parts=tuple(f.path.split("."))) if f else node
    if isinstance(node, EventRef):
        ev = registry.event(node.name)
        return dataclasses.replace(node, name=ev.name) if ev else node
    if isinstance(node, CreateDocument):
        doc = registry.document(node.document)
        if doc is not None and doc.name != node.document:
            node = dataclasses.replace(node, document=doc.name)
    if isinstance(node, Recipient) and node.kind == "role":
        role = registry.role(node.name)
        return dataclasses.replace(node, name=role) if role else node
    changes = {}
    for fld in dataclasses.fields(node):
        if fld.name in ("span", "lang"):
            continue
        value = getattr(node, fld.name)
        if isinstance(node, Assignment) and fld.name == "target":
            continue  # a document's or emitted event's field, not one of the trigger
        new = _canon(value, registry, event)
        if new is not value:
            changes[fld.name] = new
    if isinstance(node, Call):
        fn = builtin(node.name)
        if fn is not None and fn.name != node.name:
            changes["name"] = fn.name
    return dataclasses.replace(node, **changes) if changes else node
