"""Is a conjunction of rule conditions satisfiable, and by which values? (pure)

A condition becomes a disjunction of conjunctions of atoms over fields: comparisons with
constants (numeric ranges), equalities, enums (``in``/``not in``) and booleans. Anything
else (field against field, arithmetic, functions) is opaque: it is assumed satisfiable and
the answer is marked "possible" rather than "definite".

:func:`decide` first evaluates what known facts (an item's category, its list price) decide
and leaves the rest as a residual condition over the unknown fields.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any

from engine import ir
from engine.compiler import compile_expr, constant, is_constant

Path = tuple[str, ...]
_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}
_NEGATE = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "==",
           "in": "not_in", "not_in": "in"}
_MAX_TERMS = 64


@dataclass(frozen=True, slots=True)
class Atom:
    """``field op value`` with a constant value (a list for in / not_in)."""

    path: Path
    op: str
    value: Any
    #: The literal's type (``percent`` values are fractions: 20 % is 0.2).
    kind: str = ""


@dataclass(frozen=True, slots=True)
class Term:
    """One conjunction: its atoms and whether an opaque part was left out."""

    atoms: tuple[Atom, ...] = ()
    is_exact: bool = True


def _atom(expr: ir.Expr, negated: bool) -> Atom | None:
    if isinstance(expr, ir.Field):
        return Atom(expr.path, "==", not negated)
    if isinstance(expr, ir.Binary) and expr.op in _NEGATE:
        left, right, op = expr.left, expr.right, str(expr.op)
        if isinstance(right, ir.Field) and is_constant(left) and op in _FLIP:
            left, right, op = right, left, _FLIP[op]
        if not isinstance(left, ir.Field):
            return None
        if op in {"in", "not_in"}:
            if not isinstance(right, ir.ListExpr) or not all(map(is_constant, right.items)):
                return None
            value: Any = tuple(constant(i) for i in right.items)
        elif is_constant(right):
            value = constant(right)
        else:
            return None
        kind = right.type if isinstance(right, ir.Lit) else ""
        return Atom(left.path, _NEGATE[op] if negated else op, value, kind)
    return None


def terms(expr: ir.Expr | None, negated: bool = False) -> list[Term]:
    """The condition as a disjunction of conjunctions (negations pushed to the atoms)."""
    if expr is None:
        return [Term()]
    if isinstance(expr, ir.Unary) and expr.op == "not":
        return terms(expr.operand, not negated)
    if isinstance(expr, ir.Binary) and expr.op in {"and", "or"}:
        conjunction = (expr.op == "and") != negated
        left, right = terms(expr.left, negated), terms(expr.right, negated)
        if not conjunction:
            return (left + right)[:_MAX_TERMS]
        return [Term(a.atoms + b.atoms, a.is_exact and b.is_exact)
                for a in left for b in right][:_MAX_TERMS]
    if isinstance(expr, ir.Absence | ir.CountWithin | ir.Sustained):
        return [Term(is_exact=False)]
    atom = _atom(expr, negated)
    return [Term((atom,))] if atom is not None else [Term(is_exact=False)]


@dataclass(slots=True)
class _Domain:
    lo: Decimal | None = None
    lo_open: bool = False
    hi: Decimal | None = None
    hi_open: bool = False
    equal: list[Any] = field(default_factory=list)
    excluded: set[Any] = field(default_factory=set)
    allowed: set[Any] | None = None
    is_percent: bool = False

    def add(self, atom: Atom) -> None:
        op, v = atom.op, atom.value
        self.is_percent = self.is_percent or atom.kind == "percent"
        if op == "==":
            self.equal.append(v)
        elif op == "!=":
            self.excluded.add(v)
        elif op == "in":
            self.allowed = set(v) if self.allowed is None else self.allowed & set(v)
        elif op == "not_in":
            self.excluded |= set(v)
        elif op in {">", ">="} and isinstance(v, Decimal):
            self._raise_low(v, op == ">")
        elif op in {"<", "<="} and isinstance(v, Decimal):
            self._lower_high(v, op == "<")

    def _raise_low(self, v: Decimal, is_open: bool) -> None:
        if self.lo is None or v > self.lo or (v == self.lo and is_open):
            self.lo, self.lo_open = v, is_open

    def _lower_high(self, v: Decimal, is_open: bool) -> None:
        if self.hi is None or v < self.hi or (v == self.hi and is_open):
            self.hi, self.hi_open = v, is_open

    def _in_range(self, v: Any) -> bool:
        if not isinstance(v, Decimal) or isinstance(v, bool):
            return self.lo is None and self.hi is None
        if self.lo is not None and (v < self.lo or (v == self.lo and self.lo_open)):
            return False
        return not (self.hi is not None and (v > self.hi or (v == self.hi and self.hi_open)))

    def _ok(self, v: Any) -> bool:
        return (v not in self.excluded and (self.allowed is None or v in self.allowed)
                and self._in_range(v) and all(e == v for e in self.equal))

    def witness(self) -> tuple[bool, Any]:
        """(satisfiable, an example value)."""
        if self.equal:
            return self._ok(self.equal[0]), self.equal[0]
        if self.allowed is not None:
            for v in sorted(self.allowed, key=str):
                if self._ok(v):
                    return True, v
            return False, None
        if self.lo is None and self.hi is None:
            for v in ("example", "other", "x"):
                if v not in self.excluded:
                    return True, v
        for v in self._numbers():
            if self._ok(v):
                return True, v
        return False, None

    def _numbers(self) -> Iterator[Decimal]:
        # A round value a reader recognises first (not for percentages: 100 would be
        # 10,000 %), then the bounds and near them.
        if not self.is_percent:
            yield Decimal(100)
        for bound, step in ((self.lo, 1), (self.hi, -1)):
            if bound is not None:
                yield bound
                yield bound + step
                yield bound + Decimal(step) / 100
        if self.lo is not None and self.hi is not None:
            yield (self.lo + self.hi) / 2


def solve(term: Term) -> dict[Path, Any] | None:
    """Values for every field of ``term`` that make all its atoms true; None if none can."""
    domains: dict[Path, _Domain] = {}
    for atom in term.atoms:
        domains.setdefault(atom.path, _Domain()).add(atom)
    values: dict[Path, Any] = {}
    for path, domain in domains.items():
        ok, value = domain.witness()
        if not ok:
            return None
        values[path] = value
    return values


def jointly(a: ir.Expr | None, b: ir.Expr | None) -> tuple[dict[Path, Any], bool] | None:
    """An assignment that satisfies both conditions, and whether that is certain."""
    for left in terms(a):
        for right in terms(b):
            both = Term(left.atoms + right.atoms, left.is_exact and right.is_exact)
            found = solve(both)
            if found is not None:
                return found, both.is_exact
    return None


def reads(expr: ir.Expr) -> list[Path]:
    """Every field path an expression reads (time clauses' inner conditions excluded)."""
    if isinstance(expr, ir.Field):
        return [expr.path]
    children: tuple[Any, ...] = ()
    if isinstance(expr, ir.Binary):
        children = (expr.left, expr.right)
    elif isinstance(expr, ir.Unary):
        children = (expr.operand,)
    elif isinstance(expr, ir.Call | ir.ListExpr):
        children = expr.args if isinstance(expr, ir.Call) else expr.items
    elif isinstance(expr, ir.Template):
        children = tuple(p for p in expr.parts if not isinstance(p, str))
    return [p for c in children for p in reads(c)]


Residual = bool | ir.Expr


@lru_cache(maxsize=4096)
def compiled(expr: ir.Expr) -> Callable[[Mapping[str, Any]], Any]:
    """The closure of an expression, compiled once (IR nodes are immutable)."""
    return compile_expr(expr)


def decide(expr: ir.Expr | None, scope: Mapping[str, Any], is_known: Callable[[Path], bool]
           ) -> Residual:
    """Evaluate the parts of a condition whose fields are all known (True / False, as the
    engine would on ``scope``); what is left is returned as a residual condition.

    ``and`` / ``or`` / ``not`` follow three-valued logic: a known False part makes a
    conjunction False whatever the unknown parts are.
    """
    if expr is None:
        return True
    if isinstance(expr, ir.Unary) and expr.op == "not":
        inner = decide(expr.operand, scope, is_known)
        return (not inner) if isinstance(inner, bool) else ir.Unary(op="not", operand=inner)
    if isinstance(expr, ir.Binary) and expr.op in {"and", "or"}:
        left, right = decide(expr.left, scope, is_known), decide(expr.right, scope, is_known)
        absorbing = expr.op == "or"  # True absorbs an or, False an and
        for part, other in ((left, right), (right, left)):
            if isinstance(part, bool):
                return absorbing if part is absorbing else other
        assert not isinstance(left, bool) and not isinstance(right, bool)
        return ir.Binary(op=expr.op, left=left, right=right)
    if isinstance(expr, ir.Absence | ir.CountWithin | ir.Sustained):
        return expr
    if all(is_known(p) for p in reads(expr)):
        try:
            return bool(compiled(expr)(scope))
        except (ArithmeticError, TypeError, ValueError):
            return expr
    return expr


def jointly_all(conditions: Iterable[ir.Expr]) -> tuple[dict[Path, Any], bool] | None:
    """An assignment that satisfies every condition at once, and whether that is certain;
    None when they cannot all hold."""
    combined: ir.Expr | None = None
    for condition in conditions:
        combined = condition if combined is None else ir.Binary(op="and", left=combined,
                                                                 right=condition)
    for term in terms(combined):
        found = solve(term)
        if found is not None:
            return found, term.is_exact
    return None
