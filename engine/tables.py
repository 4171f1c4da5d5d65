"""Decision tables compiled to index lookups.

A column whose cells are all equality (``? == "toys"``, ``? in ["toys", "games"]``) or
"any" becomes a hash index: value → bitset of rows. A lookup intersects the bitsets of the
indexed columns, then checks the remaining (range) cells only on the candidate rows, in
row order. First-hit takes the lowest candidate that passes; collect takes all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from engine import ir
from engine.compiler import _COMPARE, Fn, Scope, compile_expr, constant, is_constant


class _WithInput(Mapping[str, Any]):
    """The rule's scope plus ``?`` = the current input's value."""

    __slots__ = ("_scope", "_value")

    def __init__(self, scope: Scope, value: Any) -> None:
        self._scope, self._value = scope, value

    def __getitem__(self, key: str) -> Any:
        return self._value if key == "?" else self._scope[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self._value if key == "?" else self._scope.get(key, default)

    def __iter__(self) -> Iterator[str]:
        yield "?"
        yield from self._scope

    def __len__(self) -> int:
        return len(self._scope) + 1


def _equality_keys(cell: ir.Expr) -> list[Any] | None:
    """The literal values an equality cell matches, or None if the cell is not equality."""
    if not isinstance(cell, ir.Binary) or cell.left != ir.Field(path=("?",)):
        return None
    if cell.op == "==" and is_constant(cell.right):
        return [constant(cell.right)]
    if cell.op == "in" and isinstance(cell.right, ir.ListExpr) and all(
            is_constant(i) for i in cell.right.items):
        return [constant(i) for i in cell.right.items]
    return None


ValuePredicate = Callable[[Any], bool]


def value_predicate(cell: ir.Expr) -> ValuePredicate | None:
    """A test of the input's value alone, when the cell only compares ``?`` with constants.

    ``? >= 100 and ? < 500`` becomes ``lambda v: …`` with no scope at all; other cells
    (reading other fields) return None and run as ordinary closures.
    """
    if isinstance(cell, ir.Binary) and cell.op in {"and", "or"}:
        left, right = value_predicate(cell.left), value_predicate(cell.right)
        if left is None or right is None:
            return None
        if cell.op == "and":
            return lambda v: left(v) and right(v)
        return lambda v: left(v) or right(v)
    if not isinstance(cell, ir.Binary) or cell.left != _QUESTION:
        return None
    if cell.op in {"in", "not_in"} and isinstance(cell.right, ir.ListExpr) and all(
            is_constant(i) for i in cell.right.items):
        members = frozenset(constant(i) for i in cell.right.items)
        return (lambda v: v in members) if cell.op == "in" else (lambda v: v not in members)
    if cell.op in _COMPARE and is_constant(cell.right):
        bound, cmp = constant(cell.right), _COMPARE[cell.op]
        if bound is None:
            return None
        if cell.op == "!=":  # a missing value differs from any constant
            return lambda v: v is None or cmp(v, bound)
        return lambda v: v is not None and cmp(v, bound)
    return None


_QUESTION = ir.Field(path=("?",))

#: ``? op constant`` on the value itself, one closure, no operator-function call.
_DIRECT: dict[str, Callable[[Any], ValuePredicate]] = {
    "==": lambda b: lambda v: v is not None and v == b,
    "<": lambda b: lambda v: v is not None and v < b,
    "<=": lambda b: lambda v: v is not None and v <= b,
    ">": lambda b: lambda v: v is not None and v > b,
    ">=": lambda b: lambda v: v is not None and v >= b,
}
#: ``? >= lo and ? < hi`` and its kin: the usual range cell, in one closure.
_RANGES: dict[tuple[str, str], Callable[[Any, Any], ValuePredicate]] = {
    (">=", "<"): lambda lo, hi: lambda v: v is not None and v >= lo and v < hi,
    (">=", "<="): lambda lo, hi: lambda v: v is not None and v >= lo and v <= hi,
    (">", "<"): lambda lo, hi: lambda v: v is not None and v > lo and v < hi,
    (">", "<="): lambda lo, hi: lambda v: v is not None and v > lo and v <= hi,
}


def _bound(cell: ir.Expr) -> tuple[str, Any] | None:
    """(op, constant) of a cell ``? op constant`` with a non-None constant, else None."""
    if (isinstance(cell, ir.Binary) and cell.left == _QUESTION and cell.op in _DIRECT
            and is_constant(cell.right)):
        bound = constant(cell.right)
        return None if bound is None else (cell.op, bound)
    return None


def fast_value_predicate(cell: ir.Expr) -> ValuePredicate | None:
    """:func:`value_predicate` with the common shapes fused into one closure.

    Same answers, same errors: ``v >= lo and v < hi`` is what the general predicate
    computes through ``operator.ge``/``operator.lt`` and two nested closures.
    """
    simple = _bound(cell)
    if simple is not None:
        return _DIRECT[simple[0]](simple[1])
    if isinstance(cell, ir.Binary) and cell.op == "and":
        low, high = _bound(cell.left), _bound(cell.right)
        if low is not None and high is not None and (low[0], high[0]) in _RANGES:
            return _RANGES[low[0], high[0]](low[1], high[1])
    return value_predicate(cell)


RowTest = Callable[[list[Any], Scope], bool]

#: A row whose only cell is a range on one column, read straight from the values list.
_ROW_RANGES: dict[tuple[str, str], Callable[[int, Any, Any], RowTest]] = {
    (">=", "<"): lambda c, lo, hi: lambda vs, _s: (
        (v := vs[c]) is not None and v >= lo and v < hi),
    (">=", "<="): lambda c, lo, hi: lambda vs, _s: (
        (v := vs[c]) is not None and v >= lo and v <= hi),
    (">", "<"): lambda c, lo, hi: lambda vs, _s: (
        (v := vs[c]) is not None and v > lo and v < hi),
    (">", "<="): lambda c, lo, hi: lambda vs, _s: (
        (v := vs[c]) is not None and v > lo and v <= hi),
}


def _range_row_test(col: int, cell: ir.Expr) -> RowTest | None:
    """The row test of a row whose one cell is ``? >= lo and ? < hi`` (or kin), else None."""
    if isinstance(cell, ir.Binary) and cell.op == "and":
        low, high = _bound(cell.left), _bound(cell.right)
        if low is not None and high is not None and (low[0], high[0]) in _ROW_RANGES:
            return _ROW_RANGES[low[0], high[0]](col, low[1], high[1])
    return None


def _row_test(fast: list[tuple[int, ValuePredicate]], slow: list[tuple[int, Fn]]) -> RowTest | None:
    """One closure for a row's cells: value predicates first, then the scope closures."""
    if not fast and not slow:
        return None
    if len(fast) == 1 and not slow:
        (col, pred), = fast
        return lambda values, scope: pred(values[col])
    fast_t, slow_t = tuple(fast), tuple(slow)

    def test(values: list[Any], scope: Scope) -> bool:
        for col, pred in fast_t:
            if not pred(values[col]):
                return False
        return all(check(_WithInput(scope, values[col])) for col, check in slow_t)

    return test


@dataclass(frozen=True, slots=True)
class CompiledTable:
    """A decision table ready for lookups."""

    table: ir.DecisionTable
    inputs: tuple[Fn, ...]
    #: all inputs read at once (see :func:`_input_reader`)
    read: Callable[[Scope], list[Any]]
    #: per indexed column: (column, value → row bitset, bitset of rows matching anything)
    indexes: tuple[tuple[int, dict[Any, int], int], ...]
    #: per row: cells that test the input's value alone (column, predicate)
    value_checks: tuple[tuple[tuple[int, ValuePredicate], ...], ...]
    #: per row: the other cells, run against the scope (column, closure)
    checks: tuple[tuple[tuple[int, Fn], ...], ...]
    #: per row: both of the above in one closure (None: the row has no such cell)
    row_tests: tuple[RowTest | None, ...]
    outputs: tuple[tuple[Fn, ...], ...]
    #: per row: the outputs when they are all constants (copied on every hit)
    constant_outputs: tuple[dict[str, Any] | None, ...]
    all_rows: int

    def lookup(self, scope: Scope) -> list[int]:
        """Indices of the matching rows (at most one for hit policy first)."""
        values = self.read(scope)
        mask = self.all_rows
        for column, index, wildcard in self.indexes:
            mask &= index.get(values[column], 0) | wildcard
            if not mask:
                return []
        hits: list[int] = []
        tests, first = self.row_tests, self.table.hit == "first"
        while mask:
            low = mask & -mask
            row = low.bit_length() - 1
            mask ^= low
            test = tests[row]
            if test is None or test(values, scope):
                if first:
                    return [row]
                hits.append(row)
        return hits

    def evaluate(self, scope: Scope) -> list[dict[str, Any]]:
        """The outputs of the matching rows, as name → value."""
        rows = self.lookup(scope)
        if not rows:
            return []
        names = self.table.outputs
        out = []
        for row in rows:
            fixed = self.constant_outputs[row]
            out.append(dict(fixed) if fixed is not None else {
                n: f(scope) for n, f in zip(names, self.outputs[row], strict=True)})
        return out


def _input_reader(exprs: tuple[ir.Expr, ...], inputs: tuple[Fn, ...],
                  loose: set[int]) -> Callable[[Scope], list[Any]]:
    """One closure reading every input; fields of one entity are read from it directly.

    Values are those of the compiled input closures (``compiler._number`` applied),
    except that ints in ``loose`` columns stay ints.
    """
    paths = [e.path if isinstance(e, ir.Field) else None for e in exprs]
    if not paths or any(p is None or len(p) != 2 or p[0] != paths[0][0]  # type: ignore[index]
                        for p in paths):
        return lambda scope: [f(scope) for f in inputs]
    entity_name = paths[0][0]  # type: ignore[index]
    fields = tuple((p[1], c in loose) for c, p in enumerate(paths))  # type: ignore[index]
    missing = [None] * len(fields)

    def read(scope: Scope) -> list[Any]:
        entity = scope.get(entity_name)
        if entity is None or (type(entity) is not dict and not isinstance(entity, Mapping)):
            return missing.copy()
        out = []
        for name, is_loose in fields:
            value = entity.get(name)
            kind = type(value)
            if kind is float:
                value = Decimal(repr(value))
            elif kind is int and not is_loose:
                value = Decimal(value)
            out.append(value)
        return out

    return read


def compile_table(rule_id: str, table: ir.DecisionTable) -> CompiledTable:
    """Compile a decision table, indexing every column that allows it."""
    where = (rule_id, table.id)
    n_rows = len(table.rows)
    indexes: list[tuple[int, dict[Any, int], int]] = []
    indexed_columns: set[int] = set()
    for column in range(len(table.inputs)):
        cells = [row.cells[column] for row in table.rows]
        keyed = [None if c is None else _equality_keys(c) for c in cells]
        if any(c is not None and k is None for c, k in zip(cells, keyed, strict=True)):
            continue
        index: dict[Any, int] = {}
        wildcard = 0
        for row, keys in enumerate(keyed):
            if keys is None:
                wildcard |= 1 << row
                continue
            for key in keys:
                index[key] = index.get(key, 0) | (1 << row)
        indexes.append((column, index, wildcard))
        indexed_columns.add(column)
    value_checks: list[tuple[tuple[int, ValuePredicate], ...]] = []
    ranged: list[RowTest | None] = []
    checks: list[tuple[tuple[int, Fn], ...]] = []
    for table_row in table.rows:
        fast: list[tuple[int, ValuePredicate]] = []
        slow: list[tuple[int, Fn]] = []
        for col, cell in enumerate(table_row.cells):
            if cell is None or col in indexed_columns:
                continue
            pred = fast_value_predicate(cell)
            if pred is not None:
                fast.append((col, pred))
            else:
                slow.append((col, compile_expr(cell, where)))
        value_checks.append(tuple(fast))
        checks.append(tuple(slow))
        own = [(c, cell) for c, cell in enumerate(table_row.cells)
               if cell is not None and c not in indexed_columns]
        ranged.append(_range_row_test(*own[0]) if len(own) == 1 and not slow else None)
    outputs = tuple(tuple(compile_expr(o, where) for o in row.outputs) for row in table.rows)
    constant_outputs = tuple(
        dict(zip(table.outputs, (constant(o) for o in row.outputs), strict=True))
        if all(is_constant(o) for o in row.outputs) else None for row in table.rows)
    inputs = tuple(compile_expr(i, where) for i in table.inputs)
    # A column met only by equality indexes and scope-free predicates compares its value
    # with constants alone, where an int equals, hashes and orders exactly like the
    # Decimal it would become, so reading it skips that conversion.
    loose = {c for c in range(len(table.inputs))
             if not any(c == col for row in checks for col, _ in row)}
    return CompiledTable(table=table, inputs=inputs,
                         read=_input_reader(table.inputs, inputs, loose),
                         indexes=tuple(indexes), value_checks=tuple(value_checks),
                         checks=tuple(checks), outputs=outputs,
                         row_tests=tuple(
                             r or _row_test(list(f), list(c))
                             for r, f, c in zip(ranged, value_checks, checks, strict=True)),
                         constant_outputs=constant_outputs, all_rows=(1 << n_rows) - 1)
