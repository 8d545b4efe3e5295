import datetime as dt
import io

import openpyxl
import pytest

from variances.exports import ExportFilters, write_excel
from variances.exports.excel_export import NO_EXCEPTIONS

from .conftest import make_meta, make_row


def build(rows, meta=None):
    buffer = io.BytesIO()
    write_excel(iter(rows), meta or make_meta(rows), buffer)
    buffer.seek(0)
    return openpyxl.load_workbook(buffer)


def records(ws):
    header, *rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(header, row, strict=True)) for row in rows]


def summary_values(ws):
    return {row[0]: row[1:] for row in ws.iter_rows(values_only=True) if row and row[0] is not None}


def test_sheets_are_summary_types_present_and_devices_by_organization(mixed_rows):
    wb = build(mixed_rows)
    assert wb.sheetnames == [
        "Summary",
        "Missing in NinjaOne",
        "Duplicate in ThreatLocker",
        "Filed under different clients",
        "Devices by organization",
    ]


def test_type_sheets_hold_their_rows_sorted_by_organization(mixed_rows):
    wb = build(mixed_rows)
    missing = records(wb["Missing in NinjaOne"])
    assert [r["Organization"] for r in missing] == ["Acme Inc.", "Café Müller GmbH"]
    assert missing[1]["NinjaOne hostname"] == "Ünïcode-PC"
    assert missing[0]["Notes"] == 'said "later", then\nleft'
    site = records(wb["Filed under different clients"])
    assert site[0]["Status"] == "resolved"
    assert site[0]["Resolved at"] == dt.datetime(2026, 11, 22, 16, 30)  # aware UTC stored as naive UTC


def test_devices_by_organization_groups_every_exception(mixed_rows):
    rows = records(build(mixed_rows)["Devices by organization"])
    assert [(r["Organization"], r["Type"]) for r in rows] == [
        ("Acme Inc.", "Missing in NinjaOne"),
        ("Acme Inc.", "Duplicate in ThreatLocker"),
        ("Café Müller GmbH", "Missing in NinjaOne"),
        ("Zeta, Ltd.", "Duplicate in ThreatLocker"),
        ("Zeta, Ltd.", "Filed under different clients"),
    ]


def test_summary_shows_passed_numbers_status_and_filters(mixed_rows):
    meta = make_meta(
        mixed_rows,
        filters=ExportFilters(date="2026-11-23", include_resolved=True, variance_type="all", organization="Acme Inc."),
        counts_by_type={"missing_in_ninja": 12, "DUPLICATE_TL": 3},
        counts_by_organization={"Acme Inc.": 15},
    )
    values = summary_values(build(mixed_rows, meta)["Summary"])
    assert values["Missing in NinjaOne"][:2] == ("missing_in_ninja", 12)
    assert values["Duplicate in ThreatLocker"][:2] == ("threatlocker_duplicates", 3)
    assert values["Filed under different clients"][:2] == ("site_mismatches", 0)
    assert values["Total exceptions"][0] == 15
    assert values["Total"][1] == 15
    assert values["Acme Inc."][0] == 15
    assert values["Data status"][0] == "current"
    assert values["Filter: include resolved"][0] == "true"
    assert values["Filter: organization"][0] == "Acme Inc."
    assert values["Generated at (UTC)"][0] == "2026-11-23T14:05:09+00:00"
    assert values["Report date"][0] == dt.datetime(2026, 11, 23)


def test_user_text_is_never_a_formula(mixed_rows):
    rows = [*mixed_rows, make_row("DUPLICATE_TL", "#N/A", "=HYPERLINK(\"http://x\")")]
    wb = build(rows)
    ws = wb["Duplicate in ThreatLocker"]
    cells = [c for row in ws.iter_rows(min_row=2) for c in row if isinstance(c.value, str)]
    texts = {c.value: c.data_type for c in cells}
    assert texts["=cmd|' /C calc'!A0"] == "s"
    assert texts["@SUM(A1:A9)"] == "s"
    assert texts["#N/A"] == "s"
    assert texts['=HYPERLINK("http://x")'] == "s"
    assert all(c.data_type != "f" for ws in wb.worksheets for row in ws.iter_rows() for c in row)


def test_dates_are_real_dates_with_a_date_format(mixed_rows):
    ws = build(mixed_rows)["Missing in NinjaOne"]
    header = [c.value for c in ws[1]]
    found = ws.cell(row=2, column=header.index("Date found") + 1)
    assert found.is_date and found.value == dt.datetime(2026, 11, 1)
    assert found.number_format == "yyyy-mm-dd"
    assert ws.cell(row=2, column=header.index("ID") + 1).data_type == "n"


def test_frozen_header_autofilter_and_fitted_widths():
    long_name = "VERY-LONG-HOSTNAME-FOR-A-LAB-WORKSTATION-042"
    rows = [make_row(hostname=long_name), make_row(hostname="ws-2")]
    wb = build(rows)
    for title in ("Missing in NinjaOne", "Devices by organization"):
        ws = wb[title]
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref == f"A1:{ws.cell(row=1, column=ws.max_column).column_letter}3"
    ws = wb["Missing in NinjaOne"]
    header = [c.value for c in ws[1]]
    ninja = ws.column_dimensions[ws.cell(row=1, column=header.index("NinjaOne hostname") + 1).column_letter]
    status = ws.column_dimensions[ws.cell(row=1, column=header.index("Status") + 1).column_letter]
    assert ninja.width >= len(long_name)
    assert status.width < ninja.width


def test_control_characters_are_dropped_and_unknown_keys_ignored():
    wb = build([make_row(hostname="bad\x07name", extra_field=object())])
    assert records(wb["Missing in NinjaOne"])[0]["NinjaOne hostname"] == "badname"


def test_empty_export_says_there_are_no_exceptions(tmp_path):
    path = tmp_path / "empty.xlsx"
    write_excel([], make_meta([]), path)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Summary", "Devices by organization"]
    values = summary_values(wb["Summary"])
    assert NO_EXCEPTIONS in values
    assert values["Total exceptions"][0] == 0
    assert records(wb["Devices by organization"]) == []


@pytest.mark.parametrize("code", ["MISSING_NINJA", "SPARE_MISMATCH"])
def test_single_type_filter_gives_one_type_sheet(code):
    wb = build([make_row(code, f"ws-{i}") for i in range(3)])
    assert len(wb.sheetnames) == 3
    assert len(records(wb[wb.sheetnames[1]])) == 3


def test_markup_characters_and_edge_whitespace_round_trip():
    wb = build([make_row(hostname="a&b<c>", notes="  indented note ", organization="Smith & Sons <UK>")])
    record = records(wb["Missing in NinjaOne"])[0]
    assert record["NinjaOne hostname"] == "a&b<c>"
    assert record["Notes"] == "  indented note "
    assert record["Organization"] == "Smith & Sons <UK>"


def test_rows_may_be_objects_with_attributes():
    class Record:
        def __init__(self, **fields):
            self.__dict__.update(fields)

    wb = build([Record(**make_row("SPARE_MISMATCH", "obj-pc"))])
    assert wb.sheetnames[1] == "Spare still in ThreatLocker"
    assert records(wb["Spare still in ThreatLocker"])[0]["NinjaOne hostname"] == "obj-pc"


def test_duplicate_entries_sheet_links_only_web_addresses_and_keeps_text_as_text():
    copies = [
        {"vendor": "ninja", "vendor_device_id": "42", "hostname": "=DUP-PC", "organization": "Acme Inc.",
         "last_contact": "2026-11-23T08:00:00+00:00", "console_url": "https://eu.ninjarmm.com/#/deviceDashboard/42/overview",
         "stale": False},
        {"vendor": "ninja", "vendor_device_id": "43", "hostname": "DUP-PC", "organization": "Acme Inc.",
         "last_contact": "not a date", "console_url": "javascript:alert(1)", "stale": True},
    ]
    wb = build([make_row("DUPLICATE_NINJA", "DUP-PC", entries=copies), make_row("MISSING_NINJA", "ws-1")])
    assert wb.sheetnames.index("Duplicate entries") == len(wb.sheetnames) - 2  # before Devices by organization
    sheet = wb["Duplicate entries"]
    header = [c.value for c in sheet[1]]
    first, second = ({h: c for h, c in zip(header, row, strict=True)} for row in sheet.iter_rows(min_row=2))
    assert first["Vendor"].value == "NinjaOne" and first["Copy"].value == "1 of 2" and second["Stale"].value == "Yes"
    assert first["Hostname"].value == "=DUP-PC" and first["Hostname"].data_type == "s"  # never a formula
    assert first["Console link"].hyperlink.target.startswith("https://eu.ninjarmm.com/")
    assert second["Console link"].value == "javascript:alert(1)" and second["Console link"].hyperlink is None
    assert second["Last contact (UTC)"].value is None
    assert "Duplicate entries" not in build([make_row("MISSING_NINJA", "ws-1")]).sheetnames
