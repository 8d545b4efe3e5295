"""Billing report files a client could be shown: CSV, Excel and PDF, one row per client and product
(docs/billing.md, "Exports").

Plain functions over `billing.reports.billing_report` data (no database, no HTTP): `export_rows` turns the
report into rows, `client_report` narrows a report to one client, `iter_csv` / `write_excel` / `write_pdf` render
them. What a reader sees is words, not codes: the measured quantity's label (`billing.measures.code_label`),
Microsoft's product name beside a SKU part number (`billing.m365.sku_names`), the variance type and status
labels, money with 2 decimals and the currency (setting `ESINV_CURRENCY`), and for unused licences the numbers
under "bought" / "assigned" (not billed / measured). The cell rules are the variance exports' (one place):
`variances.exports.columns` (formula neutralisation, XML-illegal characters) and the CSV byte-order mark; the
CSV's first line is the header (the column keys), `meta=true` puts a metadata block before it, as the variance
CSV does.
"""
import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from html import escape

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from billing.measures import code_label
from billing.models import BillingVarianceStatus, BillingVarianceType
from billing.reports import active_count
from variances.exports.columns import TEXT, Column, as_text, neutralise_formula, strip_control_characters, value_of
from variances.exports.csv_export import slug, write_preamble
from variances.exports.pdf_export import register_fonts

MONEY, PRICE, QUANTITY, INTEGER = "money", "price", "quantity", "integer"
CENT = Decimal("0.01")
LICENCES = "licences"  # the section of unused-licence rows (bought vs assigned), the others are "billing"
NOT_MAPPED = "not mapped"
DISABLED_USERS = "Disabled users holding a licence"

COLUMNS: tuple[Column, ...] = (
    Column("organization_id", "Client id", INTEGER, 10),
    Column("organization", "Client", TEXT, 28),
    Column("product", "Product", TEXT, 18),
    Column("product_name", "Product name", TEXT, 34),
    Column("measured_as", "Measured as", TEXT, 34),
    Column("billed", "Billed", QUANTITY, 9),
    Column("measured", "Measured", QUANTITY, 10),
    Column("bought", "Bought", QUANTITY, 9),
    Column("assigned", "Assigned", QUANTITY, 10),
    Column("unit_price", "Unit price", PRICE, 11),
    Column("unit_cost", "Unit cost", PRICE, 11),
    Column("amount", "Money / month", MONEY, 14),
    Column("currency", "Currency", TEXT, 9),
    Column("variance_type", "Variance", TEXT, 20),
    Column("variance_status", "Variance status", TEXT, 14),
)
EXCEL_COLUMNS = tuple(c for c in COLUMNS if c.key != "currency")  # the currency is in the money headers
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8",
                 "excel": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 "pdf": "application/pdf"}
EXTENSIONS = {"csv": "csv", "excel": "xlsx", "pdf": "pdf"}


@dataclass(frozen=True)
class BillingExportMeta:
    """What the file is: the day, the client (None: all clients), the currency, when; `metadata_rows`: the CSV's
    metadata block before the header (`?meta=true`)."""

    report_date: date | None
    generated_at: datetime
    currency: str = "USD"
    organization: str | None = None
    organization_id: int | None = None
    msp_name: str = "Your MSP"
    metadata_rows: bool = False
    totals: dict = field(default_factory=dict)

    @property
    def scope(self) -> str:
        return self.organization if self.organization is not None else "All clients"

    def items(self) -> list[tuple[str, str]]:
        """The CSV metadata block (`key,value` rows)."""
        t = self.totals
        return [("report", "Billing report"), ("generated_at", self.generated_at.isoformat(timespec="seconds")),
                ("report_date", as_text(self.report_date)), ("organization", self.organization or ""),
                ("organization_id", as_text(self.organization_id)), ("currency", self.currency),
                ("monthly_revenue_leak", money_text(t.get("monthly_revenue_leak"))),
                ("monthly_over_billing", money_text(t.get("monthly_over_billing"))),
                ("variances", as_text(t.get("variances", 0)))]


# --- words and numbers ---------------------------------------------------------------------------------------
def money_text(value, places: int = 2) -> str:
    """`285.00`: money rounded half-up to 2 decimals; '' for None."""
    if value is None or value == "":
        return ""
    return str(Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def price_text(value) -> str:
    """A unit price with 2 decimals (`175.00`), more only when the price has them (`0.0125`); '' for None."""
    if value is None or value == "":
        return ""
    value = Decimal(value)
    return money_text(value, min(max(2, -value.normalize().as_tuple().exponent), 4))


def quantity_text(value) -> str:
    """`56` (a whole quantity without decimals), `2.5`; '' for None."""
    if value is None or value == "":
        return ""
    value = Decimal(value).normalize()
    return format(value, "f")


def product_text(product: str, name: str | None) -> str:
    """`Microsoft 365 Business Premium (SPB)` when a name is known, else the identifier alone."""
    if name and name != product:
        return f"{name} ({product})" if product else name
    return product


def quantity_labels(variance_type: str | None) -> tuple[str, str]:
    """What a variance's two numbers are: licences bought / assigned for unused licences, else billed / measured."""
    if variance_type == BillingVarianceType.UNUSED_LICENCES:
        return ("Bought", "Assigned")
    return ("Billed", "Measured")


# --- rows ----------------------------------------------------------------------------------------------------
def export_rows(report: dict, names: dict[str, str] | None = None) -> list[dict]:
    """One row per client and billed product (with its variance when there is one; a product with two variances
    gives two rows), then the client's variances on no billed product: unused licences of a SKU (bought /
    assigned, unit cost) and disabled users holding a licence. `names`: SKU part number -> product name."""
    names = names or {}
    labels: dict[str, str] = {}  # code -> label, once per code (a SKU's label reads the product-name table)

    def label(code: str | None) -> str:
        if code and code not in labels:
            labels[code] = code_label(code)
        return labels.get(code, "") if code else ""

    rows = []
    for client in report["clients"]:
        base = {"organization_id": client["organization_id"], "organization": client["organization"]}
        by_subject: dict[str, list] = {}
        for v in client["variances"]:
            by_subject.setdefault(v["subject"], []).append(v)
        for product in client["products"]:
            code = product.get("code")
            line = {**base, "section": "billing", "product": product["product"],
                    "product_name": names.get(product["product"]) or product["product"],
                    "measured_as": label(code) if code else NOT_MAPPED, "billed": product["billed"],
                    "measured": product["measured"], "unit_price": product.get("unit_price")}
            mine = [v for v in by_subject.get(product["product"], []) if on_line(v, product)]
            for v in mine:
                by_subject[product["product"]].remove(v)
            for v in mine or [None]:
                rows.append({**line, **_variance_cells(v)})
        for subject, variances in by_subject.items():
            for v in variances:
                rows.append({**base, **_variance_line(v, subject, names, label(v["code"])), **_variance_cells(v)})
    return rows


def on_line(v: dict, product: dict) -> bool:
    """Whether variance `v` is printed on the product's line of the day: an under/over-billing computed from that
    line's own figures (same code, billed and measured). Any other (resolved by a map change, last seen on
    another day with other numbers) is a row of its own with its own figures, never money beside figures it was
    not computed from."""
    return (v["type"] in (BillingVarianceType.UNDER_BILLED, BillingVarianceType.OVER_BILLED)
            and (v["code"], v["billed"], v["measured"]) == (product.get("code"), product["billed"],
                                                            product["measured"]))


def _variance_line(v: dict, subject: str, names: dict[str, str], measured_as: str) -> dict:
    """A variance on no billed product of the day: its subject's name and its numbers under the right words."""
    line = {"product": subject, "product_name": names.get(subject) or subject, "measured_as": measured_as}
    if v["type"] == BillingVarianceType.UNUSED_LICENCES:
        return {**line, "section": LICENCES, "bought": v["billed"], "assigned": v["measured"],
                "unit_cost": v["unit_price"]}
    if v["type"] == BillingVarianceType.DISABLED_USER_LICENSED and not subject:
        line["product_name"] = DISABLED_USERS
    return {**line, "section": "billing", "billed": v["billed"], "measured": v["measured"],
            "unit_price": v["unit_price"]}


def _variance_cells(v: dict | None) -> dict:
    if v is None:
        return {"amount": None, "variance_type": None, "variance_status": None}
    return {"amount": v["amount"], "variance_type": v["type"], "variance_status": v["status"]}


def client_report(report: dict, organization_id: int) -> dict:
    """The report narrowed to one client: its line only (none when it has no billing data that day) and totals
    of its own, computed as the report computes them (the variance count: open and accepted ones)."""
    clients = [c for c in report["clients"] if c["organization_id"] == organization_id]
    totals = {"monthly_revenue_leak": sum((c["monthly_revenue_leak"] for c in clients), Decimal(0)),
              "monthly_over_billing": sum((c["monthly_over_billing"] for c in clients), Decimal(0)),
              "variances": active_count(clients)}
    return {**report, "clients": clients, "totals": totals}


def _label(column: Column, text: str) -> str:
    if column.key == "variance_type":
        return BillingVarianceType.label(text)
    if column.key == "variance_status":
        return BillingVarianceStatus.label(text)
    return text


# --- CSV -----------------------------------------------------------------------------------------------------
def _csv_text(column: Column, value, meta: BillingExportMeta) -> str:
    if column.key == "currency":
        return meta.currency
    if column.kind == MONEY:
        return money_text(value)
    if column.kind == PRICE:
        return price_text(value)
    if column.kind == QUANTITY:
        return quantity_text(value)
    text = as_text(value)
    return neutralise_formula(_label(column, text) if text else text) if column.kind == TEXT else text


def iter_csv(rows: Iterable[dict], meta: BillingExportMeta) -> Iterator[bytes]:
    """The CSV as UTF-8 bytes: the byte-order mark, the metadata block and an empty line when asked, the header
    (the column keys), then the rows (labels, money with 2 decimals, the currency on each row)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    write_preamble(buffer, writer, meta, [c.key for c in COLUMNS])
    for row in rows:
        writer.writerow([_csv_text(c, value_of(row, c), meta) for c in COLUMNS])
    yield buffer.getvalue().encode("utf-8")


# --- Excel ---------------------------------------------------------------------------------------------------
MONEY_FORMAT = "#,##0.00"
PRICE_FORMAT = "#,##0.00##"


def _cell(column: Column, value):
    if value is None or value == "":
        return None
    if column.kind in (MONEY, PRICE, QUANTITY):
        return float(value) if isinstance(value, Decimal) else value
    if column.kind == INTEGER:
        return value
    return _label(column, strip_control_characters(as_text(value)))


def _header(column: Column, currency: str) -> str:
    return f"{column.header} ({currency})" if column.kind in (MONEY, PRICE) and currency else column.header


def write_excel(rows: Iterable[dict], meta: BillingExportMeta, target) -> None:
    """A workbook with the sheet "Billing": the day, the client, both totals (money format) and the variance
    count on top, then the header row (frozen, filtered) and one row per line. Text is always stored as text
    (never a formula, whatever it starts with)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Billing"
    totals, currency = meta.totals, meta.currency
    ws.append(["Billing report", as_text(meta.report_date)])
    ws.append(["Client", strip_control_characters(meta.scope)])
    ws.append([f"Monthly revenue leak ({currency})" if currency else "Monthly revenue leak",
               float(totals["monthly_revenue_leak"])])
    ws.append([f"Monthly over-billing ({currency})" if currency else "Monthly over-billing",
               float(totals["monthly_over_billing"])])
    ws.append(["Variances", int(totals["variances"])])
    for row in (3, 4):
        ws.cell(row=row, column=2).number_format = MONEY_FORMAT
    ws.cell(row=2, column=2).data_type = "s"
    for row in range(1, 6):
        ws.cell(row=row, column=1).font = Font(bold=True)
    header_row = 7
    for index, column in enumerate(EXCEL_COLUMNS, start=1):
        cell = ws.cell(row=header_row, column=index, value=_header(column, currency))
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F4E79")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    number = header_row
    for row in rows:
        number += 1
        for index, column in enumerate(EXCEL_COLUMNS, start=1):
            cell = ws.cell(row=number, column=index, value=_cell(column, value_of(row, column)))
            if isinstance(cell.value, str):
                cell.data_type = "s"
            elif column.kind == MONEY and cell.value is not None:
                cell.number_format = MONEY_FORMAT
            elif column.kind == PRICE and cell.value is not None:
                cell.number_format = PRICE_FORMAT
    for index, column in enumerate(EXCEL_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.column_dimensions["A"].width = max(ws.column_dimensions["A"].width, 28)
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)  # the header row stays in view
    ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(EXCEL_COLUMNS))}{max(number, header_row + 1)}"
    wb.save(target)


# --- PDF -----------------------------------------------------------------------------------------------------
PAGE = landscape(A4)
MARGIN = 14 * mm
FRAME_WIDTH = PAGE[0] - 2 * MARGIN
# (column key, header, relative width, numeric); the widths are scaled to the page frame.
PDF_BILLING = (("organization", "Client", 22, False), ("product", "Product", 26, False),
               ("measured_as", "Measured as", 24, False), ("billed", "Billed", 8, True),
               ("measured", "Measured", 9, True), ("unit_price", "Unit price", 10, True),
               ("amount", "Money / month", 11, True), ("variance_type", "Variance", 12, False),
               ("variance_status", "Status", 9, False))
PDF_LICENCES = (("organization", "Client", 22, False), ("product", "Licence", 36, False),
                ("bought", "Bought", 9, True), ("assigned", "Assigned", 9, True),
                ("unit_cost", "Unit cost", 10, True), ("amount", "Money / month", 11, True),
                ("variance_type", "Variance", 14, False), ("variance_status", "Status", 9, False))


def pdf_widths(columns, one_client: bool) -> tuple[list, list[float]]:
    """The columns shown (no client column in one client's file) and their widths, filling the page frame."""
    shown = [c for c in columns if not (one_client and c[0] == "organization")]
    total = sum(c[2] for c in shown)
    return shown, [FRAME_WIDTH * c[2] / total for c in shown]


def _pdf_value(key: str, row: dict) -> str:
    value = row.get(key)
    if key == "product":
        return product_text(as_text(value), row.get("product_name"))
    if key in ("amount",):
        return money_text(value)
    if key in ("unit_price", "unit_cost"):
        return price_text(value)
    if key in ("billed", "measured", "bought", "assigned"):
        return quantity_text(value)
    if key == "variance_type":
        return BillingVarianceType.label(value) if value else ""
    if key == "variance_status":
        return BillingVarianceStatus.label(value) if value else ""
    return as_text(value)


def _pdf_table(rows: list[dict], columns, one_client: bool, styles: dict, currency: str) -> Table:
    shown, widths = pdf_widths(columns, one_client)
    headers = [Paragraph(escape(f"{header} ({currency})" if key in ("amount", "unit_price", "unit_cost")
                                and currency else header), styles["head_num" if numeric else "head"])
               for key, header, _, numeric in shown]
    data = [headers]
    for row in rows:
        data.append([Paragraph(escape(strip_control_characters(_pdf_value(key, row))),
                               styles["num" if numeric else "cell"]) for key, _, _, numeric in shown])
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#1f4e79")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#c8d3de")),
    ]))
    return table


def write_pdf(rows: Iterable[dict], meta: BillingExportMeta, target) -> None:
    """A landscape A4 PDF: the title (the client, or all clients), the day, both totals with the currency and
    the variance count, then "Billed vs measured" and "Microsoft 365 licences: bought vs assigned" tables
    (headers wrap inside their band and repeat on every page; the table fills the page frame, long names wrap).
    DejaVu Sans when installed (the variance PDF's font rule), so any client name renders."""
    regular, bold, _ = register_fonts()
    body = ParagraphStyle("body", fontName=regular, fontSize=9, leading=12)
    title = ParagraphStyle("title", fontName=bold, fontSize=16, leading=20, spaceAfter=4)
    h2 = ParagraphStyle("h2", fontName=bold, fontSize=11, leading=14, spaceBefore=6, spaceAfter=4)
    cell = ParagraphStyle("cell", fontName=regular, fontSize=7.5, leading=9)
    styles = {"cell": cell, "num": ParagraphStyle("num", parent=cell, alignment=2),
              "head": ParagraphStyle("head", parent=cell, fontName=bold, textColor=colors.white),
              "head_num": ParagraphStyle("head_num", parent=cell, fontName=bold, textColor=colors.white,
                                         alignment=2)}
    totals, currency = meta.totals, meta.currency
    unit = f" {currency}" if currency else ""
    day = as_text(meta.report_date) or "(no data)"
    story = [Paragraph(escape(f"Billing report {day}: {strip_control_characters(meta.scope)}"), title),
             Paragraph(escape(f"Prepared by {meta.msp_name} · money per month in {currency or 'the billing currency'}"),
                       body),
             Paragraph(escape(f"Monthly revenue leak: {money_text(totals['monthly_revenue_leak'])}{unit} · "
                              f"monthly over-billing: {money_text(totals['monthly_over_billing'])}{unit} · "
                              f"variances: {totals['variances']}"), body),
             Spacer(1, 4 * mm)]
    rows = list(rows)
    one_client = meta.organization_id is not None
    billing = [r for r in rows if r.get("section") != LICENCES]
    licences = [r for r in rows if r.get("section") == LICENCES]
    if not rows:
        story.append(Paragraph("No client has billing data on this day." if not one_client else
                               "This client has no billing data on this day.", body))
    if billing:
        story += [Paragraph("Billed vs measured", h2), _pdf_table(billing, PDF_BILLING, one_client, styles, currency)]
    if licences:
        story += [Paragraph("Microsoft 365 licences: bought vs assigned", h2),
                  _pdf_table(licences, PDF_LICENCES, one_client, styles, currency)]
    SimpleDocTemplate(target, pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                      bottomMargin=MARGIN, title="Billing report", author=meta.msp_name).build(story)


def export_filename(day: date | None, fmt: str, organization: str | None = None) -> str:
    """`billing_<date>[_<client slug>].<ext>`, ASCII only (the variance exports' slug rule)."""
    parts = ["billing", day.isoformat() if day else "latest"]
    if organization is not None:
        parts.append(slug(organization) or "client")
    return "_".join(parts) + "." + EXTENSIONS[fmt]
