"""Small inline SVG charts for the overview: horizontal bars and a histogram.

Hand-drawn SVG keeps the page self-contained and legible at any zoom, with no library or font
file to embed. Every label is XML-escaped here (cluster labels are words from submissions), so
the returned string can be placed in the page as it is.
"""
from __future__ import annotations

from collections.abc import Sequence
from html import escape

BAR = "#3b6fb6"
BAR_ALT = "#c0504d"
FONT = 'font-family="Microsoft YaHei, PingFang SC, Noto Sans CJK SC, sans-serif"'


def text_width(text: str, size: int = 12) -> float:
    """Rough rendered width: CJK and full-width characters are square, others about half."""
    return sum(size if ord(c) > 0x2E80 else size * 0.6 for c in text)


def clip(text: str, max_width: float, size: int = 12) -> str:
    if text_width(text, size) <= max_width:
        return text
    while text and text_width(text + "…", size) > max_width:
        text = text[:-1]
    return text + "…"


def _svg(width: float, height: float, body: list[str], title: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width:.0f}" height="{height:.0f}" '
            f'viewBox="0 0 {width:.0f} {height:.0f}" {FONT}><title>{escape(title)}</title>' + "".join(body) + "</svg>")


def hbar_chart(items: Sequence[tuple[str, float]], *, title: str, width: int = 460, highlight: Sequence[str] = (),
               value_format: str = "{:g}") -> str:
    """One bar per (label, value), labels on the left; labels in ``highlight`` drawn in the second colour."""
    if not items:
        return _svg(width, 30, [f'<text x="0" y="20" font-size="13" fill="#666">{escape("（无数据）")}</text>'], title)
    row, size = 22, 12
    label_w = min(max(text_width(lbl, size) for lbl, _ in items) + 8, width * 0.45)
    value_w = 40
    plot_w = width - label_w - value_w
    top = max((v for _, v in items), default=0) or 1
    body = []
    for i, (lbl, v) in enumerate(items):
        y = i * row
        w = max(plot_w * v / top, 1 if v else 0)
        color = BAR_ALT if lbl in highlight else BAR
        body.append(f'<text x="{label_w - 6:.0f}" y="{y + 15}" font-size="{size}" text-anchor="end" '
                    f'fill="#222">{escape(clip(lbl, label_w - 8, size))}</text>')
        body.append(f'<rect x="{label_w:.0f}" y="{y + 4}" width="{w:.1f}" height="{row - 8}" fill="{color}" rx="2"/>')
        body.append(f'<text x="{label_w + w + 4:.0f}" y="{y + 15}" font-size="{size}" fill="#222">'
                    f'{escape(value_format.format(v))}</text>')
    return _svg(width, len(items) * row + 4, body, title)


def histogram(values: Sequence[float], *, title: str, lo: float = 0, hi: float = 100, bins: int = 10,
              width: int = 460, height: int = 180) -> str:
    """Counts of ``values`` in ``bins`` equal bins between ``lo`` and ``hi`` (the last bin closed)."""
    step = (hi - lo) / bins
    counts = [0] * bins
    for v in values:
        counts[min(max(int((v - lo) // step), 0), bins - 1)] += 1
    left, bottom, top_pad = 28, 34, 16
    plot_w, plot_h = width - left - 4, height - bottom - top_pad
    peak = max(counts) or 1
    bar_w = plot_w / bins
    body = [f'<line x1="{left}" y1="{top_pad + plot_h}" x2="{width - 4}" y2="{top_pad + plot_h}" stroke="#999"/>']
    for i, c in enumerate(counts):
        h = plot_h * c / peak
        x = left + i * bar_w
        y = top_pad + plot_h - h
        body.append(f'<rect x="{x + 2:.1f}" y="{y:.1f}" width="{bar_w - 4:.1f}" height="{h:.1f}" fill="{BAR}" rx="2"/>')
        if c:
            body.append(f'<text x="{x + bar_w / 2:.1f}" y="{y - 3:.1f}" font-size="11" text-anchor="middle">{c}</text>')
        edge = lo + i * step
        body.append(f'<text x="{x + bar_w / 2:.1f}" y="{top_pad + plot_h + 14}" font-size="10" text-anchor="middle" '
                    f'fill="#444">{edge:g}–{edge + step:g}</text>')
    body.append(f'<text x="{left + plot_w / 2:.0f}" y="{height - 3}" font-size="11" text-anchor="middle" '
                f'fill="#444">{escape("预评分（分）")}</text>')
    return _svg(width, height, body, title)
