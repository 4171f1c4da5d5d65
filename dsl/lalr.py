"""A lean LALR driver for the happy path: Lark's own tables, lexers and callbacks.

Lark's parser loop is general (interactive parsing, error recovery, ``on_error``), and
in this grammar most of a parse is spent in it: about two parser steps per token, each
with a few dictionary lookups whose keys compare through Python-level ``__eq__``. This
driver runs the same LALR(1) table with the same contextual lexers and the same
callbacks, with the actions flattened into plain dicts and the lexer loop inlined, so a
text that parses gives exactly what ``Lark.parse`` gives (tokens, positions, tree).

It knows nothing about errors: on any problem it raises :class:`Failed`, and the caller
parses again with Lark, whose exceptions the teaching error messages are built from.
"""

from __future__ import annotations

import re
from typing import Any

from lark import Lark, Token

#: Runs of the grammar's ignored white space (``WS``); no other terminal begins with one
#: of these characters, so skipping them first is what the full lexer would do, cheaper.
_WS_CHARS = " \t\f\r\n\u3000"
_WS = re.compile(f"[{_WS_CHARS}]+")
_new_str = str.__new__


class Failed(Exception):
    """The text does not parse here; ask Lark for the real error."""


class _Lex:
    """One contextual lexer state, unpacked for the loop."""

    __slots__ = ("callback", "ignore", "mres", "newline")

    def __init__(self, lexer: Any) -> None:
        scanner = lexer.scanner  # builds the scanner and the callbacks on first use
        self.mres = tuple(scanner._mres)  # noqa: SLF001 - Lark's compiled alternations
        self.callback = dict(lexer.callback)
        self.ignore = frozenset(lexer.ignore_types)
        self.newline = frozenset(lexer.newline_types)


class LalrDriver:
    """Parse with a built ``Lark(parser="lalr", lexer="contextual")`` (start rule ``start``)."""

    def __init__(self, lark: Lark) -> None:
        from lark.parse_tree_builder import ExpandSingleChild
        from lark.parsers.lalr_analysis import Shift

        frontend = lark.parser
        inner = frontend.parser.parser
        table = inner.parse_table
        callbacks = inner.callbacks
        self.start = table.start_states["start"]
        self.end = table.end_states["start"]
        # state -> {symbol: next state (shift/goto) | (size, callback, rule name) (reduce)}.
        # A one-child ``?rule`` (``?sum: product``) gives back its child: callback None.
        self.actions: dict[Any, dict[str, Any]] = {}
        for state, acts in table.states.items():
            flat: dict[str, Any] = {}
            for symbol, (action, arg) in acts.items():
                if action is Shift:
                    flat[str(symbol)] = arg
                    continue
                size, callback = len(arg.expansion), callbacks[arg]
                unit = size == 1 and type(callback) is ExpandSingleChild
                flat[str(symbol)] = (size, None if unit else callback, str(arg.origin.name))
            self.actions[state] = flat
        self.token_callbacks = {k: v for k, v in callbacks.items() if isinstance(k, str)}
        by_id: dict[int, _Lex] = {}
        self.lexers = {state: by_id.setdefault(id(lx), _Lex(lx))
                       for state, lx in frontend.lexer.lexers.items()}
        ws = lark.get_terminal("WS")
        if ws.pattern.to_regexp() != _WS.pattern or set(lark.ignore_tokens) != {"WS", "COMMENT"}:
            raise ValueError("the grammar's white space is not what this driver skips")

    def parse(self, text: str, start: int, end: int, line: int) -> Any:
        """Parse ``text[start:end]``, which begins a line numbered ``line``.

        Raises:
            Failed: the slice does not parse (or a callback refused it).
        """
        actions, lexers, tcb, end_state = self.actions, self.lexers, self.token_callbacks, \
            self.end
        states: list[Any] = [self.start]
        values: list[Any] = []
        pos, line_start = start, start
        last: Token | None = None
        while True:
            # ---- next token (BasicLexer.next_token, inlined) ----
            tok: Token | None = None
            lx = lexers[states[-1]]
            while pos < end:
                if text[pos] in _WS_CHARS:
                    ws = _WS.match(text, pos, end)
                    assert ws is not None
                    n = ws.group().count("\n")
                    if n:
                        line += n
                        line_start = pos + ws.group().rindex("\n") + 1
                    pos = ws.end()
                    continue
                for mre in lx.mres:
                    m = mre.match(text, pos, end)
                    if m:
                        break
                else:
                    raise Failed
                value, type_ = m.group(0), m.lastgroup
                assert type_ is not None
                ignored = type_ in lx.ignore
                start_pos, start_line, start_col = pos, line, pos - line_start + 1
                if type_ in lx.newline:
                    n = value.count("\n")
                    if n:
                        line += n
                        line_start = pos + value.rindex("\n") + 1
                pos += len(value)
                if ignored and type_ not in lx.callback:
                    continue
                # Token(type_, value, start_pos, line, column) with its end, in one go.
                t = _new_str(Token, value)
                t.type, t.value, t.start_pos, t.line, t.column = \
                    type_, value, start_pos, start_line, start_col
                t.end_line, t.end_column, t.end_pos = line, pos - line_start + 1, pos
                cb = lx.callback.get(type_)
                if cb is not None:
                    t = cb(t)
                if not ignored:
                    tok = t
                    break
            is_end = tok is None
            if tok is None:
                tok = Token.new_borrow_pos("$END", "", last) if last is not None else \
                    Token("$END", "", 0, 1, 1)
            last = tok
            # ---- feed it (ParserState.feed_token) ----
            type_ = tok.type
            while True:
                act = actions[states[-1]].get(type_)
                if act is None:
                    raise Failed
                if act.__class__ is not tuple:
                    if is_end or act == end_state:
                        raise Failed
                    states.append(act)
                    values.append(tok if type_ not in tcb else tcb[type_](tok))
                    break
                size, callback, origin = act
                if callback is None:
                    states.pop()
                    states.append(actions[states[-1]][origin])
                    if is_end and states[-1] == end_state:
                        return values[-1]
                    continue
                if size:
                    children = values[-size:]
                    del states[-size:]
                    del values[-size:]
                else:
                    children = []
                states.append(actions[states[-1]][origin])
                values.append(callback(children))
                if is_end and states[-1] == end_state:
                    return values[-1]
