"""Billing report files: CSV and Excel, one row per client and product (docs/billing.md).

Plain functions over `billing.reports.billing_report` data. The cell rules are the variance exports' (one place):
`variances.exports.columns` (`Column`, text of a value, formula neutralisation, XML-illegal characters) and the
CSV byte-order mark; CSV's first line is the header, so `csv.DictReader` reads it as such.
"""
import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from html import escape

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from billing.models import BillingVarianceStatus, BillingVarianceType
from variances.exports.columns import TEXT, Column, as_text, neutralise_formula, strip_control_characters, value_of
from variances.exports.csv_export import BOM
from variances.exports.pdf_export import register_fonts

MONEY, QUANTITY = "money", "quantity"

COLUMNS: tuple[Column, ...] = (
    Column("organization_id", "Client id", "integer", 10),
    Column("organization", "Client", TEXT, 28),
    Column("product", "Product", TEXT, 18),
    Column("code", "Measured quantity", TEXT, 20),
    Column("billed", "Billed", QUANTITY, 10),
    Column("measured", "Measured", QUANTITY, 10),
    Column("unit_price", "Unit price", MONEY, 12),
    Column("amount", "Money / month", MONEY, 14),
    Column("variance_type", "Variance type", TEXT, 22),
    Column("variance_status", "Variance status", TEXT, 14),
)
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8",
                 "excel": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 "pdf": "application/pdf"}
EXTENSIONS = {"csv": "csv", "excel": "xlsx", "pdf": "pdf"}
PDF_KEYS = ("organization", "product", "billed", "measured", "unit_price", "amount", "variance_type",
            "variance_status")


def export_rows(report: dict) -> list[dict]:
    """One row per client and billed product (with its variance when there is one; a product with two
    variances gives two rows), then the client's variances on no billed product (e.g. unused licences of a SKU)."""
    rows = []
    for client in report["clients"]:
        base = {"organization_id": client["organization_id"], "organization": client["organization"]}
        by_subject = {}
        for v in client["variances"]:
            by_subject.setdefault(v["subject"], []).append(v)
        for product in client["products"]:
            line = {**base, "product": product["product"], "code": product["code"], "billed": product["billed"],
                    "measured": product["measured"], "unit_price": product.get("unit_price")}
            for v in by_subject.pop(product["product"], []) or [None]:
                rows.append({**line, **_variance_cells(v)})
        for subject, variances in by_subject.items():
            for v in variances:
                rows.append({**base, "product": subject, "code": v["code"], "billed": v["billed"],
                             "measured": v["measured"], "unit_price": v["unit_price"], **_variance_cells(v)})
    return rows


def _variance_cells(v: dict | None) -> dict:
    if v is None:
        return {"amount": None, "variance_type": None, "variance_status": None}
    return {"amount": v["amount"], "variance_type": v["type"], "variance_status": v["status"]}


def _csv_text(column: Column, value) -> str:
    text = as_text(value)
    return neutralise_formula(text) if column.kind == TEXT else text


def iter_csv(rows: Iterable[dict]) -> Iterator[bytes]:
    """The CSV as UTF-8 bytes: the byte-order mark, the header (the column keys), then the rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(BOM)
    writer.writerow([c.key for c in COLUMNS])
    for row in rows:
        writer.writerow([_csv_text(c, value_of(row, c)) for c in COLUMNS])
    yield buffer.getvalue().encode("utf-8")


def _cell(column: Column, value):
    if value is None:
        return None
    if column.kind in (MONEY, QUANTITY):
        return float(value) if isinstance(value, Decimal) else value
    if column.kind == "integer":
        return value
    text = strip_control_characters(as_text(value))
    if column.key == "variance_type":
        return BillingVarianceType.label(text)
    if column.key == "variance_status":
        return BillingVarianceStatus.label(text)
    return text


def write_excel(rows: Iterable[dict], report: dict, target) -> None:
    """A workbook with the sheet "Billing": the day and totals on top, then a header row and one row per line.
    Text is always stored as text (never a formula, whatever it starts with)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Billing"
    totals = report["totals"]
    ws.append(["Billing report", as_text(report["date"])])
    ws.append(["Monthly revenue leak", float(totals["monthly_revenue_leak"])])
    ws.append(["Monthly over-billing", float(totals["monthly_over_billing"])])
    ws.append([])
    header_row = ws.max_row + 1
    ws.append([c.header for c in COLUMNS])
    for cell in ws[header_row]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F4E79")
    for row in rows:
        ws.append([_cell(c, value_of(row, c)) for c in COLUMNS])
        for column, cell in zip(COLUMNS, ws[ws.max_row], strict=True):
            if isinstance(cell.value, str):
                cell.data_type = "s"
            elif column.kind == MONEY and cell.value is not None:
                cell.number_format = "#,##0.00"
    for index, column in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(COLUMNS))}{max(ws.max_row, header_row + 1)}"
    wb.save(target)


def _pdf_text(column: Column, value) -> str:
    value = _cell(column, value)
    if value is None:
        return ""
    if column.kind in (MONEY, QUANTITY):
        return f"{value:,.2f}" if column.kind == MONEY else f"{value:g}"
    return str(value)


def write_pdf(rows: Iterable[dict], report: dict, target) -> None:
    """A landscape A4 PDF: title with the day, both totals, then one table row per line (header repeated on every
    page). DejaVu Sans when installed (the variance PDF's font rule), so any client name renders."""
    regular, bold, _ = register_fonts()
    body = ParagraphStyle("body", fontName=regular, fontSize=9, leading=12)
    cell = ParagraphStyle("cell", fontName=regular, fontSize=7.5, leading=9)
    title = ParagraphStyle("title", fontName=bold, fontSize=16, leading=20, spaceAfter=4)
    totals = report["totals"]
    story = [Paragraph(f"Billing report {as_text(report['date']) or '(no data)'}", title),
             Paragraph(f"Monthly revenue leak: {totals['monthly_revenue_leak']:,.2f} · monthly over-billing: "
                       f"{totals['monthly_over_billing']:,.2f} · variances: {totals['variances']}", body),
             Spacer(1, 4 * mm)]
    columns = [c for c in COLUMNS if c.key in PDF_KEYS]
    data = [[c.header for c in columns]]
    for row in rows:
        data.append([Paragraph(escape(strip_control_characters(_pdf_text(c, value_of(row, c)))), cell)
                     if c.kind == TEXT else _pdf_text(c, value_of(row, c)) for c in columns])
    if len(data) == 1:
        story.append(Paragraph("No client has billing data on this day.", body))
    else:
        widths = [70 * mm, 35 * mm, 20 * mm, 20 * mm, 22 * mm, 25 * mm, 35 * mm, 22 * mm]
        table = Table(data, colWidths=widths, repeatRows=1)
        table.setStyle(TableStyle([
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#1f4e79")),
            ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
            ("FONTNAME", (0, 0), (-1, 0), bold), ("FONTNAME", (0, 1), (-1, -1), regular),
            ("FONTSIZE", (0, 0), (-1, -1), 7.5), ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("ALIGN", (2, 1), (5, -1), "RIGHT"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#c8d3de")),
        ]))
        story.append(table)
    SimpleDocTemplate(target, pagesize=landscape(A4), leftMargin=14 * mm, rightMargin=14 * mm, topMargin=14 * mm,
                      bottomMargin=14 * mm, title="Billing report").build(story)


def export_filename(day: date | None, fmt: str) -> str:
    return f"billing_{day.isoformat() if day else 'latest'}.{EXTENSIONS[fmt]}"
