"""A bar chart as SVG markup, drawn on the server (no script, no third party): the page
embeds it as is and the PDF prints the same drawing.

Pure: numbers in, markup out. Presentation attributes only (fill, font-size), never
`style`, so the pages' Content-Security-Policy needs no exception.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape


@dataclass(frozen=True, slots=True)
class Series:
    label: str
    colour: str  # a #rrggbb value


@dataclass(frozen=True, slots=True)
class Group:
    label: str
    values: tuple[Decimal, ...]  # one per series


WIDTH = 960
LABEL_W = 230
VALUE_W = 120
BAR_H = 14
GAP = 3
GROUP_GAP = 14
TOP = 34
MAX_GROUPS = 30


def _ro(value: Decimal) -> str:
    text = f"{abs(value):,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return f"−{text}" if value < 0 else text


def _short(text: str, limit: int = 32) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _start(title: str, series: Sequence[Series], height: int) -> list[str]:
    """The drawing's opening, its title and the legend of the series."""
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}" font-family="DejaVu Sans, '
        f'Arial, sans-serif" font-size="12">',
        f"<title>{escape(title)}</title>",
    ]
    legend_x = LABEL_W
    for s in series:
        out.append(
            f'<rect x="{legend_x}" y="8" width="12" height="12" fill="{escape(s.colour)}"/>'
            f'<text x="{legend_x + 17}" y="18">{escape(s.label)}</text>'
        )
        legend_x += 30 + 8 * len(s.label)
    return out


def _end(out: list[str], zero: float, height: int) -> str:
    """The zero line over the bars, and the drawing closed."""
    out.append(
        f'<line x1="{zero:.1f}" y1="{TOP - 4}" x2="{zero:.1f}" y2="{height - 6}" '
        'stroke="#555555" stroke-width="1"/>'
    )
    out.append("</svg>")
    return "".join(out)


def bar_chart(title: str, series: Sequence[Series], groups: Sequence[Group]) -> str:
    """Horizontal bars, one group per row of the report (at most MAX_GROUPS), one bar per
    series; negative values grow left of the zero line."""
    groups = list(groups)[:MAX_GROUPS]
    values = [v for g in groups for v in g.values] or [Decimal(0)]
    low, high = min(Decimal(0), *values), max(Decimal(0), *values)
    span = (high - low) or Decimal(1)
    plot_w = WIDTH - LABEL_W - VALUE_W
    group_h = len(series) * (BAR_H + GAP) + GROUP_GAP

    def x(v: Decimal) -> float:
        return LABEL_W + float((v - low) / span) * plot_w

    height = TOP + max(len(groups), 1) * group_h + 10
    zero = x(Decimal(0))
    out = _start(title, series, height)
    for i, g in enumerate(groups):
        y0 = TOP + i * group_h
        mid = y0 + len(series) * (BAR_H + GAP) / 2
        out.append(
            f'<text x="{LABEL_W - 8}" y="{mid + 4:.1f}" text-anchor="end">'
            f"<title>{escape(g.label)}</title>{escape(_short(g.label))}</text>"
        )
        for j, (s, v) in enumerate(zip(series, g.values, strict=True)):
            y = y0 + j * (BAR_H + GAP)
            left, right = sorted((zero, x(v)))
            out.append(
                f'<rect x="{left:.1f}" y="{y}" width="{max(right - left, 0.5):.1f}" '
                f'height="{BAR_H}" fill="{escape(s.colour)}">'
                f"<title>{escape(g.label)} – {escape(s.label)}: {_ro(v)} lei</title></rect>"
                f'<text x="{WIDTH - 4}" y="{y + BAR_H - 3}" text-anchor="end" '
                f'fill="#333333">{_ro(v)}</text>'
            )
    return _end(out, zero, height)


def stacked_bar_chart(title: str, series: Sequence[Series], groups: Sequence[Group]) -> str:
    """Horizontal stacked bars, one per group (at most MAX_GROUPS), the series' values end
    to end (negative ones left of the zero line), the group's total at the right."""
    groups = list(groups)[:MAX_GROUPS]
    highs = [sum((v for v in g.values if v > 0), Decimal(0)) for g in groups] or [Decimal(0)]
    lows = [sum((v for v in g.values if v < 0), Decimal(0)) for g in groups] or [Decimal(0)]
    low, high = min(Decimal(0), *lows), max(Decimal(0), *highs)
    span = (high - low) or Decimal(1)
    plot_w = WIDTH - LABEL_W - VALUE_W
    row_h = BAR_H + GAP + GROUP_GAP

    def x(v: Decimal) -> float:
        return LABEL_W + float((v - low) / span) * plot_w

    height = TOP + max(len(groups), 1) * row_h + 10
    zero = x(Decimal(0))
    out = _start(title, series, height)
    for i, g in enumerate(groups):
        y = TOP + i * row_h
        out.append(
            f'<text x="{LABEL_W - 8}" y="{y + BAR_H - 3}" text-anchor="end">'
            f"<title>{escape(g.label)}</title>{escape(_short(g.label))}</text>"
        )
        ends = {True: Decimal(0), False: Decimal(0)}  # running end right / left of zero
        for s, v in zip(series, g.values, strict=True):
            if not v:
                continue
            start = ends[v > 0]
            ends[v > 0] = start + v
            left, right = sorted((x(start), x(start + v)))
            out.append(
                f'<rect x="{left:.1f}" y="{y}" width="{max(right - left, 0.5):.1f}" '
                f'height="{BAR_H}" fill="{escape(s.colour)}">'
                f"<title>{escape(g.label)} – {escape(s.label)}: {_ro(v)} lei</title></rect>"
            )
        out.append(
            f'<text x="{WIDTH - 4}" y="{y + BAR_H - 3}" text-anchor="end" fill="#333333">'
            f"{_ro(sum(g.values, Decimal(0)))}</text>"
        )
    return _end(out, zero, height)
