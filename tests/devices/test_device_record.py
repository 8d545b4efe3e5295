"""One device: GET /api/devices/{key} and the /devices/<key>/ page, and the plain timeline functions."""
from datetime import date, timedelta

import pytest
from django.utils import timezone

from inventory.device_record import seen_ranges, vendor_timeline
from inventory.models import Vendor
from tests import factories

D = date(2026, 11, 1)


def day(n: int) -> date:
    return D + timedelta(days=n)


# --- plain functions ---------------------------------------------------------------------------------------


def test_seen_ranges_fold_consecutive_days_and_keep_gaps():
    days = [day(3), day(0), day(1), day(2), day(5), day(5), day(9)]
    assert seen_ranges(days) == [{"from": day(0), "to": day(3)}, {"from": day(5), "to": day(5)},
                                 {"from": day(9), "to": day(9)}]
    assert seen_ranges([]) == []


def test_vendor_timeline_reports_client_changes_and_going_spare():
    rows = [(day(0), 1, "Acme", False), (day(1), 1, "Acme", False), (day(4), 2, "Beta", False),
            (day(5), 2, "Beta", True), (day(5), 2, "Beta", False),  # a duplicate day: spare when any row is
            (day(6), 2, "Beta", True), (day(7), 2, "Beta", False)]
    line = vendor_timeline(rows, day(0), day(9))
    assert line["seen"] == [{"from": day(0), "to": day(1)}, {"from": day(4), "to": day(7)}]
    assert line["days_seen"] == 6
    assert line["organization_changes"] == [{"date": day(4), "from": "Acme", "to": "Beta", "from_id": 1,
                                             "to_id": 2}]
    assert line["spare"] == [{"from": day(5), "to": day(6)}]
    assert line["went_spare"] == [day(5)]
    assert line["spare_changes"] == [{"date": day(5), "spare": True}, {"date": day(7), "spare": False}]
    assert line["spare_at_start"] is False


def test_vendor_timeline_of_nothing():
    line = vendor_timeline([], day(0), day(9))
    assert line["seen"] == [] and line["days_seen"] == 0 and line["first_seen"] is None
    assert line["organization_changes"] == [] and line["went_spare"] == []


# --- the API on planted history ----------------------------------------------------------------------------

TODAY = timezone.localdate()


def ago(n: int) -> date:
    return TODAY - timedelta(days=n)


@pytest.fixture
def history(db):
    """WS-HIST-01 in NinjaOne 20..15 days ago under Acme, a gap, then 10 days ago to today under Beta, a spare
    for the last 3 days; in ThreatLocker (its full name) for the last 5 days; and a row 100 days ago, outside
    the window. Once missing from ThreatLocker (resolved by staff with a note), now a spare still in
    ThreatLocker (open)."""
    from variances.models import ExceptionRecord
    from variances.services import apply_action, reconcile_day

    factories.snapshot(Vendor.NINJA, "WS-HIST-01", day=ago(100), org="Acme Corp")
    for n in range(20, 14, -1):
        factories.snapshot(Vendor.NINJA, "WS-HIST-01", day=ago(n), org="Acme Corp", os_name="Windows 10 Pro",
                           manufacturer="Dell Inc.", model="OptiPlex 7070", serial_number="SN-OLD")
    for n in range(10, -1, -1):
        spare = n <= 2
        factories.snapshot(Vendor.NINJA, "WS-HIST-01", day=ago(n), org="Beta LLC",
                           display_name="WS-HIST-01 | SPARE shelf" if spare else "WS-HIST-01 | Reception",
                           os_name="Windows 11 Pro", os_build="22631", manufacturer="Dell Inc.",
                           model="OptiPlex 7070", serial_number="SN-7070", cpu_model="Intel(R) Core(TM) i5-9500",
                           memory_bytes=16 * 1024 ** 3, tpm_present=True, tpm_enabled=True, tpm_version="2.0",
                           secure_boot=True, location="Front office")
    for n in range(4, -1, -1):
        factories.snapshot(Vendor.THREATLOCKER, "WS-HIST-01.beta.local", day=ago(n), org="Beta LLC",
                           display_name="WS-HIST-01 | SPARE shelf", location="Beta HQ")
    factories.snapshot(Vendor.THREATLOCKER, "OTHER-PC", day=ago(16), org="Beta LLC")  # so day -16 reconciles
    reconcile_day(ago(16))
    missing = ExceptionRecord.objects.get(canonical_key="ws-hist-01", type="MISSING_THREATLOCKER")
    apply_action([missing.pk], "resolve", notes="Agent reinstalled by Sam", actor="tech")
    reconcile_day(TODAY)
    return "ws-hist-01"


def test_the_device_record_has_both_vendors_facts(reader, history):
    response = reader.get(f"/api/devices/{history}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["key"] == "ws-hist-01" and body["hostname"] == "WS-HIST-01"
    ninja, tl = body["vendors"]["ninja"], body["vendors"]["threatlocker"]
    assert ninja["snapshot_date"] == TODAY.isoformat() and ninja["in_latest_snapshot"] is True
    entry = ninja["entries"][0]
    assert entry["display_name"] == "WS-HIST-01 | SPARE shelf" and entry["is_spare"] is True
    assert entry["organization"] == "Beta LLC" and entry["location"] == "Front office"
    assert (entry["manufacturer"], entry["model"], entry["serial_number"]) == ("Dell Inc.", "OptiPlex 7070",
                                                                               "SN-7070")
    assert entry["os_name"] == "Windows 11 Pro" and entry["os_build"] == "22631"
    assert entry["memory_bytes"] == 16 * 1024 ** 3 and entry["tpm_version"] == "2.0"
    assert entry["billing_status"] == "spare" and entry["last_contact"].startswith(TODAY.isoformat())
    assert tl["entries"][0]["hostname"] == "WS-HIST-01.beta.local" and tl["entries"][0]["location"] == "Beta HQ"
    assert tl["duplicate_count"] == 1


def test_the_timeline_ranges_gaps_client_change_and_spare(reader, history):
    timeline = reader.get(f"/api/devices/{history}").json()["timeline"]
    assert timeline["end"] == TODAY.isoformat() and timeline["start"] == ago(89).isoformat()
    ninja = timeline["vendors"]["ninja"]
    # The row 100 days ago is outside the window; the gap between 15 and 10 days ago splits the ranges.
    assert ninja["seen"] == [{"from": ago(20).isoformat(), "to": ago(15).isoformat()},
                             {"from": ago(10).isoformat(), "to": TODAY.isoformat()}]
    assert ninja["days_seen"] == 17
    assert [(c["date"], c["from"], c["to"]) for c in ninja["organization_changes"]] == [
        (ago(10).isoformat(), "Acme Corp", "Beta LLC")]
    assert ninja["went_spare"] == [ago(2).isoformat()]
    assert ninja["spare"] == [{"from": ago(2).isoformat(), "to": TODAY.isoformat()}]
    tl = timeline["vendors"]["threatlocker"]
    assert tl["seen"] == [{"from": ago(4).isoformat(), "to": TODAY.isoformat()}]
    assert tl["organization_changes"] == [] and tl["went_spare"] == []


def test_open_and_past_exceptions_with_notes_and_audit_trail(reader, history):
    exceptions = reader.get(f"/api/devices/{history}").json()["exceptions"]
    assert [e["type"] for e in exceptions["open"]] == ["SPARE_MISMATCH"]
    [past] = exceptions["past"]
    assert past["type"] == "MISSING_THREATLOCKER" and past["status"] == "resolved"
    assert "Agent reinstalled by Sam" in past["notes"]
    assert [e["action"] for e in past["events"]] == ["created", "resolved"]
    assert past["events"][1]["actor"] == "tech" and "Agent reinstalled" in past["events"][1]["notes"]
    assert exceptions["open"][0]["events"][0]["action"] == "created"


def test_the_windows11_verdict_and_why(reader, db):
    from inventory.windows11.service import run_assessment
    from tests.pages.conftest import WIN11_GOOD

    factories.snapshot(Vendor.NINJA, "OLD-TPM-PC", day=TODAY, **{**WIN11_GOOD, "tpm_version": "1.2"})
    factories.snapshot(Vendor.NINJA, "GOOD-PC", day=TODAY, **WIN11_GOOD)
    run_assessment()
    verdict = reader.get("/api/devices/old-tpm-pc").json()["windows11"]
    assert verdict["category"] == "incompatible"
    assert [d["requirement"] for d in verdict["deficiencies"]] == ["tpm_2"]
    assert verdict["deficiencies"][0]["found"] and verdict["deficiencies"][0]["remediation"]
    assert reader.get("/api/devices/good-pc").json()["windows11"]["category"] == "compatible"


def test_no_verdict_without_an_assessment(reader, history):
    assert reader.get(f"/api/devices/{history}").json()["windows11"] is None


def test_the_key_is_case_insensitive(reader, history):
    assert reader.get("/api/devices/WS-HIST-01").json()["key"] == "ws-hist-01"


@pytest.mark.parametrize("asked", ["WS-HIST-01.ad.example.com", "ws-hist-01.local", "WS-HIST-01 | spare laptop"])
def test_a_hostname_as_a_vendor_reports_it_finds_the_device(reader, staff_client, history, asked):
    assert reader.get(f"/api/devices/{asked}").json()["key"] == "ws-hist-01"
    assert staff_client.get(f"/devices/{asked}/").status_code == 200


def test_query_count_is_bounded(history, django_assert_max_num_queries):
    """Device, vendors' latest dates (2), the device's latest rows (2), Windows 11, timeline (2), exceptions and
    their events (2): 10, whatever the history's length."""
    from inventory.device_record import device_record

    with django_assert_max_num_queries(10):
        record = device_record(history)
    assert record["timeline"]["vendors"]["ninja"]["days_seen"] == 17


def test_the_timeline_is_one_query_per_vendor(history, django_assert_num_queries):
    from inventory.device_record import timeline_rows

    with django_assert_num_queries(1):
        rows = timeline_rows(history, Vendor.NINJA, ago(89), TODAY)
    assert len(rows) == 17 and rows[0][0] == ago(20)


def test_unknown_key_is_404_json(reader, db):
    response = reader.get("/api/devices/no-such-pc")
    assert response.status_code == 404
    body = response.json()
    assert body["success"] is False and body["error"]["code"] == "device_not_found"


@pytest.mark.parametrize("path", ["/api/devices/" + "x" * 256, "/api/devices/bad%00key", "/api/devices/%20",
                                  "/api/devices/.local"])
def test_malformed_key_is_400_naming_it(reader, db, path):
    response = reader.get(path)
    assert response.status_code == 400, response.content
    assert response.json()["error"]["details"]["field"] in ("key", "path")


def test_search_still_answers_on_its_path(reader, history):
    body = reader.get("/api/devices/search?q=ws-hist").json()
    assert body["count"] == 1 and body["results"][0]["hostname"] == "ws-hist-01"


def test_permissions(client_anon, history, django_user_model, staff_client):
    from tests.pages.conftest import signed_in_client

    assert client_anon.get(f"/api/devices/{history}").status_code == 401
    member = signed_in_client(django_user_model, "nobody")
    assert member.get(f"/api/devices/{history}").status_code == 403
    assert staff_client.get(f"/api/devices/{history}").status_code == 200


# --- the page ----------------------------------------------------------------------------------------------


def test_the_page_shows_facts_timeline_and_exceptions(staff_client, history):
    response = staff_client.get(f"/devices/{history}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "WS-HIST-01.beta.local" in html and "SN-7070" in html and "Front office" in html
    assert html.count('class="timeline"') == 2 and 'class="tl-org"' in html and 'class="tl-spare"' in html
    assert f"{ago(10):%Y-%m-%d}: client Acme Corp → Beta LLC" in html
    assert f"{ago(2):%Y-%m-%d}: went spare" in html
    assert "Agent reinstalled by Sam" in html and "Resolved by staff" in html
    assert "style=" not in html and "<script>" not in html  # CSP: no inline style or script


def test_search_results_link_to_the_device_page(staff_client, history):
    html = staff_client.get("/devices/", {"q": "ws-hist"}).content.decode()
    assert 'href="/devices/ws-hist-01/"' in html


def test_the_page_for_an_unknown_or_malformed_key(staff_client, db):
    assert staff_client.get("/devices/no-such-pc/").status_code == 404
    assert staff_client.get("/devices/" + "x" * 256 + "/").status_code == 400


def test_page_access(client_anon, history, django_user_model):
    from tests.pages.conftest import signed_in_client

    response = client_anon.get(f"/devices/{history}/")
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")
    assert signed_in_client(django_user_model, "nobody").get(f"/devices/{history}/").status_code == 403


def test_a_device_called_search_is_reached_in_capitals(reader, db):
    factories.snapshot(Vendor.NINJA, "SEARCH", day=TODAY)
    assert reader.get("/api/devices/SEARCH").json()["key"] == "search"
    assert reader.get("/api/devices/search").status_code == 400  # the search, without q


def test_a_duplicate_lists_each_row(reader, staff_client, db):
    factories.snapshot(Vendor.THREATLOCKER, "WS-TWIN", day=TODAY, vendor_device_id="tl-old")
    factories.snapshot(Vendor.THREATLOCKER, "ws-twin.corp.local", day=TODAY, vendor_device_id="tl-new")
    factories.snapshot(Vendor.THREATLOCKER, "WS-TWIN", day=ago(1), vendor_device_id="tl-old")
    tl = reader.get("/api/devices/ws-twin").json()["vendors"]["threatlocker"]
    assert tl["duplicate_count"] == 2
    assert sorted(e["vendor_device_id"] for e in tl["entries"]) == ["tl-new", "tl-old"]
    assert reader.get("/api/devices/ws-twin").json()["vendors"]["ninja"]["present"] is False
    html = staff_client.get("/devices/ws-twin/").content.decode()
    assert "ThreatLocker has 2 rows for this device" in html and "tl-new" in html and "not in NinjaOne" in html
