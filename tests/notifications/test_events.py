"""The other events: Windows 11 run finished, export job ready, vendor data stale (checked with the daily digest)."""
from datetime import date, timedelta

import pytest
from django.utils import timezone
from django_q.signals import post_execute

from inventory.models import Vendor, Windows11Run
from notifications.digest import check_stale_vendors
from notifications.messages import summary
from notifications.models import Channel, Delivery
from tests import factories as f
from variances.models_exports import ExportJob

pytestmark = pytest.mark.django_db


def subscribe(*events):
    return Channel.objects.create(name="ops", url="http://127.0.0.1:9/", events=list(events))


def test_a_successful_windows11_run_notifies_once_committed(django_capture_on_commit_callbacks):
    subscribe("windows11.finished")
    run = Windows11Run.objects.create(started_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        run.status, run.total_devices, run.incompatible_devices, run.compatible_devices = "completed", 10, 3, 6
        run.save()
    (delivery,) = Delivery.objects.all()
    assert delivery.event == "windows11.finished" and delivery.payload["incompatible"] == 3
    assert summary(delivery.event, delivery.payload)[0] == "Windows 11 assessment: 3 incompatible of 10"


def test_a_completed_export_task_notifies_and_a_failed_one_does_not():
    subscribe("export.ready")
    done = ExportJob.objects.create(format="xlsx", requested_by="alice", status="completed", row_count=7000,
                                    file_name="variances.xlsx")
    failed = ExportJob.objects.create(format="pdf", requested_by="alice", status="failed")
    for job in (done, failed):
        post_execute.send(sender="django_q", task={"func": "variances.export_jobs.run_export_job", "args": (job.pk,)})
    (delivery,) = Delivery.objects.all()
    assert delivery.payload["download_url"] == f"/api/variances/export/jobs/{done.pk}/download"
    assert delivery.payload["file_name"] == "variances.xlsx" and delivery.payload["rows"] == 7000


def test_stale_vendor_data_notifies_daily():
    subscribe("vendor.stale")
    today = timezone.localdate()
    f.snapshot(Vendor.NINJA, "WS-1", day=today)
    f.snapshot(Vendor.THREATLOCKER, "WS-1", day=today - timedelta(days=3))
    (stale,) = check_stale_vendors()
    assert stale["vendor"] == "ThreatLocker" and stale["days_old"] == 3 and stale["freshness_status"] == "stale"
    (delivery,) = Delivery.objects.all()
    assert delivery.event == "vendor.stale" and summary(delivery.event, delivery.payload)[0] == (
        "ThreatLocker data is stale")
    assert isinstance(date.fromisoformat(stale["latest_date"]), date)
