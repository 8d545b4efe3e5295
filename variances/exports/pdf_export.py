"""PDF export (reportlab platypus): an executive summary page, then a table per type grouped by organization.

- Landscape A4. Every page has a footer: "Generated <timestamp> UTC" and "Page N of M" (M is a
  form XObject filled in when the document is saved, so the document is laid out once).
- The summary page: report date, data status, filters, totals by type (table and horizontal bar
  chart), the 30-day trend (line chart) and the organizations with the most exceptions.
- Detail tables: one section per type present, one table per organization, header row repeated on
  every page. A cell whose text does not fit its column becomes a wrapping ``Paragraph`` (long words
  are split); short cells stay plain strings, which keeps 50,000 rows inside the time budget.
- Non-ASCII text: DejaVu Sans (Debian's fonts-dejavu-core) is used when present; otherwise the
  built-in Helvetica, which only covers Latin-1 (``FONT_NOTE`` says which one is in use).
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.rl_accel import escapePDF, fp_str
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from esinv.choices import HEX
from inventory.freshness import ReportStatus
from variances.types import VarianceType

from .catalogue import VARIANCE_TYPES, label_for, lookup, type_order
from .columns import as_text, get, strip_control_characters
from .meta import ExportMeta, row_type_code

NO_EXCEPTIONS = "No exceptions match these filters."
FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/local/share/fonts/dejavu")
TABLE_CHUNK_ROWS = 300  # rows per table flowable: each split re-slices the remainder, so keep tables short
PAGE = landscape(A4)
MARGIN = 14 * mm
HEADER_BG = colors.HexColor("#1f4e79")


def _type_colour(code: str):
    """A type's series colour, declared once on `VarianceType` (the pages' charts use the same)."""
    return colors.HexColor(VarianceType.hex(code, HEX["grey"]))

STRIPE_BG = colors.HexColor("#f2f6fa")
RULE_COLOUR = colors.HexColor("#c8d3de")

FALLBACK_FONT_NOTE = "Helvetica (DejaVu Sans not installed: characters outside Latin-1 will not render)"


def _status(row: Mapping[str, Any]) -> str:
    """'open / active', 'resolved / collector_verified'..."""
    return " / ".join(x for x in (as_text(get(row, "status")), as_text(get(row, "variance_status"))) if x)


# Detail table columns: (header, row key or callable, width in points).
_DETAIL_COLUMNS: tuple[tuple[str, Any, float], ...] = (
    ("Hostname", "hostname", 105),
    ("NinjaOne display name", "ninja_display_name", 160),
    ("ThreatLocker display name", "threatlocker_display_name", 160),
    ("Billing", "billing_status", 62),
    ("Action", "action", 100),
    ("Status", _status, 88),
    ("Found", "date_found", 52),
    ("Last seen", "last_seen", 52),
)
_CELL_PADDING = 3
MAX_CELL_CHARS = 400  # a cell never grows taller than a page
# Plain ASCII cells of the detail tables use the built-in Helvetica: drawing a TrueType string costs
# ~3x more (glyph subsetting per string), which is most of a 50,000-row report's time. Cells with
# non-ASCII text become Paragraphs in the document font (DejaVu Sans), which has the glyphs.
TABLE_FONT, TABLE_FONT_BOLD = "Helvetica", "Helvetica-Bold"
_FONT_SIZE = 7.5


def register_fonts() -> tuple[str, str, str]:
    """Register DejaVu Sans when available; returns (regular, bold, note about the choice)."""
    if "DejaVuSans" in pdfmetrics.getRegisteredFontNames():
        return "DejaVuSans", "DejaVuSans-Bold", "DejaVu Sans"
    for directory in FONT_DIRS:
        regular = os.path.join(directory, "DejaVuSans.ttf")
        bold = os.path.join(directory, "DejaVuSans-Bold.ttf")
        if os.path.exists(regular) and os.path.exists(bold):
            pdfmetrics.registerFont(TTFont("DejaVuSans", regular))
            pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", bold))
            return "DejaVuSans", "DejaVuSans-Bold", "DejaVu Sans"
    return "Helvetica", "Helvetica-Bold", FALLBACK_FONT_NOTE


class _Styles:
    def __init__(self, regular: str, bold: str):
        self.regular, self.bold = regular, bold
        self.title = ParagraphStyle("title", fontName=bold, fontSize=18, leading=22, spaceAfter=4)
        self.subtitle = ParagraphStyle("subtitle", fontName=regular, fontSize=9, leading=12, textColor=colors.grey)
        self.h1 = ParagraphStyle("h1", fontName=bold, fontSize=14, leading=18, spaceBefore=6, spaceAfter=6)
        self.h2 = ParagraphStyle("h2", fontName=bold, fontSize=10, leading=13, spaceBefore=8, spaceAfter=3)
        self.body = ParagraphStyle("body", fontName=regular, fontSize=9, leading=12)
        self.small = ParagraphStyle("small", fontName=regular, fontSize=8, leading=10)
        # DejaVu Sans runs larger than Helvetica at the same size: 7 pt matches 7.5 pt Helvetica.
        self.cell = ParagraphStyle("cell", fontName=regular, fontSize=_FONT_SIZE - 0.5, leading=9, alignment=TA_LEFT)


def _footer_canvas(generated: str, regular: str):
    """A Canvas class drawing the footer on every page, with a 'Page N of M' total filled in at save."""

    class FooterCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages = 0

        def showPage(self):  # noqa: N802 - reportlab's API
            self._pages += 1
            self.saveState()
            self.setFont(regular, 7.5)
            self.setFillColor(colors.grey)
            self.drawString(MARGIN, 8 * mm, f"ES Inventory Hub variance report · Generated {generated} UTC")
            label = f"Page {self._pages} of "
            x = PAGE[0] - MARGIN - 30
            self.drawRightString(x, 8 * mm, label)
            self.translate(x, 8 * mm)
            self.doForm("esinvPageCount")  # defined in save(), once the total is known
            self.restoreState()
            super().showPage()

        def save(self):
            self.beginForm("esinvPageCount")
            self.setFont(regular, 7.5)
            self.setFillColor(colors.grey)
            self.drawString(1, 0, str(self._pages))
            self.endForm()
            super().save()

    return FooterCanvas


def _clean(text: str) -> str:
    return strip_control_characters(text).replace("\r", " ").replace("\n", " ").replace("\t", " ")


class _Cells:
    """Turns row values into table cells: plain strings when they fit, wrapping Paragraphs otherwise."""

    def __init__(self, styles: _Styles):
        self.style = styles.cell  # DejaVu Sans: has the glyphs for non-ASCII names
        # An upper bound of a glyph's width lets most cells skip measuring.
        self.max_glyph = _FONT_SIZE * 1.02  # Helvetica's widest ASCII glyph ('@') is 1.015 em

    def cell(self, text: str, width: float):
        """A str (one line), a tuple of str (ASCII wrapped into lines) or a Paragraph (non-ASCII)."""
        if not text:
            return ""
        text = _clean(text)
        room = width - 2 * _CELL_PADDING
        if text.isascii():
            if len(text) * self.max_glyph <= room or pdfmetrics.stringWidth(text, TABLE_FONT, _FONT_SIZE) <= room:
                return text
            # Wrapped here, not by a Paragraph: drawn on the fast text path, and computed once per
            # distinct text (a type's action is the same long sentence on every row of its section).
            return _wrap_ascii(text[:MAX_CELL_CHARS], room)
        return Paragraph(escape(text[:MAX_CELL_CHARS]), self.style)


@functools.lru_cache(maxsize=4096)
def _wrap_ascii(text: str, room: float) -> tuple[str, ...]:
    """ASCII text broken into lines that fit ``room`` points in the table font; long words are split."""

    def fits(candidate: str) -> bool:
        return pdfmetrics.stringWidth(candidate, TABLE_FONT, _FONT_SIZE) <= room

    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if fits(candidate):
            current = candidate
            continue
        if current:
            lines.append(current)
        while word and not fits(word):  # a word wider than the column: cut it
            cut = len(word) - 1
            while cut > 1 and not fits(word[:cut]):
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    if current:
        lines.append(current)
    return tuple(lines) or ("",)


def _value(row: Mapping[str, Any], key: Any) -> str:
    if callable(key):
        return key(row)
    return as_text(get(row, key))


class _RowTable(Flowable):
    """A light table for the detail pages: striped rows, a header repeated on every split part.

    Drawn with one text object for all plain cells (reportlab's ``Table`` spends most of a
    50,000-row report in per-cell bookkeeping); ``Paragraph`` cells wrap within their column.
    """

    _LEADING = 9.0
    _PAD_V = 1.6

    def __init__(self, header: list[str], rows: list[list], heights: list[float] | None = None):
        super().__init__()
        self.header, self.rows = header, rows
        self.widths = [w for _, _, w in _DETAIL_COLUMNS]
        self.row_heights = heights
        self.header_height = self._LEADING + 2 * self._PAD_V

    def _measure(self) -> list[float]:
        if self.row_heights is None:
            heights = []
            for row in self.rows:
                height = self._LEADING
                for cell, width in zip(row, self.widths, strict=True):
                    if isinstance(cell, tuple):
                        height = max(height, len(cell) * self._LEADING)
                    elif not isinstance(cell, str):
                        height = max(height, cell.wrap(width - 2 * _CELL_PADDING, 10_000)[1])
                heights.append(height + 2 * self._PAD_V)
            self.row_heights = heights
        return self.row_heights

    def wrap(self, avail_width, avail_height):
        self.width = sum(self.widths)
        self.height = self.header_height + sum(self._measure())
        return self.width, self.height

    def split(self, avail_width, avail_height):
        heights = self._measure()
        room = avail_height - self.header_height
        used, count = 0.0, 0
        for height in heights:
            if used + height > room:
                break
            used += height
            count += 1
        if count == 0:
            return []
        if count == len(self.rows):
            return [self]
        return [
            _RowTable(self.header, self.rows[:count], heights[:count]),
            _RowTable(self.header, self.rows[count:], heights[count:]),
        ]

    def draw(self):
        canvas = self.canv
        heights = self._measure()
        width = sum(self.widths)
        top = self.height
        canvas.saveState()
        canvas.setFillColor(HEADER_BG)
        canvas.rect(0, top - self.header_height, width, self.header_height, stroke=0, fill=1)
        y = top - self.header_height
        canvas.setFillColor(STRIPE_BG)
        for index, height in enumerate(heights):
            if index % 2:
                canvas.rect(0, y - height, width, height, stroke=0, fill=1)
            y -= height
        canvas.setStrokeColor(RULE_COLOUR)
        canvas.setLineWidth(0.25)
        rules = canvas.beginPath()
        y = top - self.header_height
        for height in heights:
            y -= height
            rules.moveTo(0, y)
            rules.lineTo(width, y)
        canvas.drawPath(rules, stroke=1, fill=0)

        text = canvas.beginText()
        text.setFont(TABLE_FONT_BOLD, _FONT_SIZE)
        text.setFillColor(colors.white)
        baseline = top - self._PAD_V - _FONT_SIZE
        x = 0.0
        for label, column_width in zip(self.header, self.widths, strict=True):
            text.setTextOrigin(x + _CELL_PADDING, baseline)
            text.textOut(label)
            x += column_width
        text.setFont(TABLE_FONT, _FONT_SIZE)
        text.setFillColor(colors.black)
        # Plain cells are ASCII (see _Cells.cell) in a standard Type 1 font, so each is exactly a
        # text-matrix move and an escaped string: what setTextOrigin + textOut emit, minus their
        # per-call bookkeeping (a third of a 50,000-row report's time).
        put = text._code.append
        paragraphs = []
        row_top = top - self.header_height
        for row, height in zip(self.rows, heights, strict=True):
            baseline = row_top - self._PAD_V - _FONT_SIZE
            x = 0.0
            for cell, column_width in zip(row, self.widths, strict=True):
                if isinstance(cell, str):
                    if cell:
                        put(f"1 0 0 1 {fp_str(x + _CELL_PADDING, baseline)} Tm ({escapePDF(cell)}) Tj")
                elif isinstance(cell, tuple):
                    for number, line in enumerate(cell):
                        put(f"1 0 0 1 {fp_str(x + _CELL_PADDING, baseline - number * self._LEADING)} Tm "
                            f"({escapePDF(line)}) Tj")
                else:
                    paragraphs.append((cell, x + _CELL_PADDING, row_top - self._PAD_V))
                x += column_width
            row_top -= height
        canvas.drawText(text)
        for paragraph, x, cell_top in paragraphs:
            paragraph.drawOn(canvas, x, cell_top - paragraph.height)
        canvas.restoreState()


def _axis(largest: int) -> tuple[int, int]:
    """(axis maximum, whole-number step) giving at most ~6 ticks: counts never get 0.5 ticks."""
    step = 1
    while largest / step > 6:
        for factor in (2, 2.5, 2):  # 1, 2, 5, 10, 20, 50, ...
            step = int(step * factor)
            if largest / step <= 6:
                break
    top = max(step, -(-largest // step) * step)
    return top, step


def _bar_chart(meta: ExportMeta, styles: _Styles) -> Drawing:
    width, height = 370, 190
    drawing = Drawing(width, height)
    drawing.add(String(0, height - 12, "Exceptions by type", fontName=styles.bold, fontSize=10))
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 120, 10, width - 160, height - 35
    codes = [t.code for t in VARIANCE_TYPES][::-1]  # top to bottom in catalogue order
    chart.data = [[meta.counts_by_type.get(code, 0) for code in codes]]
    chart.categoryAxis.categoryNames = [lookup(code).short_label for code in codes]
    chart.categoryAxis.labels.fontName = styles.regular
    chart.categoryAxis.labels.fontSize = 7.5
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -4
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontName = styles.regular
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.forceZero = True
    chart.valueAxis.valueMax, chart.valueAxis.valueStep = _axis(max(chart.data[0]))
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = styles.regular
    chart.barLabels.fontSize = 7
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    chart.bars.strokeWidth = 0
    for index, code in enumerate(codes):
        chart.bars[(0, index)].fillColor = _type_colour(code)
    drawing.add(chart)
    return drawing


def _trend_chart(meta: ExportMeta, styles: _Styles) -> Drawing:
    width, height = 380, 190
    drawing = Drawing(width, height)
    drawing.add(String(0, height - 12, "Trend, last 30 days (exceptions per day)", fontName=styles.bold, fontSize=10))
    trend = list(meta.trend)[-30:]
    if not trend:
        drawing.add(String(0, height / 2, "No trend data available.", fontName=styles.regular, fontSize=9))
        return drawing
    codes = [t.code for t in VARIANCE_TYPES]
    chart = HorizontalLineChart()
    chart.x, chart.y, chart.width, chart.height = 30, 30, width - 150, height - 55
    chart.data = [[int(counts.get(code, 0)) for _, counts in trend] for code in codes]
    step = max(1, len(trend) // 6)
    chart.categoryAxis.categoryNames = [
        day.strftime("%m-%d") if (len(trend) - 1 - i) % step == 0 else "" for i, (day, _) in enumerate(trend)
    ]
    chart.categoryAxis.labels.fontName = styles.regular
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.angle = 0
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontName = styles.regular
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMax, chart.valueAxis.valueStep = _axis(max(max(series) for series in chart.data))
    for index, code in enumerate(codes):
        chart.lines[index].strokeColor = _type_colour(code)
        chart.lines[index].strokeWidth = 1.2
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = width - 112, height - 30
    legend.fontName = styles.regular
    legend.fontSize = 7
    legend.alignment = "right"
    legend.deltay = 11
    legend.columnMaximum = 7
    legend.boxAnchor = "nw"
    legend.colorNamePairs = [(_type_colour(t.code), t.short_label) for t in VARIANCE_TYPES]
    drawing.add(legend)
    return drawing


def _summary_flowables(meta: ExportMeta, styles: _Styles, font_note: str) -> list:
    report_date = meta.report_date.isoformat() if meta.report_date else "no report"
    status_colour = colors.HexColor(ReportStatus.hex(meta.data_status.status))
    flow: list = [
        Paragraph(f"Variance report — {escape(report_date)}", styles.title),
        Paragraph(
            f"ES Inventory Hub · generated {escape(meta.generated_at.isoformat(timespec='seconds'))}", styles.subtitle
        ),
        Spacer(1, 6),
    ]
    filters = meta.filters
    info = [
        ["Data status", Paragraph(
            f'<font color="{status_colour.hexval().replace("0x", "#")}"><b>{escape(meta.data_status.status)}</b></font>'
            f" — {escape(_clean(meta.data_status.message))}",
            styles.body,
        )],
        ["Filters", Paragraph(escape(
            f"date={filters.date} · variance type={filters.variance_type} · "
            f"include resolved={'yes' if filters.include_resolved else 'no'} · "
            f"organization={_clean(filters.organization) if filters.organization else 'all'}"
        ), styles.body)],
        ["Total exceptions", Paragraph(f"<b>{meta.total}</b>", styles.body)],
    ]
    info_table = Table(info, colWidths=[110, PAGE[0] - 2 * MARGIN - 110])
    info_table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (0, -1), styles.bold),
        ("FONTSIZE", (0, 0), (-1, -1), 9),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
    ]))
    flow += [info_table, Spacer(1, 8)]
    if meta.total == 0:
        flow += [Paragraph(f"<b>{NO_EXCEPTIONS}</b>", styles.body), Spacer(1, 8)]

    charts = Table([[_bar_chart(meta, styles), _trend_chart(meta, styles)]], colWidths=[385, 385])
    charts.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    flow += [charts, Spacer(1, 8)]

    by_type = [["Type", "Variance type", "Count"]] + [
        [t.label, t.variance_type, str(meta.counts_by_type.get(t.code, 0))] for t in VARIANCE_TYPES
    ]
    known = {t.code for t in VARIANCE_TYPES}
    by_type += [[code or "Unknown", "", str(n)] for code, n in meta.counts_by_type.items() if code not in known]
    by_type.append(["Total", "", str(meta.total)])
    top_orgs = meta.organizations_by_count()[:10]
    by_org = [["Organization (top 10)", "Count"]] + [
        [Paragraph(escape(_clean(name) or "(no organization)"), styles.small), str(n)] for name, n in top_orgs
    ]
    if not top_orgs:
        by_org.append(["—", ""])

    def small(table_rows, widths):
        table = Table(table_rows, colWidths=widths, repeatRows=1)
        table.setStyle(TableStyle([
            ("FONTNAME", (0, 0), (-1, 0), styles.bold),
            ("FONTNAME", (0, 1), (-1, -1), styles.regular),
            ("FONTSIZE", (0, 0), (-1, -1), 8),
            ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
            ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
            ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, STRIPE_BG]),
            ("ALIGN", (-1, 0), (-1, -1), "RIGHT"),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ]))
        return table

    type_table = small(by_type, [170, 140, 50])
    type_table.setStyle(TableStyle([("FONTNAME", (0, -1), (-1, -1), styles.bold)]))
    tables = Table([[type_table, small(by_org, [300, 60])]], colWidths=[385, 385])
    tables.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    flow.append(tables)
    if not font_note.startswith("DejaVu"):
        flow += [Spacer(1, 6), Paragraph(escape(f"Font: {font_note}"), styles.subtitle)]
    return flow


def _sort_key(values: list) -> str:
    """Rows sort by their hostname cell (a str, wrapped lines, or a Paragraph's text)."""
    first = values[0]
    if isinstance(first, str):
        return first.casefold()
    if isinstance(first, tuple):
        return "".join(first).casefold()
    return first.getPlainText().casefold()


def _detail_flowables(rows: Iterable[Mapping[str, Any]], styles: _Styles) -> list:
    cells = _Cells(styles)
    grouped: dict[str, dict[str, list[list]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        values = [cells.cell(_value(row, key), width) for _, key, width in _DETAIL_COLUMNS]
        grouped[row_type_code(row)][as_text(get(row, "organization"))].append(values)

    header = [h for h, _, _ in _DETAIL_COLUMNS]
    flow: list = []
    for code in sorted(grouped, key=lambda c: (type_order(c), c)):
        by_org = grouped[code]
        total = sum(len(items) for items in by_org.values())
        flow.append(PageBreak())
        flow.append(Paragraph(f"{escape(label_for(code))} — {total} exception{'s' if total != 1 else ''}", styles.h1))
        for org in sorted(by_org, key=lambda name: name.casefold()):
            items = by_org[org]
            items.sort(key=_sort_key)
            title = escape(_clean(org) or "(no organization)")
            heading = Paragraph(f"{title} <font color='grey'>({len(items)})</font>", styles.h2)
            heading.keepWithNext = True
            flow.append(heading)
            for start in range(0, len(items), TABLE_CHUNK_ROWS):
                flow.append(_RowTable(header, items[start : start + TABLE_CHUNK_ROWS]))
    return flow


def write_pdf(rows: Iterable[Mapping[str, Any]], meta: ExportMeta, target) -> None:
    """Write the PDF report to ``target``: a path or a binary file object (e.g. ``io.BytesIO``)."""
    regular, bold, font_note = register_fonts()
    styles = _Styles(regular, bold)
    generated = meta.generated_at.astimezone(dt.UTC) if meta.generated_at.tzinfo else meta.generated_at
    if isinstance(target, os.PathLike):
        target = os.fspath(target)
    doc = SimpleDocTemplate(
        target,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 4 * mm,
        title=f"Variance report {meta.report_date.isoformat() if meta.report_date else ''}".strip(),
        author="ES Inventory Hub",
    )
    rl_config.useA85 = 0  # binary streams: ASCII85-encoding font subsets costs seconds on big reports
    story = _summary_flowables(meta, styles, font_note) + _detail_flowables(rows, styles)
    doc.build(story, canvasmaker=_footer_canvas(generated.strftime("%Y-%m-%d %H:%M"), regular))
