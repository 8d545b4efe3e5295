from datetime import date

import pytest

from inventory.models import Vendor
from tests import factories

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 23)
YESTERDAY = date(2026, 11, 22)


@pytest.fixture
def inventory():
    factories.snapshot(Vendor.NINJA, "NOCHI-002062482", display_name="NOCHI-002062482753 | SPARE", org="Nola Chill")
    factories.snapshot(
        Vendor.THREATLOCKER, "NOCHI-002062482753.local", display_name="NOCHI-002062482753 | Maintenance",
        org="Nola Chill",
    )
    factories.snapshot(Vendor.NINJA, "ACME-PC-01", org="Acme Corp")
    # Yesterday's rows are not the current inventory.
    factories.snapshot(Vendor.NINJA, "OLD-PC", org="Acme Corp", day=YESTERDAY)


def test_matches_across_vendors_with_each_hostname(reader, inventory):
    body = reader.get("/api/devices/search?q=nochi").json()
    assert body["count"] == 1
    device = body["results"][0]
    assert device["hostname"] == "nochi-002062482"
    assert device["ninja_hostname"] == "NOCHI-002062482"
    assert device["threatlocker_hostname"] == "NOCHI-002062482753"
    assert device["ninja_display_name"] == "NOCHI-002062482753 | SPARE"
    assert device["threatlocker_display_name"] == "NOCHI-002062482753 | Maintenance"
    assert device["organization"] == "Nola Chill"
    assert device["last_contact"].startswith("2026-11-23")
    assert sorted(device["vendors"]) == ["Ninja", "ThreatLocker"]


def test_full_threatlocker_name_finds_the_netbios_ninja_row(reader, inventory):
    body = reader.get("/api/devices/search?q=NOCHI-002062482753.local").json()
    assert body["count"] == 1 and body["results"][0]["ninja_hostname"] == "NOCHI-002062482"


def test_display_note_search(reader, inventory):
    assert reader.get("/api/devices/search?q=maintenance").json()["results"][0]["hostname"] == "nochi-002062482"


def test_only_latest_snapshots(reader, inventory):
    assert reader.get("/api/devices/search?q=OLD-PC").json()["count"] == 0


def test_no_match(reader, inventory):
    body = reader.get("/api/devices/search?q=zzz-nothing").json()
    assert body == {"query": "zzz-nothing", "count": 0, "truncated": False, "results": []}


@pytest.mark.parametrize("query", ["", "q=", "q=%20%20", "q=a"])
def test_missing_empty_or_short_q_is_400(reader, query):
    response = reader.get(f"/api/devices/search?{query}")
    assert response.status_code == 400
    assert response.json()["error"]["details"]["field"] == "q"


@pytest.fixture
def noted_device():
    """A device whose NinjaOne display name carries a note ThreatLocker's row does not have."""
    factories.snapshot(Vendor.NINJA, "WS-RECEPTION", display_name="WS-RECEPTION | Front desk", org="Acme Corp")
    factories.snapshot(Vendor.THREATLOCKER, "WS-RECEPTION.acme.local", display_name="WS-RECEPTION", org="Acme Corp")


def test_a_device_found_by_one_vendors_row_shows_every_vendors_row(reader, noted_device):
    body = reader.get("/api/devices/search?q=front desk").json()
    assert body["count"] == 1
    device = body["results"][0]
    assert sorted(device["vendors"]) == ["Ninja", "ThreatLocker"]
    assert device["ninja_display_name"] == "WS-RECEPTION | Front desk"
    assert device["threatlocker_hostname"] == "WS-RECEPTION"
    assert device["threatlocker_display_name"] == "WS-RECEPTION"
    assert device["threatlocker_last_checkin"] is not None


def test_the_devices_page_does_not_call_it_missing_from_threatlocker(staff_client, noted_device):
    html = staff_client.get("/devices/", {"q": "front desk"}).content.decode()
    assert 'data-copy="WS-RECEPTION"' in html and "not in ThreatLocker" not in html


def test_the_cut_counts_devices_not_rows(noted_device):
    from inventory.search import search_devices

    factories.snapshot(Vendor.NINJA, "WS-ANNEX", org="Acme Corp")
    factories.snapshot(Vendor.THREATLOCKER, "WS-ANNEX", org="Acme Corp")
    results, truncated = search_devices("ws-", limit=1)
    assert truncated and [r["hostname"] for r in results] == ["ws-annex"]
    assert sorted(results[0]["vendors"]) == ["Ninja", "ThreatLocker"]
    results, truncated = search_devices("ws-", limit=2)
    assert not truncated and [r["hostname"] for r in results] == ["ws-annex", "ws-reception"]
    assert all(sorted(r["vendors"]) == ["Ninja", "ThreatLocker"] for r in results)
