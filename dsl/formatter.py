"""Canonical text of a rule file, in English or Chinese keywords.

``format_rules`` is idempotent and ``parse(format_rules(ast)) == ast`` (spans aside).
Comments come back above the clause or action they preceded; a comment at the end of a
line stays at the end of that line.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from dsl.ast import (
    Action,
    Alert,
    And,
    AnyCell,
    Assignment,
    Block,
    Branch,
    CallWebhook,
    Cell,
    Comment,
    CompareCell,
    CreateDocument,
    EmitEvent,
    Expr,
    Freeze,
    Guard,
    InCell,
    Item,
    Notify,
    Or,
    PublishMqtt,
    Recipient,
    Release,
    Reserve,
    Rule,
    RuleFile,
    SetField,
    Step,
    Table,
    Unfreeze,
)
from dsl.format_expr import (
    AND,
    NOT,
    OR,
    SUM,
    duration_text,
    expr_text,
    list_text,
    string_text,
    title_text,
)
from dsl.keywords import Lang, spell

#: Conditions longer than this break at their top-level ``and``/``or``.
LINE_WIDTH = 100
_KIND_CONCEPT = {"customer": "CUSTOMER", "receipt": "RECEIPT", "channel": "CHANNEL",
                 "lot": "LOT", "item": "ITEM", "supplier": "SUPPLIER",
                 "location": "LOCATION"}


@dataclass(slots=True)
class _Line:
    src: int  # the source line of the node printed here (0: none)
    text: str


def format_rules(rule_file: RuleFile, lang: Lang | None = None) -> str:
    """Print a rule file in canonical form.

    Args:
        rule_file: the parsed file.
        lang: ``"en"`` or ``"zh"`` keywords; None keeps each item's own language.
    """
    lines: list[_Line] = []
    for i, item in enumerate(rule_file.items):
        if i:
            lines.append(_Line(0, ""))
        lines.extend(_item(item, lang or item.lang))
    _place_comments(lines, rule_file.comments)
    text = "\n".join(line.text.rstrip() for line in lines).strip("\n")
    return text + "\n" if text else ""


def _place_comments(lines: list[_Line], comments: tuple[Comment, ...]) -> None:
    tail: list[_Line] = []
    for c in comments:
        if c.trailing:
            same = [ln for ln in lines if ln.src == c.span.line]
            if same:
                same[-1].text += f"  {c.text}"
                continue
        at = next((i for i, ln in enumerate(lines) if ln.src > c.span.line), None)
        if at is None:
            tail.append(_Line(0, c.text))
            continue
        indent = lines[at].text[: len(lines[at].text) - len(lines[at].text.lstrip())]
        lines.insert(at, _Line(0, indent + c.text))
    if tail and lines:
        lines.append(_Line(0, ""))
    lines.extend(tail)


def _header(item: Item, concept: str, lang: Lang) -> list[_Line]:
    title = f" {title_text(item.title)}" if item.title is not None else ""
    out = [_Line(item.span.line, f"{spell(concept, lang)} {item.name}{title}"),
           _Line(item.trigger.span.line, f"  {spell('WHEN', lang)} {item.trigger.name}")]
    if item.condition is not None:
        out.extend(_condition(item.condition, lang))
    return out


def _condition(cond: Expr, lang: Lang, indent: str = "  ") -> list[_Line]:
    keyword = spell("IF", lang)
    one = f"{indent}{keyword} {expr_text(cond, lang)}"
    if len(one) <= LINE_WIDTH or not isinstance(cond, And | Or):
        return [_Line(cond.span.line, one)]
    # Break a long chain at its top-level operator: "a and b and c" as one line each.
    kind = type(cond)
    parts: list[Expr] = []
    node: Expr = cond
    while isinstance(node, kind):
        assert isinstance(node, And | Or)
        parts.append(node.right)
        node = node.left
    parts.append(node)
    parts.reverse()
    word = spell("AND" if kind is And else "OR", lang)
    first_need, rest_need = (AND, NOT) if kind is And else (OR, AND)
    out = [_Line(cond.span.line,
                 f"{indent}{keyword} {expr_text(parts[0], lang, first_need)}")]
    out.extend(_Line(0, f"{indent}  {word} {expr_text(p, lang, rest_need)}") for p in parts[1:])
    return out


def _item(item: Item, lang: Lang) -> list[_Line]:
    if isinstance(item, Table):
        return _table(item, lang)
    out = _header(item, "GUARD" if isinstance(item, Guard) else "RULE", lang)
    out.append(_Line(0, f"  {spell('THEN', lang)}"))
    out.extend(_steps(item.actions, lang, "    "))
    if isinstance(item, Rule) and item.else_actions:
        out.append(_Line(0, f"  {spell('ELSE', lang)}"))
        out.extend(_steps(item.else_actions, lang, "    "))
    out.append(_Line(item.span.end_line, spell("END", lang)))
    return out


def _steps(steps: tuple[Step, ...], lang: Lang, indent: str) -> list[_Line]:
    """The steps of a branch, one action a line; a nested condition as its own block."""
    out: list[_Line] = []
    for step in steps:
        if not isinstance(step, Branch):
            out.append(_Line(step.span.line, f"{indent}{_action(step, lang)}"))
            continue
        out.extend(_condition(step.condition, lang, indent))
        out.append(_Line(0, f"{indent}{spell('THEN', lang)}"))
        out.extend(_steps(step.actions, lang, indent + "  "))
        if step.else_actions:
            out.append(_Line(0, f"{indent}{spell('ELSE', lang)}"))
            out.extend(_steps(step.else_actions, lang, indent + "  "))
        out.append(_Line(step.span.end_line, f"{indent}{spell('END', lang)}"))
    return out


def _table(t: Table, lang: Lang) -> list[_Line]:
    out = _header(t, "TABLE", lang)
    hit = spell("FIRST" if t.hit == "first" else "COLLECT", lang)
    out.append(_Line(0, f"  {spell('HIT', lang)} {hit}"))
    inputs = ", ".join(expr_text(e, lang, SUM) for e in t.inputs)
    out.append(_Line(t.inputs[0].span.line if t.inputs else 0,
                     f"  {spell('INPUTS', lang)} {inputs}"))
    outputs = ", ".join(p.dotted for p in t.outputs)
    out.append(_Line(t.outputs[0].span.line if t.outputs else 0,
                     f"  {spell('OUTPUTS', lang)} {outputs}"))
    cells = [[_cell(c, lang) for c in r.cells] for r in t.rows]
    widths = [max((_width(row[i]) for row in cells if i < len(row)), default=0)
              for i in range(max((len(r) for r in cells), default=0))]
    for row, texts in zip(t.rows, cells, strict=True):
        padded = [txt + ("," if i < len(texts) - 1 else "") + " " * (widths[i] - _width(txt))
                  for i, txt in enumerate(texts)]
        results = ", ".join(expr_text(e, lang, SUM) for e in row.results)
        out.append(_Line(row.span.line,
                         f"  {spell('ROW', lang)} {' '.join(padded)} -> {results}"))
    out.append(_Line(t.span.end_line, spell("END", lang)))
    return out


def _width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell(c: Cell, lang: Lang) -> str:
    if isinstance(c, AnyCell):
        return spell("ANY", lang)
    if isinstance(c, InCell):
        return f"{spell('NOT_IN' if c.negated else 'IN', lang)} {list_text(c.items, lang)}"
    assert isinstance(c, CompareCell)
    value = expr_text(c.value, lang, SUM)
    return value if c.op == "=" else f"{c.op} {value}"


def _recipients(rs: tuple[Recipient, ...], lang: Lang) -> str:
    return ", ".join(f"{spell('ROLE' if r.kind == 'role' else 'USER', lang)}:{r.name}"
                     for r in rs)


def _fields(fields: tuple[Assignment, ...], lang: Lang) -> str:
    if not fields:
        return ""
    inner = ", ".join(f"{a.target.dotted} = {expr_text(a.value, lang, SUM)}" for a in fields)
    return f" ({inner})"


def _action(a: Action, lang: Lang) -> str:
    if isinstance(a, Reserve):
        hold = (f" {spell('FOR', lang)} {duration_text(a.hold.milliseconds, a.hold.unit)}"
                if a.hold else "")
        return f"{spell('RESERVE', lang)} {expr_text(a.target, lang, SUM)}{hold}"
    if isinstance(a, Release):
        return f"{spell('RELEASE', lang)} {expr_text(a.target, lang, SUM)}"
    if isinstance(a, Alert | Notify):
        word = spell("ALERT" if isinstance(a, Alert) else "NOTIFY", lang)
        return f"{word} {_recipients(a.recipients, lang)} {string_text(a.message)}"
    if isinstance(a, Freeze | Unfreeze):
        word = spell("FREEZE" if isinstance(a, Freeze) else "UNFREEZE", lang)
        target = f" {expr_text(a.target, lang, SUM)}" if a.target is not None else ""
        return f"{word} {spell(_KIND_CONCEPT[a.kind], lang)}{target}"
    if isinstance(a, SetField):
        return (f"{spell('SET', lang)} {a.target.dotted} {spell('TO', lang)} "
                f"{expr_text(a.value, lang, SUM)}")
    if isinstance(a, CreateDocument):
        return f"{spell('CREATE_DOCUMENT', lang)} {a.document}{_fields(a.fields, lang)}"
    if isinstance(a, EmitEvent):
        return f"{spell('EMIT_EVENT', lang)} {a.event.name}{_fields(a.fields, lang)}"
    if isinstance(a, CallWebhook):
        return f"{spell('CALL_WEBHOOK', lang)} {title_text(a.name)}{_fields(a.fields, lang)}"
    if isinstance(a, PublishMqtt):
        return (f"{spell('PUBLISH_MQTT', lang)} {string_text(a.topic)}"
                f"{_fields(a.fields, lang)}")
    assert isinstance(a, Block)
    return f"{spell('BLOCK', lang)} {string_text(a.message)}"


def action_text(a: Action, lang: Lang = "en") -> str:
    """One action as the formatter prints it (the canvas shows this on an action node)."""
    return _action(a, lang)


__all__ = ["LINE_WIDTH", "OR", "action_text", "format_rules"]
