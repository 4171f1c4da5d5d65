"""Types of expressions, with the unit rules: every problem becomes a diagnostic.

A value whose type is unknown (an unknown field, say) has the type ``any`` so one mistake
is reported once, not again at every operator around it.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from typing import Any

from dsl.ast import (
    Absent,
    And,
    Binary,
    Bool,
    Call,
    Compare,
    Date,
    Duration,
    Expr,
    InList,
    IsEmpty,
    Money,
    Negate,
    Node,
    Not,
    Number,
    Or,
    Path,
    Percent,
    Placeholder,
    Quantity,
    Sustained,
    Template,
    WindowCount,
)
from dsl.builtins import builtin, builtin_names
from dsl.errors import Diagnostic, did_you_mean
from dsl.format_expr import expr_text
from dsl.keywords import KEYWORDS
from dsl.schema import SchemaRegistry
from dsl.schema_labels import business_word
from dsl.types import (
    ANY,
    BOOL,
    DATE,
    DATETIME,
    DURATION,
    NUMBER,
    NUMERIC_KINDS,
    ORDERED_KINDS,
    PERCENT,
    TEXT,
    DslType,
    describe,
    money,
    quantity,
    same_unit,
)

Report = Callable[..., None]
_ZH_KEYWORDS = sorted({w for _, zh in KEYWORDS.values() for w in zh}, key=len, reverse=True)


def close(word: str, candidates: Sequence[str]) -> str | None:
    """The candidate closest to ``word`` (difflib), if any is close enough."""
    found = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return found[0] if found else None


def literal_adapts(node: Expr, other: DslType) -> DslType | None:
    """A plain number next to money, a quantity or a percentage takes the other's type."""
    if isinstance(node, Number) and other.kind in ("money", "quantity", "percent"):
        return other
    return None


class ExprChecker:
    """Types expressions on one event (``event`` None: the trigger is unknown)."""

    def __init__(self, registry: SchemaRegistry, event: str | None, report: Report) -> None:
        self.registry = registry
        self.event = event
        self.report = report

    # ---- helpers ------------------------------------------------------------------------
    def diag(self, code: str, node: Node, suggestion: tuple[str, str] = ("", ""),
             expect: Sequence[str] = (), **context: Any) -> None:
        """Report a diagnostic at ``node``."""
        s = node.span
        found = context.pop("found", None)
        if found is None:
            found = node.path.dotted if isinstance(node, Placeholder) else \
                expr_text(node)  # type: ignore[arg-type]
        self.report(Diagnostic(code=code, line=s.line, column=s.column, end_line=s.end_line,
                               end_column=s.end_column, found=found, expected=tuple(expect),
                               suggestion=suggestion[0], suggestion_zh=suggestion[1],
                               context={"found": found, **context}))

    @staticmethod
    def words(t: DslType) -> dict[str, str]:
        """English and Chinese names of a type for templates."""
        return {"en": describe(t, "en"), "zh": describe(t, "zh")}

    def field_type(self, path: Path, *, reading: bool = True) -> DslType:
        """The type of a field of the trigger event, reporting it when unknown.

        A field that is read must have a source: the payload, or a declared fact loader
        (``reading=False`` for the target of ``set`` and a table's outputs).
        """
        if self.event is None:
            return ANY
        f = self.registry.field(self.event, path.dotted)
        if f is not None:
            if reading and f.source is None and f.loader is None:
                self.diag("dsl.name.no_source", path,
                          ("Read a field the event carries or a fact loader fills; this one is "
                           "only written (set, table outputs).",
                           "请读取事件携带或事实加载器提供的字段；该字段只能被写入（设置、决策表输出）。"),
                          name=path.dotted, event=self.event)
            return f.type
        self.unknown_field(path, self.event)
        return ANY

    def unknown_field(self, path: Path, event: str) -> None:
        """Report an unknown field with the closest known one."""
        names = self.registry.field_names(event)
        hint: tuple[str, str] = ("", "")
        # "非订单.已发货" read as one name: the keyword wants a space after it.
        for kw in _ZH_KEYWORDS:
            rest = path.dotted[len(kw):]
            if path.dotted.startswith(kw) and rest and self.registry.field(event, rest):
                hint = (f"Did you mean `{kw} {rest}`? Put a space after the keyword.",
                        f"是不是想写 `{kw} {rest}`？关键字之后请加空格。")
                break
        else:
            meant = business_word(path.dotted)
            near = None if meant else close(path.dotted, names)
            if meant:  # 销售订单号 on a purchase event: not "did you mean 采购订单号?"
                hint = (f"`{path.dotted}` is `{meant}`, which event `{event}` does not carry.",
                        f"`{path.dotted}` 即 `{meant}`，事件 `{event}` 中没有这个字段。")
            elif near:
                hint = did_you_mean(near)
        self.diag("dsl.name.unknown_field", path, hint, expect=["a field of " + event],
                  name=path.dotted, event=event)

    # ---- expressions --------------------------------------------------------------------
    def condition(self, e: Expr) -> None:
        """Type a condition; it must be true/false."""
        self.expect_bool(e, self.type_of(e))

    def expect_bool(self, e: Expr, t: DslType) -> None:
        """Report ``e`` unless it is true/false."""
        if t.kind not in ("bool", "any"):
            w = self.words(t)
            self.diag("dsl.type.not_bool", e,
                      ("Compare it with something, such as `… > 0`, or use a true/false field.",
                       "请把它与某个值比较，如 `… > 0`，或使用真/假字段。"),
                      expect=["true/false"], actual=w["en"], actual_zh=w["zh"])

    def type_of(self, e: Expr) -> DslType:
        """The type of ``e``, reporting every problem inside it."""
        if isinstance(e, Number):
            return NUMBER
        if isinstance(e, Duration):
            return DURATION
        if isinstance(e, Percent):
            return PERCENT
        if isinstance(e, Money):
            return money(e.currency)
        if isinstance(e, Quantity):
            return quantity(e.unit)
        if isinstance(e, Date):
            return DATE
        if isinstance(e, Bool):
            return BOOL
        if isinstance(e, Template):
            self.template(e)
            return TEXT
        if isinstance(e, Path):
            return self.field_type(e)
        if isinstance(e, And | Or):
            for side in (e.left, e.right):
                self.expect_bool(side, self.type_of(side))
            return BOOL
        if isinstance(e, Not):
            self.expect_bool(e.operand, self.type_of(e.operand))
            return BOOL
        if isinstance(e, IsEmpty):
            self.type_of(e.operand)
            return BOOL
        if isinstance(e, InList):
            t = self.type_of(e.operand)
            for item in e.items:
                self.compare("=", e.operand, t, item, self.type_of(item), item)
            return BOOL
        if isinstance(e, Compare):
            self.compare(e.op, e.left, self.type_of(e.left), e.right, self.type_of(e.right), e)
            return BOOL
        if isinstance(e, Binary):
            return self.arith(e)
        if isinstance(e, Negate):
            t = self.type_of(e.operand)
            if t.kind not in NUMERIC_KINDS and t.kind != "any":
                self.mismatch("-", t, t, e)
                return ANY
            return t
        if isinstance(e, Call):
            return self.call(e)
        if isinstance(e, Absent | Sustained | WindowCount):
            return self.temporal(e)
        raise TypeError(f"not an expression: {type(e).__name__}")  # pragma: no cover

    def template(self, t: Template) -> None:
        """Check the placeholders of a string."""
        for p in t.parts:
            if isinstance(p, Placeholder):
                self.field_type(p.path)

    def mismatch(self, op: str, lt: DslType, rt: DslType, node: Node) -> None:
        """Report operands that ``op`` cannot combine."""
        lw, rw = self.words(lt), self.words(rt)
        self.diag("dsl.type.mismatch", node,
                  ("Only like values combine: money with money, a quantity with one of the "
                   "same unit, a date with a duration; multiply by a number or a percentage.",
                   "只有同类值才能运算：金额与金额、同单位的数量、日期与时长；乘除请用数字或百分比。"),
                  op=op, left=lw["en"], right=rw["en"], left_zh=lw["zh"], right_zh=rw["zh"])

    def compare(self, op: str, left: Expr, lt: DslType, right: Expr, rt: DslType,
                node: Node) -> None:
        """Check that ``left op right`` compares like with like."""
        lt = literal_adapts(left, rt) or lt
        rt = literal_adapts(right, lt) or rt
        if "any" in (lt.kind, rt.kind):
            return
        for value_node, value_t, enum_t in ((right, rt, lt), (left, lt, rt)):
            if enum_t.kind == "enum" and value_t.kind == "text":
                if isinstance(value_node, Template) and value_node.is_plain:
                    self.enum_value(value_node, enum_t)
                return
        kinds = {lt.kind, rt.kind}
        if lt.kind == rt.kind or kinds == {"date", "datetime"} or kinds == {"id", "text"}:
            if lt.kind in ("money", "quantity") and not same_unit(lt, rt):
                lw, rw = self.words(lt), self.words(rt)
                self.diag("dsl.type.unit_mismatch", node,
                          (f"Write both sides in {lt.unit}.", f"请把两边写成同一单位 {lt.unit}。"),
                          left=lw["en"], right=rw["en"], left_zh=lw["zh"], right_zh=rw["zh"])
                return
            if op not in ("=", "!=") and lt.kind not in ORDERED_KINDS:
                w = self.words(lt)
                self.diag("dsl.type.not_orderable", node,
                          ("Use `=` or `!=` for these values.", "这类值请用 `=` 或 `!=` 比较。"),
                          op=op, actual=w["en"], actual_zh=w["zh"])
            return
        lw, rw = self.words(lt), self.words(rt)
        self.diag("dsl.type.incomparable", node,
                  (f"Compare {lw['en']} with {lw['en']}, such as {_example(lt)}.",
                   f"{lw['zh']}只能与{lw['zh']}比较，如 {_example(lt)}。"),
                  left=lw["en"], right=rw["en"], left_zh=lw["zh"], right_zh=rw["zh"])

    def enum_value(self, node: Template, t: DslType) -> None:
        """Report a text literal that is not one of an enum's values."""
        value = node.text
        if value in t.values:
            return
        near = close(value, t.values)
        self.diag("dsl.type.enum_value", node,
                  did_you_mean(near) if near else ("", ""), expect=list(t.values),
                  value=value, values=", ".join(t.values))

    def arith(self, e: Binary) -> DslType:
        """The type of ``left op right`` under the unit rules."""
        lt, rt = self.type_of(e.left), self.type_of(e.right)
        lt = literal_adapts(e.left, rt) or lt if e.op in "+-" else lt
        rt = literal_adapts(e.right, lt) or rt if e.op in "+-" else rt
        if "any" in (lt.kind, rt.kind):
            return ANY
        result = _arith_result(e.op, lt, rt)
        if result is None:
            if {lt.kind, rt.kind} == {"quantity"} or lt.kind == rt.kind == "money":
                lw, rw = self.words(lt), self.words(rt)
                self.diag("dsl.type.unit_mismatch", e,
                          (f"Write both sides in {lt.unit}.", f"请把两边写成同一单位 {lt.unit}。"),
                          left=lw["en"], right=rw["en"], left_zh=lw["zh"], right_zh=rw["zh"])
            else:
                self.mismatch(e.op, lt, rt, e)
            return ANY
        return result

    def call(self, e: Call) -> DslType:
        """Check a built-in call and return its result type."""
        args = [self.type_of(a) for a in e.args]
        fn = builtin(e.name)
        if fn is None:
            near = close(e.name, builtin_names())
            self.diag("dsl.name.unknown_function", e, did_you_mean(near) if near else
                      ("Only the built-in functions can be called.", "只能调用内置函数。"),
                      found=e.name, name=e.name, functions=", ".join(builtin_names()[::2]))
            return ANY
        count = len(args)
        if count < fn.min_args or (not fn.variadic and count > len(fn.params)):
            self.diag("dsl.type.argument_count", e,
                      (f"Call it as {fn.name}(…) with {fn.min_args} argument(s).",
                       f"请按 {fn.name_zh}(…) 传 {fn.min_args} 个参数。"),
                      function=e.name, expected_count=fn.min_args, actual_count=count)
            return ANY
        for i, (arg, t) in enumerate(zip(e.args, args, strict=True)):
            allowed = fn.params[min(i, len(fn.params) - 1)]
            if t.kind != "any" and t.kind not in allowed:
                w = self.words(t)
                expected = " or ".join(sorted(allowed))
                self.diag("dsl.type.bad_argument", arg, (fn.doc_en, fn.doc_zh),
                          expect=[expected], index=i + 1, function=e.name, expected=expected,
                          expected_zh=expected,
                          actual=w["en"], actual_zh=w["zh"])
                return ANY
        if fn.name in ("min", "max") and len({(t.kind, t.unit) for t in args}) > 1:
            self.mismatch(fn.name, args[0], args[1], e)
            return ANY
        return fn.result(args)

    def temporal(self, e: Absent | Sustained | WindowCount) -> DslType:
        """Check a temporal clause: the events it waits for and its correlation key."""
        if isinstance(e, Sustained):
            self.expect_bool(e.condition, self.type_of(e.condition))
            if e.key is not None:
                self.field_type(e.key)
            return BOOL
        other = self.registry.event(e.event.name)
        if other is None:
            near = close(e.event.name, self.registry.event_names())
            self.diag("dsl.name.unknown_event", e.event,
                      did_you_mean(near) if near else ("", ""), found=e.event.name,
                      name=e.event.name)
        if isinstance(e, WindowCount):
            t = self.type_of(e.threshold)
            if t.kind not in ("number", "any"):
                self.compare(e.op, e.threshold, NUMBER, e.threshold, t, e.threshold)
        if e.key is not None and other is not None and self.event is not None:
            mine = self.registry.field(self.event, e.key.dotted)
            theirs = self.registry.field(other.name, e.key.dotted)
            if mine is None or theirs is None:
                shared = [n for n in self.registry.field_names(self.event)
                          if (f := self.registry.field(other.name, n)) and f.path == n
                          and not n.startswith("event.") and n.endswith("id")]
                self.diag("dsl.type.correlation_key", e.key,
                          (f"Use a field both carry, such as {', '.join(shared[:3]) or 'an id'}.",
                           f"请使用两者都有的字段，如 {'、'.join(shared[:3]) or '编号'}。"),
                          key=e.key.dotted, trigger=self.event, event=other.name)
        return BOOL


def _example(t: DslType) -> str:
    return {"money": "¥12.50", "quantity": f"12.5 {t.unit or 'kg'}", "duration": "2h",
            "percent": "2%", "date": "2025-11-23", "datetime": "event.occurred_at",
            "number": "3", "text": '"text"', "bool": "true", "id": '"SO-001"',
            "enum": f'"{t.values[0]}"' if t.values else '"value"'}.get(t.kind, "…")


def _arith_result(op: str, lt: DslType, rt: DslType) -> DslType | None:
    lk, rk = lt.kind, rt.kind
    if op in "+-":
        if lk == rk and lk in NUMERIC_KINDS:
            return lt if same_unit(lt, rt) else None
        if lk in ("date", "datetime") and rk == "duration":
            return lt
        if op == "-" and lk in ("date", "datetime") and rk in ("date", "datetime"):
            return DURATION
        return None
    scalable = ("number", "money", "quantity", "duration", "percent")
    if op == "*":
        if lk == "number" and rk in scalable:
            return rt
        if rk == "number" and lk in scalable:
            return lt
        if rk == "percent" and lk in scalable:
            return lt
        if lk == "percent" and rk in scalable:
            return rt
        return None
    if rk in ("number", "percent") and lk in scalable:
        return lt
    if lk == rk and lk in scalable and same_unit(lt, rt):
        return NUMBER
    return None


__all__ = ["DATETIME", "ExprChecker", "close", "literal_adapts"]
