"""Turn Lark's ``UnexpectedInput`` into a :class:`DslSyntaxError` that teaches.

Terminal names never reach the user: each is translated into words ("a duration such as
2h", "the keyword `then`/`则`"). The code and hint come from ``match_examples`` over
:mod:`dsl.error_examples`, else from a few rules on what was expected and found, and a
"did you mean" from close keyword spellings.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from typing import Final

from lark import Token
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from dsl.error_examples import EXAMPLES
from dsl.errors import DslSyntaxError, did_you_mean
from dsl.keywords import ACTION_CONCEPTS, FREEZE_KINDS, KEYWORDS, concept_of_terminal, describe
from dsl.unit_hints import unit_typo

#: Terminal -> (English words, Chinese words).
TERMINAL_WORDS: Final[dict[str, tuple[str, str]]] = {
    "NAME": ("a name such as order.deposit_amount", "名称，如 order.deposit_amount"),
    "STRING": ("a text in double quotes", "双引号中的文本"),
    "NUMBER": ("a number", "数字"),
    "DURATION": ("a duration such as 2h or 100ms", "时长，如 2h 或 100ms"),
    "PERCENT": ("a percentage such as 2%", "百分比，如 2%"),
    "MONEY": ("money such as ¥12.50", "金额，如 ¥12.50"),
    "UNIT": ("a unit such as kg or 箱", "单位，如 kg 或 箱"),
    "CURRENCY": ("a currency such as CNY", "币种，如 CNY"),
    "DATE": ("a date such as 2025-11-23", "日期，如 2025-11-23"),
    "ARROW": ("`->`", "`->`"),
    "_COMMA": ("a comma", "逗号"),
    "_DOT": ("`.`", "`.`"),
    "_COLON": ("`:`", "`:`"),
    "_LPAR": ("`(`", "`(`"),
    "_RPAR": ("`)`", "`)`"),
    "_LBRACKET": ("`[`", "`[`"),
    "_RBRACKET": ("`]`", "`]`"),
    "$END": ("the end of the text", "文本结尾"),
}
_COMPARISONS: Final = frozenset({"EQ", "NE", "LT", "LE", "GT", "GE"})
_ARITHMETIC: Final = frozenset({"PLUS", "MINUS", "TIMES", "DIVIDE"})
_VALUE_STARTS: Final = frozenset({"NAME", "NUMBER", "STRING", "MONEY", "DURATION", "PERCENT",
                                  "DATE"})
_ITEM_STARTS: Final = frozenset({"RULE", "GUARD", "TABLE"})
_RECIPIENTS: Final = frozenset({"ROLE", "USER"})
#: An ``if`` that starts a step of a then/else branch (a nested condition).
_NESTED_IF: Final = re.compile(r"(?<![0-9A-Za-z_])(?:then|else)\s+if(?![0-9A-Za-z_])"
                               r"|(?:则|那么|否则)\s*(?:若|如果)")


def expected_words(terminals: Iterable[str]) -> tuple[list[str], list[str]]:
    """Translate expected terminal names into human words, English and Chinese."""
    names = set(terminals)
    concepts: list[str] = []
    for t in sorted(names):
        c = concept_of_terminal(t)
        if c and c not in concepts:
            concepts.append(c)
    order = list(KEYWORDS)
    concepts.sort(key=order.index)
    en: list[str] = []
    zh: list[str] = []
    actions = [c for c in concepts if c in ACTION_CONCEPTS]
    kinds = [c for c in concepts if c in FREEZE_KINDS]
    for c in concepts:
        if c in actions and len(actions) > 1 or c in kinds and len(kinds) > 1:
            continue
        if c in _RECIPIENTS:
            if c == "ROLE":
                en.append("a recipient such as `role:sales_manager`")
                zh.append("接收人，如 `角色:sales_manager`")
            continue
        en.append(f"the keyword {describe(c)}")
        zh.append(f"关键字 {describe(c)}")
    if len(actions) > 1:
        en.append("an action such as " + ", ".join(describe(a) for a in actions[:3]))
        zh.append("动作，如 " + "、".join(describe(a) for a in actions[:3]))
    if len(kinds) > 1:
        en.append("what to freeze: customer, receipt, channel, lot, item, supplier or location")
        zh.append("冻结对象：客户、入库单、渠道、批次、商品、供应商或库位")
    if names & _VALUE_STARTS and len(names & _VALUE_STARTS) > 2:
        en.append("a value: a field, a number, a text in quotes, a duration …")
        zh.append("值：字段、数字、带引号的文本、时长 …")
        names -= _VALUE_STARTS
    if len(names & _COMPARISONS) > 1:
        en.append("a comparison such as `>=` or `=`")
        zh.append("比较符，如 `>=` 或 `=`")
    if len(names & _ARITHMETIC) > 1:
        en.append("an operator such as `+` or `*`")
        zh.append("运算符，如 `+` 或 `*`")
    for t in sorted(names):
        if t in TERMINAL_WORDS:
            e, z = TERMINAL_WORDS[t]
            en.append(e)
            zh.append(z)
    return en, zh


def _found_desc(tok: Token) -> tuple[str, str]:
    if tok.type == "$END":
        return "end of the text", "文本结尾"
    concept = concept_of_terminal(tok.type)
    if concept:
        return f"keyword `{tok}`", f"关键字 `{tok}`"
    if tok.type == "NAME":
        return f"name `{tok}`", f"名称 `{tok}`"
    if tok.type == "STRING":
        return f"text {tok}", f"文本 {tok}"
    return f"`{tok}`", f"`{tok}`"


def _rule_label(expected: set[str], tok: Token | None) -> str | None:
    """Guess the mistake from what was expected and found, when no example matched."""
    concepts = {concept_of_terminal(t) for t in expected} - {None}
    found = concept_of_terminal(tok.type) if tok is not None else None
    ttype = tok.type if tok is not None else "$END"
    if "THEN" in concepts and found in ACTION_CONCEPTS:
        return "dsl.syntax.missing_then"
    if "WHEN" in concepts:
        return "dsl.syntax.missing_when"
    if "END" in concepts and (ttype == "$END" or found in _ITEM_STARTS):
        return "dsl.syntax.missing_end"
    if concepts & set(ACTION_CONCEPTS) and found in {"END", "ELSE"} and "END" not in concepts:
        return "dsl.syntax.missing_action"
    if concepts & {"RESERVE"} and "END" not in concepts and ttype == "$END":
        return "dsl.syntax.missing_action"
    if expected & _COMPARISONS and ttype in _COMPARISONS:
        return None
    if ttype in _COMPARISONS and "AND" in concepts:
        return "dsl.syntax.comparison_chain"
    if expected == {"DURATION"}:
        return "dsl.syntax.duration_needs_unit"
    if concepts >= _RECIPIENTS:
        return "dsl.syntax.missing_recipient"
    if expected & {"STRING"} and not expected & {"NAME"}:
        return "dsl.syntax.missing_message"
    if concepts & set(FREEZE_KINDS):
        return "dsl.syntax.missing_freeze_kind"
    if concepts & {"TO"}:
        return "dsl.syntax.missing_set_value"
    if concepts & {"HIT", "INPUTS", "OUTPUTS"} or concepts == {"FIRST", "COLLECT"}:
        return "dsl.syntax.table_header"
    if "EQ" in expected and not expected & (_COMPARISONS - {"EQ"}):
        return "dsl.syntax.bad_assignment"
    if "ARROW" in expected:
        return "dsl.syntax.row_needs_arrow"
    if expected & {"_RPAR", "_RBRACKET"} and (ttype == "$END" or found is not None):
        return "dsl.syntax.unclosed_bracket"
    if expected == {"NAME"} and found in _ITEM_STARTS | {"WHEN"}:
        return "dsl.syntax.missing_name"
    if expected & _VALUE_STARTS and (found is not None or ttype == "$END"):
        return "dsl.syntax.missing_operand"
    return None


_TIME_WORDS: Final = frozenset({"ms", "s", "sec", "secs", "second", "seconds", "m", "min", "mins",
                               "minute", "minutes", "h", "hr", "hrs", "hour", "hours", "d",
                               "day", "days", "w", "week", "weeks"})


def _generic_hint(found: str, expected: set[str]) -> tuple[str, str]:
    """A hint for an unexpected token no example or rule explains."""
    if found.lower() in _TIME_WORDS:
        return ("Join the unit to the number: 100ms, 15m, 2h, 3d.",
                "时长的单位须紧跟数字：100ms、15m、2h、3d。")
    concepts = {concept_of_terminal(t) for t in expected} - {None}
    if concepts and concepts <= _ITEM_STARTS:
        return (f"Each rule starts with `rule`, `guard` or `table`; remove `{found}` or start a "
                "new rule.",
                f"每条规则以 `规则`、`守卫` 或 `决策表` 开头；请删除 `{found}` 或开始新规则。")
    return "", ""


def _close_keyword(word: str, expected: set[str]) -> tuple[str, str] | None:
    """A keyword spelling close to ``word`` among the expected ones (en, zh spelling)."""
    candidates: dict[str, str] = {}
    for t in expected:
        c = concept_of_terminal(t)
        if c is None:
            continue
        en, zh = KEYWORDS[c]
        for w in (*en, *zh):
            candidates[w] = c
    if not candidates or not word:
        return None
    # Two-character Chinese words differ by one character at most 0.5 apart.
    cutoff = 0.5 if len(word) <= 2 else 0.6
    scored = []
    for cand in candidates:
        score = difflib.SequenceMatcher(None, word, cand).ratio()
        if score >= cutoff:
            # Ties are common between short Chinese words; the same first character wins.
            scored.append((score + (0.1 if cand[:1] == word[:1] else 0.0), cand))
    if not scored:
        return None
    chosen = max(scored)[1]
    en, zh = KEYWORDS[candidates[chosen]]
    other = zh[0] if chosen in en and zh else chosen
    return chosen, other


def _normalise_state(exc: UnexpectedInput) -> None:
    # The contextual lexer's fallback raises UnexpectedToken with the whole ParserState
    # as ``state``; match_examples compares state numbers, so keep only the number.
    position = getattr(exc.state, "position", None)
    if position is not None:
        exc.state = position


def _examples_parser(parse_fn: Callable[[str], object]) -> Callable[[str], object]:
    def run(text: str) -> object:
        try:
            return parse_fn(text)
        except UnexpectedInput as exc:
            _normalise_state(exc)
            raise

    return run


_ITEM_START: Final = re.compile(r"^[ \t\f\r\u3000]*(?:(?:rule|guard|table)(?![0-9A-Za-z_])"
                                r"|规则|守卫|决策表)", re.M)


def _in_nested_rule(text: str, tok: Token | None, is_end: bool) -> bool:
    """True when the item the error is in has an ``if`` inside its then/else."""
    upto = len(text) if is_end or tok is None else (tok.start_pos or len(text))
    starts = [m.start() for m in _ITEM_START.finditer(text, 0, upto)]
    here = starts[-1] if starts else 0
    if not is_end and tok is not None and starts and starts[-1] == (tok.start_pos or -1) - \
            (tok.column or 1) + 1 and len(starts) > 1:
        here = starts[-2]  # the error is at the next item's keyword: look at the one before
    return _NESTED_IF.search(text, here, upto) is not None


def to_syntax_error(exc: UnexpectedInput, text: str,
                    parse_fn: Callable[[str], object]) -> DslSyntaxError:
    """Build the teaching error for a Lark parse failure."""
    _normalise_state(exc)
    tok: Token | None = None
    if isinstance(exc, UnexpectedToken):
        tok = exc.token
        expected = set(exc.accepts or exc.expected)
    elif isinstance(exc, UnexpectedEOF):
        expected = set(exc.expected)
    else:
        assert isinstance(exc, UnexpectedCharacters)
        expected = set(exc.allowed or ())
    expected.discard("WS")
    expected.discard("COMMENT")
    words_en, words_zh = expected_words(expected)
    snippet = exc.get_context(text) if getattr(exc, "pos_in_stream", None) is not None else ""

    if isinstance(exc, UnexpectedCharacters):
        char = exc.char
        code = ("dsl.syntax.unterminated_string" if char in "\"“"
                else "dsl.syntax.unexpected_character")
        if code == "dsl.syntax.unterminated_string":
            hint = ("Close the string with `\"` on the same line.",
                    "请在同一行用 `\"` 闭合字符串。")
        else:
            hint = (f"Remove `{char}`: it has no meaning in a rule.",
                    f"请删除 `{char}`：规则中没有这个符号。")
        return DslSyntaxError(
            code, line=exc.line, column=exc.column, end_column=exc.column + 1, found=char,
            expected=words_en, suggestion=hint[0], suggestion_zh=hint[1], snippet=snippet,
            context={"expected": ", ".join(words_en) or "something else",
                     "expected_zh": "、".join(words_zh) or "其他内容"})

    is_end = tok is None or tok.type == "$END"
    if tok is not None and not is_end:
        line, column = tok.line or 0, tok.column or 0
        end_line, end_column = tok.end_line or line, tok.end_column or column + len(tok)
        found = str(tok)
    else:
        line = (tok.end_line if tok is not None else None) or text.count("\n") + 1
        column = (tok.end_column if tok is not None else None) or 1
        end_line, end_column, found = line, column, ""
    desc_en, desc_zh = _found_desc(tok) if tok is not None else ("end of the text", "文本结尾")

    label_code: str | None = None
    try:
        examples = {k: v.examples for k, v in EXAMPLES.items()}
        label_code = exc.match_examples(_examples_parser(parse_fn),  # type: ignore[arg-type]
                                        examples, use_accepts=True)
    except (UnexpectedInput, AssertionError):  # pragma: no cover - a broken example
        label_code = None
    if label_code is None:
        label_code = _rule_label(expected, tok)
    if label_code == "dsl.syntax.missing_end" and _in_nested_rule(text, tok, is_end):
        label_code = "dsl.syntax.missing_branch_end"

    shown = f"`{found}`" if found else "the end of the text"
    shown_zh = f"`{found}`" if found else "文本结尾"
    suggestion = suggestion_zh = ""
    # Only a name can be a misspelt keyword; a real keyword in the wrong place is not.
    close = _close_keyword(found, expected) if tok is not None and tok.type == "NAME" else None
    if close and close[0] != found:
        suggestion, suggestion_zh = did_you_mean(*close)
    typo = unit_typo(tok, text, expected) if not suggestion else None
    if typo is not None:  # "48hh": the corrected literal says more than the label's hint
        return DslSyntaxError(
            label_code or "dsl.syntax.unexpected_token", line=line, column=column,
            end_line=end_line, end_column=end_column, found=found, expected=words_en,
            suggestion=typo[0], suggestion_zh=typo[1], snippet=snippet,
            context={"expected": ", ".join(words_en) or "something else",
                     "expected_zh": "、".join(words_zh) or "其他内容", "found_desc": desc_en,
                     "found_desc_zh": desc_zh})
    if not suggestion and label_code is None:
        suggestion, suggestion_zh = _generic_hint(found, expected)
    if label_code is not None:
        label = EXAMPLES[label_code]
        hint_en = label.hint_en.format(found=shown)
        hint_zh = label.hint_zh.format(found=shown_zh)
        suggestion = f"{suggestion} {hint_en}".strip()
        suggestion_zh = f"{suggestion_zh}{hint_zh}"
    code = label_code or ("dsl.syntax.unexpected_end" if is_end
                          else "dsl.syntax.unexpected_token")
    return DslSyntaxError(
        code, line=line, column=column, end_line=end_line, end_column=end_column, found=found,
        expected=words_en, suggestion=suggestion, suggestion_zh=suggestion_zh, snippet=snippet,
        context={"expected": ", ".join(words_en) or "something else",
                 "expected_zh": "、".join(words_zh) or "其他内容", "found_desc": desc_en,
                 "found_desc_zh": desc_zh,
                 "actions": "`reserve`, `alert`, `freeze`", "actions_zh": "`预占`、`预警`、`冻结`"})
