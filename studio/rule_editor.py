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
    "studio.canvas.no_action": ("This rule has no action.", "该规则没有动作。"),
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
