"""Inline SVG charts for the dashboard pages (plain functions, no database, no JavaScript).

Each function returns SVG markup (already escaped, safe to drop into a template)
that scales to its container (`viewBox`, width 100%), carries `role="img"` and an
`aria-label`, and a `<title>` per mark so a hover or a screen reader tells the value.
"""
from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Colour-blind-friendly palette (Okabe-Ito), one colour per series in order.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#8c7a00", "#555555")


def colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def _nice_max(value: float) -> float:
    """A round axis maximum at or above `value` (1, 2, 5 x 10^n)."""
    if value <= 0:
        return 1
    magnitude = 1
    while magnitude * 10 <= value:
        magnitude *= 10
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude  # pragma: no cover


def bar_chart(items: Sequence[tuple[str, float]], *, label: str, unit: str = "",
              colours: Sequence[str] | None = None, table_id: str = "",
              links: Sequence[str] | None = None) -> SafeString:
    """Horizontal bars, one per (name, value), in the given order, as a real table (name, value, bar) whose bars
    are inline SVG: the text stays readable and the bars scale at any width. `colours` per bar (default palette);
    `links` per bar makes each value a link (e.g. to the filtered list)."""
    if not items:
        return mark_safe("")
    top = max(value for _, value in items) or 1
    ident = f' id="{escape(table_id)}"' if table_id else ""
    parts = [f'<table class="bar-chart"{ident}><caption class="sr-only">{escape(label)}</caption><tbody>']
    for i, (name, value) in enumerate(items):
        fill = colours[i] if colours and i < len(colours) else colour(i)
        length = 0 if not value else max(1.0, round(100 * value / top, 1))
        shown = escape(f"{value:g}{unit}")
        if links and i < len(links) and links[i]:
            shown = f'<a href="{escape(links[i])}">{shown}</a>'
        parts.append(
            f'<tr><th scope="row">{escape(name)}</th><td class="num">{shown}</td>'
            f'<td class="bar"><svg viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">'
            f'<rect width="{length:g}" height="10" rx="1" fill="{fill}"/></svg></td></tr>'
        )
    parts.append("</tbody></table>")
    return mark_safe("".join(parts))


def line_chart(dates: Sequence[str], series: dict[str, Sequence[float]], *, label: str,
               colours: dict[str, str] | None = None) -> SafeString:
    """One line per series over `dates` (oldest first), with a y axis and the first/last date, then a legend
    as an HTML list (it wraps and stays readable at any width)."""
    if not dates or not series:
        return mark_safe("")
    left, top, width, height = 34, 8, 440, 150
    peak = _nice_max(max((max(values) if values else 0) for values in series.values()))
    step = width / max(1, len(dates) - 1)
    colours = colours or {}
    colour_of = {name: colours.get(name, colour(i)) for i, name in enumerate(series)}

    def xy(i: int, value: float) -> str:
        return f"{left + i * step:.1f},{top + height - height * value / peak:.1f}"

    parts = [
        f'<figure class="line-figure"><svg class="chart line-chart" viewBox="0 0 {left + width + 10} '
        f'{top + height + 24}" role="img" aria-label="{escape(label)}" preserveAspectRatio="xMinYMin meet">'
    ]
    ticks = (0, 0.5, 1) if (peak / 2).is_integer() else (0, 1)
    for fraction in ticks:
        y = top + height - height * fraction
        parts.append(
            f'<line x1="{left}" x2="{left + width}" y1="{y:.1f}" y2="{y:.1f}" class="chart-grid"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" class="chart-axis">{peak * fraction:g}</text>'
        )
    parts.append(
        f'<text x="{left}" y="{top + height + 18}" class="chart-axis">{escape(dates[0])}</text>'
        f'<text x="{left + width}" y="{top + height + 18}" text-anchor="end" class="chart-axis">'
        f"{escape(dates[-1])}</text>"
    )
    for name, values in series.items():
        points = " ".join(xy(i, v) for i, v in enumerate(values))
        summary = ", ".join(f"{d} {v:g}" for d, v in zip(dates, values, strict=False))
        parts.append(
            f'<g><title>{escape(name)}: {escape(summary)}</title>'
            f'<polyline fill="none" stroke="{colour_of[name]}" stroke-width="2.5" points="{points}"/>'
        )
        if len(values) == 1:
            x, y = xy(0, values[0]).split(",")
            parts.append(f'<circle cx="{x}" cy="{y}" r="4" fill="{colour_of[name]}"/>')
        parts.append("</g>")
    parts.append('</svg><figcaption><ul class="legend">')
    for name in series:
        parts.append(f'<li><span class="swatch" style="background:{colour_of[name]}"></span>{escape(name)}</li>')
    parts.append("</ul></figcaption></figure>")
    return mark_safe("".join(parts))
