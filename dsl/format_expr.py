"""Canonical text of expressions, literals and strings (used by the formatter and errors).

Parentheses are printed only where precedence needs them, so ``parse(format(x)) == x``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from dsl.ast import (
    Absent,
    And,
    Binary,
    Bool,
    Call,
    Compare,
    Date,
    Duration,
    EventRef,
    Expr,
    InList,
    IsEmpty,
    Money,
    Negate,
    Not,
    Number,
    Or,
    Path,
    Percent,
    Placeholder,
    Quantity,
    Sustained,
    Template,
    WindowCount,
)
from dsl.keywords import Lang, spell

# Precedence levels, loosest first (see the expression rules in grammar.lark).
OR, AND, NOT, TEMPORAL, PREDICATE, SUM, PRODUCT, UNARY, ATOM = range(1, 10)

_UNITS: Final[tuple[tuple[int, str], ...]] = (
    (86_400_000, "d"), (3_600_000, "h"), (60_000, "m"), (1000, "s"), (1, "ms"))
_UNIT_SIZES: Final[dict[str, int]] = {"w": 604_800_000, **{u: s for s, u in _UNITS}}
_STRING_ESCAPES: Final[dict[str, str]] = {
    "\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "{": "{{", "}": "}}"}


def decimal_text(value: Decimal) -> str:
    """A decimal in plain notation (never ``1E+3``)."""
    return format(value, "f")


def duration_text(ms: int, unit: str = "") -> str:
    """``7200000`` -> ``2h``: the unit it was written in if exact, else the largest exact."""
    if ms == 0:
        return "0ms"
    size = _UNIT_SIZES.get(unit)
    if size and ms % size == 0:
        return f"{ms // size}{unit}"
    for size, unit in _UNITS:
        if ms % size == 0:
            return f"{ms // size}{unit}"
    return f"{ms}ms"  # pragma: no cover - the last unit always divides


def string_text(t: Template) -> str:
    """A template as a double-quoted string with placeholders and escapes."""
    out = []
    for p in t.parts:
        if isinstance(p, Placeholder):
            out.append("{" + p.path.dotted + "}")
        else:
            out.append("".join(_STRING_ESCAPES.get(c, c) for c in p.text))
    return '"' + "".join(out) + '"'


def title_text(title: str) -> str:
    """A title as a double-quoted string."""
    body = "".join(_STRING_ESCAPES.get(c, c) if c not in "{}" else c for c in title)
    return '"' + body + '"'


def level(e: Expr) -> int:
    """The precedence level of an expression node."""
    if isinstance(e, Or):
        return OR
    if isinstance(e, And):
        return AND
    if isinstance(e, Not):
        return NOT
    if isinstance(e, Absent | Sustained | WindowCount):
        return TEMPORAL
    if isinstance(e, Compare | IsEmpty | InList):
        return PREDICATE
    if isinstance(e, Binary):
        return SUM if e.op in ("+", "-") else PRODUCT
    if isinstance(e, Negate):
        return UNARY
    return ATOM


def _key(key: Path | None, lang: Lang) -> str:
    return f" {spell('WITH_SAME', lang)} {key.dotted}" if key is not None else ""


def _within(d: Duration, lang: Lang) -> str:
    if lang == "zh":
        return f"在 {duration_text(d.milliseconds, d.unit)} 内"
    return f"within {duration_text(d.milliseconds, d.unit)}"


def expr_text(e: Expr, lang: Lang = "en", need: int = OR) -> str:
    """Print ``e``; parenthesised when its level is looser than ``need``."""
    text = _expr(e, lang)
    return f"({text})" if level(e) < need else text


def _expr(e: Expr, lang: Lang) -> str:
    if isinstance(e, Or):
        return f"{expr_text(e.left, lang, OR)} {spell('OR', lang)} {expr_text(e.right, lang, AND)}"
    if isinstance(e, And):
        return (f"{expr_text(e.left, lang, AND)} {spell('AND', lang)} "
                f"{expr_text(e.right, lang, NOT)}")
    if isinstance(e, Not):
        return f"{spell('NOT', lang)} {expr_text(e.operand, lang, NOT)}"
    if isinstance(e, Absent):
        return f"{spell('NO', lang)} {e.event.name}{_key(e.key, lang)} {_within(e.window, lang)}"
    if isinstance(e, Sustained):
        return (f"{expr_text(e.condition, lang, PREDICATE)}{_key(e.key, lang)} "
                f"{spell('FOR', lang)} {duration_text(e.duration.milliseconds, e.duration.unit)}")
    if isinstance(e, WindowCount):
        count = "计数" if lang == "zh" else "count"
        return (f"{count}({e.event.name}) {e.op} {expr_text(e.threshold, lang, SUM)}"
                f"{_key(e.key, lang)} {_within(e.window, lang)}")
    if isinstance(e, Compare):
        return f"{expr_text(e.left, lang, SUM)} {e.op} {expr_text(e.right, lang, SUM)}"
    if isinstance(e, IsEmpty):
        word = spell("IS_NOT_EMPTY" if e.negated else "IS_EMPTY", lang)
        return f"{expr_text(e.operand, lang, SUM)} {word}"
    if isinstance(e, InList):
        word = spell("NOT_IN" if e.negated else "IN", lang)
        return f"{expr_text(e.operand, lang, SUM)} {word} {list_text(e.items, lang)}"
    if isinstance(e, Binary):
        own = level(e)
        return f"{expr_text(e.left, lang, own)} {e.op} {expr_text(e.right, lang, own + 1)}"
    if isinstance(e, Negate):
        return f"-{expr_text(e.operand, lang, UNARY)}"
    if isinstance(e, Call):
        return f"{e.name}({', '.join(expr_text(a, lang) for a in e.args)})"
    if isinstance(e, Path):
        return e.dotted
    return literal_text(e, lang)


def list_text(items: tuple[Expr, ...], lang: Lang) -> str:
    """``[a, b]``."""
    return "[" + ", ".join(expr_text(i, lang, SUM) for i in items) + "]"


def literal_text(e: Expr, lang: Lang = "en") -> str:
    """Print a literal."""
    if isinstance(e, Number):
        return decimal_text(e.value)
    if isinstance(e, Duration):
        return duration_text(e.milliseconds, e.unit)
    if isinstance(e, Percent):
        return f"{decimal_text(e.value)}%"
    if isinstance(e, Money):
        sign = "-" if e.amount.is_signed() else ""
        amount = decimal_text(abs(e.amount))
        return f"{sign}¥{amount}" if e.currency == "CNY" else f"{sign}{amount} {e.currency}"
    if isinstance(e, Quantity):
        return f"{decimal_text(e.amount)} {e.unit}"
    if isinstance(e, Date):
        return e.value.isoformat()
    if isinstance(e, Bool):
        return spell("TRUE" if e.value else "FALSE", lang)
    if isinstance(e, Template):
        return string_text(e)
    if isinstance(e, EventRef):
        return e.name
    raise TypeError(f"not an expression: {type(e).__name__}")  # pragma: no cover
