"""Trend charts as inline SVG, drawn on the server: no CDN, no JavaScript library."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 320
HEIGHT = 90
PAD = 6


def line_chart(values: list[float | None], labels: list[str], title: str) -> SafeString:
    """A small line chart; gaps where a period has no value. `title` is the accessible name."""
    known = [v for v in values if v is not None]
    parts = [
        f'<svg class="trend" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        f'role="img" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" class="axis"/>',
    ]
    if known:
        low, high = min(known), max(known)
        span = (high - low) or 1
        step = (WIDTH - 2 * PAD) / max(len(values) - 1, 1)
        points: list[str] = []
        segments: list[list[str]] = []
        for i, value in enumerate(values):
            if value is None:
                if points:
                    segments.append(points)
                points = []
                continue
            x = PAD + i * step
            y = HEIGHT - PAD - (value - low) / span * (HEIGHT - 2 * PAD)
            points.append(f"{x:.1f},{y:.1f}")
            label = labels[i] if i < len(labels) else ""
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5"><title>{escape(label)}: '
                f"{value:.2f}</title></circle>"
            )
        if points:
            segments.append(points)
        for segment in segments:
            parts.append(f'<polyline fill="none" points="{" ".join(segment)}"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above
