"""The string, number and date functions a mapping may call, beside JMESPath's own.

Registered as JMESPath custom functions (``jmespath.functions.Functions``): they take and
return JSON values only and can reach nothing else. ``PO-2026-0126-001`` becomes
``PO20260126001`` with ``replace(body.po_no, '-', '')``.

=====================================  ==============================================
``replace(text, old, new)``            every ``old`` in ``text`` replaced by ``new``
``split(text, separator)``             the parts, as a list
``upper(text)`` / ``lower(text)``      case changed
``trim(text)``                         surrounding spaces removed
``pad_left(text, width, fill)``        ``fill`` (one character) added on the left up to
``pad_right(text, width, fill)``       ``width`` characters (right: on the right)
``substring(text, start, length)``     ``length`` characters from ``start`` (0-based)
``concat(a, b, …)``                    values joined as text (``null`` counts as empty)
``round_money(number, places)``        rounded half-up to ``places`` decimals
``format_date(text, format)``          an ISO-8601 date/time re-written with a
                                       ``strftime`` format (``%Y%m%d`` …)
``to_number`` / ``to_string`` /        JMESPath's own (see https://jmespath.org)
``join`` / ``sum`` / …
=====================================  ==============================================
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeVar, cast

from jmespath import functions

_MAX_TEXT = 10_000
_F = TypeVar("_F", bound=Callable[..., Any])


def _signature(*arguments: dict[str, Any]) -> Callable[[_F], _F]:
    """JMESPath's ``signature`` decorator, typed."""
    return cast(Callable[[_F], _F], functions.signature(*arguments))


def _text(value: Any) -> str:
    return "" if value is None else value if isinstance(value, str) else str(value)


class MappingFunctions(functions.Functions):  # type: ignore[misc]
    """JMESPath's built-in functions plus the integrators' string and number helpers."""

    @_signature({"types": ["string"]}, {"types": ["string"]}, {"types": ["string"]})
    def _func_replace(self, text: str, old: str, new: str) -> str:
        if not old:
            return text
        return text.replace(old, new)[:_MAX_TEXT]

    @_signature({"types": ["string"]}, {"types": ["string"]})
    def _func_split(self, text: str, separator: str) -> list[str]:
        return text.split(separator) if separator else list(text)

    @_signature({"types": ["string"]})
    def _func_upper(self, text: str) -> str:
        return text.upper()

    @_signature({"types": ["string"]})
    def _func_lower(self, text: str) -> str:
        return text.lower()

    @_signature({"types": ["string"]})
    def _func_trim(self, text: str) -> str:
        return text.strip()

    @_signature({"types": ["string", "number"]}, {"types": ["number"]},
                         {"types": ["string"]})
    def _func_pad_left(self, text: Any, width: int, fill: str) -> str:
        return _text(text).rjust(min(int(width), _MAX_TEXT), (fill or " ")[0])

    @_signature({"types": ["string", "number"]}, {"types": ["number"]},
                         {"types": ["string"]})
    def _func_pad_right(self, text: Any, width: int, fill: str) -> str:
        return _text(text).ljust(min(int(width), _MAX_TEXT), (fill or " ")[0])

    @_signature({"types": ["string"]}, {"types": ["number"]}, {"types": ["number"]})
    def _func_substring(self, text: str, start: int, length: int) -> str:
        begin = max(int(start), 0)
        return text[begin:begin + max(int(length), 0)]

    @_signature({"types": [], "variadic": True})
    def _func_concat(self, *values: Any) -> str:
        return "".join(_text(v) for v in values)[:_MAX_TEXT]

    @_signature({"types": ["number"]}, {"types": ["number"]})
    def _func_round_money(self, number: float, places: int) -> float | int:
        step = Decimal(1).scaleb(-max(min(int(places), 6), 0))
        rounded = Decimal(str(number)).quantize(step, rounding=ROUND_HALF_UP)
        return int(rounded) if places <= 0 else float(rounded)

    @_signature({"types": ["string"]}, {"types": ["string"]})
    def _func_format_date(self, text: str, fmt: str) -> str | None:
        try:
            moment: date = datetime.fromisoformat(text)
        except ValueError:
            try:
                moment = date.fromisoformat(text)
            except ValueError:
                return None
        return moment.strftime(fmt[:100])


#: Every function name a mapping may call.
FUNCTIONS = MappingFunctions()
NAMES = frozenset(FUNCTIONS.FUNCTION_TABLE)

__all__ = ["FUNCTIONS", "NAMES", "MappingFunctions"]
