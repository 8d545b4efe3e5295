"""A vendor's day replaces the stored one only when it is complete and not a sudden drop (issue 15, item 2).

Each refusal is checked the way staff would notice it: the job failed with a
message saying why, the stored days are unchanged row for row, and no
exception was opened, refreshed or auto-resolved.
"""
from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command

from collectors import runs
from collectors.completeness import drop_message, incomplete_message
from collectors.models import CollectorBatch, RunStatus
from collectors.simulators import install_aliases
from inventory.models import Device, Snapshot, Vendor
from variances.models import ExceptionEvent, ExceptionRecord

DAY = date(2026, 11, 20)
YESTERDAY = DAY - timedelta(days=1)


# --- the rules, without HTTP or a database -----------------------------------------------------------
def test_incomplete_message_names_what_was_read_and_the_total():
    assert incomplete_message("ThreatLocker", "computers", 2129, 2129) is None
    assert incomplete_message("ThreatLocker", "computers", 1010, 2129).startswith(
        "ThreatLocker returned 1,010 of 2,129 computers")


@pytest.mark.parametrize("count, previous, allowed, refused", [
    (80, 100, 20, False),   # exactly the share allowed
    (79, 100, 20, True),
    (50, 100, 50, False),
    (10, 100, 80, True),
    (120, 100, 20, False),  # growth is never a drop
    (0, 0, 20, False),      # no previous day: nothing to compare with
    (5, None, 20, False),
])
def test_drop_rule(count, previous, allowed, refused):
    message = drop_message("NinjaOne", "devices", count, previous, YESTERDAY, allowed)
    assert (message is not None) is refused
    if refused:
        assert message.startswith(f"NinjaOne returned {count:,} devices, ")
        assert f"than the {previous:,} of {YESTERDAY}" in message and "COLLECTORS_MAX_DROP_PERCENT" in message


# --- against the simulators ---------------------------------------------------------------------------
def collect(names=None, day=DAY, cross=True, **kwargs):
    batch = runs.start_batch(names, run_cross_vendor=cross, snapshot_date=day, trigger="command", enqueue=False,
                             **kwargs)
    for job in list(batch.jobs.order_by("id")):
        runs.run_job(job.job_id)
    batch.refresh_from_db()
    return batch


def day_rows(vendor_id, day):
    return list(Snapshot.objects.filter(vendor_id=vendor_id, snapshot_date=day).order_by("id").values())


def stored_state():
    """Everything a refused day must leave alone: both vendors' days, devices, exceptions and their history."""
    return {
        "snapshots": list(Snapshot.objects.order_by("id").values()),
        "devices": list(Device.objects.order_by("id").values()),
        "exceptions": list(ExceptionRecord.objects.order_by("id").values()),
        "events": list(ExceptionEvent.objects.order_by("id").values()),
    }


@pytest.fixture
def two_good_days(sims, dataset):
    """Yesterday and today collected from the simulators and reconciled: open exceptions exist."""
    install_aliases(dataset)
    sims.set_day(1)
    assert collect(day=YESTERDAY).status == RunStatus.COMPLETED
    sims.set_day(0)
    batch = collect(day=DAY)
    assert batch.status == RunStatus.COMPLETED and batch.cross_vendor_status == "completed", batch.message
    assert ExceptionRecord.objects.filter(status="open").exists()
    return sims


pytestmark = pytest.mark.django_db


def test_threatlocker_short_page_refuses_the_day(two_good_days, dataset):
    sims = two_good_days
    before = stored_state()
    sims.threatlocker.inject("short_page", count=-1, path="computergetbyallparameters", rows=10)
    batch = collect(["threatlocker"])
    job = batch.jobs.get()
    total = len(dataset.day(0)[1])
    pages = -(-total // 50)  # the sims fixture pages by 50
    assert job.status == RunStatus.FAILED and batch.status == RunStatus.FAILED
    assert job.message.startswith(f"ThreatLocker returned {10 * pages:,} of {total:,} computers"), job.message
    assert job.error.startswith("IncompleteDay:")
    assert batch.cross_vendor_status == "skipped"
    assert stored_state() == before


def test_threatlocker_single_short_page_is_read_again_and_accepted(two_good_days, dataset):
    sims = two_good_days
    sims.threatlocker.inject("short_page", count=1, path="computergetbyallparameters", rows=10)
    batch = collect(["threatlocker"])
    job = batch.jobs.get()
    assert job.status == RunStatus.COMPLETED, job.message
    assert job.counts["listing_restarts"] == 1
    assert len(day_rows(Vendor.THREATLOCKER, DAY)) == len(dataset.day(0)[1])


def test_ninja_short_page_that_is_not_the_last_refuses_the_day(two_good_days, settings):
    sims = two_good_days
    before = stored_state()
    sims.ninja.inject("short_page", count=-1, path="devices-detailed", rows=10)
    batch = collect(["ninja"])
    job = batch.jobs.get()
    assert job.status == RunStatus.FAILED and batch.cross_vendor_status == "skipped"
    assert job.message.startswith("NinjaOne returned a short page of devices (10 of 50) that was not the last, "
                                  f"in each of {settings.NINJA_MAX_RESTARTS + 1} reads"), job.message
    assert stored_state() == before


def test_ninja_single_short_page_is_read_again_and_accepted(two_good_days, dataset):
    sims = two_good_days
    sims.ninja.inject("short_page", count=1, path="devices-detailed", rows=10)
    job = collect(["ninja"]).jobs.get()
    assert job.status == RunStatus.COMPLETED, job.message
    assert len(day_rows(Vendor.NINJA, DAY)) == len(dataset.day(0)[0])


def test_ninja_short_page_of_organizations_is_read_again(sims, dataset):
    sims.ninja.inject("short_page", count=1, path="organizations", rows=3)
    job = collect(["ninja"], cross=False).jobs.get()
    assert job.status == RunStatus.COMPLETED and job.counts["organizations"] == len(dataset.clients)


@pytest.fixture
def yesterday_only(sims, dataset):
    install_aliases(dataset)
    sims.set_day(1)
    batch = collect(day=YESTERDAY)
    assert batch.status == RunStatus.COMPLETED and batch.cross_vendor_status == "completed", batch.message
    sims.set_day(0)
    return sims


def test_sudden_drop_is_refused_then_accepted_when_confirmed(yesterday_only, dataset, settings):
    sims = yesterday_only
    previous = len(day_rows(Vendor.THREATLOCKER, YESTERDAY))
    kept = previous // 2
    sims.threatlocker.limit_listing(kept)
    before = stored_state()
    batch = collect()
    jobs = {job.name: job for job in batch.jobs.all()}
    tl = jobs["threatlocker"]
    assert tl.status == RunStatus.FAILED and tl.error.startswith("SuddenDrop:")
    fall = round(100 * (previous - kept) / previous)
    assert tl.message.startswith(
        f"ThreatLocker returned {kept:,} computers, {fall}% fewer than the {previous:,} of {YESTERDAY} "
        "(more than the 20% allowed by COLLECTORS_MAX_DROP_PERCENT)"), tl.message
    assert batch.cross_vendor_status == "skipped"
    # NinjaOne's day was fine and is written; ThreatLocker's is not, and no exception moved.
    assert jobs["ninja"].status == RunStatus.COMPLETED
    after = stored_state()
    assert after["exceptions"] == before["exceptions"] and after["events"] == before["events"]
    assert day_rows(Vendor.THREATLOCKER, DAY) == []
    assert [r for r in after["snapshots"] if r["snapshot_date"] == YESTERDAY] == \
        [r for r in before["snapshots"] if r["snapshot_date"] == YESTERDAY]

    confirmed = collect(["threatlocker"], confirm_drop=True)
    assert confirmed.status == RunStatus.COMPLETED and confirmed.cross_vendor_status == "completed"
    assert len(day_rows(Vendor.THREATLOCKER, DAY)) == kept


def test_a_larger_allowance_accepts_the_same_drop(yesterday_only, settings):
    yesterday_only.threatlocker.limit_listing(len(day_rows(Vendor.THREATLOCKER, YESTERDAY)) // 2)
    settings.COLLECTORS_MAX_DROP_PERCENT = 60
    assert collect(["threatlocker"]).status == RunStatus.COMPLETED


def test_collect_command_confirm_drop(yesterday_only):
    yesterday_only.ninja.limit_listing(10)
    with pytest.raises(CommandError, match="NinjaOne returned 10 devices"):
        call_command("collect", "--vendor", "ninja", "--date", DAY.isoformat(), "--no-cross-vendor")
    assert day_rows(Vendor.NINJA, DAY) == []
    call_command("collect", "--vendor", "ninja", "--date", DAY.isoformat(), "--no-cross-vendor", "--confirm-drop")
    assert len(day_rows(Vendor.NINJA, DAY)) == 10
    assert CollectorBatch.objects.first().confirm_drop is True


def test_api_confirm_drop(yesterday_only, writer, monkeypatch):
    from django_q.conf import Conf

    monkeypatch.setattr(Conf, "SYNC", True)
    yesterday_only.threatlocker.limit_listing(10)
    body = {"collectors": ["threatlocker"], "snapshot_date": DAY.isoformat()}
    refused = writer.post("/api/collectors/run", body, format="json").json()
    assert refused["confirm_drop"] is False
    refused = writer.get(refused["status_url"]).json()
    assert refused["status"] == "failed" and "COLLECTORS_MAX_DROP_PERCENT" in refused["collectors"][0]["message"]
    assert writer.post("/api/collectors/run", {**body, "confirm_drop": "yes"}, format="json").status_code == 400
    accepted = writer.post("/api/collectors/run", {**body, "confirm_drop": True}, format="json")
    assert accepted.status_code == 202 and accepted.json()["confirm_drop"] is True
    assert writer.get(accepted.json()["status_url"]).json()["status"] == "completed"
    assert len(day_rows(Vendor.THREATLOCKER, DAY)) == 10


def test_admin_reruns_the_failed_job_accepting_the_drop(yesterday_only, admin_client, monkeypatch):
    from django_q.conf import Conf

    monkeypatch.setattr(Conf, "SYNC", True)
    yesterday_only.threatlocker.limit_listing(10)
    failed = collect(["threatlocker"]).jobs.get()
    assert failed.status == RunStatus.FAILED
    response = admin_client.post("/admin/collectors/collectorjob/", {
        "action": "rerun_accepting_drop", "_selected_action": [failed.pk]}, follow=True)
    assert response.status_code == 200
    rerun = CollectorBatch.objects.get(trigger="admin")
    assert rerun.confirm_drop and rerun.trigger == "admin" and rerun.snapshot_date == DAY
    assert rerun.status == RunStatus.COMPLETED, rerun.message
    assert len(day_rows(Vendor.THREATLOCKER, DAY)) == 10
