"""Per-organization figures come from the database over all devices: API, status and page agree.

A fleet of 540 Windows workstations across 24 organizations, where the largest
client's devices sort last by name (the old page grouped only the first 500
devices by name, so it would have missed them).
"""
import re

import pytest

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
