"""Parse rule text into a :class:`~dsl.ast.RuleFile`, failing fast with a teaching error.

The grammar is read once from the package (``dsl/grammar.lark``) and built into an LALR
parser with the contextual lexer; the AST is built by inline callbacks while parsing.

The studio re-checks a file on every pause in typing, and mostly only one item has
changed, so ``parse`` splits a file into its items (at lines that begin with ``rule``,
``guard``, ``table`` or ``规则``, ``守卫``, ``决策表``) and keeps the items of each piece
of text in a small cache. A piece is parsed where it sits in the file (its tokens get the
file's line numbers), and a cached piece that has moved is shifted by whole lines (pieces
start at a line, so columns never change). If any piece fails to parse, the whole file is
parsed as one, so errors, positions and suggestions are exactly those of a plain parse.
"""

from __future__ import annotations

import gc
import re
import threading
from collections import OrderedDict
from dataclasses import fields, replace
from functools import lru_cache
from importlib import resources
from typing import Any, Final

from lark import Lark
from lark.exceptions import UnexpectedInput

from dsl.ast import Item, Node, RuleFile, Span
from dsl.comments import comment_nodes
from dsl.errors import DslError, DslLimitError
from dsl.lalr import LalrDriver
from dsl.syntax_errors import to_syntax_error
from dsl.transformer import MAX_DEPTH, AstBuilder

#: Largest rule text accepted (characters): far above any real rule set, small enough
#: that a pasted log file is refused at once instead of being parsed.
MAX_CHARS: Final = 4_000_000

#: Pieces of text (items) whose parse is kept; a few files' worth for the studio.
CACHE_ITEMS: Final = 4096

# The inline callbacks keep per-parse state (the nesting depth of nodes), so one parse
# runs at a time; parsing holds the GIL anyway. An RLock, since the error path parses
# the labelled examples of dsl/error_examples.py while holding it.
_LOCK = threading.RLock()


@lru_cache(maxsize=1)
def grammar_text() -> str:
    """The grammar source, read from the package."""
    return resources.files("dsl").joinpath("grammar.lark").read_text(encoding="utf-8")


class _Parser:
    """The built parser and its callbacks (one per process)."""

    def __init__(self) -> None:
        self.builder = AstBuilder()
        self.lark = Lark(grammar_text(), parser="lalr", lexer="contextual",
                         transformer=self.builder, maybe_placeholders=False,
                         lexer_callbacks={"NAME": self.builder.name_token})
        try:
            self.driver: LalrDriver | None = LalrDriver(self.lark)
        except Exception:  # noqa: BLE001 - another Lark inside: always parse with Lark
            self.driver = None


@lru_cache(maxsize=1)
def _parser() -> _Parser:
    return _Parser()


#: A line that begins an item. A false start (such a word at the start of a continuation
#: line) only makes a piece fail to parse, and then the whole file is parsed as one.
_ITEM_START = re.compile(r"^[ \t\f\r\u3000]*(?:(?:rule|guard|table)(?![0-9A-Za-z_])"
                         r"|规则|守卫|决策表)", re.M)
_BLANK = re.compile(r"(?:[ \t\f\r\n\u3000]+|#[^\n]*)*")

#: piece of text -> (its items, the line the piece started on when they were parsed).
_CACHE: OrderedDict[str, tuple[tuple[Item, ...], int]] = OrderedDict()


def clear_cache() -> None:
    """Forget every cached item (benchmarks measure a cold parse with this)."""
    with _LOCK:
        _CACHE.clear()


def parse(text: str) -> RuleFile:
    """Parse a rule file.

    Raises:
        DslSyntaxError: the text does not follow the grammar (line, column, expected
            words and a suggestion are on the error).
        DslLimitError: the text is larger than ``MAX_CHARS`` or nested too deeply.
    """
    if len(text) > MAX_CHARS:
        raise DslLimitError("dsl.limit.too_large",
                            context={"size": len(text), "limit": MAX_CHARS},
                            suggestion="Split the rules into several files.",
                            suggestion_zh="请把规则拆成多个文件。")
    _check_brackets(text)
    p = _parser()
    with _LOCK:
        p.builder.reset(text)
        # A parse allocates many small objects and (on success) no reference cycles, so
        # the cyclic garbage collector only costs time here: a third of a 5,000-rule
        # parse, or a full collection of a big process in the middle of a keystroke's
        # re-check. It is switched back on (if it was on) before returning or raising.
        collect = gc.isenabled()
        if collect:
            gc.disable()
        try:
            tree: object = _parse_items(p, text)
            if tree is None:
                p.builder.reset(text)
                tree = p.lark.parse(text)
        except UnexpectedInput as exc:
            raise to_syntax_error(exc, text, _parse_example) from None
        finally:
            if collect:
                gc.enable()
            p.builder.reset()
    assert isinstance(tree, RuleFile)
    comments = comment_nodes(text) if "#" in text else ()
    return replace(tree, comments=comments) if comments else tree


#: Brackets, and the strings and comments in which a bracket is only a character.
_BRACKETS: Final = re.compile(r'"(?:[^"\\\n]|\\.)*"?|“[^”\n]*”?|#[^\n]*|[(（\[]|[)）\]]')


def _check_brackets(text: str) -> None:
    """Refuse brackets nested deeper than ``MAX_DEPTH``.

    Brackets make no node of their own, so the nesting bound of the tree never sees
    ``((((x))))``; without this, 10,000 of them were accepted and saved.

    Raises:
        DslLimitError: ``dsl.limit.too_deep`` at the first bracket past the limit.
    """
    if "(" not in text and "（" not in text and "[" not in text:
        return
    depth = 0
    for m in _BRACKETS.finditer(text):
        c = m.group()
        if c in "(（[":
            depth += 1
            if depth > MAX_DEPTH:
                line = text.count("\n", 0, m.start()) + 1
                column = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
                raise DslLimitError("dsl.limit.too_deep", line=line, column=column, found=c,
                                    suggestion="Remove brackets that group a single value, "
                                    "or split the condition into several rules.",
                                    suggestion_zh="请去掉只包住一个值的括号，或把条件拆成多条规则。",
                                    context={"limit": MAX_DEPTH})
        elif c in ")）]":
            depth = max(depth - 1, 0)


def _parse_items(p: _Parser, text: str) -> RuleFile | None:
    """Parse item by item through the cache; None: parse the whole file instead."""
    starts = [m.start() for m in _ITEM_START.finditer(text)]
    driver = p.driver
    if not starts or driver is None or not _BLANK.fullmatch(text, 0, starts[0]):
        return None
    starts.append(len(text))
    items: list[Item] = []
    line = 1 + text.count("\n", 0, starts[0])
    for a, b in zip(starts, starts[1:], strict=False):
        piece = text[a:b]
        hit = _CACHE.get(piece)
        if hit is not None:
            _CACHE.move_to_end(piece)
            found, at = hit
            if at != line:
                found = tuple(_shift(i, line - at) for i in found)
                _CACHE[piece] = (found, line)
        else:
            p.builder.reset(text)
            try:
                tree = driver.parse(text, a, b, line)
            except Exception:  # noqa: BLE001 - any failure: the whole-file parse decides
                return None
            if not isinstance(tree, RuleFile) or not tree.items:
                return None
            found = tree.items
            _CACHE[piece] = (found, line)
            if len(_CACHE) > CACHE_ITEMS:
                _CACHE.popitem(last=False)
        items.extend(found)
        line += piece.count("\n")
    p.builder.reset(text)
    return p.builder.start(items)


_FIELDS: dict[type, tuple[str, ...]] = {}


def _shift(node: Any, lines: int) -> Any:
    """A copy of ``node`` moved down by ``lines`` lines (tuples and nodes inside too)."""
    if isinstance(node, tuple):
        return tuple(_shift(n, lines) for n in node)
    if not isinstance(node, Node):
        return node
    cls = type(node)
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = tuple(f.name for f in fields(cls))
    new = object.__new__(cls)
    for name in names:
        value = getattr(node, name)
        if name == "span":
            if value.line:
                value = Span(value.line + lines, value.column, value.end_line + lines,
                             value.end_column)
        elif isinstance(value, Node | tuple):
            value = _shift(value, lines)
        object.__setattr__(new, name, value)
    return new


def _parse_example(text: str) -> object:
    """Parse a labelled bad example (for ``match_examples``); only lark errors escape."""
    p = _parser()
    saved = p.builder.text
    p.builder.reset(text)
    try:
        return p.lark.parse(text)
    except DslError:
        return None
    finally:
        p.builder.text = saved
