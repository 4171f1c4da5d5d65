"""The keyword table: every construct has English and Chinese spellings.

``grammar.lark`` declares one terminal per spelling (``KW_<CONCEPT>_EN``, ``KW_<CONCEPT>_ZH``,
``KW_<CONCEPT>_ZH2``); a unit test checks that the grammar and this table agree. The first
spelling of each language is the canonical one the formatter prints.

How Chinese keywords and Chinese identifiers coexist (see docs/dsl.md): the parser uses
Lark's contextual lexer, so in each parser state only the terminals that may come next are
tried. Where a keyword and a name may both come next, a keyword wins only when the whole
word equals it (``若`` is a keyword, ``若干`` is a name). Where only keywords may come next
(after the trigger, at the start of an action, between two expressions), a keyword also
matches at the start of a longer run of characters, so ``若订单.定金>0`` and ``则冻结客户``
read as written without spaces.
"""

from __future__ import annotations

from typing import Final, Literal

Lang = Literal["en", "zh"]

#: concept -> (English spellings, Chinese spellings). Multi-word English spellings are
#: separate tokens in the grammar (``with same`` is ``KW_WITH_EN KW_SAME_EN``) and are
#: listed here as one phrase.
KEYWORDS: Final[dict[str, tuple[tuple[str, ...], tuple[str, ...]]]] = {
    # file items
    "RULE": (("rule",), ("规则",)),
    "GUARD": (("guard",), ("守卫",)),
    "TABLE": (("table",), ("决策表",)),
    "WHEN": (("when",), ("当",)),
    "IF": (("if",), ("若", "如果")),
    "THEN": (("then",), ("则", "那么")),
    "ELSE": (("else",), ("否则",)),
    "END": (("end",), ("结束",)),
    # decision tables
    "HIT": (("hit",), ("命中",)),
    "FIRST": (("first",), ("首条",)),
    "COLLECT": (("collect",), ("全部",)),
    "INPUTS": (("inputs",), ("输入",)),
    "OUTPUTS": (("outputs",), ("输出",)),
    "ROW": (("row",), ("行",)),
    "ANY": (("any",), ("任意",)),
    # logic and predicates
    "AND": (("and",), ("且", "并且")),
    "OR": (("or",), ("或", "或者")),
    "NOT": (("not",), ("非",)),
    "IS_EMPTY": (("is empty",), ("为空",)),
    "IS_NOT_EMPTY": (("is not empty",), ("不为空",)),
    "IN": (("in",), ("属于",)),
    "NOT_IN": (("not in",), ("不属于",)),
    "TRUE": (("true",), ("真",)),
    "FALSE": (("false",), ("假",)),
    # temporal clauses
    "NO": (("no",), ("没有",)),
    "WITH_SAME": (("with same",), ("同",)),
    "WITHIN": (("within",), ("在",)),
    "WITHIN_END": ((), ("内",)),
    "FOR": (("for",), ("持续",)),
    # actions
    "RESERVE": (("reserve",), ("预占",)),
    "RELEASE": (("release",), ("释放",)),
    "ALERT": (("alert",), ("预警", "提醒")),
    "NOTIFY": (("notify",), ("通知",)),
    "FREEZE": (("freeze",), ("冻结",)),
    "UNFREEZE": (("unfreeze",), ("解冻",)),
    "SET": (("set",), ("设置",)),
    "TO": (("to",), ("为",)),
    "CREATE_DOCUMENT": (("create document",), ("创建单据",)),
    "EMIT_EVENT": (("emit event",), ("发出事件",)),
    "CALL_WEBHOOK": (("call webhook",), ("调用接口",)),
    "PUBLISH_MQTT": (("publish mqtt",), ("发布消息",)),
    "BLOCK": (("block",), ("阻止",)),
    # freeze targets and recipients
    "CUSTOMER": (("customer",), ("客户",)),
    "RECEIPT": (("receipt",), ("入库单",)),
    "CHANNEL": (("channel",), ("渠道",)),
    "LOT": (("lot",), ("批次",)),
    "ITEM": (("item",), ("商品",)),
    "SUPPLIER": (("supplier",), ("供应商",)),
    # the lots on hand in a location (a freezer, a warehouse), frozen together
    "LOCATION": (("location",), ("库位",)),
    "ROLE": (("role",), ("角色",)),
    "USER": (("user",), ("用户",)),
}

#: Freeze/unfreeze targets: keyword concept -> entity name in the schema.
FREEZE_KINDS: Final[dict[str, str]] = {
    "CUSTOMER": "customer", "RECEIPT": "receipt", "CHANNEL": "channel",
    "LOT": "lot", "ITEM": "item", "SUPPLIER": "supplier", "LOCATION": "location",
}

#: Action keyword concepts, in the order the docs list them.
ACTION_CONCEPTS: Final[tuple[str, ...]] = (
    "RESERVE", "RELEASE", "ALERT", "NOTIFY", "FREEZE", "UNFREEZE", "SET",
    "CREATE_DOCUMENT", "EMIT_EVENT", "CALL_WEBHOOK", "PUBLISH_MQTT", "BLOCK",
)


def spell(concept: str, lang: Lang) -> str:
    """Return the canonical spelling of a keyword concept in one language.

    Raises:
        KeyError: ``concept`` is not in the table.
    """
    english, chinese = KEYWORDS[concept]
    if lang == "zh" and chinese:
        return chinese[0]
    return english[0] if english else chinese[0]


def all_spellings() -> dict[str, str]:
    """Map every spelling (each word of a phrase too) to its concept, for suggestions."""
    out: dict[str, str] = {}
    for concept, (english, chinese) in KEYWORDS.items():
        for word in (*english, *chinese):
            out.setdefault(word, concept)
    return out


def concept_of_terminal(terminal: str) -> str | None:
    """Return the concept of a grammar terminal such as ``KW_IF_ZH2`` (None if no keyword)."""
    if not terminal.startswith("KW_"):
        return None
    body = terminal[3:]
    for suffix in ("_EN", "_ZH2", "_ZH", "_EN2"):
        if body.endswith(suffix):
            body = body[: -len(suffix)]
            break
    # Multi-word English phrases are split into word terminals (KW_WITH_EN, KW_SAME_EN).
    return _WORD_TERMINALS.get(body, body if body in KEYWORDS else None)


#: Terminals of the words of multi-word English phrases -> their concept.
_WORD_TERMINALS: Final[dict[str, str]] = {
    "IS": "IS_EMPTY", "EMPTY": "IS_EMPTY", "WITH": "WITH_SAME", "SAME": "WITH_SAME",
    "CREATE": "CREATE_DOCUMENT", "DOCUMENT": "CREATE_DOCUMENT", "EMIT": "EMIT_EVENT",
    "EVENT": "EMIT_EVENT", "CALL": "CALL_WEBHOOK", "WEBHOOK": "CALL_WEBHOOK",
    "PUBLISH": "PUBLISH_MQTT", "MQTT": "PUBLISH_MQTT",
}


def describe(concept: str) -> str:
    """Return ``the keyword `if`/`若``-style words for error messages (both languages)."""
    english, chinese = KEYWORDS[concept]
    words = [f"`{w}`" for w in (*english[:1], *chinese[:1])]
    return "/".join(words)
