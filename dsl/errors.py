"""Errors of the rule language: one root, a few leaves, every instance with a stable code.

The shape follows the rest of jxcflow (``code``, ``http_status``, ``context``,
``render(locale)``) without importing it: ``dsl`` imports nothing of ours, and the studio
renders any object of this shape as a problem. Messages come from :mod:`dsl.messages`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Final

from dsl.messages import CATALOGUE, EXAMPLE_CONTEXT, ErrorKind, spec


def _is_zh(locale: str) -> bool:
    return locale.lower().startswith("zh")


def _message(code: str, context: Mapping[str, Any], locale: str) -> str:
    entry = spec(code)
    template = entry.template_zh if _is_zh(locale) else entry.template_en
    try:
        return template.format(**context)
    except (KeyError, IndexError, ValueError):
        # A missing context field must never hide the error itself.
        return template


def _render(code: str, context: Mapping[str, Any], suggestion: str, suggestion_zh: str,
            locale: str) -> str:
    text = _message(code, context, locale)
    hint = suggestion_zh if _is_zh(locale) else suggestion
    return f"{text} {hint}".strip() if hint else text


def _located(line: int, column: int, message: str, locale: str) -> str:
    if not line:
        return message
    where = f"第 {line} 行第 {column} 列" if _is_zh(locale) else f"line {line}, column {column}"
    return f"{where}: {message}"


#: How many problems the message of a failed check spells out (``diagnostics`` has all).
LISTED: Final = 10


@dataclass(frozen=True, slots=True, kw_only=True)
class Diagnostic:
    """One problem found in a rule file, with where it is and how to fix it."""

    #: Stable dotted code, e.g. ``dsl.name.unknown_field``.
    code: str
    line: int
    column: int
    end_line: int
    end_column: int
    #: The offending text as written.
    found: str = ""
    #: What would have been right, in human words (English).
    expected: tuple[str, ...] = ()
    #: A hint such as "Did you mean `order.deposit_amount`?" (English / Chinese).
    suggestion: str = ""
    suggestion_zh: str = ""
    #: Fields for the message templates.
    context: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def kind(self) -> ErrorKind:
        """``syntax``, ``name``, ``type``, ``limit`` or ``check``."""
        return spec(self.code).kind

    def render(self, locale: str = "en") -> str:
        """Return the message in ``zh-CN`` (any ``zh*``) or English."""
        return _render(self.code, self.context, self.suggestion, self.suggestion_zh, locale)

    def message(self, locale: str = "en") -> str:
        """Return the message without its suggestion, in ``zh-CN`` (any ``zh*``) or English."""
        return _message(self.code, self.context, locale)

    def located(self, locale: str = "en") -> str:
        """Return ``line 3, column 6: message suggestion`` (``第 3 行第 6 列：…``)."""
        return _located(self.line, self.column, self.render(locale), locale)

    def as_dict(self) -> dict[str, Any]:
        """JSON-able form for the API: position, code, both messages and suggestions."""
        return {"line": self.line, "column": self.column, "end_line": self.end_line,
                "end_column": self.end_column, "code": self.code, "kind": self.kind,
                "found": self.found, "expected": list(self.expected),
                "message": {"zh-CN": self.message("zh-CN"), "en": self.message("en")},
                "suggestion": {"zh-CN": self.suggestion_zh, "en": self.suggestion}}

    def to_error(self) -> DslError:
        """Return the matching exception (``DslNameError`` for name codes, and so on)."""
        cls = _CLASS_BY_KIND.get(self.kind, DslError)
        return cls(self.code, line=self.line, column=self.column, end_line=self.end_line,
                   end_column=self.end_column, found=self.found, expected=self.expected,
                   suggestion=self.suggestion, suggestion_zh=self.suggestion_zh,
                   context=dict(self.context))


class DslError(Exception):
    """The rule text has a problem."""

    #: Default code of the class; an instance may carry a more specific one.
    code: str = "dsl.syntax.unexpected_token"
    #: HTTP status when the studio reports this error.
    http_status: ClassVar[int] = 422

    def __init__(self, code: str | None = None, *, line: int = 0, column: int = 0,
                 end_line: int | None = None, end_column: int | None = None, found: str = "",
                 expected: Iterable[str] = (), suggestion: str = "", suggestion_zh: str = "",
                 context: Mapping[str, Any] | None = None, snippet: str = "") -> None:
        self.code = code or type(self).code
        self.line = line
        self.column = column
        self.end_line = line if end_line is None else end_line
        self.end_column = column + max(len(found), 1) if end_column is None else end_column
        self.found = found
        self.expected: list[str] = list(expected)
        self.suggestion = suggestion
        self.suggestion_zh = suggestion_zh
        self.context: dict[str, Any] = {"found": found, **(context or {})}
        #: The source line with a caret under the problem (syntax errors).
        self.snippet = snippet
        super().__init__(self.render("en"))

    def render(self, locale: str = "en") -> str:
        """Return the message in ``zh-CN`` (any ``zh*``) or English, with its position."""
        message = _render(self.code, self.context, self.suggestion, self.suggestion_zh, locale)
        return _located(self.line, self.column, message, locale)

    def diagnostic(self) -> Diagnostic:
        """Return this error as a :class:`Diagnostic`."""
        return Diagnostic(code=self.code, line=self.line, column=self.column,
                          end_line=self.end_line, end_column=self.end_column, found=self.found,
                          expected=tuple(self.expected), suggestion=self.suggestion,
                          suggestion_zh=self.suggestion_zh, context=dict(self.context))


class DslSyntaxError(DslError, ValueError):
    """The rule text does not follow the grammar."""

    code = "dsl.syntax.unexpected_token"


class DslLimitError(DslError, ValueError):
    """The rule text is too big or too deeply nested to check."""

    code = "dsl.limit.too_large"


class DslNameError(DslError, LookupError):
    """A name is not an event type, field, function, document type or role we know."""

    code = "dsl.name.unknown_field"


class DslTypeError(DslError, TypeError):
    """Values of different types are combined, compared or passed where they do not fit."""

    code = "dsl.type.mismatch"


class DslCheckError(DslError, ValueError):
    """The rule text has problems; ``diagnostics`` lists every one of them."""

    code = "dsl.check_failed"

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics: tuple[Diagnostic, ...] = tuple(diagnostics)
        first = self.diagnostics[0] if self.diagnostics else None
        super().__init__(
            self.code,
            line=first.line if first else 0, column=first.column if first else 0,
            end_line=first.end_line if first else 0, end_column=first.end_column if first else 0,
            found=first.found if first else "",
            context={"count": len(self.diagnostics),
                     "listing": _listing(self.diagnostics, "en"),
                     "listing_zh": _listing(self.diagnostics, "zh-CN")})

    def render(self, locale: str = "en") -> str:
        """Return every problem (the first ``LISTED`` spelled out), each with its position."""
        return _message(self.code, self.context, locale)

    def diagnostic(self) -> Diagnostic:
        """The first problem (``diagnostics`` holds them all)."""
        return self.diagnostics[0] if self.diagnostics else super().diagnostic()


def _listing(diagnostics: tuple[Diagnostic, ...], locale: str) -> str:
    zh = _is_zh(locale)
    parts = [d.located(locale) for d in diagnostics[:LISTED]]
    more = len(diagnostics) - LISTED
    if more > 0:
        parts.append(f"另有 {more} 处（见 diagnostics）" if zh else
                     f"and {more} more (see diagnostics)")
    return ("；" if zh else "; ").join(parts)


_CLASS_BY_KIND: dict[str, type[DslError]] = {
    "syntax": DslSyntaxError, "limit": DslLimitError, "name": DslNameError,
    "type": DslTypeError, "check": DslCheckError,
}


def error_class(code: str) -> type[DslError]:
    """Return the exception class that carries ``code``.

    Raises:
        KeyError: the code is not in the catalogue.
    """
    return _CLASS_BY_KIND[spec(code).kind]


def list_all_errors() -> list[dict[str, str]]:
    """Every error code with its class and both templates rendered on example values."""
    out = []
    for entry in CATALOGUE.values():
        out.append({
            "code": entry.code, "class": error_class(entry.code).__name__, "kind": entry.kind,
            "template_en": entry.template_en, "template_zh": entry.template_zh,
            "example_en": entry.template_en.format(**EXAMPLE_CONTEXT),
            "example_zh": entry.template_zh.format(**EXAMPLE_CONTEXT),
        })
    return out


def did_you_mean(candidate: str, candidate_zh: str | None = None) -> tuple[str, str]:
    """Return the English and Chinese "did you mean" sentences for a close match."""
    return (f"Did you mean `{candidate}`?", f"是不是想写 `{candidate_zh or candidate}`？")
