"""Geometry of the data-health page's charts, drawn as inline SVG by the template. Pure.

The radar has one axis per criterion (points ÷ weight, 0 at the centre, 1 at the rim) and
the benchmark as a second polygon; the variance chart is a line over time with the 1.5 %
target as a dashed rule.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class RadarAxis:
    """One spoke: its end on the rim, where its label goes, and the score's point on it."""

    key: str
    x: float
    y: float
    label_x: float
    label_y: float
    anchor: str


@dataclass(frozen=True, slots=True)
class Radar:
    """Everything the template needs to draw the radar."""

    width: int
    height: int
    centre_x: float
    centre_y: float
    axes: Sequence[RadarAxis]
    rings: Sequence[str]
    score: str
    benchmark: str


def _fraction(part: Decimal, whole: Decimal) -> float:
    return 0.0 if whole <= 0 else max(0.0, min(1.0, float(part / whole)))


def radar(spokes: Sequence[tuple[str, Decimal, Decimal, Decimal]], width: int = 600,
          height: int = 340) -> Radar:
    """A radar of ``(key, points, benchmark, weight)`` spokes, clockwise from the top."""
    centre_x, centre_y = width / 2, height / 2 + 6
    radius = height / 2 - 40  # room for the labels above and below; wide for the sides

    def at(index: int, fraction: float, stretch: float = 1.0) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * index / len(spokes)
        r = radius * fraction * stretch
        return (round(centre_x + r * math.cos(angle), 1),
                round(centre_y + r * math.sin(angle), 1))

    def polygon(fractions: Sequence[float]) -> str:
        return " ".join(f"{x},{y}" for x, y in (at(i, f) for i, f in enumerate(fractions)))

    axes = []
    for i, (key, _points, _bench, _weight) in enumerate(spokes):
        x, y = at(i, 1.0)
        label_x, label_y = at(i, 1.0, 1.12)
        anchor = "middle" if abs(label_x - centre_x) < 8 else (
            "start" if label_x > centre_x else "end")
        axes.append(RadarAxis(key=key, x=x, y=y, label_x=label_x, label_y=label_y,
                              anchor=anchor))
    return Radar(width=width, height=height, centre_x=centre_x, centre_y=centre_y, axes=axes,
                 rings=[polygon([ring] * len(spokes)) for ring in (0.25, 0.5, 0.75, 1.0)],
                 score=polygon([_fraction(p, w) for _k, p, _b, w in spokes]),
                 benchmark=polygon([_fraction(b, w) for _k, _p, b, w in spokes]))


@dataclass(frozen=True, slots=True)
class LinePoint:
    """One point of the line: where it sits and what it says."""

    x: float
    y: float
    label: str
    value: str


@dataclass(frozen=True, slots=True)
class LineChart:
    """A line over time in a ``width`` × ``height`` box, with a target rule and y ticks."""

    width: int
    height: int
    points: Sequence[LinePoint]
    path: str
    target_y: float | None
    ticks: Sequence[tuple[float, str]]


def line_chart(series: Sequence[tuple[datetime, Decimal]], target: Decimal | None,
               width: int = 640, height: int = 220) -> LineChart:
    """A line of ``(time, percent)`` points, oldest first, evenly spaced by count."""
    left, right, top, bottom = 48, 16, 12, 28
    highest = max([v for _t, v in series] + ([target * Decimal("1.5")] if target else []) +
                  [Decimal(1)])
    span_x = width - left - right
    span_y = height - top - bottom

    def y_of(value: Decimal) -> float:
        return round(top + span_y * (1 - float(value / highest)), 1)

    points = []
    for i, (moment, value) in enumerate(series):
        x = left + (span_x / 2 if len(series) == 1 else span_x * i / (len(series) - 1))
        points.append(LinePoint(x=round(x, 1), y=y_of(value), label=moment.strftime("%m-%d"),
                                value=f"{value.quantize(Decimal('0.01'))} %"))
    path = " ".join(f"{'M' if i == 0 else 'L'}{p.x},{p.y}" for i, p in enumerate(points))
    ticks = [(y_of(highest * Decimal(k) / 4), f"{(highest * Decimal(k) / 4):.1f} %")
             for k in range(5)]
    return LineChart(width=width, height=height, points=points, path=path,
                     target_y=y_of(target) if target is not None else None, ticks=ticks)
