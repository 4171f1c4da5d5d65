"""Parse rule text into a :class:`~dsl.ast.RuleFile`, failing fast with a teaching error.

The grammar is read once from the package (``dsl/grammar.lark``) and built into an LALR
parser with the contextual lexer; the AST is built by inline callbacks while parsing.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from functools import lru_cache
from importlib import resources
from typing import Final

from lark import Lark
from lark.exceptions import UnexpectedInput

from dsl.ast import RuleFile
from dsl.comments import comment_nodes
from dsl.errors import DslError, DslLimitError
from dsl.syntax_errors import to_syntax_error
from dsl.transformer import AstBuilder

#: Largest rule text accepted (characters): far above any real rule set, small enough
#: that a pasted log file is refused at once instead of being parsed.
MAX_CHARS: Final = 4_000_000

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


@lru_cache(maxsize=1)
def _parser() -> _Parser:
    return _Parser()


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
    p = _parser()
    with _LOCK:
        p.builder.reset(text)
        try:
            tree = p.lark.parse(text)
        except UnexpectedInput as exc:
            raise to_syntax_error(exc, text, _parse_example) from None
        finally:
            p.builder.reset()
    assert isinstance(tree, RuleFile)
    comments = comment_nodes(text) if "#" in text else ()
    return replace(tree, comments=comments) if comments else tree


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
