"""The shadow divergence as inline SVG bars: overall first, then per SKU, and the limit line.

Pure layout arithmetic on the divergence report (ratios are exact decimal text); the
template draws the rectangles, so no chart script runs for the review page.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

#: Drawing box: label column, bar area, one row per bar.
LABEL_W, BAR_W, ROW_H, TOP = 150, 420, 26, 22
#: A SKU only the candidate moves has no ratio; its bar is drawn full length.
MAX_ROWS = 40


@dataclass(frozen=True, slots=True)
class Bar:
    """One row of the chart."""

    label: str
    percent: str  # "4.90 %" or "∞" for a SKU only the candidate touches
    width: float
    y: float
    is_above: bool
    is_overall: bool


def _scale(ratios: list[Decimal | None], limit: Decimal) -> Decimal:
    """The ratio drawn as a full bar: the largest finite one, at least twice the limit."""
    finite = [r for r in ratios if r is not None]
    return max([limit * 2, *finite]) or Decimal(1)


def divergence_bars(report: dict[str, Any], limit: Decimal) -> dict[str, Any] | None:
    """The chart of a divergence report; None when there is no report yet."""
    if not report.get("source"):
        return None
    per_sku: dict[str, Any] = report.get("per_sku") or {}
    rows: list[tuple[str, Decimal | None, bool]] = [
        ("overall", _ratio(report.get("ratio"), report.get("difference_qty")), True)]
    for sku, entry in list(per_sku.items())[:MAX_ROWS]:
        rows.append((sku, _ratio(entry.get("ratio"), entry.get("difference_qty")), False))
    scale = _scale([r for _, r, _ in rows], limit)
    bars = []
    for n, (label, ratio, overall) in enumerate(rows):
        width = float(BAR_W if ratio is None else min(ratio / scale, Decimal(1)) * BAR_W)
        shown = "∞" if ratio is None else f"{ratio * 100:.2f} %"
        bars.append(Bar(label=label, percent=shown, width=round(width, 1),
                        y=TOP + n * ROW_H, is_above=ratio is None or ratio > limit,
                        is_overall=overall))
    return {"bars": bars, "label_w": LABEL_W, "bar_w": BAR_W, "row_h": ROW_H,
            "limit_x": round(LABEL_W + float(limit / scale) * BAR_W, 1),
            "limit_text": f"{limit * 100:.0f} %",
            "height": TOP + len(rows) * ROW_H + 8, "width": LABEL_W + BAR_W + 80,
            "more": max(0, len(per_sku) - MAX_ROWS)}


def _ratio(ratio: str | None, difference: str | None) -> Decimal | None:
    """A report ratio as a Decimal; None means unbounded (0 when nothing moved at all)."""
    if ratio is not None:
        return Decimal(ratio)
    return None if difference and Decimal(difference) > 0 else Decimal(0)
