"""batch.stuck (a batch the stale cleanup ended, with why and for how long) and windows11.failed (an assessment
run that ended failed): one delivery per subscribed channel, nothing for the others, and a failing delivery
never touches the cleanup or the assessment."""
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from django_q.conf import Conf

from collectors import runs
from collectors.models import CollectorBatch, CollectorJob, RunStatus
from collectors.signals import batch_cleaned_up
from inventory.models import Vendor, Windows11Run
from inventory.windows11 import service
from notifications.messages import build, summary
from notifications.models import Channel, Delivery, DeliveryStatus, Event
from tests import factories as f

pytestmark = pytest.mark.django_db


def subscribe(*events, name="ops", **fields):
    return Channel.objects.create(name=name, url="http://127.0.0.1:9/refused", events=list(events), **fields)


def stale_running_batch(minutes_ago: float, trigger="api"):
    """A batch whose one job is running with its last heartbeat `minutes_ago`."""
    batch = runs.start_batch(["ninja"], trigger=trigger, enqueue=False)
    beat = timezone.now() - timedelta(minutes=minutes_ago)
    batch.jobs.update(status=RunStatus.RUNNING, started_at=beat, heartbeat_at=beat, task_id="q-task")
    return batch


@pytest.fixture
def run_tasks_inline():
    original = Conf.SYNC
    Conf.SYNC = True
    yield
    Conf.SYNC = original


class TestBatchStuck:
    def test_a_stale_batch_cleaned_up_sends_one_batch_stuck_with_reason_and_seconds(
            self, django_capture_on_commit_callbacks):
        subscribe("batch.stuck")
        batch = stale_running_batch(10)
        with django_capture_on_commit_callbacks(execute=True):
            (job_id,) = runs.cleanup_stale()
        (delivery,) = Delivery.objects.all()
        data = delivery.payload
        assert delivery.event == Event.BATCH_STUCK
        assert data["batch_id"] == batch.batch_id and data["reason"] == "heartbeat_stopped"
        assert 600 <= data["stuck_seconds"] < 660
        assert data["status"] == RunStatus.FAILED and data["trigger"] == "api"
        (job,) = data["jobs"]
        assert job["job_id"] == job_id and job["collector"] == "ninja" and job["reason"] == "heartbeat_stopped"
        assert job["message"].startswith("Stale: the qcluster worker running it stopped")
        title, text = summary(delivery.event, delivery.payload)
        assert title == f"Collection batch {batch.batch_id} was stuck (heartbeat_stopped, 10 min) and was cleaned up"
        assert "ninja: Stale:" in text
        # A second cleanup finds nothing more to say.
        with django_capture_on_commit_callbacks(execute=True):
            assert runs.cleanup_stale() == []
        assert Delivery.objects.count() == 1

    def test_a_killed_collect_process_is_one_event_for_its_batch(self, django_capture_on_commit_callbacks):
        """Its running job stopped beating and its queued job never started: one batch, one event, the
        stopped process as the reason and both jobs listed with their own."""
        subscribe("batch.stuck")
        batch = runs.start_batch(["ninja", "threatlocker"], trigger="command", enqueue=False)
        ninja, threatlocker = batch.jobs.order_by("id")
        beat = timezone.now() - timedelta(minutes=5)
        CollectorJob.objects.filter(pk=ninja.pk).update(status=RunStatus.RUNNING, started_at=beat, heartbeat_at=beat)
        CollectorBatch.objects.filter(pk=batch.pk).update(created_at=beat - timedelta(minutes=1))
        with django_capture_on_commit_callbacks(execute=True):
            runs.cleanup_stale()
        (delivery,) = Delivery.objects.all()
        data = delivery.payload
        assert data["reason"] == "heartbeat_stopped" and 300 <= data["stuck_seconds"] < 360
        assert {job["collector"]: job["reason"] for job in data["jobs"]} == {
            "ninja": "heartbeat_stopped", "threatlocker": "never_started"}
        # The job that never started waited since the batch's last sign of life: the stopped heartbeat.
        assert all(300 <= job["stuck_seconds"] < 360 for job in data["jobs"])

    def test_a_queued_job_no_worker_took(self, settings, django_capture_on_commit_callbacks):
        subscribe("batch.stuck")
        batch = runs.start_batch(["ninja"], enqueue=False)
        waited = settings.COLLECTORS_QUEUED_STALE_MINUTES + 5
        batch.jobs.update(task_id="q-task", created_at=timezone.now() - timedelta(minutes=waited))
        with django_capture_on_commit_callbacks(execute=True):
            runs.cleanup_stale()
        data = Delivery.objects.get().payload
        assert data["reason"] == "not_picked_up" and waited * 60 <= data["stuck_seconds"] < waited * 60 + 60

    def test_a_finished_batch_nobody_closed(self, django_capture_on_commit_callbacks):
        subscribe("batch.stuck")
        batch = runs.start_batch(["ninja"], run_cross_vendor=False, enqueue=False)
        ended = timezone.now() - timedelta(minutes=7)
        batch.jobs.update(status=RunStatus.COMPLETED, started_at=ended, ended_at=ended, heartbeat_at=ended)
        CollectorBatch.objects.filter(pk=batch.pk).update(created_at=ended)
        with django_capture_on_commit_callbacks(execute=True):
            assert runs.cleanup_stale() == []
        data = Delivery.objects.get().payload
        assert data["reason"] == "never_closed" and 420 <= data["stuck_seconds"] < 480 and data["jobs"] == []
        assert data["status"] == RunStatus.COMPLETED  # its collection was good; only the close was missing

    def test_a_batch_whose_closer_stopped(self, django_capture_on_commit_callbacks):
        subscribe("batch.stuck")
        batch = runs.start_batch(["ninja"], enqueue=False)
        claimed = timezone.now() - timedelta(minutes=20)
        batch.jobs.update(status=RunStatus.COMPLETED, started_at=claimed, ended_at=claimed, heartbeat_at=claimed)
        CollectorBatch.objects.filter(pk=batch.pk).update(ended_at=claimed)  # claimed for closing, then nothing
        with django_capture_on_commit_callbacks(execute=True):
            runs.cleanup_stale()
        data = Delivery.objects.get().payload
        assert data["reason"] == "closer_stopped" and 1200 <= data["stuck_seconds"] < 1260
        batch.refresh_from_db()
        assert batch.active_slot is None

    def test_a_live_batch_sends_nothing(self, django_capture_on_commit_callbacks):
        subscribe("batch.stuck")
        stale_running_batch(1)
        with django_capture_on_commit_callbacks(execute=True):
            assert runs.cleanup_stale() == []
        assert not Delivery.objects.exists()

    def test_a_channel_not_subscribed_gets_nothing(self, django_capture_on_commit_callbacks):
        wanted = subscribe("batch.stuck", "windows11.failed")
        subscribe("collector.failed", "windows11.finished", name="other events")
        subscribe("batch.stuck", name="switched off", enabled=False)
        stale_running_batch(10)
        with django_capture_on_commit_callbacks(execute=True):
            runs.cleanup_stale()
        assert [d.channel for d in Delivery.objects.all()] == [wanted]

    def test_a_failing_receiver_leaves_the_cleanup_untouched(self, run_tasks_inline,
                                                             django_capture_on_commit_callbacks):
        subscribe("batch.stuck")  # nothing listens on its port: connection refused
        batch = stale_running_batch(10)
        with django_capture_on_commit_callbacks(execute=True):
            assert len(runs.cleanup_stale()) == 1
        batch.refresh_from_db()
        assert batch.status == RunStatus.FAILED and batch.active_slot is None
        delivery = Delivery.objects.get()
        assert delivery.status == DeliveryStatus.PENDING and "ConnectionError" in delivery.attempt_log.get().error
        assert runs.start_batch(["ninja"], enqueue=False).status == RunStatus.QUEUED  # the lock is free

    def test_an_error_building_the_notification_leaves_the_cleanup_untouched(
            self, monkeypatch, django_capture_on_commit_callbacks):
        subscribe("batch.stuck")

        def broken(*args, **kwargs):
            raise RuntimeError("notification store down")

        monkeypatch.setattr("notifications.hooks.emit", broken)

        def broken_receiver(**kwargs):
            raise RuntimeError("another listener is broken too")

        batch_cleaned_up.connect(broken_receiver, dispatch_uid="test.broken")
        try:
            batch = stale_running_batch(10)
            with django_capture_on_commit_callbacks(execute=True):
                assert len(runs.cleanup_stale()) == 1
        finally:
            batch_cleaned_up.disconnect(dispatch_uid="test.broken")
        batch.refresh_from_db()
        assert batch.status == RunStatus.FAILED and batch.active_slot is None
        assert not Delivery.objects.exists()


class TestWindows11Failed:
    def test_a_failing_assessment_sends_windows11_failed_with_the_message(
            self, monkeypatch, django_capture_on_commit_callbacks):
        subscribe("windows11.failed")
        subscribe("windows11.finished", name="successes only")
        f.snapshot(Vendor.NINJA, "WS-1")

        def broken(*args, **kwargs):
            raise OSError("disk full")

        monkeypatch.setattr(service, "build_assessments", broken)
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(OSError):
            service.run_assessment(trigger="api", actor="alice")
        run = Windows11Run.objects.get()
        assert run.status == Windows11Run.FAILED
        (delivery,) = Delivery.objects.all()
        assert delivery.event == Event.WINDOWS11_FAILED and delivery.channel.name == "ops"
        data = delivery.payload
        assert data["message"] == "OSError: disk full" and data["run_id"] == run.pk
        assert data["trigger"] == "api" and data["actor"] == "alice" and data["finished_at"]
        assert summary(delivery.event, data) == ("Windows 11 assessment failed", "OSError: disk full")
        body, _ = build("teams", event=delivery.event, delivery_id="d", occurred_at="t", data=data)
        assert b'"themeColor": "C0392B"' in body

    def test_an_abandoned_run_is_a_failed_run(self, settings, django_capture_on_commit_callbacks):
        subscribe("windows11.failed")
        f.snapshot(Vendor.NINJA, "WS-1")
        dead = Windows11Run.objects.create(
            started_at=timezone.now() - timedelta(minutes=settings.ESINV_WIN11_RUN_STALE_MINUTES + 1))
        with django_capture_on_commit_callbacks(execute=True):
            service.run_assessment()
        (delivery,) = Delivery.objects.all()
        assert delivery.payload["run_id"] == dead.pk
        assert delivery.payload["message"].startswith("Abandoned: still running after")

    def test_a_successful_run_sends_no_failure(self, django_capture_on_commit_callbacks):
        subscribe("windows11.failed")
        f.snapshot(Vendor.NINJA, "WS-1")
        with django_capture_on_commit_callbacks(execute=True):
            service.run_assessment()
        assert not Delivery.objects.exists()

    def test_an_error_building_the_notification_leaves_the_failure_as_it_was(
            self, monkeypatch, django_capture_on_commit_callbacks):
        subscribe("windows11.failed")
        f.snapshot(Vendor.NINJA, "WS-1")
        monkeypatch.setattr(service, "build_assessments", lambda *a, **k: 1 / 0)
        monkeypatch.setattr("notifications.hooks.emit", lambda *a, **k: 1 / 0)
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(ZeroDivisionError):
            service.run_assessment()
        assert Windows11Run.objects.get().message == "ZeroDivisionError: division by zero"


def test_the_channel_admin_offers_the_new_events(admin_client):
    page = admin_client.get("/admin/notifications/channel/add/").content.decode()
    for event in ("batch.stuck", "windows11.failed", "reconciliation.finished"):
        assert f'value="{event}"' in page
    response = admin_client.post("/admin/notifications/channel/add/", {
        "name": "ops", "kind": "webhook", "url": "https://hooks.example.com/esinv", "events": ["batch.stuck",
                                                                                              "windows11.failed"],
        "exception_types": "[]", "enabled": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    channel = Channel.objects.get()
    assert channel.events == ["batch.stuck", "windows11.failed"]
    page = admin_client.get(f"/admin/notifications/channel/{channel.pk}/change/").content.decode()
    checked = re.findall(r'<input type="checkbox" name="events" value="([^"]+)"[^>]*checked', page)
    assert checked == ["batch.stuck", "windows11.failed"]
