"""DSL rules, guards, tables and actions ⇄ IR rules (see :mod:`engine.lowering`)."""

from __future__ import annotations

from dsl import ast as a
from engine import ir
from engine.lowering import (
    _CMP_FROM_IR,
    _CMP_TO_IR,
    _Q,
    LoweringError,
    _text,
    lower_expr,
    lower_template,
    raise_expr,
    raise_template,
)

_FIELD = "field:"


def _fields(fields: tuple[a.Assignment, ...], node_id: str) -> tuple[tuple[str, ir.Expr], ...]:
    return tuple((_FIELD + f.target.dotted, lower_expr(f.value, node_id)) for f in fields)


def _recipients(rs: tuple[a.Recipient, ...]) -> ir.ListExpr:
    return ir.ListExpr(items=tuple(_text(f"{r.kind}:{r.name}") for r in rs))


def lower_action(act: a.Action, node_id: str) -> ir.Action:  # noqa: C901 - closed list
    """One action of the closed list, with its arguments in a fixed order."""
    def make(kind: str, *args: tuple[str, ir.Expr]) -> ir.Action:
        return ir.Action(id=node_id, kind=kind, args=tuple(args))  # type: ignore[arg-type]

    if isinstance(act, a.Reserve):
        hold = (("hold", lower_expr(act.hold, node_id)),) if act.hold else ()
        return make("reserve", ("target", lower_expr(act.target, node_id)), *hold)
    if isinstance(act, a.Release):
        return make("release", ("target", lower_expr(act.target, node_id)))
    if isinstance(act, a.Alert | a.Notify):
        return make("alert" if isinstance(act, a.Alert) else "notify",
                    ("recipients", _recipients(act.recipients)),
                    ("message", lower_template(act.message)))
    if isinstance(act, a.Freeze | a.Unfreeze):
        target = (("target", lower_expr(act.target, node_id)),) if act.target else ()
        return make("freeze" if isinstance(act, a.Freeze) else "unfreeze",
                    ("kind", _text(act.kind)), *target)
    if isinstance(act, a.SetField):
        return make("set", ("target", ir.Field(path=act.target.parts)),
                    ("value", lower_expr(act.value, node_id)))
    if isinstance(act, a.CreateDocument):
        return make("create_document", ("document", _text(act.document)),
                    *_fields(act.fields, node_id))
    if isinstance(act, a.EmitEvent):
        return make("emit_event", ("event", _text(act.event.name)), *_fields(act.fields, node_id))
    if isinstance(act, a.CallWebhook):
        return make("call_webhook", ("name", _text(act.name)), *_fields(act.fields, node_id))
    if isinstance(act, a.PublishMqtt):
        return make("publish_mqtt", ("topic", lower_template(act.topic)),
                    *_fields(act.fields, node_id))
    if isinstance(act, a.Block):
        return make("block", ("message", lower_template(act.message)))
    raise LoweringError(f"no IR for action {type(act).__name__}")


def lower_steps(steps: tuple[a.Step, ...], prefix: str) -> tuple[ir.Step, ...]:
    """The steps of a branch; the i-th is ``<prefix>/<i>``, a nested one's steps
    ``<prefix>/<i>/then/<j>`` and ``<prefix>/<i>/else/<j>``."""
    out: list[ir.Step] = []
    for i, step in enumerate(steps):
        node_id = f"{prefix}/{i}"
        if isinstance(step, a.Branch):
            out.append(ir.Branch(id=node_id, condition=lower_expr(step.condition, node_id),
                                 actions=lower_steps(step.actions, f"{node_id}/then"),
                                 else_actions=lower_steps(step.else_actions,
                                                          f"{node_id}/else")))
        else:
            out.append(lower_action(step, node_id))
    return tuple(out)


def raise_steps(steps: tuple[ir.Step, ...]) -> tuple[a.Step, ...]:
    """The syntax of a branch's steps."""
    return tuple(a.Branch(condition=raise_expr(s.condition), actions=raise_steps(s.actions),
                          else_actions=raise_steps(s.else_actions))
                 if isinstance(s, ir.Branch) else raise_action(s) for s in steps)


def _lit_text(e: ir.Expr | None) -> str:
    if not isinstance(e, ir.Lit) or e.type != "text":
        raise LoweringError(f"expected a name, got {e!r}")
    return str(e.value)


def _raise_fields(action: ir.Action) -> tuple[a.Assignment, ...]:
    return tuple(a.Assignment(target=a.Path(parts=tuple(name[len(_FIELD):].split("."))),
                              value=raise_expr(e))
                 for name, e in action.args if name.startswith(_FIELD))


def _raise_recipients(e: ir.Expr | None) -> tuple[a.Recipient, ...]:
    assert isinstance(e, ir.ListExpr)
    out = []
    for item in e.items:
        kind, _, name = _lit_text(item).partition(":")
        out.append(a.Recipient(kind=kind, name=name))  # type: ignore[arg-type]
    return tuple(out)


def raise_action(act: ir.Action) -> a.Action:  # noqa: C901 - closed list
    """The syntax of one IR action."""
    arg = act.arg
    if act.kind == "reserve":
        hold = arg("hold")
        return a.Reserve(target=raise_expr(arg("target")),  # type: ignore[arg-type]
                         hold=raise_expr(hold) if hold else None)  # type: ignore[arg-type]
    if act.kind == "release":
        return a.Release(target=raise_expr(arg("target")))  # type: ignore[arg-type]
    if act.kind in {"alert", "notify"}:
        message = arg("message")
        assert isinstance(message, ir.Template)
        cls = a.Alert if act.kind == "alert" else a.Notify
        return cls(recipients=_raise_recipients(arg("recipients")),
                   message=raise_template(message))
    if act.kind in {"freeze", "unfreeze"}:
        target = arg("target")
        cls2 = a.Freeze if act.kind == "freeze" else a.Unfreeze
        return cls2(kind=_lit_text(arg("kind")),  # type: ignore[arg-type]
                    target=raise_expr(target) if target else None)
    if act.kind == "set":
        target = arg("target")
        assert isinstance(target, ir.Field)
        return a.SetField(target=a.Path(parts=target.path),
                          value=raise_expr(arg("value")))  # type: ignore[arg-type]
    if act.kind == "create_document":
        return a.CreateDocument(document=_lit_text(arg("document")), fields=_raise_fields(act))
    if act.kind == "emit_event":
        return a.EmitEvent(event=a.EventRef(name=_lit_text(arg("event"))),
                           fields=_raise_fields(act))
    if act.kind == "call_webhook":
        return a.CallWebhook(name=_lit_text(arg("name")), fields=_raise_fields(act))
    if act.kind == "publish_mqtt":
        topic = arg("topic")
        assert isinstance(topic, ir.Template)
        return a.PublishMqtt(topic=raise_template(topic), fields=_raise_fields(act))
    if act.kind == "block":
        message = arg("message")
        assert isinstance(message, ir.Template)
        return a.Block(message=raise_template(message))
    raise LoweringError(f"no syntax for action {act.kind}")


def _lower_cell(cell: a.Cell, node_id: str) -> ir.Expr | None:
    if isinstance(cell, a.AnyCell):
        return None
    if isinstance(cell, a.CompareCell):
        return ir.Binary(op=_CMP_TO_IR[cell.op], left=_Q,  # type: ignore[arg-type]
                         right=lower_expr(cell.value, node_id))
    return ir.Binary(op="not_in" if cell.negated else "in", left=_Q, right=ir.ListExpr(
        items=tuple(lower_expr(x, node_id) for x in cell.items)))


def _raise_cell(cell: ir.Expr | None) -> a.Cell:
    if cell is None:
        return a.AnyCell()
    assert isinstance(cell, ir.Binary)
    if cell.op in {"in", "not_in"}:
        assert isinstance(cell.right, ir.ListExpr)
        return a.InCell(items=tuple(raise_expr(x) for x in cell.right.items),
                        negated=cell.op == "not_in")
    return a.CompareCell(op=_CMP_FROM_IR[cell.op],  # type: ignore[arg-type]
                         value=raise_expr(cell.right))


def lower_item(item: a.Item) -> ir.Rule:
    """A rule, guard or table of the file as an IR rule with named nodes."""
    name = item.name
    condition = lower_expr(item.condition, f"{name}/when") if item.condition else None
    if isinstance(item, a.Table):
        table = ir.DecisionTable(
            id=f"{name}/table", hit=item.hit,
            inputs=tuple(lower_expr(x, f"{name}/table") for x in item.inputs),
            outputs=tuple(p.dotted for p in item.outputs),
            rows=tuple(ir.TableRow(
                cells=tuple(_lower_cell(c, f"{name}/table") for c in row.cells),
                outputs=tuple(lower_expr(x, f"{name}/table") for x in row.results))
                for row in item.rows))
        return ir.Rule(id=name, title=item.title, kind="table", trigger=item.trigger.name,
                       condition=condition, table=table)
    actions = lower_steps(item.actions, f"{name}/then")
    else_actions: tuple[ir.Step, ...] = ()
    if isinstance(item, a.Rule):
        else_actions = lower_steps(item.else_actions, f"{name}/else")
    return ir.Rule(id=name, title=item.title,
                   kind="guard" if isinstance(item, a.Guard) else "reaction",
                   trigger=item.trigger.name, condition=condition, actions=actions,
                   else_actions=else_actions,
                   span=(item.span.line, item.span.column) if item.span.line else None)


def raise_item(rule: ir.Rule) -> a.Item:
    """The syntax of one IR rule."""
    trigger = a.EventRef(name=rule.trigger)
    condition = raise_expr(rule.condition) if rule.condition is not None else None
    if rule.kind == "table":
        assert rule.table is not None
        t = rule.table
        return a.Table(name=rule.id, title=rule.title, trigger=trigger, condition=condition,
                       hit=t.hit, inputs=tuple(raise_expr(x) for x in t.inputs),
                       outputs=tuple(a.Path(parts=tuple(o.split("."))) for o in t.outputs),
                       rows=tuple(a.Row(cells=tuple(_raise_cell(c) for c in row.cells),
                                        results=tuple(raise_expr(x) for x in row.outputs))
                                  for row in t.rows))
    actions = raise_steps(rule.actions)
    if rule.kind == "guard":
        return a.Guard(name=rule.id, title=rule.title, trigger=trigger, condition=condition,
                       actions=actions)
    return a.Rule(name=rule.id, title=rule.title, trigger=trigger, condition=condition,
                  actions=actions, else_actions=raise_steps(rule.else_actions))


def lower_rule_file(rule_file: a.RuleFile) -> ir.RuleSet:
    """A whole (checked, resolved) rule file as a rule set."""
    return ir.RuleSet(rules=tuple(lower_item(i) for i in rule_file.items))


def raise_rule_file(rule_set: ir.RuleSet) -> a.RuleFile:
    """The rule file a rule set came from (without comments)."""
    return a.RuleFile(items=tuple(raise_item(r) for r in rule_set.rules))
