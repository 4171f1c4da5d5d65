"""Errors of the engine: compiling and evaluating rule graphs."""

from __future__ import annotations

from kernel.errors import DomainError


class EngineError(DomainError):
    """The engine could not do what was asked."""

    code = "engine.error"
    http_status = 422


class CompileError(EngineError):
    """A rule graph cannot be compiled (it did not pass the checker)."""

    code = "engine.compile_error"
    template_en = "Rule {rule} node {node}: {reason}"
    template_zh = "规则 {rule} 节点 {node}：{reason_zh}"


class GuardRefused(EngineError):
    """A guard rule blocked a command."""

    code = "engine.guard_refused"
    http_status = 409
    template_en = "Refused by rule {rule} (version {version}): {message}"
    template_zh = "被规则 {rule}（版本 {version}）阻止：{message}"
