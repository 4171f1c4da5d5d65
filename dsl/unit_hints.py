""""Did you mean `48h`?" for a number whose unit is misspelt (``48hh``, ``3 kgs``, ``2hours``).

The lexer reads ``48hh`` as the number ``48`` followed by the name ``hh``, so the parser
only sees a number where a duration (or a unit) was expected. The word glued to the number
is compared with the units the grammar knows, and the corrected literal is suggested.
"""

from __future__ import annotations

import difflib
import re
from typing import Final

from lark import Token

from dsl.literals import DURATION_MS
from dsl.types import UNIT_DIMENSIONS

#: Words people write for a duration unit -> the unit.
_TIME_WORDS: Final[dict[str, str]] = {
    "sec": "s", "secs": "s", "second": "s", "seconds": "s", "min": "m", "mins": "m",
    "minute": "m", "minutes": "m", "hr": "h", "hrs": "h", "hour": "h", "hours": "h",
    "day": "d", "days": "d", "week": "w", "weeks": "w", "msec": "ms", "millis": "ms",
    "小时内": "小时", "钟头": "小时", "分": "分钟", "日": "天", "星期": "周",
}
_WORD_AFTER: Final = re.compile(r"[ \t]*([^\W\d_][\w²]*)")
_NUMBER_BEFORE: Final = re.compile(r"(\d+(?:\.\d+)?)[ \t]*$")
_DURATIONS: Final = tuple(DURATION_MS)
_UNITS: Final = tuple(u for u in UNIT_DIMENSIONS if u != "℃")


def _closest(word: str, candidates: tuple[str, ...]) -> str | None:
    if word in candidates:
        return None  # a real unit: the mistake is something else
    found = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    if not found and word.lower() != word:
        found = difflib.get_close_matches(word.lower(), candidates, n=1, cutoff=0.6)
    return found[0] if found else None


def _literal(number: str, word: str, expected: set[str]) -> str | None:
    wants_duration = "DURATION" in expected or word.lower() in _TIME_WORDS
    if wants_duration and word in _DURATIONS:  # "48 h": the unit is right, the space is not
        return f"{number}{word}"
    if wants_duration:
        unit = _TIME_WORDS.get(word.lower()) or _closest(word, _DURATIONS)
        if unit is not None:
            return f"{number}{unit}"
    if "UNIT" in expected or not wants_duration:
        unit = _closest(word, _UNITS)
        if unit is not None:
            return f"{number} {unit}"
    return None


def unit_typo(tok: Token | None, text: str, expected: set[str]) -> tuple[str, str] | None:
    """The corrected literal, in English and Chinese sentences, for a misspelt unit."""
    if tok is None or tok.start_pos is None or tok.end_pos is None:
        return None
    if tok.type == "NUMBER":
        m = _WORD_AFTER.match(text, tok.end_pos)
        number, word = str(tok), m.group(1) if m else ""
    elif tok.type == "NAME":
        m = _NUMBER_BEFORE.search(text, 0, tok.start_pos)
        number, word = (m.group(1) if m else ""), str(tok)
    else:
        return None
    if not number or not word:
        return None
    fixed = _literal(number, word, expected)
    if fixed is None:
        return None
    if word in _DURATIONS:
        return (f"Did you mean `{fixed}`? Write the unit right after the number.",
                f"是不是想写 `{fixed}`？单位须紧跟数字。")
    return (f"Did you mean `{fixed}`? `{word}` is not a unit.",
            f"是不是想写 `{fixed}`？`{word}` 不是单位。")
