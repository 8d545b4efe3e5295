"""Client-ready exports over real reconciled data (issue 12): the CSV's first line is its header, rows
carry both vendors' clients, every format shows the duplicate entries' distinguishing fields, and a
PDF for one client holds that client's figures and trend and names no other client.

Duplicate entries are written in the shared contract's shape (branch dups12 makes the engine write
them); the seed's own DUP-PC keeps the older shape (hostname, display name, organization only).
"""
import csv
import io
import re

import openpyxl
import pypdf
import pytest

from inventory.models import Organization, Vendor
from tests.factories import snapshot
from variances import types as T
from variances.export_data import export_meta, parse_export_request, trend_series
from variances.exports.catalogue import TITLES
from variances.exports.pdf_export import OTHER_CLIENT
from variances.models import ExceptionRecord
from variances.services import reconcile_day

from .db_data import CAFE, D1, D2, seed_day

pytestmark = pytest.mark.django_db
URL = "/api/variances/export/"
MSP = "Northwind IT Services"
ACME = "Acme Corp"
NINJA_URL = "https://eu.ninjarmm.com/#/deviceDashboard/{}/overview"
ENTRIES = [
    {"vendor": "threatlocker", "vendor_device_id": "tl-7001", "hostname": "ACME-DUP.corp.local",
     "display_name": "ACME-DUP | reception", "organization": ACME, "site": "Head office",
     "last_contact": f"{D2.isoformat()}T08:00:00+00:00", "os": "Windows 11 Pro", "agent_version": "9.6.1",
     "console_url": "https://portal.threatlocker.com/computers/tl-7001", "stale": False},
    {"vendor": "threatlocker", "vendor_device_id": "tl-6001", "hostname": "ACME-DUP",
     "display_name": "ACME-DUP | old", "organization": ACME, "site": "Warehouse",
     "last_contact": f"{D1.isoformat()}T17:30:00+00:00", "os": "Windows 10 Pro", "agent_version": "8.9.0",
     "console_url": None, "stale": True},
]


def seed_clients():
    """The export seed, plus for Acme Corp a device filed under Globex in ThreatLocker and a duplicate."""
    for day, extra in ((D1, ("GONE-1",)), (D2, ())):
        seed_day(day, extra_orphans=extra)
        snapshot(Vendor.NINJA, "MOVED-PC", day=day, org=ACME)
        snapshot(Vendor.THREATLOCKER, "MOVED-PC", day=day, org="Globex")  # filed under different clients
        snapshot(Vendor.NINJA, "ACME-DUP", day=day, org=ACME)
        snapshot(Vendor.THREATLOCKER, "ACME-DUP", day=day, org=ACME)
        snapshot(Vendor.THREATLOCKER, "ACME-DUP", day=day, org=ACME)
        reconcile_day(day)
    dup = ExceptionRecord.objects.get(type=T.DUPLICATE_TL, canonical_key="acme-dup")
    dup.details = {**dup.details, "count": 2, "entries": ENTRIES}
    dup.save(update_fields=["details"])
    return Organization.objects.get(name=ACME)


@pytest.fixture
def acme(db, settings):
    settings.ESINV_MSP_NAME = MSP
    # Entries' console links are built from these when read (variances.duplicates.entries).
    settings.ESINV_THREATLOCKER_CONSOLE_URL = "https://portal.threatlocker.com/computers/{id}"
    settings.ESINV_NINJA_CONSOLE_URL = NINJA_URL.replace("{}", "{id}")
    return seed_clients()


def csv_rows(response) -> list[dict]:
    assert response.status_code == 200, response.getvalue()[:300]
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"), newline="")))


def api_counts(reader, organization: str, day=D2) -> dict[str, int]:
    """Exceptions present on `day` for one client, by type code, from GET /api/variance-report/{date}."""
    report = reader.get(f"/api/variance-report/{day.isoformat()}").json()
    return {kind.code: len(report[kind.api_name]["by_organization"].get(organization, [])) for kind in T.KINDS}


def pdf_pages(response) -> list[str]:
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(response.getvalue())).pages]


# --- CSV -------------------------------------------------------------------------------------------

def test_csv_header_first_and_both_clients_on_every_row(reader, acme):
    rows = csv_rows(reader.get(URL + "csv", {"include_resolved": "true"}))
    assert rows and set(rows[0]) >= {"id", "hostname", "ninja_organization", "threatlocker_organization"}
    moved = next(r for r in rows if r["type"] == T.SITE_MISMATCH)
    assert (moved["hostname"], moved["ninja_organization"], moved["threatlocker_organization"]) == (
        "moved-pc", ACME, "Globex")
    orphan = next(r for r in rows if r["hostname"] == "orphan-a")  # ThreatLocker only
    assert (orphan["ninja_organization"], orphan["threatlocker_organization"]) == ("", ACME)


def test_csv_meta_true_gives_the_block_first(reader, acme):
    text = b"".join(reader.get(URL + "csv", {"meta": "true", "organization": ACME}).streaming_content)
    lines = text.decode("utf-8-sig").split("\r\n")
    blank = lines.index("")
    block = dict(line.split(",", 1) for line in lines[:blank])
    assert block["report_date"] == D2.isoformat() and block["filter_organization"] == ACME
    assert int(block["total_exceptions"]) == sum(api_counts(reader, ACME).values())
    assert lines[blank + 1].startswith("id,type,variance_type,")


def test_csv_duplicate_entries_one_line_per_copy(reader, acme):
    rows = {r["hostname"]: r for r in csv_rows(reader.get(URL + "csv", {"variance_type": "threatlocker_duplicates"}))}
    lines = rows["acme-dup"]["duplicate_entries"].split("\n")
    assert len(lines) == 2
    assert "id: tl-7001" in lines[0] and f"last contact: {D2.isoformat()} 08:00 UTC" in lines[0]
    assert "copy: newest" in lines[0] and "console: https://portal.threatlocker.com/computers/tl-7001" in lines[0]
    assert "id: tl-6001" in lines[1] and "site: Warehouse" in lines[1] and "copy: stale" in lines[1]
    # entries reconciliation wrote from the snapshots: each copy's own vendor id and the console link built from it
    made = rows["dup-pc"]["duplicate_entries"].split("\n")
    ids = [line.split("id: ")[1].split(" ·")[0] for line in made]
    assert len(made) == 2 and len(set(ids)) == 2 and all("client: Globex" in line for line in made)
    portal = "console: https://portal.threatlocker.com/computers/"
    assert all(f"{portal}{i}" in line for i, line in zip(ids, made, strict=True))


# --- Excel -----------------------------------------------------------------------------------------

def test_excel_site_mismatch_has_both_clients_and_duplicates_their_own_sheet(reader, acme):
    response = reader.get(URL + "excel", {"include_resolved": "true"})
    wb = openpyxl.load_workbook(io.BytesIO(response.getvalue()))
    sheet = wb[T.BY_CODE[T.SITE_MISMATCH].label]
    header, *records = [row for row in sheet.iter_rows(values_only=True)]
    row = dict(zip(header, records[0], strict=True))
    assert (row["Hostname"], row["NinjaOne client"], row["ThreatLocker client"]) == ("moved-pc", ACME, "Globex")
    by_org = wb["Devices by organization"]
    org_header = [c.value for c in by_org[1]]
    assert {"NinjaOne client", "ThreatLocker client"} <= set(org_header)

    copies = wb["Duplicate entries"]
    header = [c.value for c in copies[1]]
    lines = [dict(zip(header, [c for c in row], strict=True)) for row in copies.iter_rows(min_row=2)]
    acme_lines = [line for line in lines if line["Device"].value == "acme-dup"]
    assert [line["Vendor device ID"].value for line in acme_lines] == ["tl-7001", "tl-6001"]
    assert [line["Stale"].value for line in acme_lines] == ["No", "Yes"]
    assert acme_lines[0]["Last contact (UTC)"].value.isoformat() == f"{D2.isoformat()}T08:00:00"
    assert acme_lines[0]["Site"].value == "Head office" and acme_lines[0]["OS"].value == "Windows 11 Pro"
    link = acme_lines[0]["Console link"]
    assert link.hyperlink.target == "https://portal.threatlocker.com/computers/tl-7001"
    # the stored entry had no link: the setting builds it when read
    assert acme_lines[1]["Console link"].value == "https://portal.threatlocker.com/computers/tl-6001"
    assert {line["Device"].value for line in lines} == {"acme-dup", "dup-pc"}


# --- PDF -------------------------------------------------------------------------------------------

def test_one_client_pdf_has_its_figures_msp_and_date_and_no_other_client(reader, acme):
    pages = pdf_pages(reader.get(URL + "pdf", {"organization": "acme corp", "include_resolved": "true"}))
    text = "\n".join(pages)
    first = re.sub(r"[ \t]+", " ", pages[0])
    assert f"Device inventory report — {ACME}" in first
    counts = api_counts(reader, ACME)
    assert counts[T.SITE_MISMATCH] == counts[T.DUPLICATE_TL] == 1 and counts[T.MISSING_NINJA] >= 1
    for code, n in counts.items():
        assert re.search(rf"{re.escape(TITLES[code])}\s*{n}\b", first), (code, n)
    assert re.search(rf"Total\s*{sum(counts.values())}\b", first)
    for number, page in enumerate(pages, start=1):  # the MSP and the report date on every page
        assert MSP in page and f"Report date {D2.isoformat()}" in page, number
    others = set(Organization.objects.exclude(pk=acme.pk).values_list("name", flat=True))
    assert {"Globex", CAFE} <= others
    for name in others:
        assert name.casefold() not in text.casefold(), name
    assert OTHER_CLIENT in text  # MOVED-PC: ThreatLocker files it under a client this report does not name
    assert "moved-pc" in text and "acme-dup" in text and "orphan-a" in text
    assert "dup-pc" not in text and "no-agent" not in text  # Globex's devices
    for code in ("missing_in_ninja", "site_mismatches", "variance type", "SITE_MISMATCH"):
        assert code not in text


def test_all_clients_pdf_names_both_clients_of_a_site_mismatch(reader, acme):
    text = "\n".join(pdf_pages(reader.get(URL + "pdf", {"variance_type": "site_mismatches"})))
    line = next(line for line in text.splitlines() if line.startswith("moved-pc"))
    assert ACME in line and "Globex" in line and OTHER_CLIENT not in text


def test_pdf_duplicates_show_each_copy(reader, acme):
    text = "\n".join(pdf_pages(reader.get(URL + "pdf", {"organization": ACME})))
    section = text[text.index(TITLES[T.DUPLICATE_TL]):]
    assert "Vendor ID" in section and "Console link" in section
    assert re.search(r"acme-dup ThreatLocker tl-7001 ACME-DUP\.corp\.local Head office "
                     rf"{D2.isoformat()} 08:00 UTC Windows 11 Pro 9\.6\.1 newest", section)
    assert re.search(rf"ThreatLocker tl-6001 ACME-DUP Warehouse {D1.isoformat()} 17:30 UTC .* stale", section)
    assert "https://portal.threatlocker.com/computers/tl-7001" in section


def test_one_client_trend_is_computed_for_that_client(reader, acme):
    """The PDF's trend for one client: its own counts per reconciled day, not the MSP's."""
    mine = dict(trend_series(D2, organization_id=acme.pk))
    everyone = dict(trend_series(D2))
    assert set(mine) == set(everyone) == {D1, D2}
    for day in (D1, D2):
        expected = {code: n for code, n in api_counts(reader, ACME, day).items()}
        assert {code: mine[day].get(code, 0) for code in expected} == expected, day
        assert sum(mine[day].values()) < sum(everyone[day].values())
    globex = Organization.objects.get(name="Globex")
    assert dict(trend_series(D2, organization_id=globex.pk))[D2][T.MISSING_THREATLOCKER] == 1
    # what the one-client PDF draws
    assert list(export_meta(parse_export_request({"organization": ACME})).trend) == trend_series(
        D2, organization_id=acme.pk)
