"""Per-organization figures come from the database over all devices: API, status and page agree.

A fleet of 540 Windows workstations across 24 organizations, where the largest
client's devices sort last by name (the old page grouped only the first 500
devices by name, so it would have missed them).
"""
import io
import re

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from inventory.models import Organization, Windows11Assessment
from inventory.windows11.engine import GIB
from inventory.windows11.service import run_assessment
from tests.windows11.conftest import ninja_windows

pytestmark = pytest.mark.django_db
BASE = "/api/windows-11-24h2"
OLD_CPU = "Intel(R) Core(TM) i5-6500 CPU @ 3.20GHz"


def _kind(i: int) -> dict:
    """Four kinds of device in turn: compatible, incompatible, not assessed, on 24H2 on unsupported hardware."""
    return [{}, {"cpu_model": OLD_CPU}, {"tpm_version": "", "tpm_present": None},
            {"os_build": "26100", "os_name": "Windows 11 Pro", "memory_bytes": 2 * GIB}][i % 4]


@pytest.fixture
def big_fleet(db):
    expected = {}
    for org_index in range(23):
        name = f"Client {org_index:02d}"
        for i in range(10 + org_index):
            ninja_windows(f"C{org_index:02d}-{i:03d}", org=name, **_kind(i))
        expected[name] = 10 + org_index
    # The largest client, whose hostnames sort after everyone else's.
    for i in range(27):
        ninja_windows(f"ZZ-LARGEST-{i:03d}", org="Largest Client", **_kind(i if i % 3 else 1))
    expected["Largest Client"] = 27
    total = sum(expected.values())
    assert total > 500 and len(expected) > 20
    return expected, total


def _org_rows(html: str) -> dict:
    rows = {}
    for name, cells in re.findall(r'<tr data-organization="([^"]+)">(.*?)</tr>', html, re.S):
        rows[name] = {key: int(value) for key, value in re.findall(r'data-count="(\w+)">(\d+)<', cells)}
    return rows


def test_status_page_and_incompatible_list_agree_per_organization_over_all_devices(reader, staff_client,
                                                                                   big_fleet):
    expected, total = big_fleet
    run_assessment()
    status = reader.get(f"{BASE}/status").json()
    assert status["total_windows_devices"] == total
    assert sum(status[k] for k in ("compatible_devices", "incompatible_devices", "not_assessed_devices",
                                   "already_on_24h2_devices")) == total

    by_org = {row["organization"]: row for row in status["by_organization"]}
    assert {name: row["total_windows_devices"] for name, row in by_org.items()} == expected
    for row in by_org.values():
        assert row["compatible_devices"] + row["incompatible_devices"] + row["not_assessed_devices"] + \
            row["already_on_24h2_devices"] == row["total_windows_devices"]
    incompatible = [row["incompatible_devices"] for row in status["by_organization"]]
    assert incompatible == sorted(incompatible, reverse=True)
    assert status["by_organization"][0]["organization"] == "Largest Client"
    assert sum(row["incompatible_devices"] for row in by_org.values()) == status["incompatible_devices"]
    assert sum(row["on_24h2_unsupported_devices"] for row in by_org.values()) == \
        status["on_24h2_unsupported_devices"] > 0

    # The incompatible list's groups count the whole set, not a page of it.
    listed = reader.get(f"{BASE}/incompatible", {"page_size": 10}).json()
    groups = {g["organization"]: g["devices"] for g in listed["by_organization"]}
    assert groups == {name: row["incompatible_devices"] for name, row in by_org.items() if row["incompatible_devices"]}

    # The page shows every organization, with the same counts.
    html = staff_client.get("/windows-11/").content.decode()
    page = _org_rows(html)
    assert set(page) == set(expected)
    for name, row in by_org.items():
        assert page[name] == {
            "total": row["total_windows_devices"], "compatible": row["compatible_devices"],
            "incompatible": row["incompatible_devices"], "not_assessed": row["not_assessed_devices"],
            "already_on_24h2": row["already_on_24h2_devices"],
            "on_24h2_unsupported": row["on_24h2_unsupported_devices"]}
    assert f"Show all {len(expected)} organizations" in html
    partition = re.search(r'data-testid="win11-partition">(\d+) Windows', html)
    assert int(partition[1]) == total
    assert "ZZ-LARGEST-001" in html  # the largest client's devices are listed, not cut off by name order


def test_page_for_one_organization_lists_all_its_incompatible_devices(staff_client, big_fleet):
    run_assessment()
    largest = Organization.objects.get(name="Largest Client")
    html = staff_client.get("/windows-11/", {"organization": largest.id}).content.decode()
    shown = set(re.findall(r"<strong>(ZZ-LARGEST-\d+)</strong>", html))
    assert shown == set(Windows11Assessment.objects.filter(
        organization=largest, category="incompatible").values_list("hostname", flat=True))
    assert not re.search(r"<strong>C\d\d-\d+</strong>", html)


def test_excel_and_pdf_exports_show_the_same_partition_and_organizations(reader, big_fleet):
    expected, total = big_fleet
    run_assessment()
    status = reader.get(f"{BASE}/status").json()
    response = reader.get(f"{BASE}/export/excel")
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.xlsx"')
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True) if len(row) > 1}
    assert (summary["Compatible"], summary["Incompatible"], summary["Not assessed"], summary["Already on 24H2"],
            summary["Total Windows devices"]) == (
        status["compatible_devices"], status["incompatible_devices"], status["not_assessed_devices"],
        status["already_on_24h2_devices"], total)
    header, *rows = list(book["By organization"].iter_rows(values_only=True))
    assert header[:7] == ("Organization", "Windows devices", "Compatible", "Incompatible", "Not assessed",
                          "Already on 24H2", "on unsupported hardware")
    assert [r[:7] for r in rows] == [
        (o["organization"], o["total_windows_devices"], o["compatible_devices"], o["incompatible_devices"],
         o["not_assessed_devices"], o["already_on_24h2_devices"], o["on_24h2_unsupported_devices"])
        for o in status["by_organization"]]
    device_rows = list(book["Devices"].iter_rows(values_only=True))[1:]
    assert len(device_rows) == total
    categories = [r[2] for r in device_rows]
    assert categories.count("incompatible") == status["incompatible_devices"]
    assert sum(1 for r in device_rows if r[4] == "yes") == status["on_24h2_unsupported_devices"]

    pdf = reader.get(f"{BASE}/export/pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    cells = [line.strip() for line in text.split("\n")]  # one table cell per line
    for org in status["by_organization"]:
        at = cells.index(org["organization"])
        assert cells[at + 1:at + 7] == [str(org[k]) for k in (
            "total_windows_devices", "compatible_devices", "incompatible_devices", "not_assessed_devices",
            "already_on_24h2_devices", "on_24h2_unsupported_devices")], org
    at = cells.index("Total Windows devices")
    assert cells[at + 1] == str(total)
