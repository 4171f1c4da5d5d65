"""Reading typed literals and string templates from their tokens.

Each reader raises :class:`DslSyntaxError` (``dsl.syntax.bad_literal`` or
``dsl.syntax.bad_template``) with the token's position when the text is not a value.
"""

from __future__ import annotations

import datetime as _dt
import re
from decimal import Decimal, InvalidOperation
from typing import Final

from lark import Token

from dsl.ast import (
    Date,
    Duration,
    Money,
    Path,
    Percent,
    Placeholder,
    Quantity,
    Span,
    Template,
    TextPart,
)
from dsl.errors import DslSyntaxError
from dsl.types import CURRENCIES

#: Digits a number literal may have; longer ones are surely mistakes.
MAX_DIGITS: Final = 28

DURATION_MS: Final[dict[str, int]] = {
    "ms": 1, "毫秒": 1, "s": 1000, "秒": 1000, "m": 60_000, "分钟": 60_000,
    "h": 3_600_000, "小时": 3_600_000, "d": 86_400_000, "天": 86_400_000,
    "w": 604_800_000, "周": 604_800_000,
}
_UNIT_EN: Final[dict[str, str]] = {"毫秒": "ms", "秒": "s", "分钟": "m", "小时": "h", "天": "d",
                                   "周": "w"}
_DURATION_RE: Final = re.compile(r"(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w|毫秒|秒|分钟|小时|天|周)")
_PATH_RE: Final = re.compile(r"[^\W\d]\w*(?:\.[^\W\d]\w*)*")
_ESCAPES: Final[dict[str, str]] = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def token_span(tok: Token) -> Span:
    """The span of a token."""
    return Span(tok.line or 0, tok.column or 0, tok.end_line or 0, tok.end_column or 0)


_LITERAL_HINTS: Final[dict[str, tuple[str, str]]] = {
    "date": ("Write a real day as YYYY-MM-DD, such as 2025-11-23.",
             "请写存在的日期，格式 YYYY-MM-DD，如 2025-11-23。"),
    "duration": ("Use a smaller unit for parts: 90m instead of 1.5h, 1500ms instead of 1.5s.",
                 "小数时长请换成更小的单位：90m 代替 1.5h，1500ms 代替 1.5s。"),
    "number": (f"Write at most {MAX_DIGITS} digits.", f"数字最多 {MAX_DIGITS} 位。"),
}


def _bad(tok: Token, literal: str, literal_zh: str) -> DslSyntaxError:
    hint = _LITERAL_HINTS[literal.split()[0]]
    return DslSyntaxError("dsl.syntax.bad_literal", line=tok.line or 0, column=tok.column or 0,
                          end_line=tok.end_line, end_column=tok.end_column, found=str(tok),
                          expected=[f"a valid {literal}"], suggestion=hint[0],
                          suggestion_zh=hint[1],
                          context={"literal": literal, "literal_zh": literal_zh})


def decimal(tok: Token, text: str | None = None) -> Decimal:
    """Read the number in a token.

    Raises:
        DslSyntaxError: the number has more than ``MAX_DIGITS`` digits.
    """
    raw = (text if text is not None else str(tok)).strip()
    if sum(c.isdigit() for c in raw) > MAX_DIGITS:
        raise _bad(tok, f"number (at most {MAX_DIGITS} digits)", f"数字（最多 {MAX_DIGITS} 位）")
    try:
        return Decimal(raw)
    except InvalidOperation as exc:  # pragma: no cover - the lexer only passes digits
        raise _bad(tok, "number", "数字") from exc


def duration(tok: Token) -> Duration:
    """Read ``100ms``, ``15m``, ``2h``, ``48小时`` … as whole milliseconds.

    Raises:
        DslSyntaxError: not a whole number of milliseconds, or too many digits.
    """
    m = _DURATION_RE.fullmatch(str(tok).strip())
    if m is None:  # pragma: no cover - the lexer guarantees the shape
        raise _bad(tok, "duration", "时长")
    value = decimal(tok, m.group(1)) * DURATION_MS[m.group(2)]
    if value != value.to_integral_value():
        raise _bad(tok, "duration (whole milliseconds)", "时长（须为整毫秒）")
    unit = _UNIT_EN.get(m.group(2), m.group(2))
    return Duration(milliseconds=int(value), unit=unit, span=token_span(tok))


def percent(tok: Token) -> Percent:
    """Read ``2%``."""
    return Percent(value=decimal(tok, str(tok)[:-1]), span=token_span(tok))


def money(tok: Token, currency: Token | None = None) -> Money:
    """Read ``¥12.50`` or ``12.50`` followed by a currency token."""
    if currency is None:
        text = str(tok)
        amount = decimal(tok, text[1:])
        code = CURRENCIES[text[0]]
        span = token_span(tok)
    else:
        amount = decimal(tok)
        code = CURRENCIES[str(currency)]
        span = Span(tok.line or 0, tok.column or 0, currency.end_line or 0,
                    currency.end_column or 0)
    return Money(amount=amount, currency=code, span=span)


#: Units with several spellings -> the one they are written back as.
UNIT_SPELLING: Final[dict[str, str]] = {"℃": "°C", "m2": "m²", "平方米": "m²"}


def quantity(tok: Token, unit: Token) -> Quantity:
    """Read ``3 箱`` or ``12.5 kg`` (``℃`` is written back as ``°C``, ``m2`` and ``平方米``
    as ``m²``)."""
    name = UNIT_SPELLING.get(str(unit), str(unit))
    return Quantity(amount=decimal(tok), unit=name,
                    span=Span(tok.line or 0, tok.column or 0, unit.end_line or 0,
                              unit.end_column or 0))


def date(tok: Token) -> Date:
    """Read ``2025-11-23``.

    Raises:
        DslSyntaxError: no such day.
    """
    try:
        value = _dt.date.fromisoformat(str(tok))
    except ValueError as exc:
        raise _bad(tok, "date", "日期") from exc
    return Date(value=value, span=token_span(tok))


def _string_body(tok: Token) -> str:
    text = str(tok)
    return text[1:-1]


def plain_string(tok: Token) -> str:
    """Read a string without placeholders (a title): only escapes are decoded."""
    body = _string_body(tok)
    if str(tok).startswith("“"):
        return body
    out: list[str] = []
    i = 0
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body):
            out.append(_ESCAPES.get(body[i + 1], body[i + 1]))
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


def template(tok: Token) -> Template:
    """Read a string with ``{field.path}`` placeholders; ``{{``/``}}`` are literal braces.

    Raises:
        DslSyntaxError: a placeholder is unclosed or is not a field path.
    """
    body = _string_body(tok)
    curly = str(tok).startswith("“")
    line, col0 = tok.line or 0, (tok.column or 0) + 1
    parts: list[TextPart | Placeholder] = []
    buf: list[str] = []
    buf_start = 0

    def flush(end: int) -> None:
        if buf:
            parts.append(TextPart(text="".join(buf),
                                  span=Span(line, col0 + buf_start, line, col0 + end)))
            buf.clear()

    i = 0
    while i < len(body):
        c = body[i]
        if not buf:
            buf_start = i
        if c == "\\" and not curly and i + 1 < len(body):
            buf.append(_ESCAPES.get(body[i + 1], body[i + 1]))
            i += 2
        elif c in "{}" and body[i:i + 2] in ("{{", "}}"):
            buf.append(c)
            i += 2
        elif c == "{":
            close = body.find("}", i)
            inner = body[i + 1:close].strip() if close != -1 else ""
            if close == -1 or not _PATH_RE.fullmatch(inner):
                shown = body[i:close + 1] if close != -1 else body[i:]
                raise DslSyntaxError(
                    "dsl.syntax.bad_template", line=line, column=col0 + i,
                    end_column=col0 + (close + 1 if close != -1 else len(body)), found=shown,
                    expected=["a field path in braces such as {order.no}"],
                    suggestion="Close the placeholder with `}`, or write `{{` for a brace."
                    if close == -1 else "Put only a field path inside the braces.",
                    suggestion_zh="请用 `}` 闭合占位符，或用 `{{` 表示花括号。"
                    if close == -1 else "花括号中只能写字段路径。")
            flush(i)
            span = Span(line, col0 + i, line, col0 + close + 1)
            parts.append(Placeholder(path=Path(parts=tuple(inner.split(".")), span=span),
                                     span=span))
            i = close + 1
        else:
            buf.append(c)
            i += 1
    flush(len(body))
    # Adjacent text parts only arise from escapes; merge them so equal strings compare equal.
    merged: list[TextPart | Placeholder] = []
    for p in parts:
        if merged and isinstance(p, TextPart) and isinstance(merged[-1], TextPart):
            prev = merged.pop()
            assert isinstance(prev, TextPart)
            p = TextPart(text=prev.text + p.text, span=Span(prev.span.line, prev.span.column,
                                                            p.span.end_line, p.span.end_column))
        merged.append(p)
    return Template(parts=tuple(merged), span=token_span(tok))
