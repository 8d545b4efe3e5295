"""collector_health (for /api/status), the admin pages and the management commands."""
import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from collectors import runs
from collectors.health import collector_health
from collectors.models import CollectorBatch, CollectorJob, RunStatus
from inventory.models import Snapshot, Vendor

pytestmark = pytest.mark.django_db


def failed_job(name, hours_ago, message="boom"):
    batch = runs.start_batch([name], enqueue=False)
    job = batch.jobs.get()
    ended = timezone.now() - timedelta(hours=hours_ago)
    CollectorJob.objects.filter(pk=job.pk).update(status=RunStatus.FAILED, message=message, error="VendorError: x",
                                                  started_at=ended - timedelta(seconds=5), ended_at=ended)
    runs.finish_batch_if_done(batch.pk)
    return job


@pytest.mark.parametrize("ends, percent", [
    ((RunStatus.COMPLETED, RunStatus.FAILED), 100), ((RunStatus.FAILED, RunStatus.FAILED), 100),
    ((RunStatus.COMPLETED, RunStatus.CANCELLED), 50), ((RunStatus.COMPLETED, RunStatus.COMPLETED), 100),
])
def test_a_closed_batch_counts_its_finished_jobs(ends, percent):
    # review16b G9: a failed batch read progress_percent 0 although 5 of its 6 jobs completed.
    batch = runs.start_batch(["ninja", "threatlocker"], enqueue=False)
    for job, status in zip(batch.jobs.order_by("id"), ends, strict=True):
        CollectorJob.objects.filter(pk=job.pk).update(status=status, ended_at=timezone.now())
    assert runs.finish_batch_if_done(batch.pk)
    batch.refresh_from_db()
    assert batch.progress_percent == percent


def test_collector_health_shape():
    assert collector_health() == {"has_recent_failures": False, "recent_failures": [], "total_failures_last_24h": 0,
                                "stale_jobs": []}
    failed_job("ninja", 2, "NinjaOne POST token failed: authentication refused (HTTP 401)")
    failed_job("threatlocker", 1)
    failed_job("ninja", 30)  # outside the window
    health = collector_health()
    assert health["has_recent_failures"] is True and health["total_failures_last_24h"] == 2
    newest, older = health["recent_failures"]
    assert set(newest) == {"collector", "job_name", "status", "message", "error", "started_at", "ended_at"}
    assert (newest["collector"], newest["job_name"], newest["status"]) == ("ThreatLocker", "threatlocker-collector",
                                                                           "failed")
    assert older["collector"] == "Ninja" and older["message"].startswith("NinjaOne POST token failed")
    assert older["ended_at"].endswith("+00:00")


def test_admin_pages(admin_client):
    job = failed_job("ninja", 1)
    assert admin_client.get("/admin/collectors/collectorbatch/").status_code == 200
    assert admin_client.get(f"/admin/collectors/collectorbatch/{job.batch_id}/change/").status_code == 200
    page = admin_client.get("/admin/collectors/collectorjob/?status=failed")
    assert page.status_code == 200 and job.job_id in page.content.decode()
    assert admin_client.get("/admin/django_q/schedule/").status_code == 200
    assert admin_client.get("/admin/collectors/collectorjob/add/").status_code == 403


def test_admin_cancel_action(admin_client):
    batch = runs.start_batch(["ninja"], enqueue=False)
    response = admin_client.post("/admin/collectors/collectorbatch/", {
        "action": "cancel_batches", "_selected_action": [batch.pk]}, follow=True)
    assert response.status_code == 200
    batch.refresh_from_db()
    assert batch.status == RunStatus.CANCELLED and batch.active_slot is None


def test_collect_command(sims, dataset):
    out = io.StringIO()
    call_command("collect", "--vendor", "threatlocker", "--date", "2026-11-19", "--no-cross-vendor", stdout=out)
    text = out.getvalue()
    assert "ThreatLocker: " in text and "completed for 2026-11-19" in text
    assert Snapshot.objects.filter(vendor_id=Vendor.THREATLOCKER, snapshot_date="2026-11-19").count() == len(
        dataset.day(0)[1])
    assert CollectorBatch.objects.get().trigger == "command"


def test_collect_command_errors(sims):
    with pytest.raises(CommandError, match="Unknown collector"):
        call_command("collect", "--vendor", "kaseya")
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("collect", "--date", "yesterday")
    # The API's rule (runs.snapshot_date_problem): no future day; no batch made.
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    with pytest.raises(CommandError, match="--date cannot be in the future"):
        call_command("collect", "--vendor", "connectwise_agreements", "--no-cross-vendor", "--date", tomorrow)
    assert not CollectorBatch.objects.exists()
    assert runs.snapshot_date_problem(timezone.localdate() - timedelta(days=5000), bound_past=False) is None
    sims.threatlocker.inject("unauthorized", count=-1)
    with pytest.raises(CommandError, match="authentication refused"):
        call_command("collect", "--vendor", "threatlocker", stdout=io.StringIO(), stderr=io.StringIO())


def test_collect_command_backfill_needs_the_flag_and_never_before_2000(sims, dataset, settings):
    # review16b G7: `collect --date 0001-01-01` stored today's data as year 1; the API's lower bound now holds
    # unless --backfill is given, and 2000-01-01 is the floor even then.
    settings.ESINV_SNAPSHOT_RETENTION_DAYS = 30
    old = (timezone.localdate() - timedelta(days=31)).isoformat()
    with pytest.raises(CommandError, match=r"cannot be before .*RETENTION_DAYS.* Add --backfill"):
        call_command("collect", "--vendor", "threatlocker", "--no-cross-vendor", "--date", old)
    for day in ("0001-01-01", "1999-12-31"):
        with pytest.raises(CommandError, match="cannot be before 2000-01-01, even with --backfill"):
            call_command("collect", "--vendor", "threatlocker", "--no-cross-vendor", "--date", day, "--backfill")
    assert not CollectorBatch.objects.exists()
    out = io.StringIO()
    call_command("collect", "--vendor", "threatlocker", "--no-cross-vendor", "--date", old, "--backfill", stdout=out)
    assert f"completed for {old}" in out.getvalue()
    assert Snapshot.objects.filter(vendor_id=Vendor.THREATLOCKER, snapshot_date=old).exists()


def test_collect_command_takes_a_comma_list_of_vendors():
    # review16b G8: the help lists several names; a comma list was refused as one unknown name.
    with pytest.raises(CommandError, match=r"Unknown collector\(s\): kaseya\."):
        call_command("collect", "--vendor", "threatlocker,kaseya")
    assert runs.resolve_names(["all"]) == runs.resolve_names(None)


def test_collector_schedules_command():
    out = io.StringIO()
    call_command("collector_schedules", stdout=out)
    assert "already exist" in out.getvalue()


def test_progress_bar_on_a_terminal_and_lines_otherwise():
    from collectors.management.commands.collect import Progress

    tty = io.StringIO()
    bar = Progress(tty, "NinjaOne", tty=True)
    bar(50, "NinjaOne: 1000 devices read")
    bar.done()
    assert tty.getvalue().startswith("\rNinjaOne      [###############...............]  50%  NinjaOne: 1000")
    plain = io.StringIO()
    lines = Progress(plain, "NinjaOne", tty=False)
    for percent in (10, 12, 14, 40):
        lines(percent, f"NinjaOne: {percent} devices read")
    assert "\r" not in plain.getvalue() and plain.getvalue().count("\n") >= 2
