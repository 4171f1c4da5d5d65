"""Three-way match (三单匹配), the pure part: order = receipt = invoice, within 72 hours.

Per purchase order line: the ordered amount (qty × unit price), the accepted amount (what
was put away × unit price) and the invoiced amount must agree within a money tolerance;
the order, the last put-away and the invoice must be dated within 72 hours of each other.
Every failed check becomes one reason naming the amount or the dates that disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

#: How far apart the three documents may be dated.
MATCH_WINDOW = timedelta(hours=72)
_CENT = Decimal("0.01")

_SUBJECT_ZH = {"purchase_order": "采购单", "receipt": "入库单", "invoice": "发票"}


@dataclass(frozen=True, slots=True, kw_only=True)
class LineAmounts:
    """The three amounts of one purchase order line."""

    line_no: int
    sku: str
    ordered: Decimal
    accepted: Decimal
    invoiced: Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class Reason:
    """Why a match failed: which check, on which line (None: the whole invoice), and values."""

    check: Literal["amount", "date", "receipt"]
    line_no: int | None
    subject: str
    expected: str
    actual: str
    message_en: str
    message_zh: str

    def as_json(self) -> dict[str, Any]:
        """The reason as stored and shown."""
        return {"check": self.check, "line_no": self.line_no, "subject": self.subject,
                "expected": self.expected, "actual": self.actual,
                "message_en": self.message_en, "message_zh": self.message_zh}


def _amount(line: LineAmounts, subject: Literal["receipt", "invoice"], actual: Decimal,
            tolerance: Decimal) -> Reason | None:
    if abs(actual - line.ordered) <= tolerance:
        return None
    zh, amount = _SUBJECT_ZH[subject], actual.quantize(_CENT)
    return Reason(
        check="amount", line_no=line.line_no, subject=subject, expected=str(line.ordered),
        actual=str(amount),
        message_en=(f"line {line.line_no} ({line.sku}): {subject} amount {amount}"
                    f" differs from the order's {line.ordered} by more than {tolerance}"),
        message_zh=(f"第 {line.line_no} 行（{line.sku}）：{zh}金额 {amount} 与采购单"
                    f"金额 {line.ordered} 相差超过 {tolerance}"))


def check(lines: Sequence[LineAmounts], ordered_at: datetime, received_at: datetime | None,
          invoiced_at: datetime, tolerance: Decimal, window: timedelta = MATCH_WINDOW
          ) -> list[Reason]:
    """Every reason the three documents disagree; empty when they match. Pure."""
    reasons: list[Reason] = []
    for line in lines:
        for subject, actual in (("receipt", line.accepted), ("invoice", line.invoiced)):
            found = _amount(line, subject, actual, tolerance)  # type: ignore[arg-type]
            if found:
                reasons.append(found)
    if received_at is None:
        reasons.append(Reason(check="receipt", line_no=None, subject="receipt", expected="≥ 1",
                              actual="0", message_en="nothing has been put away on this order",
                              message_zh="该采购单尚无已上架的入库单"))
        dated = {"purchase_order": ordered_at, "invoice": invoiced_at}
    else:
        dated = {"purchase_order": ordered_at, "receipt": received_at, "invoice": invoiced_at}
    names = list(dated)
    for i, first in enumerate(names):
        for second in names[i + 1:]:
            gap = abs(dated[second] - dated[first])
            if gap <= window:
                continue
            hours = gap.total_seconds() / 3600
            reasons.append(Reason(
                check="date", line_no=None, subject=f"{first}/{second}",
                expected=f"≤ {window.total_seconds() / 3600:g} h", actual=f"{hours:g} h",
                message_en=(f"{first} dated {dated[first].isoformat()} and {second} dated "
                            f"{dated[second].isoformat()} are {hours:g} h apart (limit "
                            f"{window.total_seconds() / 3600:g} h)"),
                message_zh=(f"{_SUBJECT_ZH[first]}日期 {dated[first].isoformat()} 与"
                            f"{_SUBJECT_ZH[second]}日期 {dated[second].isoformat()} 相隔 "
                            f"{hours:g} 小时（上限 {window.total_seconds() / 3600:g} 小时）")))
    return reasons
