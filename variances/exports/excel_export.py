"""Excel export (openpyxl, write-only workbook): Summary, one sheet per type present, Duplicate entries
(one line per copy of a duplicate, console links as hyperlinks), Devices by organization.

Every data sheet has a frozen header row, an autofilter over its data and column widths fitted to
its content (capped). Dates and datetimes are real Excel dates with a date number format. Text
from the data is always a text cell: a value starting with ``=`` (which openpyxl would store as a
formula) or looking like an Excel error code is written with ``data_type = "s"``, so it shows as
typed and is never evaluated.

Rows are read once into compact tuples (the workbook needs them grouped and sorted, and column
widths must be known before a write-only sheet's first row); 50,000 rows take well under the
memory budget (see bench/exports_50k.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.xml.functions import fromstring

from .catalogue import VARIANCE_TYPES, lookup, type_order
from .columns import (
    COLUMNS,
    DATE,
    DATETIME,
    TEXT,
    as_date,
    as_datetime,
    as_text,
    get,
    strip_control_characters,
)
from .duplicates import entries, last_contact, vendor_name
from .meta import ExportMeta, row_type_code

MAX_WIDTH = 60  # characters; longer text wraps off-screen rather than making a sheet unusable
MAX_CELL_TEXT = 32_767  # Excel's limit for one cell
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
NO_EXCEPTIONS = "No exceptions match these filters."

_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
_TITLE_FONT = Font(bold=True, size=14)
_SECTION_FONT = Font(bold=True, size=12)
_BOLD = Font(bold=True)

# Per-type sheets leave out the two columns that are the same on every row of the sheet.
_TYPE_SHEET_COLUMNS = tuple(c for c in COLUMNS if c.key not in ("type", "variance_type"))
_BATCH_ROWS = 500
_TYPE_LABEL_HEADER = "Type"
_ORG_SHEET_KEYS = (
    "hostname",
    "ninja_organization",
    "threatlocker_organization",
    "ninja_display_name",
    "threatlocker_display_name",
    "billing_status",
    "status",
    "date_found",
    "last_seen",
)


def _value(kind: str, raw: Any) -> Any:
    if raw is None:
        return None
    if kind == TEXT:
        text = raw if type(raw) is str else as_text(raw)
        if not text.isprintable():  # rare: tabs, newlines or control characters
            text = strip_control_characters(text)
        return text[:MAX_CELL_TEXT] or None
    if kind == DATE:
        return as_date(raw)
    if kind == DATETIME:
        return as_datetime(raw)
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    text = as_text(raw)
    return int(text) if text.isdigit() else (text or None)


_PLAN = tuple((c.key, c.kind, c.compute) for c in COLUMNS)


def _record(row: Mapping[str, Any]) -> tuple:
    """(type code, value per COLUMNS) of one row, converted for the workbook."""
    lookup = row.get if isinstance(row, dict) else (lambda key: get(row, key))
    return (row_type_code(row),
            *[_value(kind, lookup(key) if compute is None else compute(row)) for key, kind, compute in _PLAN])


_ENTRIES_INDEX = 1 + [c.key for c in COLUMNS].index("duplicate_entries")
DUPLICATES_SHEET = "Duplicate entries"
_LINK_FONT = Font(color="0563C1", underline="single")
#: The Duplicate entries sheet: (header, width); one line per copy of each duplicate.
_DUPLICATE_COLUMNS = (
    ("Exception ID", 12), ("Type", 26), ("Device", 18), ("Organization", 24), ("Copy", 8), ("Vendor", 13),
    ("Vendor device ID", 18), ("Hostname", 20), ("Display name", 28), ("Client", 24), ("Site", 18),
    ("Last contact (UTC)", 18), ("OS", 24), ("Agent version", 14), ("Stale", 8), ("Console link", 60),
)


def _duplicate_lines(row: Mapping[str, Any], code: str) -> list[tuple]:
    """One tuple per copy of a duplicate row: the exception's id, type, key, organization, then the copy's fields."""
    copies = entries(row)
    lines = []
    for number, entry in enumerate(copies, start=1):
        stale = entry["stale"]
        lines.append((
            get(row, "id"), code, get(row, "hostname"), get(row, "organization"), f"{number} of {len(copies)}",
            vendor_name(entry["vendor"]), entry["vendor_device_id"], entry["hostname"], entry["display_name"],
            entry["organization"], entry["site"], last_contact(entry["last_contact"]), entry["os"],
            entry["agent_version"], None if stale is None else ("Yes" if stale else "No"), entry["console_url"],
        ))
    return lines


def _write_duplicates(wb: Workbook, lines: list[tuple]) -> None:
    """The copies of every duplicate, one line each, with a frozen header, an autofilter and links.

    Built cell by cell (it holds only duplicates: a few rows next to the data sheets), so the console
    link can be a real hyperlink (http and https only) rather than a formula.
    """
    ws = wb.create_sheet(title=DUPLICATES_SHEET)
    for index, (_, width) in enumerate(_DUPLICATE_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"
    header = []
    for name, _ in _DUPLICATE_COLUMNS:
        cell = WriteOnlyCell(ws, name)
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        header.append(cell)
    ws.append(header)
    for line in lines:
        cells = []
        for position, value in enumerate(line):
            if position == 1:  # the type: its label
                value = lookup(value).label if lookup(value) else value
            if value is None or value == "":
                cells.append(None)
            elif position == 11:
                cell = WriteOnlyCell(ws, as_datetime(value))
                cell.number_format = DATETIME_FORMAT
                cells.append(cell)
            elif position == 0 and isinstance(value, int):
                cells.append(value)
            else:
                text = strip_control_characters(as_text(value))[:MAX_CELL_TEXT]
                cell = _text_cell(ws, text)
                if position == len(line) - 1 and text.lower().startswith(("https://", "http://")):
                    cell.hyperlink = text
                    cell.font = _LINK_FONT
                cells.append(cell)
        ws.append(cells)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(_DUPLICATE_COLUMNS))}{max(len(lines) + 1, 2)}"


def _text_cell(ws, value: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value)
    cell.data_type = "s"  # never a formula or an error code, whatever the text looks like
    return cell


class _Sheet:
    """A write-only worksheet with a styled header, fitted widths, frozen header and autofilter.

    Data rows bypass openpyxl's per-cell objects: rows are rendered as XML text (inline strings,
    numbers, dates as serials with a date style: what openpyxl itself writes for these cell types),
    parsed by libxml2 in batches and handed to the worksheet's XML stream. 50,000 rows x 2 sheets
    take ~45 s through ``WriteOnlyCell`` and a few seconds this way. It relies on two internals of
    the pinned openpyxl (``_values_to_row`` and ``_writer.write_row``); tests/exports read every
    kind of cell back with openpyxl.
    """

    def __init__(self, wb: Workbook, title: str, columns: list[tuple[str, str, int]], widths: list[int]):
        # columns: (header, kind, default width)
        self.ws = ws = wb.create_sheet(title=title)
        self.kinds = [kind for _, kind, _ in columns]
        self.letters = [get_column_letter(i) for i in range(1, len(columns) + 1)]
        for letter, width in zip(self.letters, widths, strict=True):
            ws.column_dimensions[letter].width = width
        ws.freeze_panes = "A2"
        header = []
        for name, _, _ in columns:
            cell = WriteOnlyCell(ws, name)
            cell.font = _HEADER_FONT
            cell.fill = _HEADER_FILL
            header.append(cell)
        ws.append(header)
        self.styles = {DATE: self._style_id(DATE_FORMAT), DATETIME: self._style_id(DATETIME_FORMAT)}
        self.epoch = wb.epoch
        self.serials: dict[Any, float] = {}  # dates repeat a lot: convert each once
        ws._values_to_row = lambda values, row_idx: values  # batches of row XML pass through untouched
        ws._writer.write_row = self._write_batch
        self.pending: list[str] = []
        self.rows = 0
        self.ncols = len(columns)

    def _style_id(self, number_format: str) -> str:
        cell = WriteOnlyCell(self.ws)
        cell.number_format = number_format
        return str(cell.style_id)

    def _row_xml(self, values: Iterable[Any], r: str) -> str:
        parts = [f'<row r="{r}">']
        for letter, kind, value in zip(self.letters, self.kinds, values, strict=True):
            if value is None:
                continue
            if kind == DATE or kind == DATETIME:
                serial = self.serials.get(value)
                if serial is None:
                    serial = self.serials[value] = to_excel(value, self.epoch)
                parts.append(f'<c r="{letter}{r}" s="{self.styles[kind]}" t="n"><v>{serial!r}</v></c>')
            elif isinstance(value, int):
                parts.append(f'<c r="{letter}{r}" t="n"><v>{value}</v></c>')
            else:  # always an inline string: never a formula, whatever the text starts with
                space = ' xml:space="preserve"' if value != value.strip() else ""
                if "&" in value or "<" in value or ">" in value:
                    value = escape(value)
                parts.append(f'<c r="{letter}{r}" t="inlineStr"><is><t{space}>{value}</t></is></c>')
        parts.append("</row>")
        return "".join(parts)

    def _write_batch(self, xf, batch: list[str], _openpyxl_row_idx: int) -> None:
        # libxml2 parses a batch of rows far faster than Python builds them element by element.
        for row in fromstring("<rows>" + "".join(batch) + "</rows>"):
            xf.write(row)

    def append(self, values: Iterable[Any]) -> None:
        self.rows += 1
        self.pending.append(self._row_xml(values, str(self.rows + 1)))
        if len(self.pending) >= _BATCH_ROWS:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            self.ws.append(self.pending)  # one openpyxl "row" carries a whole batch to _write_batch
            self.pending = []

    def finish(self) -> None:
        self.flush()
        last_row = max(self.rows + 1, 2)
        self.ws.auto_filter.ref = f"A1:{self.letters[-1]}{last_row}"


def _fit_widths(defaults: list[int], headers: list[str], records: Iterable[tuple], indexes: list[int]) -> list[int]:
    widths = [max(d, len(h) + 2) for d, h in zip(defaults, headers, strict=True)]
    longest = [0] * len(indexes)
    for record in records:
        for pos, index in enumerate(indexes):
            value = record[index]
            if isinstance(value, str):
                size = len(value)
                if size > longest[pos]:
                    longest[pos] = size
    return [min(MAX_WIDTH, max(w, n + 2)) for w, n in zip(widths, longest, strict=True)]


def _sheet_title(code: str, used: set[str]) -> str:
    info = lookup(code)
    base = info.short_label if info else (code or "Other")
    base = "".join(ch for ch in base if ch not in '[]:*?/\\')[:31] or "Other"
    title, n = base, 2
    while title.lower() in used:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(title.lower())
    return title


def _write_summary(wb: Workbook, meta: ExportMeta, present: dict[str, int]) -> None:
    ws = wb.create_sheet(title="Summary")
    ws.column_dimensions["A"].width = 36
    ws.column_dimensions["B"].width = 26
    ws.column_dimensions["C"].width = 12
    ws.freeze_panes = "A2"

    def styled(value, font=None):
        cell = _text_cell(ws, value) if isinstance(value, str) else WriteOnlyCell(ws, value)
        if font is not None:
            cell.font = font
        return cell

    ws.append([styled(f"ES Inventory Hub — {meta.title}", _TITLE_FONT)])
    labels = {
        "generated_at": "Generated at (UTC)",
        "report_date": "Report date",
        "data_status": "Data status",
        "data_status_message": "Data status message",
        "filter_date": "Filter: date",
        "filter_include_resolved": "Filter: include resolved",
        "filter_variance_type": "Filter: variance type",
        "filter_organization": "Filter: organization",
        "total_exceptions": "Total exceptions",
    }
    for key, value in meta.items():
        if key in labels:
            if key == "total_exceptions":
                ws.append([styled(labels[key], _BOLD), meta.total])
            elif key == "report_date" and meta.report_date:
                cell = WriteOnlyCell(ws, meta.report_date)
                cell.number_format = DATE_FORMAT
                ws.append([styled(labels[key], _BOLD), cell])
            else:
                ws.append([styled(labels[key], _BOLD), styled(value) if value else None])
    if meta.total == 0 and not present:
        ws.append([])
        ws.append([styled(NO_EXCEPTIONS, _SECTION_FONT)])

    ws.append([])
    ws.append([styled("Exceptions by type", _SECTION_FONT)])
    ws.append([styled("Type", _BOLD), styled("Variance type", _BOLD), styled("Count", _BOLD)])
    known = {t.code for t in VARIANCE_TYPES}
    for info in VARIANCE_TYPES:
        ws.append([styled(info.label), styled(info.variance_type), meta.counts_by_type.get(info.code, 0)])
    for code, count in meta.counts_by_type.items():
        if code not in known:
            ws.append([styled(code or "Unknown"), None, count])
    ws.append([styled("Total", _BOLD), None, meta.total])

    ws.append([])
    ws.append([styled("Exceptions by organization", _SECTION_FONT)])
    ws.append([styled("Organization", _BOLD), styled("Count", _BOLD)])
    for name, count in meta.organizations_by_count():
        ws.append([styled(strip_control_characters(name) or "(no organization)"), count])


def write_excel(rows: Iterable[Mapping[str, Any]], meta: ExportMeta, target) -> None:
    """Write the workbook to ``target``: a path or a binary file object (e.g. ``io.BytesIO``)."""
    # One compact record per row, in COLUMNS order, plus its type code.
    records: list[tuple] = []
    duplicate_lines: list[tuple] = []
    for row in rows:
        record = _record(row)
        records.append(record)
        if record[_ENTRIES_INDEX] is not None:  # only duplicates with entries have this cell
            duplicate_lines += _duplicate_lines(row, record[0])

    org_index = 1 + [c.key for c in COLUMNS].index("organization")
    host_index = 1 + [c.key for c in COLUMNS].index("hostname")

    def order(record: tuple) -> tuple:
        return ((record[org_index] or "").casefold(), (record[host_index] or "").casefold())

    records.sort(key=lambda r: (type_order(r[0]), r[0], *order(r)))
    by_type: dict[str, list[tuple]] = defaultdict(list)
    for record in records:
        by_type[record[0]].append(record)

    wb = Workbook(write_only=True)
    _write_summary(wb, meta, {code: len(items) for code, items in by_type.items()})

    # One sheet per type present, in catalogue order.
    type_indexes = [1 + COLUMNS.index(c) for c in _TYPE_SHEET_COLUMNS]
    type_headers = [c.header for c in _TYPE_SHEET_COLUMNS]
    type_defaults = [c.width for c in _TYPE_SHEET_COLUMNS]
    type_columns = [(c.header, c.kind, c.width) for c in _TYPE_SHEET_COLUMNS]
    used_titles = {"summary", "devices by organization", DUPLICATES_SHEET.lower()}
    for code, items in by_type.items():
        widths = _fit_widths(type_defaults, type_headers, items, type_indexes)
        sheet = _Sheet(wb, _sheet_title(code, used_titles), type_columns, widths)
        for record in items:
            sheet.append(record[i] for i in type_indexes)
        sheet.finish()

    if duplicate_lines:
        duplicate_lines.sort(key=lambda line: (type_order(line[1]), (line[3] or "").casefold(), line[2] or ""))
        _write_duplicates(wb, duplicate_lines)

    # Devices by organization: every exception, grouped by organization, with the essentials only
    # (the type sheets hold every field; a compact sheet keeps the workbook fast to build and read).
    org_columns = [c for c in COLUMNS if c.key in _ORG_SHEET_KEYS]
    org_sheet_columns = [("Organization", TEXT, 24), (_TYPE_LABEL_HEADER, TEXT, 22)] + [
        (c.header, c.kind, c.width) for c in org_columns
    ]
    org_indexes = [1 + COLUMNS.index(c) for c in org_columns]
    records.sort(key=lambda r: (order(r)[0], type_order(r[0]), r[0], order(r)[1]))  # organization, type, host
    labels = {code: (lookup(code).label if lookup(code) else (code or None)) for code in by_type}
    org_records = [(r[org_index], labels[r[0]], *(r[i] for i in org_indexes)) for r in records]
    del records, by_type
    widths = _fit_widths(
        [w for _, _, w in org_sheet_columns],
        [h for h, _, _ in org_sheet_columns],
        org_records,
        list(range(len(org_sheet_columns))),
    )
    sheet = _Sheet(wb, "Devices by organization", org_sheet_columns, widths)
    for record in org_records:
        sheet.append(record)
    sheet.finish()

    wb.save(target)
