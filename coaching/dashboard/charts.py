"""A small horizontal bar chart as geometry for an inline SVG (no chart library)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    y: int
    width: float
    percent_of_first: int | None


def bar_chart(items: list[tuple[str, int]], *, width: int = 320, bar_height: int = 22,
              label_height: int = 22, gap: int = 14) -> dict:
    """Lay out one bar per (label, value), each under its label, scaled to the largest."""
    largest = max((value for _, value in items), default=0)
    first = items[0][1] if items else 0
    bars = []
    row = label_height + bar_height + gap
    for index, (label, value) in enumerate(items):
        scaled = (value / largest) * width if largest else 0.0
        share = round(100 * value / first) if first and index else None
        bars.append(Bar(label, value, index * row, round(scaled, 1), share))
    height = len(items) * row - gap if items else 0
    return {"bars": bars, "width": width, "height": max(height, 0), "bar_height": bar_height,
            "label_height": label_height}
