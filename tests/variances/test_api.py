"""Every variances endpoint: shapes, status codes, permissions (query counts: test_query_counts.py)."""
from datetime import timedelta

import pytest
from django.middleware.csrf import _get_new_csrf_string
from django.utils import timezone

from inventory.models import Vendor
from tests.factories import snapshot
from variances import types as T
from variances.models import ExceptionRecord
from variances.services import reconcile_day

pytestmark = pytest.mark.django_db

N, TL = Vendor.NINJA, Vendor.THREATLOCKER
TODAY = timezone.localdate()
D1, D2 = TODAY - timedelta(days=1), TODAY
DEVICE_FIELDS = {"id", "hostname", "ninja_hostname", "threatlocker_hostname", "ninja_display_name",
                 "threatlocker_display_name", "organization", "billing_status", "vendor", "action", "status"}


def seed_day(day, orphans=("ORPHAN",), extra=0):
    snapshot(N, "NOCHI-002062482", day=day, display_name="NOCHI-002062482753 | SPARE - was Maintenance (at ES)")
    snapshot(TL, "NOCHI-002062482753.local", day=day, display_name="NOCHI-002062482753 | Maintenance")
    snapshot(N, "NO-AGENT", day=day, org="Globex")
    for name in orphans:
        snapshot(TL, name, day=day)
    for i in range(extra):
        snapshot(TL, f"EXTRA-{i}", day=day, org=f"Client {i % 3}")


@pytest.fixture
def two_days(db):
    seed_day(D1, orphans=("ORPHAN", "GONE"))
    reconcile_day(D1)
    seed_day(D2)
    reconcile_day(D2)


def test_latest_report_shape(reader, two_days):
    body = reader.get("/api/variance-report/latest").json()
    assert body["report_date"] == D2.isoformat()
    assert body["data_status"] == {"status": "current", "message": "Data is current", "latest_date": D2.isoformat()}
    assert body["summary"]["total_exceptions"] == 4 and body["summary"]["unresolved_count"] == 4
    for kind in T.KINDS:
        assert set(body[kind.api_name]) == {"total_count", "by_organization"}
    spare = body["spare_mismatches"]["by_organization"]["Acme Corp"][0]
    assert DEVICE_FIELDS <= set(spare)
    assert spare["hostname"] == "nochi-002062482"
    assert spare["ninja_hostname"] == "NOCHI-002062482"
    assert spare["threatlocker_hostname"] == "NOCHI-002062482753"
    assert spare["ninja_display_name"] == "NOCHI-002062482753 | SPARE - was Maintenance (at ES)"
    assert spare["threatlocker_display_name"] == "NOCHI-002062482753 | Maintenance"
    assert spare["billing_status"] == "spare" and spare["vendor"] == "ThreatLocker"
    # The one status vocabulary: `status` is open/resolved here as in /api/exceptions and the exports.
    assert spare["status"] == "open" and spare["variance_status"] == "active" and spare["resolved"] is False
    assert spare["id"] == ExceptionRecord.objects.get(type=T.SPARE_MISMATCH).id
    assert body["missing_in_threatlocker"]["by_organization"]["Globex"][0]["hostname"] == "no-agent"
    assert body["missing_in_ninja"]["total_count"] == 1


def test_report_of_an_older_date_and_historical_are_the_same(reader, two_days):
    report = reader.get(f"/api/variance-report/{D1.isoformat()}").json()
    assert report == reader.get(f"/api/variances/historical/{D1.isoformat()}").json()
    assert report["report_date"] == D1.isoformat()
    orphans = report["missing_in_ninja"]["by_organization"]["Acme Corp"]
    assert sorted(r["hostname"] for r in orphans) == ["gone", "orphan"]
    gone = next(r for r in orphans if r["hostname"] == "gone")
    assert gone["resolved"] is True and gone["status"] == "resolved" and gone["variance_status"] == "resolved"
    assert report["summary"]["resolved_count"] == 1


def test_filtered_report_has_unresolved_only(reader, two_days):
    ExceptionRecord.objects.filter(type=T.MISSING_NINJA).update(status="resolved", variance_status="resolved")
    body = reader.get("/api/variance-report/filtered").json()
    assert body["filter"] == "unresolved" and body["missing_in_ninja"]["total_count"] == 0
    assert body["summary"]["resolved_count"] == 1
    assert body["spare_mismatches"]["total_count"] == 1


def test_latest_with_no_data_is_out_of_sync(reader):
    body = reader.get("/api/variance-report/latest").json()
    assert body["report_date"] is None and body["data_status"]["status"] == "out_of_sync"
    assert body["summary"]["total_exceptions"] == 0


def test_stale_report(reader):
    old = TODAY - timedelta(days=5)
    seed_day(old)
    reconcile_day(old)
    assert reader.get("/api/variance-report/latest").json()["data_status"]["status"] == "stale_data"


@pytest.mark.parametrize("path", [
    "/api/variance-report/2025-13-40", "/api/variance-report/yesterday", "/api/variances/historical/2025-02-30",
    "/api/variances/trends?start_date=yesterday", "/api/variances/trends?end_date=2025-13-40",
    "/api/exceptions?date=20251123", "/api/exceptions?type=bogus", "/api/exceptions?status=whatever",
    "/api/exceptions?page=0",
])
def test_bad_input_is_a_json_400(reader, two_days, path):
    response = reader.get(path)
    assert response.status_code == 400, response.content
    assert response.json()["success"] is False and response.json()["error"]["code"] in (
        "invalid_date", "invalid_parameter")


def test_a_date_without_data_is_404(reader, two_days):
    for path in ("/api/variance-report/2020-01-01", "/api/variances/historical/2020-01-01"):
        response = reader.get(path)
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_available_dates(reader, two_days):
    snapshot(N, "X", day=D1 - timedelta(days=1))  # NinjaOne only: not available
    body = reader.get("/api/variances/available-dates").json()
    assert body["available_dates"] == [D2.isoformat(), D1.isoformat()]
    assert body["date_range"] == {"earliest": D1.isoformat(), "latest": D2.isoformat()}
    quality = body["data_quality"][D2.isoformat()]
    assert quality == {"reconciled": True, "quality": "good", "ninja_devices": 2, "threatlocker_devices": 2,
                       "total_exceptions": 4}


def test_trends(reader, two_days):
    body = reader.get(f"/api/variances/trends?start_date={D1}&end_date={D2}").json()
    assert [d["date"] for d in body["trends"]] == [D1.isoformat(), D2.isoformat()]
    first, second = body["trends"]
    assert first["new"] == 5 and first["counts"]["missing_in_ninja"] == 2
    assert second["new"] == 0 and second["resolved"] == 1 and second["counts"]["missing_in_ninja"] == 1
    assert reader.get("/api/variances/trends").json()["days"] == 2


def test_trends_inverted_range_is_400(reader):
    response = reader.get("/api/variances/trends?start_date=2026-02-01&end_date=2026-01-01")
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_range"


def test_exceptions_list_defaults_to_the_latest_date_and_filters(reader, two_days):
    body = reader.get("/api/exceptions").json()
    assert body["count"] == 4 and {"count", "page", "page_size", "total_pages", "results"} <= set(body)
    row = body["results"][0]
    assert {"id", "type", "variance_type", "hostname", "status", "variance_status", "history", "notes"} <= set(row)
    assert reader.get("/api/exceptions?type=missing_in_ninja").json()["count"] == 1
    assert reader.get("/api/exceptions?type=MISSING_NINJA,SPARE_MISMATCH").json()["count"] == 2
    assert reader.get("/api/exceptions?organization=Globex").json()["count"] == 1
    assert reader.get("/api/exceptions?hostname=nochi").json()["count"] == 2
    assert reader.get(f"/api/exceptions?date={D1}").json()["count"] == 5
    assert reader.get(f"/api/exceptions?date={D1}&status=resolved").json()["count"] == 1
    assert reader.get("/api/exceptions?status=open&page_size=1").json()["total_pages"] == 4


def test_exception_types_repeated_or_comma_list_mean_any_of_them(reader, two_days):
    # review16b G4: a repeated `type` was silently the last one; blank parts are ignored as in billing.
    assert reader.get("/api/exceptions?type=MISSING_NINJA&type=SPARE_MISMATCH").json()["count"] == 2
    assert reader.get("/api/exceptions?type=SPARE_MISMATCH&type=missing_in_ninja,").json()["count"] == 2
    assert reader.get("/api/exceptions?type=MISSING_NINJA,").json()["count"] == 1
    assert reader.get("/api/exceptions?type=,").json()["count"] == 4
    bad = reader.get("/api/exceptions?type=MISSING_NINJA&type=nope")
    assert bad.status_code == 400 and bad.json()["error"]["details"]["field"] == "type"


def test_status_summary(reader, two_days):
    body = reader.get("/api/exceptions/status-summary").json()
    assert body["report_date"] == D2.isoformat() and body["total"] == 4 and body["open"] == 4
    assert body["by_status"]["active"] == 4 and body["by_type"]["spare_mismatches"]["open"] == 1


def test_resolve_and_mark_manually_fixed(writer, reader, two_days):
    spare = ExceptionRecord.objects.get(type=T.SPARE_MISMATCH)
    response = writer.post(f"/api/exceptions/{spare.id}/resolve", {"notes": "Licence removed"}, format="json")
    assert response.status_code == 200, response.content
    exc = response.json()["exception"]
    assert exc["status"] == "resolved" and exc["resolution"] == "manual" and "Licence removed" in exc["notes"]
    assert exc["history"][-1]["actor"] == "apikey:writer" and exc["history"][-1]["to_status"] == "resolved"
    again = writer.post(f"/api/exceptions/{spare.id}/resolve", {}, format="json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "conflict"

    orphan = ExceptionRecord.objects.get(type=T.MISSING_NINJA, canonical_key="orphan")
    response = writer.post(f"/api/exceptions/{orphan.id}/mark-manually-fixed", {"notes": "Agent pushed"}, format="json")
    assert response.status_code == 200 and response.json()["exception"]["variance_status"] == "manually_fixed"
    assert writer.post("/api/exceptions/999999/resolve", {}, format="json").status_code == 404
    assert reader.post(f"/api/exceptions/{orphan.id}/resolve", {}, format="json").status_code == 403


def test_staff_session_needs_csrf_and_is_the_actor(staff_client, two_days):
    orphan = ExceptionRecord.objects.get(type=T.MISSING_NINJA, canonical_key="orphan")
    assert staff_client.post(f"/api/exceptions/{orphan.id}/resolve", {}, format="json").status_code == 403
    token = _get_new_csrf_string()  # what a browser holds after loading the admin
    staff_client.cookies["csrftoken"] = token
    response = staff_client.post(f"/api/exceptions/{orphan.id}/resolve", {"notes": "ok"}, format="json",
                                 HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200
    assert response.json()["exception"]["history"][-1]["actor"] == "tech"


def test_bulk_update_by_ids_is_all_or_nothing(writer, two_days):
    ids = list(ExceptionRecord.objects.filter(last_seen=D2).values_list("id", flat=True))
    unknown = writer.post("/api/exceptions/bulk-update", {"ids": [*ids, 999998], "action": "resolve"}, format="json")
    assert unknown.status_code == 400 and unknown.json()["error"]["details"]["unknown_ids"] == [999998]
    assert ExceptionRecord.objects.filter(status="open", last_seen=D2).count() == 4

    writer.post(f"/api/exceptions/{ids[0]}/resolve", {}, format="json")
    conflict = writer.post("/api/exceptions/bulk-update", {"ids": ids, "action": "resolve"}, format="json")
    assert conflict.status_code == 409
    assert [r["ok"] for r in conflict.json()["error"]["details"]["results"]] == [False, True, True, True]
    assert ExceptionRecord.objects.filter(status="open", last_seen=D2).count() == 3

    response = writer.post("/api/exceptions/bulk-update",
                           {"ids": ids[1:], "action": "mark_manually_fixed", "notes": "batch"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["updated"] == 3 and all(r["to_status"] == "manually_fixed" for r in body["results"])


def test_bulk_update_by_filter(writer, two_days):
    response = writer.post("/api/exceptions/bulk-update",
                           {"filter": {"type": "missing_in_threatlocker"}, "action": "resolve", "notes": "n/a"},
                           format="json")
    assert response.status_code == 200 and response.json()["updated"] == 1
    assert ExceptionRecord.objects.get(type=T.MISSING_THREATLOCKER).status == "resolved"


@pytest.mark.parametrize("body", [{}, {"action": "resolve"}, {"action": "explode", "ids": [1]},
                                  {"action": "resolve", "ids": [1], "filter": {}}, {"action": "resolve", "ids": "x"}])
def test_bulk_update_bad_bodies_are_400(writer, body):
    assert writer.post("/api/exceptions/bulk-update", body, format="json").status_code == 400


def test_exception_detail_has_history(reader, two_days):
    orphan = ExceptionRecord.objects.get(type=T.MISSING_NINJA, canonical_key="orphan")
    body = reader.get(f"/api/exceptions/{orphan.id}").json()
    assert body["history"][0]["action"] == "created" and body["date_found"] == D1.isoformat()


def test_routes_for_literal_words_are_not_read_as_dates(reader, two_days):
    assert reader.get("/api/variance-report/latest").status_code == 200
    assert reader.get("/api/variance-report/filtered").status_code == 200


def test_exception_summary_for_the_status_endpoint(two_days):
    from variances.reports import exception_summary

    summary = exception_summary()
    assert summary["report_date"] == D2
    assert summary["exception_counts"] == {T.MISSING_NINJA: 1, T.MISSING_THREATLOCKER: 1, T.SPARE_MISMATCH: 1,
                                           T.DISPLAY_NAME_MISMATCH: 1}
    assert summary["total_exceptions"] == 4
    ExceptionRecord.objects.filter(type=T.SPARE_MISMATCH).update(status="resolved")
    assert exception_summary()["total_exceptions"] == 3


def test_exception_summary_without_runs(db):
    from variances.reports import exception_summary

    assert exception_summary() == {"exception_counts": {}, "total_exceptions": 0, "report_date": None,
                                   "previous_report_date": None, "new_since_previous": {}, "gone_since_previous": {}}
