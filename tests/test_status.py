"""GET /api/status: the contract's full payload, composed from every app."""
from datetime import date, timedelta

import pytest
from django.utils import timezone

from collectors.models import CollectorBatch, CollectorJob
from inventory.models import Vendor
from tests import factories
from variances.services import reconcile_day

pytestmark = pytest.mark.django_db


def _today():
    return timezone.localdate()


def _failed_job(vendor_id, name, message, ended_at):
    batch = CollectorBatch.objects.create(snapshot_date=_today(), status="failed", ended_at=ended_at)
    return CollectorJob.objects.create(
        batch=batch, name=name, job_name=f"{name}-collector", vendor_id=vendor_id, status="failed",
        message=message, error="http", snapshot_date=_today(), started_at=ended_at, ended_at=ended_at,
    )


def test_empty_hub_says_no_data(reader):
    body = reader.get("/api/status").json()
    assert body["data_status"]["status"] == "out_of_sync"
    assert body["device_counts"] == {"Ninja": 0, "ThreatLocker": 0}
    assert body["vendor_status"]["Ninja"]["freshness_status"] == "no_data"
    assert body["exception_counts"] == {} and body["total_exceptions"] == 0
    assert body["has_warnings"] is True
    assert "No Ninja data has been collected yet" in body["warnings"]


def test_full_payload_with_data(reader):
    today = _today()
    factories.snapshot(Vendor.NINJA, "PC-1", day=today)
    factories.snapshot(Vendor.NINJA, "PC-2", day=today)
    factories.snapshot(Vendor.THREATLOCKER, "PC-1", day=today)
    factories.snapshot(Vendor.THREATLOCKER, "ORPHAN-TL", day=today)  # MISSING_NINJA
    reconcile_day(today)
    body = reader.get("/api/status").json()
    assert body["data_status"] == {"status": "current", "message": "Data is current", "latest_date": today.isoformat()}
    assert body["device_counts"] == {"Ninja": 2, "ThreatLocker": 2}
    assert body["vendor_status"]["ThreatLocker"] == {
        "latest_date": today.isoformat(), "freshness_status": "current",
        "freshness_message": "Data is current", "days_old": 0,
    }
    assert body["exception_counts"]["MISSING_NINJA"] == 1
    assert body["exception_counts"]["MISSING_THREATLOCKER"] == 1  # PC-2: billable Windows, no agent
    assert body["total_exceptions"] == sum(body["exception_counts"].values())
    assert body["collector_health"] == {
        "has_recent_failures": False, "recent_failures": [], "total_failures_last_24h": 0, "stale_jobs": [],
    }
    assert body["warnings"] == [] and body["has_warnings"] is False


def test_stale_vendor_and_failures_warn(reader):
    today = _today()
    factories.snapshot(Vendor.NINJA, "PC-1", day=today)
    factories.snapshot(Vendor.THREATLOCKER, "PC-1", day=today - timedelta(days=3))
    now = timezone.now()
    _failed_job(Vendor.NINJA, "ninja", "NinjaOne GET /v2/devices-detailed: 500 after 3 tries", now - timedelta(hours=1))
    _failed_job(Vendor.NINJA, "ninja", "old failure", now - timedelta(hours=30))  # outside 24 h
    body = reader.get("/api/status").json()
    assert body["vendor_status"]["ThreatLocker"]["freshness_status"] == "stale"
    assert body["vendor_status"]["ThreatLocker"]["days_old"] == 3
    health = body["collector_health"]
    assert health["has_recent_failures"] is True and health["total_failures_last_24h"] == 1
    assert health["recent_failures"][0]["collector"] == "Ninja"
    assert "500 after 3 tries" in health["recent_failures"][0]["message"]
    assert "ThreatLocker data is 3 days old" in body["warnings"]
    assert "Recent collector failures: Ninja" in body["warnings"]
    assert body["data_status"]["status"] == "out_of_sync"


def test_unreconciled_common_date_warns(reader):
    today = _today()
    factories.snapshot(Vendor.NINJA, "PC-1", day=today)
    factories.snapshot(Vendor.THREATLOCKER, "PC-1", day=today)
    body = reader.get("/api/status").json()
    assert f"Variances have not been computed for {today.isoformat()} yet" in body["warnings"]


def test_query_count_does_not_grow_with_devices(reader, django_assert_max_num_queries):
    today = _today()
    for i in range(40):
        factories.snapshot(Vendor.NINJA, f"PC-{i}", day=today)
        factories.snapshot(Vendor.THREATLOCKER, f"TL-{i}", day=today)
    reconcile_day(today)
    with django_assert_max_num_queries(30):
        assert reader.get("/api/status").status_code == 200


def test_status_reports_stale_jobs_but_never_cleans_them(reader):
    batch = CollectorBatch.objects.create(snapshot_date=date(2026, 11, 23), status="running")
    job = CollectorJob.objects.create(
        batch=batch, name="ninja", job_name="ninja-collector", vendor_id=Vendor.NINJA, status="running",
        snapshot_date=date(2026, 11, 23), started_at=timezone.now() - timedelta(minutes=30),
        heartbeat_at=timezone.now() - timedelta(minutes=11),
    )
    stale = reader.get("/api/status").json()["collector_health"]["stale_jobs"]
    assert [entry["job_id"] for entry in stale] == [job.job_id] and "no heartbeat" in stale[0]["message"]
    job.refresh_from_db()
    assert job.status == "running"  # a GET never mutates: the cleanup schedule fails it
