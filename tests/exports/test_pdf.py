import datetime as dt
import io
import re
import shutil
import subprocess

import pypdf
import pytest

from variances.exports import DataStatus, ExportFilters, write_pdf
from variances.exports.pdf_export import NO_EXCEPTIONS, TABLE_CHUNK_ROWS

from .conftest import REPORT_DATE, make_meta, make_row

TREND = [
    (REPORT_DATE - dt.timedelta(days=29 - i), {"MISSING_NINJA": i % 5, "DUPLICATE_TL": 3, "SITE_MISMATCH": i % 2})
    for i in range(30)
]


def build(rows, meta=None) -> pypdf.PdfReader:
    buffer = io.BytesIO()
    write_pdf(iter(rows), meta or make_meta(rows, trend=TREND), buffer)
    buffer.seek(0)
    return pypdf.PdfReader(buffer)


def texts(reader):
    return [page.extract_text() for page in reader.pages]


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_executive_summary_page(mixed_rows):
    meta = make_meta(
        mixed_rows,
        trend=TREND,
        data_status=DataStatus("stale_data", "Data is 3 days old"),
        filters=ExportFilters(include_resolved=True),
        counts_by_type={"MISSING_NINJA": 17, "DUPLICATE_TL": 2, "SITE_MISMATCH": 1},
    )
    first = texts(build(mixed_rows, meta))[0]
    assert "Device inventory report — All clients" in first
    assert "Prepared by Your MSP · report date 2026-11-23" in first
    assert "Stale data" in first and "Data is 3 days old" in first
    assert "All exception types · open and resolved exceptions · all clients · latest report" in first
    assert "Exceptions by type" in first and "Trend, last 30 days" in first
    # the summary table shows the numbers passed in, with plain-words titles, and their total
    assert re.search(r"Devices missing from NinjaOne\s*17", first)
    assert re.search(r"Devices listed more than once in ThreatLocker\s*2", first)
    assert re.search(r"Total\s*20", first)
    assert "Café Müller GmbH" in first  # top organizations (all clients)
    for code in ("missing_in_ninja", "threatlocker_duplicates", "stale_data", "variance type", "include resolved="):
        assert code not in first


def test_a_table_per_type_grouped_by_organization(mixed_rows):
    mixed_rows[1]["action"] = "Check (urgent) C:\\temp"
    pages = texts(build(mixed_rows))
    detail = "\n".join(pages[1:])
    order = [detail.index(label) for label in ("Devices missing from NinjaOne — 2",
                                               "Devices listed more than once in ThreatLocker — 2")]
    assert order == sorted(order)
    assert "Filed under different clients — 1 exception" in detail
    assert "Ünïcode-PC" in detail and "Café Müller GmbH" in detail
    assert "=cmd|' /c calc'" in detail  # shown as typed (a PDF evaluates nothing)
    assert "Resolved/Verifiedbycollector" in squash(detail)  # status labels, wrapped in their column
    assert "Open / Active" in detail and "Billable" in detail
    assert "2026-11-01" in detail
    assert "Check (urgent) C:\\temp" in detail  # PDF string escaping of ( ) and \\


def test_every_page_has_page_numbers_and_the_generated_at_footer():
    rows = [make_row("MISSING_NINJA", f"ws-{i:04d}", "Acme Inc.") for i in range(TABLE_CHUNK_ROWS + 80)]
    reader = build(rows)
    pages = texts(reader)
    assert len(pages) >= 3
    for number, text in enumerate(pages, start=1):
        assert re.search(rf"Page {number} of\s*{len(pages)}\b", text), text[-200:]
        assert "Generated 2026-11-23 14:05 UTC" in text
    # the header row repeats on every detail page and every row is there once
    detail = "\n".join(pages[1:])
    assert detail.count("NinjaOne display name") == len(pages) - 1
    assert all(f"ws-{i:04d} | front desk" in detail for i in range(len(rows)))


def test_long_hostnames_wrap_inside_their_column():
    long_name = "VERY-LONG-HOSTNAME-FOR-A-LAB-WORKSTATION-IN-BUILDING-7-ROOM-42-EAST-WING"
    pages = texts(build([make_row("MISSING_NINJA", long_name, "Acme Inc.")]))
    detail = pages[1]
    assert long_name not in detail  # not on one line (it would overflow the column)
    assert long_name in squash(detail)  # but all of it is there


def test_empty_report_says_so():
    reader = build([], make_meta([], data_status=DataStatus("no_data", "No variance report yet")))
    pages = texts(reader)
    assert len(pages) == 1
    assert NO_EXCEPTIONS in pages[0]
    assert re.search(r"Page 1 of\s*1", pages[0])


def test_writes_to_a_path(tmp_path, mixed_rows):
    path = tmp_path / "report.pdf"
    write_pdf(mixed_rows, make_meta(mixed_rows), path)
    assert pypdf.PdfReader(path).pages[0].extract_text().startswith("Device inventory report")


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is not installed")
def test_first_page_renders_to_png(tmp_path, mixed_rows):
    pdf = tmp_path / "report.pdf"
    write_pdf(mixed_rows, make_meta(mixed_rows, trend=TREND), pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
        check=True,
        timeout=60,
    )
    (png,) = tmp_path.glob("page*.png")
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG")
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert width > height  # landscape A4 at 60 dpi: about 702 x 496
    assert len(data) > 10_000  # charts and tables, not a blank page


def test_without_dejavu_the_report_falls_back_to_helvetica_and_says_so(monkeypatch, mixed_rows):
    from variances.exports import pdf_export

    monkeypatch.setattr(
        pdf_export, "register_fonts", lambda: ("Helvetica", "Helvetica-Bold", pdf_export.FALLBACK_FONT_NOTE)
    )
    reader = build(mixed_rows)
    first = texts(reader)[0]
    assert "Font: Helvetica (DejaVu Sans not installed" in first
    assert "Café Müller GmbH" in first  # Latin-1 still renders
    fonts = {str(font) for page in reader.pages for font in _font_names(page)}
    assert not any("DejaVu" in name for name in fonts)


def _font_names(page):
    resources = page["/Resources"]
    for font in resources.get("/Font", {}).values():
        yield font.get_object()["/BaseFont"]


def test_non_ascii_text_is_set_in_an_embedded_dejavu_font(mixed_rows):
    from variances.exports.pdf_export import register_fonts

    if register_fonts()[0] != "DejaVuSans":
        pytest.skip("DejaVu Sans is not installed (Debian package fonts-dejavu-core)")
    reader = build(mixed_rows)
    fonts = {str(font) for page in reader.pages for font in _font_names(page)}
    assert any("DejaVuSans" in name for name in fonts)
    assert "Ünïcode-PC" in "\n".join(texts(reader)[1:])
