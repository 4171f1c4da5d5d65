"""Parse-time callbacks that build the syntax tree (one method per grammar rule).

Lark runs these inline while it parses (LALR ``transformer=``), so no parse tree is built
and deep input never recurses here. Lark cannot pass ``meta`` to inline callbacks, so each
node's span is taken from its first and last child, which are tokens or nodes with spans.
Keyword tokens (``KW_*``) stay in the children for that reason and are skipped otherwise.
"""

from __future__ import annotations

from typing import Any, Final

from lark import Token

from dsl import literals
from dsl.ast import (
    Absent,
    Alert,
    And,
    AnyCell,
    Assignment,
    Binary,
    Block,
    Bool,
    Branch,
    Call,
    CallWebhook,
    Compare,
    CompareCell,
    CreateDocument,
    EmitEvent,
    EventRef,
    Freeze,
    Guard,
    InCell,
    InList,
    IsEmpty,
    KeywordLang,
    Negate,
    Node,
    Not,
    Notify,
    Number,
    Or,
    Path,
    PublishMqtt,
    Recipient,
    RecipientKind,
    Release,
    Reserve,
    Row,
    Rule,
    RuleFile,
    SetField,
    Sustained,
    Table,
    Unfreeze,
    WindowCount,
)
from dsl.ast import Duration as DurationNode
from dsl.ast import Money as MoneyNode
from dsl.ast import Percent as PercentNode
from dsl.ast import Quantity as QuantityNode
from dsl.errors import DslLimitError, DslSyntaxError
from dsl.keywords import FREEZE_KINDS, KEYWORDS, concept_of_terminal
from dsl.spans import Wrap as _Wrap
from dsl.spans import lang_of as _lang
from dsl.spans import plain as _plain
from dsl.spans import span_of

#: Deepest expression nesting accepted; the checker and formatter recurse this deep.
MAX_DEPTH: Final = 100
#: Deepest nesting of conditions inside then/else branches (``if`` inside ``then``/``else``).
MAX_BRANCH_DEPTH: Final = 8

_OPS: Final[dict[str, str]] = {"EQ": "=", "NE": "!=", "LT": "<", "LE": "<=", "GT": ">",
                               "GE": ">=", "PLUS": "+", "MINUS": "-", "TIMES": "*",
                               "DIVIDE": "/"}
_COUNT_NAMES: Final = frozenset({"count", "计数"})


#: Structural keywords are reserved: written where a name is expected they still read as
#: keywords ("if then …" is a missing condition, not a field called "then"). Other
#: keywords (item, customer, event …) stay usable as names, e.g. ``item.sku``.
RESERVED: Final[dict[str, str]] = {
    word: f"KW_{concept}_{suffix}"
    for concept in ("RULE", "GUARD", "TABLE", "WHEN", "IF", "THEN", "ELSE", "END", "AND", "OR",
                    "NOT")
    for suffix, word in zip(("EN", "ZH", "ZH2"),
                            (KEYWORDS[concept][0][0], *KEYWORDS[concept][1]), strict=False)
}


class AstBuilder:
    """Callbacks named after the grammar's rules; each returns a node (or a clause)."""

    def __init__(self) -> None:
        self._depth: dict[int, int] = {}
        #: id(branch) -> (levels of branches in it, itself included; the deepest one's span)
        self._branches: dict[int, tuple[int, Node]] = {}
        self.text = ""

    def reset(self, text: str = "") -> None:
        """Forget the previous parse (the parser calls this before each parse)."""
        self._depth = {}
        self._branches = {}
        self.text = text

    def name_token(self, tok: Token) -> Token:
        """Lexer callback: a reserved keyword stays a keyword, except right after a dot."""
        kw = RESERVED.get(tok.value)
        if kw is not None:
            i = (tok.start_pos or 0) - 1
            while i >= 0 and self.text[i] in " \t\r\n\u3000":
                i -= 1
            if i < 0 or self.text[i] != ".":
                tok.type = kw
        return tok

    # ---- nesting bound ----------------------------------------------------------------
    def _nest(self, node: Node, *children: Any) -> Node:
        depth = 1 + max((self._depth.get(id(c), 1) for c in children if isinstance(c, Node)),
                        default=0)
        if depth > MAX_DEPTH:
            s = node.span
            raise DslLimitError("dsl.limit.too_deep", line=s.line, column=s.column,
                                end_line=s.end_line, end_column=s.end_column,
                                suggestion="Split the condition into several rules or "
                                "use a decision table.",
                                suggestion_zh="请把条件拆成多条规则或改用决策表。",
                                context={"limit": MAX_DEPTH})
        self._depth[id(node)] = depth
        return node

    # ---- file items -------------------------------------------------------------------
    def start(self, children: list[Any]) -> RuleFile:
        langs = [item.lang for item in children]
        lang: KeywordLang = "zh" if langs.count("zh") > langs.count("en") else "en"
        return RuleFile(items=tuple(children), lang=lang, span=span_of(children))

    def _clauses(self, children: list[Any]) -> dict[str, Any]:
        found: dict[str, Any] = {"name": next(c for c in children if isinstance(c, Token)
                                              and c.type == "NAME")}
        for c in children:
            if isinstance(c, _Wrap):
                found[c.kind] = c.value
        return found

    def rule(self, children: list[Any]) -> Rule:
        c = self._clauses(children)
        return Rule(name=str(c["name"]), title=c.get("title"), trigger=c["trigger"],
                    condition=c.get("condition"), actions=c["then"],
                    else_actions=c.get("else", ()), lang=_lang(children),
                    span=span_of(children))

    def guard(self, children: list[Any]) -> Guard:
        c = self._clauses(children)
        return Guard(name=str(c["name"]), title=c.get("title"), trigger=c["trigger"],
                     condition=c.get("condition"), actions=c["then"], lang=_lang(children),
                     span=span_of(children))

    def table(self, children: list[Any]) -> Table:
        c = self._clauses(children)
        rows = tuple(r for r in children if isinstance(r, Row))
        return Table(name=str(c["name"]), title=c.get("title"), trigger=c["trigger"],
                     condition=c.get("condition"), hit=c["hit"], inputs=c["inputs"],
                     outputs=c["outputs"], rows=rows, lang=_lang(children),
                     span=span_of(children))

    def title(self, children: list[Any]) -> _Wrap:
        return _Wrap("title", literals.plain_string(children[0]))

    def trigger(self, children: list[Any]) -> _Wrap:
        return _Wrap("trigger", _plain(children)[0])

    def event_name(self, children: list[Any]) -> EventRef:
        return EventRef(name=".".join(str(t) for t in children), span=span_of(children))

    def condition(self, children: list[Any]) -> _Wrap:
        return _Wrap("condition", _plain(children)[0])

    def then_clause(self, children: list[Any]) -> _Wrap:
        return _Wrap("then", tuple(_plain(children)))

    def else_clause(self, children: list[Any]) -> _Wrap:
        return _Wrap("else", tuple(_plain(children)))

    def branch_then(self, children: list[Any]) -> _Wrap:
        return _Wrap("then", tuple(_plain(children)))

    def branch_else(self, children: list[Any]) -> _Wrap:
        return _Wrap("else", tuple(_plain(children)))

    def branch(self, children: list[Any]) -> Branch:
        body = _plain(children)
        clauses = {c.kind: c.value for c in body if isinstance(c, _Wrap)}
        node = Branch(condition=body[0], actions=clauses["then"],
                      else_actions=clauses.get("else", ()), span=span_of(children))
        inner = [self._branches.get(id(s), (1, s)) for s in
                 (*node.actions, *node.else_actions) if isinstance(s, Branch)]
        levels, deepest = max(inner, key=lambda x: x[0], default=(0, node))
        levels += 1
        if levels > MAX_BRANCH_DEPTH:
            s = deepest.span
            raise DslLimitError("dsl.limit.branch_too_deep", line=s.line, column=s.column,
                                end_line=s.line, end_column=s.column + 2,
                                suggestion="Move the innermost conditions into rules of their "
                                "own, or use a decision table.",
                                suggestion_zh="请把最里层的条件拆成单独的规则，或改用决策表。",
                                context={"limit": MAX_BRANCH_DEPTH})
        self._branches[id(node)] = (levels, deepest)
        return node

    # ---- decision tables --------------------------------------------------------------
    def hit_policy(self, children: list[Any]) -> _Wrap:
        return _Wrap("hit", "first" if concept_of_terminal(children[-1].type) == "FIRST"
                     else "collect")

    def inputs(self, children: list[Any]) -> _Wrap:
        return _Wrap("inputs", tuple(_plain(children)))

    def outputs(self, children: list[Any]) -> _Wrap:
        return _Wrap("outputs", tuple(_plain(children)))

    def row(self, children: list[Any]) -> Row:
        body = _plain(children)
        arrow = next(i for i, c in enumerate(body) if isinstance(c, Token) and c.type == "ARROW")
        return Row(cells=tuple(body[:arrow]), results=tuple(body[arrow + 1:]),
                   span=span_of(children))

    def any_cell(self, children: list[Any]) -> AnyCell:
        return AnyCell(span=span_of(children))

    def compare_cell(self, children: list[Any]) -> CompareCell:
        return CompareCell(op=children[0], value=children[1], span=span_of(children))

    def equal_cell(self, children: list[Any]) -> CompareCell:
        return CompareCell(op="=", value=children[0], span=span_of(children))

    def in_cell(self, children: list[Any]) -> InCell:
        return InCell(items=_plain(children)[0], span=span_of(children))

    def not_in_cell(self, children: list[Any]) -> InCell:
        return InCell(items=_plain(children)[0], negated=True, span=span_of(children))

    # ---- actions ----------------------------------------------------------------------
    def reserve(self, children: list[Any]) -> Reserve:
        body = _plain(children)
        hold = literals.duration(body[1]) if len(body) > 1 else None
        return Reserve(target=body[0], hold=hold, span=span_of(children))

    def release(self, children: list[Any]) -> Release:
        return Release(target=_plain(children)[0], span=span_of(children))

    def alert(self, children: list[Any]) -> Alert:
        recipients, message = _plain(children)
        return Alert(recipients=recipients, message=literals.template(message),
                     span=span_of(children))

    def notify(self, children: list[Any]) -> Notify:
        recipients, message = _plain(children)
        return Notify(recipients=recipients, message=literals.template(message),
                      span=span_of(children))

    def freeze(self, children: list[Any]) -> Freeze:
        body = _plain(children)
        return Freeze(kind=body[0].value, target=body[1] if len(body) > 1 else None,
                      span=span_of(children))

    def unfreeze(self, children: list[Any]) -> Unfreeze:
        body = _plain(children)
        return Unfreeze(kind=body[0].value, target=body[1] if len(body) > 1 else None,
                        span=span_of(children))

    def freeze_kind(self, children: list[Any]) -> _Wrap:
        concept = concept_of_terminal(children[0].type) or "CUSTOMER"
        return _Wrap("kind", FREEZE_KINDS[concept])

    def set_field(self, children: list[Any]) -> SetField:
        target, value = _plain(children)
        return SetField(target=target, value=value, span=span_of(children))

    def create_document(self, children: list[Any]) -> CreateDocument:
        body = _plain(children)
        return CreateDocument(document=str(body[0]), fields=body[1] if len(body) > 1 else (),
                              span=span_of(children))

    def emit_event(self, children: list[Any]) -> EmitEvent:
        body = _plain(children)
        return EmitEvent(event=body[0], fields=body[1] if len(body) > 1 else (),
                         span=span_of(children))

    def call_webhook(self, children: list[Any]) -> CallWebhook:
        body = _plain(children)
        return CallWebhook(name=literals.plain_string(body[0]),
                           fields=body[1] if len(body) > 1 else (), span=span_of(children))

    def publish_mqtt(self, children: list[Any]) -> PublishMqtt:
        body = _plain(children)
        return PublishMqtt(topic=literals.template(body[0]),
                           fields=body[1] if len(body) > 1 else (), span=span_of(children))

    def block(self, children: list[Any]) -> Block:
        return Block(message=literals.template(_plain(children)[0]), span=span_of(children))

    def recipients(self, children: list[Any]) -> tuple[Recipient, ...]:
        return tuple(children)

    def recipient(self, children: list[Any]) -> Recipient:
        kind: RecipientKind = "role" if concept_of_terminal(children[0].type) == "ROLE" \
            else "user"
        return Recipient(kind=kind, name=str(children[-1]), span=span_of(children))

    def assignments(self, children: list[Any]) -> tuple[Assignment, ...]:
        return tuple(children)

    def assignment(self, children: list[Any]) -> Assignment:
        return Assignment(target=children[0], value=children[2], span=span_of(children))

    # ---- expressions ------------------------------------------------------------------
    def or_(self, children: list[Any]) -> Node:
        left, right = _plain(children)
        return self._nest(Or(left=left, right=right, span=span_of(children)), left, right)

    def and_(self, children: list[Any]) -> Node:
        left, right = _plain(children)
        return self._nest(And(left=left, right=right, span=span_of(children)), left, right)

    def not_(self, children: list[Any]) -> Node:
        operand = _plain(children)[0]
        return self._nest(Not(operand=operand, span=span_of(children)), operand)

    def correlation(self, children: list[Any]) -> _Wrap:
        return _Wrap("key", _plain(children)[0])

    @staticmethod
    def _temporal_parts(children: list[Any]) -> tuple[list[Any], Path | None, DurationNode]:
        body = _plain(children)
        key = next((c.value for c in body if isinstance(c, _Wrap)), None)
        dur = next(c for c in body if isinstance(c, Token) and c.type == "DURATION")
        rest = [c for c in body if not isinstance(c, _Wrap | Token)]
        return rest, key, literals.duration(dur)

    def sustained(self, children: list[Any]) -> Node:
        rest, key, dur = self._temporal_parts(children)
        return self._nest(Sustained(condition=rest[0], key=key, duration=dur,
                                    span=span_of(children)), rest[0])

    def absent(self, children: list[Any]) -> Node:
        rest, key, dur = self._temporal_parts(children)
        return Absent(event=rest[0], key=key, window=dur, span=span_of(children))

    def windowed(self, children: list[Any]) -> Node:
        rest, key, dur = self._temporal_parts(children)
        cmp = rest[0]
        span = span_of(children)
        if not (isinstance(cmp, Compare) and isinstance(cmp.left, Call)
                and cmp.left.name in _COUNT_NAMES and len(cmp.left.args) == 1
                and isinstance(cmp.left.args[0], Path)):
            s = cmp.span if isinstance(cmp, Node) else span
            raise DslSyntaxError("dsl.syntax.within_needs_count", line=s.line, column=s.column,
                                 end_line=s.end_line, end_column=s.end_column,
                                 expected=["count(<event type>) on the left of the comparison"],
                                 suggestion="To require the condition to hold for a time, "
                                 "write `for 10m` instead of `within`.",
                                 suggestion_zh="若要求条件持续一段时间，"
                                 "请用 `持续 10m` 代替 `在 … 内`。")
        arg = cmp.left.args[0]
        assert isinstance(arg, Path)
        return self._nest(WindowCount(event=EventRef(name=arg.dotted, span=arg.span), op=cmp.op,
                                      threshold=cmp.right, key=key, window=dur, span=span),
                          cmp)

    def compare(self, children: list[Any]) -> Node:
        left, op, right = children
        return self._nest(Compare(op=op, left=left, right=right, span=span_of(children)),
                          left, right)

    def comp_op(self, children: list[Any]) -> str:
        return _OPS[children[0].type]

    def is_empty(self, children: list[Any]) -> Node:
        operand = _plain(children)[0]
        return self._nest(IsEmpty(operand=operand, span=span_of(children)), operand)

    def is_not_empty(self, children: list[Any]) -> Node:
        operand = _plain(children)[0]
        return self._nest(IsEmpty(operand=operand, negated=True, span=span_of(children)),
                          operand)

    def in_list(self, children: list[Any]) -> Node:
        operand, items = _plain(children)
        return self._nest(InList(operand=operand, items=items, span=span_of(children)),
                          operand, *items)

    def not_in_list(self, children: list[Any]) -> Node:
        operand, items = _plain(children)
        return self._nest(InList(operand=operand, items=items, negated=True,
                                 span=span_of(children)), operand, *items)

    def value_list(self, children: list[Any]) -> tuple[Any, ...]:
        return tuple(children)

    def binary(self, children: list[Any]) -> Node:
        left, op, right = children
        return self._nest(Binary(op=_OPS[op.type], left=left, right=right,  # type: ignore[arg-type]
                                 span=span_of(children)), left, right)

    def negate(self, children: list[Any]) -> Node:
        operand = children[1]
        span = span_of(children)
        # Fold "-15 °C" into one literal so the engine and the checker see a value.
        if isinstance(operand, Number):
            return Number(value=-operand.value, span=span)
        if isinstance(operand, QuantityNode):
            return QuantityNode(amount=-operand.amount, unit=operand.unit, span=span)
        if isinstance(operand, MoneyNode):
            return MoneyNode(amount=-operand.amount, currency=operand.currency, span=span)
        if isinstance(operand, PercentNode):
            return PercentNode(value=-operand.value, span=span)
        return self._nest(Negate(operand=operand, span=span), operand)

    def path(self, children: list[Any]) -> Path:
        return Path(parts=tuple(str(t) for t in children), span=span_of(children))

    def call(self, children: list[Any]) -> Node:
        args = tuple(children[1:])
        return self._nest(Call(name=str(children[0]), args=args, span=span_of(children)),
                          *args)

    # ---- literals ---------------------------------------------------------------------
    def number(self, children: list[Any]) -> Number:
        return Number(value=literals.decimal(children[0]), span=span_of(children))

    def quantity(self, children: list[Any]) -> QuantityNode:
        return literals.quantity(children[0], children[1])

    def money(self, children: list[Any]) -> MoneyNode:
        return literals.money(children[0], children[1] if len(children) > 1 else None)

    def duration(self, children: list[Any]) -> DurationNode:
        return literals.duration(children[0])

    def percent(self, children: list[Any]) -> PercentNode:
        return literals.percent(children[0])

    def date(self, children: list[Any]) -> Node:
        return literals.date(children[0])

    def string(self, children: list[Any]) -> Node:
        return literals.template(children[0])

    def boolean(self, children: list[Any]) -> Bool:
        return Bool(value=concept_of_terminal(children[0].type) == "TRUE",
                    span=span_of(children))
