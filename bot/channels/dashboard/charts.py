"""Server-rendered SVG charts: no script, no external file; every label escaped."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape


def day_columns(series: Sequence[tuple[str, int]], *, title: str, width: int = 720, height: int = 200) -> str:
    """One column per day, the count above it; day labels thinned to about twelve."""
    n = max(len(series), 1)
    top = max((v for _, v in series), default=0) or 1
    plot_h = height - 40
    step = width / n
    bar = max(step * 0.7, 1.0)
    every = max(1, n // 12)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="{escape(title)}" class="chart"><title>{escape(title)}</title>']
    for i, (label, value) in enumerate(series):
        h = plot_h * value / top
        x = i * step + (step - bar) / 2
        y = 16 + plot_h - h
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="#2f6fb0">'
                     f'<title>{escape(label)}: {value}</title></rect>')
        if value and n <= 62:
            parts.append(f'<text x="{x + bar / 2:.1f}" y="{y - 3:.1f}" font-size="10" '
                         f'text-anchor="middle">{value}</text>')
        if i % every == 0:
            parts.append(f'<text x="{x + bar / 2:.1f}" y="{height - 6}" font-size="10" text-anchor="middle">'
                         f'{escape(label[5:])}</text>')
    parts.append("</svg>")
    return "".join(parts)


def horizontal_bars(items: Sequence[tuple[str, int]], *, title: str, width: int = 720) -> str:
    """One bar per item, its label on the left and the count at its end."""
    row, label_w = 24, 300
    height = row * max(len(items), 1) + 10
    top = max((v for _, v in items), default=0) or 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="{escape(title)}" class="chart"><title>{escape(title)}</title>']
    for i, (label, value) in enumerate(items):
        y = 5 + i * row
        w = (width - label_w - 60) * value / top
        parts.append(f'<text x="{label_w - 8}" y="{y + 15}" font-size="12" text-anchor="end">'
                     f'{escape(label[:28])}</text>'
                     f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row - 8}" fill="#3c9a5f"/>'
                     f'<text x="{label_w + w + 6:.1f}" y="{y + 15}" font-size="12">{value}</text>')
    parts.append("</svg>")
    return "".join(parts)
