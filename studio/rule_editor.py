"""The rule editor's two directions, always through the IR: text → canvas, canvas → text.

Errors come back as markers: line and column for the text editor, and the canvas node
that line belongs to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dsl import DslError, SchemaRegistry, check, format_rules, parse, resolve
from dsl.ast import RuleFile
from engine.canonical import version_hash
from engine.lowering import LoweringError
from engine.lowering_rules import lower_rule_file
from studio.canvas import assemble, canvas_from_ir, langs_of, node_lines
from studio.diagnostics import too_large

_CANVAS_MESSAGES = {
    "studio.canvas.unconnected": ("This node is not connected to a trigger.",
                                  "该节点未连接到触发器。"),
    "studio.canvas.no_action": ("This rule or condition has no action on its then output.",
                                "该规则或条件的“则”输出没有动作。"),
    "studio.canvas.many_inputs": (
        "More than one output leads into this node; the rule language cannot say that. "
        "Connect it to one output only (copy the action if two branches need it).",
        "有多个输出连到此节点，规则语言无法表达。请只连接一个输出（两个分支都需要时请复制该动作）。"),
    "studio.canvas.cycle": ("This node is on a loop of connections; a rule runs from its "
                            "trigger forward only.",
                            "此节点处在连线的环路上；规则只能从触发器向前执行。"),
    "studio.canvas.into_trigger": ("Nothing can lead into a trigger; it starts its rule.",
                                   "触发器是规则的起点，不能有连线指向它。"),
    "studio.canvas.after_action": ("An action ends its branch; connect the next step to the "
                                   "condition's output instead.",
                                   "动作是分支的终点；请把下一步连到条件的输出上。"),
    "studio.canvas.else_port": ("Only a condition has an else output.",
                                "只有条件节点才有“否则”输出。"),
    "studio.canvas.misplaced": ("A trigger, timer or decision table cannot sit inside a "
                                "branch; timers follow the trigger or the rule's condition.",
                                "触发器、计时器或决策表不能放在分支内；计时器须紧跟触发器或规则的条件。"),
    "studio.canvas.table_actions": ("A decision table writes its outputs; it takes no actions "
                                    "after it.",
                                    "决策表只写入其输出字段，之后不能再接动作。"),
}


@dataclass(slots=True)
class Sync:
    """One direction's answer: the other view, the version hash, and any markers."""

    text: str | None = None
    canvas: dict[str, Any] | None = None
    version: str | None = None
    markers: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """The response body of the editor endpoints."""
        return {"text": self.text, "canvas": self.canvas, "version": self.version,
                "markers": self.markers, "ok": not self.markers}


def _marker(err: Any, locale: str, node: str | None) -> dict[str, Any]:
    return {"line": int(err.line or 1), "column": int(err.column or 1),
            "end_line": int(err.end_line or err.line or 1),
            "end_column": int(err.end_column or (err.column or 1) + 1),
            "code": err.code, "message": err.render(locale), "node": node}


def _node_for(line: int, lines: dict[str, int]) -> str | None:
    """The node whose text starts nearest above ``line``."""
    best: tuple[int, str] | None = None
    for node, start in lines.items():
        if start and start <= line and (best is None or start >= best[0]):
            best = (start, node)
    return best[1] if best else None


def text_to_canvas(text: str, registry: SchemaRegistry, locale: str) -> Sync:
    """Parse and check rule text; the canvas of its IR, with markers for every problem."""
    refusal = too_large(text)
    if refusal is not None:  # said, never truncated: a cut file would check as another one
        return Sync(markers=[_marker(refusal, locale, None)])
    try:
        rule_file = parse(text)
    except DslError as err:
        return Sync(markers=[_marker(err, locale, None)])
    lines = node_lines(rule_file)
    try:
        canvas = canvas_from_ir(lower_rule_file(rule_file), langs=langs_of(rule_file),
                                lines=lines)
    except (LoweringError, AssertionError, ValueError):
        canvas = None
    diagnostics = check(rule_file, registry)
    if diagnostics:
        return Sync(canvas=canvas, markers=[
            _marker(d, locale, _node_for(d.line, lines)) for d in diagnostics])
    return Sync(canvas=canvas, version=_version(rule_file, registry))


def _version(rule_file: RuleFile, registry: SchemaRegistry) -> str:
    return version_hash(lower_rule_file(resolve(rule_file, registry)))


def canvas_to_text(canvas: dict[str, Any], registry: SchemaRegistry, locale: str) -> Sync:
    """Assemble the canvas into rule text, check it and format it canonically."""
    assembled = assemble(canvas)
    refusal = too_large(assembled.text)
    if refusal is not None:
        return Sync(markers=[_marker(refusal, locale, None)])
    zh = locale.lower().startswith("zh")
    markers = [{"line": 0, "column": 0, "end_line": 0, "end_column": 0, "code": p["code"],
                "message": _CANVAS_MESSAGES[p["code"]][1 if zh else 0], "node": p["node"]}
               for p in assembled.problems]
    if assembled.refused:
        # The canvas says something the text cannot: keep the text as it was, mark the nodes.
        return Sync(text=None, markers=markers)
    try:
        rule_file = parse(assembled.text)
    except DslError as err:
        return Sync(text=assembled.text, markers=[
            *markers, _marker(err, locale, assembled.node_at(err.line))])
    diagnostics = check(rule_file, registry)
    if diagnostics:
        # Keep the assembled text so that every marker's line is the line shown.
        return Sync(text=assembled.text, markers=[
            *markers, *(_marker(d, locale, assembled.node_at(d.line)) for d in diagnostics)])
    formatted = format_rules(rule_file)
    return Sync(text=formatted, version=_version(rule_file, registry), markers=markers)


__all__ = ["Sync", "canvas_to_text", "text_to_canvas"]
