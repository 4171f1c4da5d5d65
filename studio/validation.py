"""Pydantic's validation errors in our own words, in zh-CN and English.

Each error names the field by its label (``body.lines.0.qty`` → "the quantity of line 1" /
"第 1 行的数量"), says what was expected and the limit. The error ``type`` stays pydantic's
slug (stable, machine-readable); only the sentences are ours. An error type missing from
the table still gets a sentence of ours ("… is not valid"), never pydantic's English.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, Final

from studio.field_labels import label_of

#: Sources of a value that are not part of its name.
_SOURCES: Final = frozenset({"body", "query", "path", "header", "cookie", "form"})

#: Patterns of the request models, in words (the regex itself teaches nobody).
_PATTERNS: Final[dict[str, tuple[str, str]]] = {
    r"^[\w.\-]+$": ("letters, digits, `.`, `-` and `_`", "字母、数字、`.`、`-` 和 `_`"),
    r"^[\w.\-/]+$": ("letters, digits, `.`, `-`, `_` and `/`", "字母、数字、`.`、`-`、`_` 和 `/`"),
    r"^[a-z_]+$": ("lower-case letters and `_`", "小写字母和 `_`"),
}

_KINDS: Final[dict[str, tuple[str, str]]] = {
    "decimal": ("a number such as 12.5", "数字，如 12.5"), "float": ("a number", "数字"),
    "int": ("a whole number", "整数"), "bool": ("true or false", "true 或 false"),
    "string": ("text", "文本"), "date": ("a date such as 2026-11-23", "日期，如 2026-11-23"),
    "datetime": ("a time such as 2026-11-23T08:00:00+08:00",
                 "时间，如 2026-11-23T08:00:00+08:00"),
    "time": ("a time of day such as 08:30", "时刻，如 08:30"),
    "list": ("a list", "列表"), "dict": ("an object", "对象"), "model": ("an object", "对象"),
    "uuid": ("an id (UUID)", "UUID 编号"), "url": ("a web address", "网址"),
}
#: Error types that only say "this is not a <kind>" -> the kind.
_KIND_OF: Final[dict[str, str]] = {
    "decimal_parsing": "decimal", "decimal_type": "decimal", "float_parsing": "float",
    "float_type": "float", "int_parsing": "int", "int_type": "int", "int_from_float": "int",
    "int_parsing_size": "int", "bool_parsing": "bool", "bool_type": "bool",
    "string_type": "string", "date_parsing": "date", "date_type": "date",
    "date_from_datetime_parsing": "date", "date_from_datetime_inexact": "date",
    "datetime_parsing": "datetime", "datetime_type": "datetime",
    "datetime_from_date_parsing": "datetime", "time_parsing": "time", "time_type": "time",
    "list_type": "list", "dict_type": "dict", "model_type": "model",
    "model_attributes_type": "model", "uuid_parsing": "uuid", "uuid_type": "uuid",
    "url_parsing": "url", "url_type": "url",
}


#: Names pydantic puts in ``loc`` for the member of a union that failed (not our fields).
_TYPE_TAGS: Final = frozenset({"str", "int", "bool", "float", "decimal", "none", "date",
                               "datetime", "time", "bytes", "url", "uuid", "enum", "list",
                               "dict", "set", "tuple"})


def _is_tag(part: Any) -> bool:
    return isinstance(part, str) and (part in _TYPE_TAGS or "[" in part or "-" in part
                                      and part.replace("-", "").isalpha() and part.islower())


def clean_loc(loc: Sequence[Any]) -> list[Any]:
    """``loc`` without pydantic's union-member tags (``constrained-str``, ``int`` …)."""
    return [p for p in loc if not _is_tag(p)]


def _number(value: Any) -> str:
    """A limit as people write it: 1,000,000,000,000 rather than 1000000000000."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, Decimal):
        value = value.normalize()
        if value == value.to_integral_value():
            value = int(value)
    return f"{value:,}" if isinstance(value, int) and abs(value) >= 10_000 else str(value)


def field_name(loc: Sequence[Any]) -> tuple[str, str]:
    """The English and Chinese name of the value at ``loc`` (its label, its line)."""
    parts = [p for p in loc if not (isinstance(p, str) and p in _SOURCES)]
    names = [i for i, p in enumerate(parts) if isinstance(p, str)]
    if not names:
        return ("the request body", "请求内容") if loc[:1] == ["body"] or parts else \
            ("the request", "请求")
    at = names[-1]
    en, zh = label_of(str(parts[at]))
    index = next((p for p in reversed(parts[:at]) if isinstance(p, int)), None)
    if index is not None:
        return f"the {en} of line {index + 1}", f"第 {index + 1} 行的{zh}"
    return f"the {en}", zh


def _sentences(kind: str, ctx: Mapping[str, Any], en: str, zh: str,
               raw: str) -> tuple[str, str]:
    limit = {k: _number(v) for k, v in ctx.items()}
    if kind == "missing":
        return f"{en} is required.", f"缺少{zh}。"
    if kind == "extra_forbidden":
        return (f"`{raw}` is not a field of this request; check the spelling.",
                f"请求中没有 `{raw}` 这个字段，请检查拼写。")
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        key = {"greater_than": "gt", "greater_than_equal": "ge", "less_than": "lt",
               "less_than_equal": "le"}[kind]
        words_en = {"gt": "greater than", "ge": "at least", "lt": "less than",
                    "le": "at most"}[key]
        words_zh = {"gt": "大于", "ge": "不小于", "lt": "小于", "le": "不大于"}[key]
        return (f"{en} must be {words_en} {limit.get(key, '?')}.",
                f"{zh}须{words_zh} {limit.get(key, '?')}。")
    if kind == "finite_number":
        return (f"{en} must be a real number (not NaN or infinity).",
                f"{zh}须为有限的数字（不能是 NaN 或无穷大）。")
    if kind == "decimal_max_places":
        return (f"{en} may have at most {limit.get('decimal_places')} decimal places.",
                f"{zh}最多 {limit.get('decimal_places')} 位小数。")
    if kind in ("decimal_max_digits", "decimal_whole_digits"):
        digits = limit.get("max_digits", limit.get("whole_digits"))
        return (f"{en} has too many digits (at most {digits}).",
                f"{zh}位数过多（最多 {digits} 位）。")
    if kind == "string_too_short":
        if str(limit.get("min_length")) == "1":
            return f"{en} must not be empty.", f"{zh}不能为空。"
        return (f"{en} must have at least {limit.get('min_length')} characters.",
                f"{zh}至少 {limit.get('min_length')} 个字符。")
    if kind == "string_too_long":
        return (f"{en} may have at most {limit.get('max_length')} characters.",
                f"{zh}最多 {limit.get('max_length')} 个字符。")
    if kind == "too_short":
        if str(limit.get("min_length")) == "1":
            return f"{en} must not be empty.", f"{zh}不能为空。"
        return (f"{en} must have at least {limit.get('min_length')} entries.",
                f"{zh}至少要有 {limit.get('min_length')} 项。")
    if kind == "too_long":
        return (f"{en} may have at most {limit.get('max_length')} entries.",
                f"{zh}最多 {limit.get('max_length')} 项。")
    if kind == "string_pattern_mismatch":
        words = _PATTERNS.get(str(ctx.get("pattern")))
        if words:
            return (f"{en} may contain only {words[0]} (no spaces).",
                    f"{zh}只能包含{words[1]}（不能有空格）。")
        return f"{en} does not have the expected form.", f"{zh}格式不对。"
    if kind in ("literal_error", "enum"):
        expected = str(ctx.get("expected", ""))
        return (f"{en} must be one of {expected}.",
                f"{zh}须为以下之一：{expected.replace(' or ', '、').replace(', ', '、')}。")
    if kind == "json_invalid":
        return ("The body is not valid JSON (check quotes, commas and brackets).",
                "请求内容不是有效的 JSON（请检查引号、逗号和括号）。")
    if kind == "json_type":
        return "The body must be a JSON object.", "请求内容须为 JSON 对象。"
    if kind == "timezone_aware":
        return (f"{en} needs a time zone, such as +08:00.", f"{zh}须带时区，如 +08:00。")
    if kind in _KIND_OF:
        what = _KINDS[_KIND_OF[kind]]
        return f"{en} must be {what[0]}.", f"{zh}须为{what[1]}。"
    return f"{en} is not valid.", f"{zh}的值无效。"


def translate(error: Mapping[str, Any]) -> dict[str, Any]:
    """One pydantic error as ``{loc, type, field, message: {zh-CN, en}, ctx}``."""
    loc = clean_loc([p if isinstance(p, int) else str(p) for p in error.get("loc", ())])
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    en, zh = field_name(loc)
    raw = next((p for p in reversed(loc) if isinstance(p, str)), "")
    sentence_en, sentence_zh = _sentences(kind, ctx, en, zh, raw)
    sentence_en = sentence_en[:1].upper() + sentence_en[1:]
    return {"loc": [str(p) for p in loc], "type": kind, "field": {"en": en, "zh-CN": zh},
            "message": {"zh-CN": sentence_zh, "en": sentence_en},
            "ctx": {k: _number(v) for k, v in ctx.items() if k != "error"}}


def _merged(errors: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """One error per place: a value no member of a union took ("text, a whole number or
    true or false") is one problem, not one per member."""
    out: list[Mapping[str, Any]] = []
    for error in errors:
        kind = _KIND_OF.get(str(error["type"]))
        last = out[-1] if out else None
        if last is not None and last["loc"] == error["loc"] and kind and \
                _KIND_OF.get(str(last["type"])):
            kinds = [*last["kinds"], kind] if "kinds" in last else \
                [_KIND_OF[str(last["type"])], kind]
            en_words = [_KINDS[k][0] for k in dict.fromkeys(kinds)]
            zh_words = [_KINDS[k][1] for k in dict.fromkeys(kinds)]
            field = error["field"]
            en = f"{field['en']} must be {', '.join(en_words[:-1])} or {en_words[-1]}."
            out[-1] = {**last, "kinds": kinds, "message": {
                "zh-CN": f"{field['zh-CN']}须为{'、'.join(zh_words)}之一。",
                "en": en[:1].upper() + en[1:]}}
            continue
        out.append(error)
    return out


def summary(errors: Sequence[Mapping[str, Any]], shown: int = 5) -> tuple[str, str]:
    """English and Chinese detail for a list of translated errors."""
    errors = _merged(errors)
    if len(errors) == 1:
        return errors[0]["message"]["en"], errors[0]["message"]["zh-CN"]
    en = " ".join(e["message"]["en"] for e in errors[:shown])
    zh = "".join(e["message"]["zh-CN"] for e in errors[:shown])
    more = len(errors) - shown
    if more > 0:
        en += f" ({more} more in `errors`.)"
        zh += f"（另有 {more} 处，见 errors。）"
    return (f"The request has {len(errors)} problems: {en}",
            f"请求有 {len(errors)} 处问题：{zh}")
