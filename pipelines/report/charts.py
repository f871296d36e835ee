"""Charts as inline SVG: the report opens offline, prints, and needs no script or CDN.

Every label passes through html.escape: client, campaign and post names come from
outside. Each chart is an <svg class="chart"> whose marks carry class="mark", which the
browser test measures.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from pipelines.report.locale import Formatter

ENGLISH = Formatter("en")
PALETTE = ["#2563eb", "#f59e0b", "#10b981", "#ef4444", "#8b5cf6", "#0ea5e9", "#84cc16"]
W, H = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 150, 20, 20, 40


def hbar(
    labels: list[str],
    series: dict[str, list[float | None]],
    kind: str = "number",
    title: str = "",
    fmt: Callable = ENGLISH,
) -> str:
    """Horizontal grouped bars: one group per label, one bar per series."""
    if not labels:
        return ""
    n_series = len(series)
    group_h = max(18 * n_series + 10, 26)
    height = TOP + BOTTOM + group_h * len(labels)
    values = [v for vs in series.values() for v in vs if v is not None]
    top = max(values + [0]) or 1
    plot_w = W - LEFT - RIGHT - 70
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {W} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet">'
    ]
    for i, label in enumerate(labels):
        y0 = TOP + i * group_h
        parts.append(
            f'<text x="{LEFT - 8}" y="{y0 + group_h / 2}" text-anchor="end" '
            f'dominant-baseline="middle" class="label">{escape(label[:28])}</text>'
        )
        for j, (name, vs) in enumerate(series.items()):
            v = vs[i]
            width = 0 if v is None or v <= 0 else max(plot_w * v / top, 1.5)
            y = y0 + 4 + j * 18
            parts.append(
                f'<rect class="mark" x="{LEFT}" y="{y}" width="{width:.1f}" height="14" '
                f'fill="{PALETTE[j % len(PALETTE)]}"><title>{escape(name)}: '
                f"{fmt(v, kind)}</title></rect>"
                f'<text x="{LEFT + width + 4:.1f}" y="{y + 11}" class="value">'
                f"{fmt(v, kind)}</text>"
            )
    parts.append(_legend(list(series), height - 14))
    parts.append("</svg>")
    return "".join(parts)


def lines(
    x_labels: list[str],
    series: dict[str, list[float | None]],
    kind: str = "number",
    title: str = "",
    dashed: tuple[str, ...] = (),
    fmt: Callable = ENGLISH,
) -> str:
    """Lines over periods (a dashed series is a baseline)."""
    if not x_labels:
        return ""
    values = [v for vs in series.values() for v in vs if v is not None]
    top = max(values + [0]) * 1.1 or 1
    plot_w, plot_h = W - 70 - RIGHT, H - TOP - BOTTOM - 16
    step = plot_w / max(len(x_labels) - 1, 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return 70 + i * step, TOP + plot_h - plot_h * v / top

    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {W} {H}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet">',
        f'<line x1="70" y1="{TOP + plot_h}" x2="{W - RIGHT}" y2="{TOP + plot_h}" class="axis"/>',
        f'<text x="64" y="{TOP + 6}" text-anchor="end" class="value">{fmt(top, kind)}</text>',
        f'<text x="64" y="{TOP + plot_h}" text-anchor="end" class="value">0</text>',
    ]
    every = max(len(x_labels) // 8, 1)
    for i, label in enumerate(x_labels):
        if i % every == 0:
            parts.append(
                f'<text x="{70 + i * step:.1f}" y="{TOP + plot_h + 16}" text-anchor="middle" '
                f'class="label">{escape(label)}</text>'
            )
    for j, (name, vs) in enumerate(series.items()):
        points = [xy(i, v) for i, v in enumerate(vs) if v is not None]
        if not points:
            continue
        color = PALETTE[j % len(PALETTE)]
        dash = ' stroke-dasharray="6 4"' if name in dashed else ""
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(
            f'<polyline class="mark" points="{path}" fill="none" stroke="{color}" '
            f'stroke-width="2"{dash}><title>{escape(name)}</title></polyline>'
        )
        for (x, y), v in zip(points, [v for v in vs if v is not None], strict=True):
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{color}">'
                f"<title>{escape(name)}: {fmt(v, kind)}</title></circle>"
            )
    parts.append(_legend(list(series), H - 8))
    parts.append("</svg>")
    return "".join(parts)


def _legend(names: list[str], y: float) -> str:
    out, x = [], LEFT
    for j, name in enumerate(names):
        out.append(
            f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill="{PALETTE[j % len(PALETTE)]}"/>'
            f'<text x="{x + 14}" y="{y}" class="legend">{escape(name)}</text>'
        )
        x += 24 + 7 * len(name)
    return "".join(out)
