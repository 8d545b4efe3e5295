"""The Windows 11 readiness report as files: an Excel workbook and a PDF.

Both are written from the same two reads the API and the page use
(`summary.readiness_summary` and `summary.organization_breakdown`), so the
files, `GET /api/windows-11-24h2/status` and `/windows-11/` show the same
partition and the same per-organization counts. The workbook also lists the
devices of every category (one sheet, one row per device, read in chunks);
the PDF stays a summary (partition, why devices fail, every organization).
"""
from datetime import datetime

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from inventory.models import Windows11Assessment
from inventory.windows11.engine import REQUIREMENT_LABELS

ORG_COLUMNS = (
    ("Organization", "organization"), ("Windows devices", "total_windows_devices"),
    ("Compatible", "compatible_devices"), ("Incompatible", "incompatible_devices"),
    ("Not assessed", "not_assessed_devices"), ("Already on 24H2", "already_on_24h2_devices"),
    ("on unsupported hardware", "on_24h2_unsupported_devices"), ("Compatibility rate %", "compatibility_rate"),
)
PARTITION = (
    ("Compatible", "compatible"), ("Incompatible", "incompatible"), ("Not assessed", "not_assessed"),
    ("Already on 24H2", "already_on_24h2"),
)
DEVICE_COLUMNS = (
    ("Hostname", "hostname"), ("Organization", "organization__name"), ("Category", "category"),
    ("Hardware status", "status"), ("On unsupported hardware", None), ("OS", "os_name"), ("Build", "os_build"),
    ("CPU", "cpu_model"), ("CPU verdict", "cpu_verdict"), ("CPU rule", "cpu_rule"),
    ("Fails", "deficiency_codes"), ("Missing facts for", "missing_codes"),
    ("Manufacturer", "system_manufacturer"), ("Model", "system_model"),
)
_BOLD = Font(bold=True)


def _text(value) -> str:
    """Cell text that a spreadsheet never evaluates (a leading = + - @ is quoted)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def partition_rows(summary: dict) -> list[tuple[str, int]]:
    rows = [(label, summary[key]) for label, key in PARTITION]
    return [*rows, ("Total Windows devices", summary["total"])]


def write_excel(summary: dict, organizations: list[dict], out) -> None:
    """Summary, By organization and Devices sheets into the binary file object `out`."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Summary")
    sheet.append([_cell(sheet, "Windows 11 24H2 readiness", bold=True)])
    sheet.append(["Snapshot date", str(summary["snapshot_date"] or "")])
    sheet.append(["Assessed", str(summary["last"] or "")])
    sheet.append([])
    sheet.append([_cell(sheet, "Category", bold=True), _cell(sheet, "Devices", bold=True)])
    for label, count in partition_rows(summary):
        sheet.append([label, count])
    sheet.append(["of which on 24H2 on unsupported hardware", summary["on_24h2_unsupported"]])
    sheet.append(["Compatibility rate % (hardware that passes)", summary["rate"]])
    sheet.append([])
    sheet.append([_cell(sheet, "Incompatible devices failing", bold=True), _cell(sheet, "Devices", bold=True)])
    for code, count in summary["deficiency_counts"].items():
        sheet.append([REQUIREMENT_LABELS[code], count])

    orgs = book.create_sheet("By organization")
    orgs.append([_cell(orgs, label, bold=True) for label, _ in ORG_COLUMNS])
    for org in organizations:
        orgs.append([_text(org[key]) if key == "organization" else org[key] for _, key in ORG_COLUMNS])

    devices = book.create_sheet("Devices")
    devices.append([_cell(devices, label, bold=True) for label, _ in DEVICE_COLUMNS])
    fields = [key for _, key in DEVICE_COLUMNS if key]
    rows = Windows11Assessment.objects.order_by("organization__name", "hostname").values_list(*fields)
    unsupported_at = [key for _, key in DEVICE_COLUMNS].index(None)
    for row in rows.iterator(chunk_size=5000):
        values = dict(zip(fields, row, strict=True))
        flag = values["category"] == Windows11Assessment.ALREADY_ON_24H2 and \
            values["status"] == Windows11Assessment.INCOMPATIBLE
        cells = [_text(values[key].strip("|").replace("|", ", ") if key in ("deficiency_codes", "missing_codes")
                       else values[key]) for key in fields]
        cells.insert(unsupported_at, "yes" if flag else "")
        devices.append(cells)
    book.save(out)


def _cell(sheet, value, bold=False):
    cell = WriteOnlyCell(sheet, value=value)
    if bold:
        cell.font = _BOLD
    return cell


def write_pdf(summary: dict, organizations: list[dict], out, now: datetime) -> None:
    """A landscape A4 summary: partition, why incompatible devices fail, every organization's counts."""
    styles = getSampleStyleSheet()
    doc = SimpleDocTemplate(out, pagesize=landscape(A4), leftMargin=12 * mm, rightMargin=12 * mm,
                            topMargin=12 * mm, bottomMargin=12 * mm, title="Windows 11 24H2 readiness",
                            invariant=True)
    grid = TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#1F4E79")),
        ("TEXTCOLOR", (0, 0), (-1, 0), colors.white), ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
    ])
    story = [
        Paragraph("Windows 11 24H2 readiness", styles["Title"]),
        Paragraph(f"Snapshot {summary['snapshot_date'] or '-'}, assessed {summary['last'] or '-'}; generated "
                  f"{now:%Y-%m-%d %H:%M} UTC. Every Windows workstation is in exactly one category.",
                  styles["Normal"]),
        Spacer(1, 4 * mm),
    ]
    partition = [["Category", "Devices"], *[[label, str(n)] for label, n in partition_rows(summary)],
                 ["of which on 24H2 on unsupported hardware", str(summary["on_24h2_unsupported"])],
                 ["Compatibility rate (hardware that passes)", f"{summary['rate']}%"]]
    failing = [["Incompatible devices failing", "Devices"],
               *[[REQUIREMENT_LABELS[code], str(n)] for code, n in summary["deficiency_counts"].items()]]
    story += [Table(partition, style=grid, hAlign="LEFT"), Spacer(1, 4 * mm),
              Table(failing, style=grid, hAlign="LEFT"), Spacer(1, 4 * mm),
              Paragraph("By organization (most incompatible devices first)", styles["Heading2"])]
    rows = [[label for label, _ in ORG_COLUMNS]]
    rows += [[Paragraph(str(org["organization"]).replace("&", "&amp;").replace("<", "&lt;"), styles["BodyText"]),
              *[str(org[key]) for _, key in ORG_COLUMNS[1:]]] for org in organizations]
    story.append(Table(rows, style=grid, repeatRows=1, hAlign="LEFT",
                       colWidths=[80 * mm, *[26 * mm] * (len(ORG_COLUMNS) - 1)]))
    doc.build(story)
