"""The closed list of built-in functions and their signatures (the only calls there are).

There is deliberately no ``now()``: time comes only from the evaluation context, so a
rule evaluates the same way in production, shadow, sandbox and replay.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from dsl.types import ANY, NUMBER, NUMERIC_KINDS, ORDERED_KINDS, DslType, enum

Params = tuple[frozenset[str], ...]


@dataclass(frozen=True, slots=True)
class Builtin:
    """A built-in function: its names, argument kinds and result type."""

    name: str
    name_zh: str
    doc_en: str
    doc_zh: str
    #: Allowed kinds per argument; the last repeats when ``variadic``.
    params: Params
    min_args: int
    variadic: bool
    result: Callable[[list[DslType]], DslType]


def _first(args: list[DslType]) -> DslType:
    return args[0] if args else ANY


def _item(args: list[DslType]) -> DslType:
    return args[0].item if args and args[0].item is not None else ANY


_NUM = frozenset(NUMERIC_KINDS)
_ORD = frozenset(ORDERED_KINDS)
SEASON = enum("spring", "summer", "autumn", "winter")

BUILTINS: Final[tuple[Builtin, ...]] = (
    Builtin("abs", "绝对值", "Absolute value.", "绝对值。", (_NUM,), 1, False, _first),
    Builtin("round", "四舍五入", "Round to a number of decimals (default 0).", "四舍五入。",
            (_NUM, frozenset({"number"})), 1, False, _first),
    Builtin("min", "最小", "The smallest of its arguments.", "最小值。", (_ORD, _ORD), 2, True,
            _first),
    Builtin("max", "最大", "The largest of its arguments.", "最大值。", (_ORD, _ORD), 2, True,
            _first),
    Builtin("count", "计数", "How many elements a list has (in a window: how many events).",
            "列表元素个数（在时间窗口中：事件个数）。", (frozenset({"list"}),), 1, False,
            lambda _: NUMBER),
    Builtin("sum", "合计", "The sum of a list of numbers, amounts or quantities.", "合计。",
            (frozenset({"list"}),), 1, False, _item),
    Builtin("len", "长度", "The length of a text or list.", "文本或列表的长度。",
            (frozenset({"text", "list"}),), 1, False, lambda _: NUMBER),
    Builtin("season", "季节", "The season of a date: spring, summer, autumn or winter.",
            "日期所在季节：spring、summer、autumn、winter。",
            (frozenset({"date", "datetime"}),), 1, False, lambda _: SEASON),
)

_BY_NAME: Final[dict[str, Builtin]] = {
    n: b for b in BUILTINS for n in (b.name, b.name_zh)
}


def builtin(name: str) -> Builtin | None:
    """The built-in called ``name`` (English or Chinese), or None."""
    return _BY_NAME.get(name)


def builtin_names() -> list[str]:
    """Every built-in name, English and Chinese."""
    return list(_BY_NAME)
