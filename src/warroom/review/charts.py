"""Server-rendered SVG charts for the metrics dashboard: readable without JavaScript, not colour alone.

Each series has its own dash pattern and marker shape and a text label; each point carries its value as text,
and the page shows the same numbers in a table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 190, 16, 40
DASHES = ("", "6 3", "2 3", "10 3 2 3", "1 4")
COLOURS = ("#1d4ed8", "#b42318", "#047857", "#7c3aed", "#9a3412")
# Distribution buckets for durations (seconds): label, upper bound (exclusive).
BUCKETS: tuple[tuple[str, float], ...] = (
    ("< 15 min", 15 * 60),
    ("15–30 min", 30 * 60),
    ("30–60 min", 60 * 60),
    ("1–2 h", 2 * 3600),
    ("2–4 h", 4 * 3600),
    ("4–8 h", 8 * 3600),
    ("≥ 8 h", float("inf")),
)


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float | None]  # one per x label; None leaves a gap


def _marker(index: int, x: float, y: float, colour: str) -> str:
    if index % 3 == 1:
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}"/>'
    if index % 3 == 2:
        return f'<path d="M{x:.1f} {y - 5:.1f} L{x + 5:.1f} {y + 4:.1f} L{x - 5:.1f} {y + 4:.1f} Z" fill="{colour}"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'


def line_chart(title: str, x_labels: Sequence[str], series: Sequence[Series], unit: str = "min") -> str:
    """A trend chart: one dashed, marked line per series, values written at each point."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    values = [v for s in series for v in s.values if v is not None]
    top = max(values, default=0) or 1
    step = plot_w / max(len(x_labels) - 1, 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" class="chart" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>',
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{LEFT + plot_w}" y2="{TOP + plot_h}" stroke="#6b7280"/>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" stroke="#6b7280"/>',
        f'<text x="{LEFT - 6}" y="{TOP + 4}" text-anchor="end" font-size="11">{top:.0f} {unit}</text>',
        f'<text x="{LEFT - 6}" y="{TOP + plot_h}" text-anchor="end" font-size="11">0</text>',
    ]
    for i, label in enumerate(x_labels):
        x = LEFT + i * step if len(x_labels) > 1 else LEFT + plot_w / 2
        parts.append(f'<text x="{x:.1f}" y="{HEIGHT - 18}" text-anchor="middle" font-size="11">{escape(label)}</text>')
    for index, one in enumerate(series):
        colour, dash = COLOURS[index % len(COLOURS)], DASHES[index % len(DASHES)]
        points = []
        for i, value in enumerate(one.values):
            if value is None:
                continue
            x = LEFT + i * step if len(x_labels) > 1 else LEFT + plot_w / 2
            y = TOP + plot_h - (value / top) * plot_h
            points.append((x, y, value))
        if len(points) > 1:
            path = " ".join(f"{'M' if n == 0 else 'L'}{x:.1f} {y:.1f}" for n, (x, y, _v) in enumerate(points))
            parts.append(f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}"/>')
        for x, y, value in points:
            parts.append(_marker(index, x, y, colour))
            parts.append(f'<text x="{x + 6:.1f}" y="{y - 6:.1f}" font-size="10">{value:.0f}</text>')
        legend_y = TOP + 14 + index * 18
        legend_x = WIDTH - RIGHT + 12
        parts.append(
            f'<line x1="{legend_x}" y1="{legend_y - 4}" x2="{legend_x + 24}" y2="{legend_y - 4}" stroke="{colour}" '
            f'stroke-width="2" stroke-dasharray="{dash}"/>'
        )
        parts.append(_marker(index, legend_x + 12, legend_y - 4, colour))
        parts.append(f'<text x="{legend_x + 30}" y="{legend_y}" font-size="11">{escape(one.label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def bucket_counts(seconds: Sequence[int]) -> list[tuple[str, int]]:
    """How many durations fall in each bucket."""
    counts = [0] * len(BUCKETS)
    for value in seconds:
        for index, (_label, bound) in enumerate(BUCKETS):
            if value < bound:
                counts[index] += 1
                break
    return [(label, counts[i]) for i, (label, _b) in enumerate(BUCKETS)]


def histogram(title: str, buckets: Sequence[tuple[str, int]]) -> str:
    """A bar chart of counts, each bar labelled with its count."""
    plot_w, plot_h = WIDTH - LEFT - 20, HEIGHT - TOP - BOTTOM
    top = max((count for _l, count in buckets), default=0) or 1
    width = plot_w / max(len(buckets), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" class="chart" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>',
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{LEFT + plot_w}" y2="{TOP + plot_h}" stroke="#6b7280"/>',
    ]
    for index, (label, count) in enumerate(buckets):
        x = LEFT + index * width
        h = (count / top) * plot_h
        y = TOP + plot_h - h
        parts.append(f'<rect x="{x + 6:.1f}" y="{y:.1f}" width="{width - 12:.1f}" height="{h:.1f}" fill="#1d4ed8"/>')
        parts.append(
            f'<text x="{x + width / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle" font-size="11">{count}</text>'
        )
        centre = x + width / 2
        parts.append(
            f'<text x="{centre:.1f}" y="{HEIGHT - 18}" text-anchor="middle" font-size="11">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
