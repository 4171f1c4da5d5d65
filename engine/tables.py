"""Decision tables compiled to index lookups.

A column whose cells are all equality (``? == "toys"``, ``? in ["toys", "games"]``) or
"any" becomes a hash index: value → bitset of rows. A lookup intersects the bitsets of the
indexed columns, then checks the remaining (range) cells only on the candidate rows, in
row order. First-hit takes the lowest candidate that passes; collect takes all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
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


@dataclass(frozen=True, slots=True)
class CompiledTable:
    """A decision table ready for lookups."""

    table: ir.DecisionTable
    inputs: tuple[Fn, ...]
    #: per indexed column: (column, value → row bitset, bitset of rows matching anything)
    indexes: tuple[tuple[int, dict[Any, int], int], ...]
    #: per row: cells that test the input's value alone (column, predicate)
    value_checks: tuple[tuple[tuple[int, ValuePredicate], ...], ...]
    #: per row: the other cells, run against the scope (column, closure)
    checks: tuple[tuple[tuple[int, Fn], ...], ...]
    outputs: tuple[tuple[Fn, ...], ...]
    #: per row: the outputs when they are all constants (copied on every hit)
    constant_outputs: tuple[dict[str, Any] | None, ...]
    all_rows: int

    def lookup(self, scope: Scope) -> list[int]:
        """Indices of the matching rows (at most one for hit policy first)."""
        values = [f(scope) for f in self.inputs]
        mask = self.all_rows
        for column, index, wildcard in self.indexes:
            mask &= index.get(values[column], 0) | wildcard
            if not mask:
                return []
        hits: list[int] = []
        while mask:
            low = mask & -mask
            row = low.bit_length() - 1
            mask ^= low
            if all(pred(values[col]) for col, pred in self.value_checks[row]) and all(
                    check(_WithInput(scope, values[col])) for col, check in self.checks[row]):
                hits.append(row)
                if self.table.hit == "first":
                    break
        return hits

    def evaluate(self, scope: Scope) -> list[dict[str, Any]]:
        """The outputs of the matching rows, as name → value."""
        names = self.table.outputs
        out = []
        for row in self.lookup(scope):
            fixed = self.constant_outputs[row]
            out.append(dict(fixed) if fixed is not None else {
                n: f(scope) for n, f in zip(names, self.outputs[row], strict=True)})
        return out


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
    checks: list[tuple[tuple[int, Fn], ...]] = []
    for table_row in table.rows:
        fast: list[tuple[int, ValuePredicate]] = []
        slow: list[tuple[int, Fn]] = []
        for col, cell in enumerate(table_row.cells):
            if cell is None or col in indexed_columns:
                continue
            pred = value_predicate(cell)
            if pred is not None:
                fast.append((col, pred))
            else:
                slow.append((col, compile_expr(cell, where)))
        value_checks.append(tuple(fast))
        checks.append(tuple(slow))
    outputs = tuple(tuple(compile_expr(o, where) for o in row.outputs) for row in table.rows)
    constant_outputs = tuple(
        dict(zip(table.outputs, (constant(o) for o in row.outputs), strict=True))
        if all(is_constant(o) for o in row.outputs) else None for row in table.rows)
    return CompiledTable(table=table, inputs=tuple(compile_expr(i, where) for i in table.inputs),
                         indexes=tuple(indexes), value_checks=tuple(value_checks),
                         checks=tuple(checks), outputs=outputs,
                         constant_outputs=constant_outputs, all_rows=(1 << n_rows) - 1)
