"""PDF export (reportlab platypus): an executive summary page, then a table per type grouped by organization.

Client-ready: titles in plain words (``catalogue.TITLES``, status and billing labels from their
choice sets; no internal codes), and filtered to one client (``filters.organization``) it is that
client's report alone: its counts, its own trend (computed for it by the caller) and no other
client's name anywhere (a device filed under another client in one vendor says "another client").

- Landscape A4. Every page has a footer: the MSP's name (``meta.msp_name``), the client, the report
  date, "Generated <timestamp> UTC" and "Page N of M" (M is a form XObject filled in when the
  document is saved, so the document is laid out once).
- The summary page: report date, data status, what is shown, totals by type (table and horizontal
  bar chart), the 30-day trend (line chart) and, for all clients, the organizations with the most
  exceptions.
- Detail tables: one section per type present, one table per organization, header row repeated on
  every page. "Filed under different clients" shows both vendors' clients; duplicates show one line
  per copy (vendor, vendor device id, hostname, site, last contact, OS, agent, stale, console link).
  A cell whose text does not fit its column wraps; short cells stay plain strings, which keeps
  50,000 rows inside the time budget.
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
from inventory.classification import BillingStatus
from inventory.freshness import ReportStatus
from variances import types as T
from variances.models import ExceptionStatus, VarianceStatus
from variances.types import VarianceType

from .catalogue import VARIANCE_TYPES, lookup, title_for, type_order
from .columns import as_text, get, strip_control_characters
from .duplicates import DASH, entries, last_contact_text, stale_text, vendor_name
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


OTHER_CLIENT = "another client"
REPORT_NAME = "Device inventory report"


class _Context:
    """What a cell may show: in a one-client report, a name other than that client's is "another client"."""

    def __init__(self, meta: ExportMeta):
        self.client = meta.filters.organization or None

    def client_name(self, name: Any, row: Mapping[str, Any]) -> str:
        text = as_text(name)
        if not text or self.client is None:
            return text
        own = {self.client.casefold(), as_text(get(row, "organization")).casefold()}
        return text if text.casefold() in own else OTHER_CLIENT


def _status(row: Mapping[str, Any], ctx: _Context) -> str:
    """'Open / Active', 'Resolved / Verified by collector'... (the choice sets' labels)."""
    status, variance = as_text(get(row, "status")), as_text(get(row, "variance_status"))
    labels = [ExceptionStatus.label(status) if status else "", VarianceStatus.label(variance) if variance else ""]
    return " / ".join(x for x in labels if x)


def _billing(row: Mapping[str, Any], ctx: _Context) -> str:
    value = as_text(get(row, "billing_status"))
    return BillingStatus.label(value) if value else ""


def _ninja_client(row: Mapping[str, Any], ctx: _Context) -> str:
    return ctx.client_name(get(row, "ninja_organization"), row)


def _threatlocker_client(row: Mapping[str, Any], ctx: _Context) -> str:
    return ctx.client_name(get(row, "threatlocker_organization"), row)


# Detail table columns: (header, row key or callable(row, context), width in points). Widths sum to
# at most the 763 points between the margins.
_DETAIL_COLUMNS: tuple[tuple[str, Any, float], ...] = (
    ("Hostname", "hostname", 105),
    ("NinjaOne display name", "ninja_display_name", 160),
    ("ThreatLocker display name", "threatlocker_display_name", 160),
    ("Billing", _billing, 62),
    ("Action", "action", 100),
    ("Status", _status, 88),
    ("Found", "date_found", 52),
    ("Last seen", "last_seen", 52),
)
# "Filed under different clients": both vendors' clients side by side.
_SITE_COLUMNS: tuple[tuple[str, Any, float], ...] = (
    ("Hostname", "hostname", 95),
    ("NinjaOne client", _ninja_client, 115),
    ("ThreatLocker client", _threatlocker_client, 115),
    ("NinjaOne display name", "ninja_display_name", 125),
    ("ThreatLocker display name", "threatlocker_display_name", 125),
    ("Status", _status, 84),
    ("Found", "date_found", 52),
    ("Last seen", "last_seen", 52),
)
# Duplicates: one line per copy, what tells the copies apart (the device's key on its first line).
_COPY_COLUMNS: tuple[tuple[str, str, float], ...] = (
    ("Device", "device", 70),
    ("Vendor", "vendor", 52),
    ("Vendor ID", "vendor_device_id", 60),
    ("Hostname", "hostname", 90),
    ("Site", "site", 77),
    ("Last contact", "last_contact", 86),
    ("OS", "os", 75),
    ("Agent", "agent_version", 45),
    ("Copy", "stale", 32),
    ("Console link", "console_url", 169),
)
_DUPLICATE_CODES = frozenset({T.DUPLICATE_TL, T.DUPLICATE_NINJA})
_PDF_DASH = "-"  # ASCII: drawn on the fast Helvetica path (duplicates.DASH is an em dash)


def _copy_lines(row: Mapping[str, Any]) -> list[list[str]]:
    """The text of each copy of a duplicate, in `_COPY_COLUMNS` order (one dashed line when none is known)."""
    device = as_text(get(row, "hostname"))
    copies = entries(row) or [{}]
    lines = []
    for number, entry in enumerate(copies):
        def text(key: str, entry=entry) -> str:
            value = entry.get(key)
            return _PDF_DASH if value in (None, "") else as_text(value)

        line = [
            device if number == 0 else "",
            vendor_name(entry.get("vendor")) or _PDF_DASH,
            text("vendor_device_id"),
            text("hostname"),
            text("site"),
            last_contact_text(entry.get("last_contact")),
            text("os"),
            text("agent_version"),
            stale_text(entry.get("stale")),
            text("console_url"),
        ]
        lines.append([_PDF_DASH if cell == DASH else cell for cell in line])
    return lines


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


def _footer_canvas(left: str, regular: str):
    """A Canvas class drawing the footer ``left`` on every page, with 'Page N of M' filled in at save."""

    class FooterCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages = 0

        def showPage(self):  # noqa: N802 - reportlab's API
            self._pages += 1
            self.saveState()
            self.setFont(regular, 7.5)
            self.setFillColor(colors.grey)
            self.drawString(MARGIN, 8 * mm, left)
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


def _value(row: Mapping[str, Any], key: Any, ctx: _Context) -> str:
    if callable(key):
        return key(row, ctx)
    return as_text(get(row, key))


class _RowTable(Flowable):
    """A light table for the detail pages: striped rows, a header repeated on every split part.

    Drawn with one text object for all plain cells (reportlab's ``Table`` spends most of a
    50,000-row report in per-cell bookkeeping); ``Paragraph`` cells wrap within their column.
    """

    _LEADING = 9.0
    _PAD_V = 1.6

    def __init__(self, header: list[str], rows: list[list], widths: list[float], heights: list[float] | None = None,
                 link_column: int | None = None):
        super().__init__()
        self.header, self.rows = header, rows
        self.widths = widths
        self.link_column = link_column  # cells of this column holding an http(s) URL become clickable links
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
            _RowTable(self.header, self.rows[:count], self.widths, heights[:count], self.link_column),
            _RowTable(self.header, self.rows[count:], self.widths, heights[count:], self.link_column),
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
        if self.link_column is not None:
            self._draw_links(heights, top)
        canvas.restoreState()

    def _draw_links(self, heights: list[float], top: float) -> None:
        left = sum(self.widths[: self.link_column])
        width = self.widths[self.link_column]
        row_top = top - self.header_height
        for row, height in zip(self.rows, heights, strict=True):
            cell = row[self.link_column]
            url = "".join(cell) if isinstance(cell, tuple) else cell if isinstance(cell, str) else ""
            if url.startswith(("https://", "http://")):
                self.canv.linkURL(url, (left, row_top - height, left + width, row_top), relative=1)
            row_top -= height


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


def _plain_words(value: str) -> str:
    """A code that has no label (``no_data``) in words: ``No data``."""
    return value.replace("_", " ").capitalize()


def _showing(meta: ExportMeta) -> str:
    """What the report holds, in words: ``All exception types · open exceptions only · all clients · latest report``."""
    filters = meta.filters
    if filters.date == "latest":
        when = "latest report"
    elif filters.date == "selection":
        when = "selected exceptions"
    else:
        when = f"report of {filters.date}"
    return " · ".join([
        title_for(filters.variance_type),
        "open and resolved exceptions" if filters.include_resolved else "open exceptions only",
        f"client {_clean(filters.organization)}" if filters.organization else "all clients",
        when,
    ])


def _summary_flowables(meta: ExportMeta, styles: _Styles, font_note: str, ctx: _Context) -> list:
    report_date = meta.report_date.isoformat() if meta.report_date else "no report yet"
    status_colour = colors.HexColor(ReportStatus.hex(meta.data_status.status))
    status_label = ReportStatus.label(meta.data_status.status, _plain_words(meta.data_status.status))
    client = _clean(ctx.client) if ctx.client else "All clients"
    flow: list = [
        Paragraph(f"{REPORT_NAME} — {escape(client)}", styles.title),
        Paragraph(
            f"Prepared by {escape(_clean(meta.msp_name) or 'Your MSP')} · report date {escape(report_date)} · "
            f"generated {escape(meta.generated_at.isoformat(timespec='seconds'))}", styles.subtitle
        ),
        Spacer(1, 6),
    ]
    info = [
        ["Data status", Paragraph(
            f'<font color="{status_colour.hexval().replace("0x", "#")}"><b>{escape(status_label)}</b></font>'
            + (f" — {escape(_clean(meta.data_status.message))}" if meta.data_status.message else ""),
            styles.body,
        )],
        ["Showing", Paragraph(escape(_showing(meta)), styles.body)],
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

    by_type = [["Exception", "Count"]] + [[t.title, str(meta.counts_by_type.get(t.code, 0))] for t in VARIANCE_TYPES]
    known = {t.code for t in VARIANCE_TYPES}
    by_type += [[code or "Unknown", str(n)] for code, n in meta.counts_by_type.items() if code not in known]
    by_type.append(["Total", str(meta.total)])
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

    type_table = small(by_type, [290, 60])
    type_table.setStyle(TableStyle([("FONTNAME", (0, -1), (-1, -1), styles.bold)]))
    # One client's report names no other client: its own counts are the table by type.
    tables = Table([[type_table, small(by_org, [300, 60]) if ctx.client is None else ""]], colWidths=[385, 385])
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


def _section_columns(code: str) -> tuple[tuple[str, Any, float], ...]:
    if code in _DUPLICATE_CODES:
        return _COPY_COLUMNS
    if code == T.SITE_MISMATCH:
        return _SITE_COLUMNS
    return _DETAIL_COLUMNS


def _detail_flowables(rows: Iterable[Mapping[str, Any]], styles: _Styles, ctx: _Context) -> list:
    cells = _Cells(styles)
    # type code -> organization -> units; a unit is the table lines of one exception (one per copy for
    # duplicates), kept together when sorted.
    grouped: dict[str, dict[str, list[list[list]]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        code = row_type_code(row)
        columns = _section_columns(code)
        if columns is _COPY_COLUMNS:
            widths = [width for _, _, width in columns]
            unit = [[cells.cell(text, width) for text, width in zip(line, widths, strict=True)]
                    for line in _copy_lines(row)]
        else:
            unit = [[cells.cell(_value(row, key, ctx), width) for _, key, width in columns]]
        grouped[code][as_text(get(row, "organization"))].append(unit)

    flow: list = []
    for code in sorted(grouped, key=lambda c: (type_order(c), c)):
        columns = _section_columns(code)
        header = [h for h, _, _ in columns]
        widths = [w for _, _, w in columns]
        by_org = grouped[code]
        total = sum(len(units) for units in by_org.values())
        flow.append(PageBreak())
        flow.append(Paragraph(f"{escape(title_for(code))} — {total} exception{'s' if total != 1 else ''}", styles.h1))
        for org in sorted(by_org, key=lambda name: name.casefold()):
            units = by_org[org]
            units.sort(key=lambda unit: _sort_key(unit[0]))
            lines = [line for unit in units for line in unit]
            title = escape(_clean(org) or "(no organization)")
            heading = Paragraph(f"{title} <font color='grey'>({len(units)})</font>", styles.h2)
            heading.keepWithNext = True
            flow.append(heading)
            for start in range(0, len(lines), TABLE_CHUNK_ROWS):
                flow.append(_RowTable(header, lines[start : start + TABLE_CHUNK_ROWS], widths,
                                      link_column=len(columns) - 1 if columns is _COPY_COLUMNS else None))
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
        title=f"{REPORT_NAME} {meta.report_date.isoformat() if meta.report_date else ''}".strip(),
        author=_clean(meta.msp_name) or "ES Inventory Hub",
    )
    rl_config.useA85 = 0  # binary streams: ASCII85-encoding font subsets costs seconds on big reports
    ctx = _Context(meta)
    story = _summary_flowables(meta, styles, font_note, ctx) + _detail_flowables(rows, styles, ctx)
    doc.build(story, canvasmaker=_footer_canvas(footer_text(meta, generated), regular))


def footer_text(meta: ExportMeta, generated: dt.datetime) -> str:
    """``Your MSP · Device inventory report for Acme · Report date 2026-11-23 · Generated 2026-11-23 14:05 UTC``."""
    report_date = meta.report_date.isoformat() if meta.report_date else "none yet"
    return " · ".join([
        _clean(meta.msp_name) or "Your MSP",
        f"{REPORT_NAME} for {_clean(meta.filters.organization) if meta.filters.organization else 'all clients'}",
        f"Report date {report_date}",
        f"Generated {generated.strftime('%Y-%m-%d %H:%M')} UTC",
    ])
