"""Charts as inline SVG, drawn in Python: no chart library, no script, no request.

Colours are presentation attributes (`fill=`), not `style=`, so the strict
Content-Security-Policy (no inline styles) lets them through.
"""

from __future__ import annotations

import math
from functools import lru_cache

from .escaping import escaped

STAGE_COLOURS = {
    "not-asked": "#b0b7c3",
    "requested": "#f2b84b",
    "scheduled": "#5b9bd5",
    "interviewed": "#4caf7a",
    "following-up": "#9b6bd3",
}
TYPE_COLOURS = {
    "profile": "#e0533d",
    "contact": "#3f7fd1",
    "interview": "#4caf7a",
    "company": "#f2a33a",
    "event": "#9b6bd3",
    "lead": "#d6457f",
    None: "#9aa3ad",
}


def bar_chart(rows: list[tuple[str, int, str]], width: int = 560, label: str = "") -> str:
    """Horizontal bars: (label, value, colour) per row."""
    if not rows:
        return ""
    row_h, left, gap = 26, 130, 6
    most = max((value for _, value, _ in rows), default=0) or 1
    height = len(rows) * (row_h + gap)
    parts = [
        f'<svg class="vk-chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{escaped(label)}">'
    ]
    for i, (name, value, colour) in enumerate(rows):
        y = i * (row_h + gap)
        bar = round((width - left - 50) * value / most)
        parts.append(
            f'<text x="{left - 8}" y="{y + 18}" text-anchor="end" font-size="13" fill="#333">{escaped(name)}</text>'
            f'<rect x="{left}" y="{y}" width="{max(bar, 1)}" height="{row_h}" rx="3" fill="{colour}">'
            f"<title>{escaped(name)}: {value}</title></rect>"
            f'<text x="{left + bar + 6}" y="{y + 18}" font-size="13" fill="#333">{value}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def month_chart(months: list[str], series: list[tuple[str, str, list[int]]], line: list[int] | None = None,
                line_label: str = "", width: int = 640, height: int = 220) -> str:
    """Stacked monthly bars (name, colour, counts per month) and an optional cumulative line."""
    if not months:
        return ""
    left, bottom, top, right = 36, 36, 12, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    totals = [sum(s[2][i] for s in series) for i in range(len(months))]
    most = max(totals, default=0) or 1
    step = plot_w / len(months)
    bar_w = max(step * 0.7, 1)
    parts = [
        f'<svg class="vk-chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        'aria-label="interviews per month">',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#999"/>',
        f'<text x="{left - 6}" y="{top + 10}" text-anchor="end" font-size="11" fill="#555">{most}</text>',
        f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end" font-size="11" fill="#555">0</text>',
    ]
    label_every = max(1, len(months) // 8)
    for i, month in enumerate(months):
        x = left + i * step + (step - bar_w) / 2
        y = top + plot_h
        for name, colour, counts in series:
            h = plot_h * counts[i] / most
            if h:
                y -= h
                parts.append(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{colour}">'
                    f"<title>{escaped(month)}: {counts[i]} {escaped(name)}</title></rect>"
                )
        if i % label_every == 0:
            parts.append(
                f'<text x="{left + i * step + step / 2:.1f}" y="{height - 14}" text-anchor="middle" font-size="11" '
                f'fill="#555">{escaped(month)}</text>'
            )
    if line:
        peak = max(line) or 1
        points = " ".join(
            f"{left + i * step + step / 2:.1f},{top + plot_h - plot_h * v / peak:.1f}" for i, v in enumerate(line)
        )
        parts.append(f'<polyline points="{points}" fill="none" stroke="#e0533d" stroke-width="2"/>')
        parts.append(
            f'<text x="{left + plot_w + 4}" y="{top + 10}" font-size="11" fill="#e0533d">{peak}</text>'
            f'<text x="{left + plot_w}" y="{height - 2}" text-anchor="end" font-size="11" fill="#e0533d">'
            f"{escaped(line_label)}</text>"
        )
    x = left
    for name, colour, _ in series:
        parts.append(
            f'<rect x="{x}" y="{height - 10}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{x + 14}" y="{height - 1}" font-size="11" fill="#333">{escaped(name)}</text>'
        )
        x += 14 + 8 * len(name) + 16
    parts.append("</svg>")
    return "".join(parts)


def local_graph(center: str, neighbours: list[dict], size: int = 300) -> str:
    """This note and its neighbours in a circle; every neighbour is a link to its page."""
    if not neighbours:
        return ""
    c = size / 2
    spokes, spots = _ring(len(neighbours), size)
    parts = [
        f'<svg class="vk-local-graph" viewBox="0 0 {size} {size}" width="{size}" height="{size}" role="img" '
        'aria-label="local graph">',
        spokes,
    ]
    for (circle, text), item in zip(spots, neighbours):
        colour = TYPE_COLOURS.get(item.get("type"), TYPE_COLOURS[None])
        label = item["title"] if len(item["title"]) <= 14 else item["title"][:13] + "…"
        parts.append(
            f'<a href="{escaped(item["href"])}"><circle {circle} r="6" fill="{colour}">'
            f'<title>{escaped(item["title"])} ({escaped(item["relation"])})</title></circle>'
            f'<text {text} font-size="11" fill="#333">{escaped(label)}</text></a>'
        )
    parts.append(
        f'<circle cx="{c}" cy="{c}" r="9" fill="#e0533d"><title>{escaped(center)}</title></circle></svg>'
    )
    return "".join(parts)


@lru_cache(maxsize=128)
def _ring(count: int, size: int) -> tuple[str, tuple[tuple[str, str], ...]]:
    """A local graph's spokes, and each neighbour's circle and label position, for
    `count` neighbours: the same on every page with as many (most pages)."""
    c = size / 2
    radius = size / 2 - 95  # room for the labels either side
    spokes, spots = [], []
    for i in range(count):
        angle = 2 * math.pi * i / count - math.pi / 2
        x, y = c + radius * math.cos(angle), c + radius * math.sin(angle)
        spokes.append(f'<line x1="{c}" y1="{c}" x2="{x:.1f}" y2="{y:.1f}" stroke="#c5ccd6"/>')
        anchor = "start" if x > c + 1 else ("end" if x < c - 1 else "middle")
        dx = 9 if anchor == "start" else (-9 if anchor == "end" else 0)
        spots.append((f'cx="{x:.1f}" cy="{y:.1f}"', f'x="{x + dx:.1f}" y="{y + 4:.1f}" text-anchor="{anchor}"'))
    return "".join(spokes), tuple(spots)
