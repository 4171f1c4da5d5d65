"""The closed set of value types, units and the unit rules of arithmetic and comparison.

Field types are written as short strings in the schema registry (``money``,
``quantity(kg)``, ``enum(spring,summer)``, ``list(id)``) so the engine can store them in
the database; :func:`parse_type` reads them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal, get_args

Kind = Literal["text", "number", "money", "quantity", "duration", "percent", "bool", "date",
               "datetime", "id", "enum", "list", "line", "any"]
KINDS: Final[tuple[str, ...]] = get_args(Kind)

#: Unit as written -> dimension. Units of one dimension convert into each other (the engine
#: converts); packaging units (箱, 瓶 …) are their own dimension, since a box of one item
#: holds a different count than a box of another.
UNIT_DIMENSIONS: Final[dict[str, str]] = {
    "kg": "mass", "g": "mass", "t": "mass", "吨": "mass", "公斤": "mass", "千克": "mass",
    "克": "mass", "斤": "mass", "L": "volume", "升": "volume", "ml": "volume", "毫升": "volume",
    "°C": "temperature", "℃": "temperature", "件": "piece", "个": "piece", "pcs": "piece",
    "箱": "box", "box": "box", "瓶": "bottle", "包": "pack", "袋": "bag", "盒": "case",
    "m²": "area", "m2": "area", "平方米": "area",
}
#: Currency as written -> ISO code.
CURRENCIES: Final[dict[str, str]] = {
    "¥": "CNY", "￥": "CNY", "元": "CNY", "CNY": "CNY", "USD": "USD", "EUR": "EUR",
    "HKD": "HKD", "JPY": "JPY",
}
ORDERED_KINDS: Final[frozenset[str]] = frozenset(
    {"number", "money", "quantity", "duration", "percent", "date", "datetime"})
NUMERIC_KINDS: Final[frozenset[str]] = frozenset(
    {"number", "money", "quantity", "duration", "percent"})


@dataclass(frozen=True, slots=True)
class DslType:
    """A value type: its kind plus the unit, currency, enum values or list element."""

    kind: Kind
    #: Quantity unit (``kg``) or money currency (``CNY``).
    unit: str | None = None
    #: The allowed values of an enum.
    values: tuple[str, ...] = ()
    #: The element type of a list.
    item: DslType | None = None

    def __str__(self) -> str:
        if self.kind in ("quantity", "money") and self.unit:
            return f"{self.kind}({self.unit})"
        if self.kind == "enum":
            return f"enum({','.join(self.values)})"
        if self.kind == "list" and self.item is not None:
            return f"list({self.item})"
        return self.kind


ANY: Final = DslType("any")
TEXT: Final = DslType("text")
NUMBER: Final = DslType("number")
BOOL: Final = DslType("bool")
DURATION: Final = DslType("duration")
PERCENT: Final = DslType("percent")
DATE: Final = DslType("date")
DATETIME: Final = DslType("datetime")
ID: Final = DslType("id")
LINES: Final = DslType("list", item=DslType("line"))


def money(currency: str = "CNY") -> DslType:
    """Money in one currency."""
    return DslType("money", unit=CURRENCIES.get(currency, currency))


def quantity(unit: str) -> DslType:
    """A quantity in ``unit``."""
    return DslType("quantity", unit=unit)


def enum(*values: str) -> DslType:
    """One of a fixed set of text values."""
    return DslType("enum", values=tuple(values))


def list_of(item: DslType) -> DslType:
    """A list of values of one type."""
    return DslType("list", item=item)


def parse_type(text: str) -> DslType:
    """Read a type written as in the registry: ``quantity(kg)``, ``list(id)`` …

    Raises:
        ValueError: the text names no type.
    """
    text = text.strip()
    name, _, rest = text.partition("(")
    name = name.strip()
    if name not in KINDS or name == "any":
        raise ValueError(f"unknown type {text!r}; the types are {', '.join(KINDS[:-1])}")
    if not rest:
        if name == "money":
            return money()
        if name in ("quantity", "enum", "list"):
            raise ValueError(f"type {name} needs an argument, e.g. {name}(…)")
        return DslType(name)  # type: ignore[arg-type]
    if not rest.endswith(")"):
        raise ValueError(f"unclosed parenthesis in type {text!r}")
    arg = rest[:-1].strip()
    if name == "money":
        return money(arg)
    if name == "quantity":
        if arg not in UNIT_DIMENSIONS:
            raise ValueError(f"unknown unit {arg!r}")
        return quantity(arg)
    if name == "enum":
        return enum(*(v.strip() for v in arg.split(",") if v.strip()))
    if name == "list":
        return list_of(parse_type(arg))
    raise ValueError(f"type {name} takes no argument")


def same_unit(a: DslType, b: DslType) -> bool:
    """True when two money or quantity types can be added or compared."""
    if a.unit is None or b.unit is None:
        return True
    if a.kind == "quantity":
        return UNIT_DIMENSIONS.get(a.unit) == UNIT_DIMENSIONS.get(b.unit)
    return a.unit == b.unit


_EN: Final[dict[str, str]] = {
    "text": "text", "number": "a number", "money": "money", "quantity": "a quantity",
    "duration": "a duration", "percent": "a percentage", "bool": "true/false",
    "date": "a date", "datetime": "a date and time", "id": "an id", "enum": "one of",
    "list": "a list", "line": "an order line", "any": "any value",
}
_ZH: Final[dict[str, str]] = {
    "text": "文本", "number": "数字", "money": "金额", "quantity": "数量", "duration": "时长",
    "percent": "百分比", "bool": "真/假", "date": "日期", "datetime": "日期时间", "id": "编号",
    "enum": "枚举值", "list": "列表", "line": "订单行", "any": "任意值",
}


def describe(t: DslType, lang: str = "en") -> str:
    """Name a type in human words (``money (CNY)``, ``数量 (kg)``)."""
    zh = lang.startswith("zh")
    words = (_ZH if zh else _EN)[t.kind]
    if t.kind in ("money", "quantity") and t.unit:
        return f"{words} ({t.unit})"
    if t.kind == "enum":
        return f"{words} ({', '.join(t.values)})"
    if t.kind == "list" and t.item is not None:
        inner = describe(t.item, lang)
        return f"{words}（{inner}）" if zh else f"a list of {inner}"
    return words
