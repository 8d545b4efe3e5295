"""Batches, jobs, the run lock, stale jobs and the follow-ups (Windows 11 schedule, reconciliation)."""
from datetime import date, timedelta

import pytest
from django.utils import timezone
from django_q.models import Schedule

from collectors import runs
from collectors.context import JobAborted, RunContext
from collectors.models import CollectorBatch, CollectorJob, CrossVendorStatus, RunStatus
from inventory.windows11 import scheduling

pytestmark = pytest.mark.django_db


def start(names=None, **kwargs):
    kwargs.setdefault("enqueue", False)
    return runs.start_batch(names, **kwargs)


class TestStartBatch:
    def test_one_job_per_collector_and_the_lock(self):
        batch = start(["threatlocker", "ninja", "NinjaOne"], snapshot_date=date(2026, 11, 1))
        assert list(batch.jobs.values_list("name", "job_name", "vendor_id", "status")) == [
            ("threatlocker", "threatlocker-collector", 3, "queued"), ("ninja", "ninja-collector", 1, "queued")]
        assert batch.active_slot == 1 and batch.cross_vendor_status == CrossVendorStatus.PENDING

    @pytest.mark.parametrize("names", [None, ["both"], ["all"]])
    def test_default_set(self, names):
        assert sorted(start(names).jobs.values_list("name", flat=True)) == ["ninja", "threatlocker"]

    def test_unknown_names(self):
        with pytest.raises(runs.UnknownCollector) as caught:
            start(["ninja", "kaseya"])
        assert caught.value.unknown == ["kaseya"]
        assert not CollectorBatch.objects.exists()

    def test_second_batch_conflicts_until_the_first_ends(self):
        first = start(["ninja"])
        with pytest.raises(runs.RunConflict) as caught:
            start(["threatlocker"])
        assert caught.value.batch.batch_id == first.batch_id
        runs.cancel_job(first.jobs.get())
        first.refresh_from_db()
        assert first.status == RunStatus.CANCELLED and first.active_slot is None
        assert start(["threatlocker"]).batch_id != first.batch_id

    def test_lock_is_a_database_constraint(self):
        """Two processes racing past any check still meet the unique constraint."""
        from django.db import IntegrityError, transaction

        start(["ninja"])
        with pytest.raises(IntegrityError), transaction.atomic():
            CollectorBatch.objects.create(snapshot_date=date(2026, 11, 1), active_slot=1)

    def test_queue_failure_fails_the_job_and_frees_the_lock(self, monkeypatch):
        def broken(*args, **kwargs):
            raise ConnectionError("broker down")

        monkeypatch.setattr("django_q.tasks.async_task", broken)
        batch = runs.start_batch(["ninja"])
        batch.refresh_from_db()
        job = batch.jobs.get()
        assert job.status == RunStatus.FAILED and "Could not queue" in job.message
        assert batch.status == RunStatus.FAILED and batch.active_slot is None


class TestJobLifecycle:
    def test_a_job_runs_once(self, monkeypatch):
        calls = []
        monkeypatch.setattr("collectors.ninja_collector.run", lambda ctx: calls.append(ctx) or {"rows_written": 3})
        monkeypatch.setattr("inventory.windows11.scheduling.schedule_windows11_assessment", lambda job: None)
        batch = start(["ninja"], run_cross_vendor=False)
        job = batch.jobs.get()
        assert runs.run_job(job.job_id).status == RunStatus.COMPLETED
        assert runs.run_job(job.job_id) is None and len(calls) == 1
        batch.refresh_from_db()
        assert batch.status == RunStatus.COMPLETED and batch.active_slot is None and batch.progress_percent == 100
        assert batch.cross_vendor_status == CrossVendorStatus.NOT_REQUESTED

    def test_unexpected_error_is_a_failed_job_with_the_cause(self, monkeypatch):
        def crash(ctx):
            raise KeyError("systemName")

        monkeypatch.setattr("collectors.threatlocker_collector.run", crash)
        job = runs.run_job(start(["threatlocker"]).jobs.get().job_id)
        assert job.status == RunStatus.FAILED and job.ended_at is not None
        assert job.message == "ThreatLocker collection failed: KeyError: 'systemName'"

    def test_cancelled_job_stops_at_its_next_heartbeat(self, settings):
        settings.COLLECTORS_HEARTBEAT_SECONDS = 0
        job = start(["ninja"]).jobs.get()
        CollectorJob.objects.filter(pk=job.pk).update(status=RunStatus.RUNNING)
        ctx = RunContext(job.snapshot_date, job_pk=job.pk)
        ctx.progress(10, "paging")
        job.refresh_from_db()
        assert (job.progress_percent, job.message) == (10, "paging")
        runs.cancel_job(job)
        with pytest.raises(JobAborted):
            ctx.progress(20, "still paging")

    def test_heartbeats_are_throttled(self, settings):
        settings.COLLECTORS_HEARTBEAT_SECONDS = 60
        job = start(["ninja"]).jobs.get()
        CollectorJob.objects.filter(pk=job.pk).update(status=RunStatus.RUNNING)
        now = [0.0]
        seen = []
        ctx = RunContext(job.snapshot_date, job_pk=job.pk, clock=lambda: now[0],
                         on_progress=lambda p, m: seen.append(p))
        ctx.progress(10, "a")
        ctx.progress(20, "b")
        job.refresh_from_db()
        assert job.progress_percent == 10 and seen == [10, 20]
        now[0] = 61
        ctx.progress(30, "c")
        job.refresh_from_db()
        assert job.progress_percent == 30


class TestStaleJobs:
    def running_job(self, heartbeat_minutes_ago, trigger="api"):
        job = start(["ninja"], trigger=trigger).jobs.get()
        beat = timezone.now() - timedelta(minutes=heartbeat_minutes_ago)
        CollectorJob.objects.filter(pk=job.pk).update(status=RunStatus.RUNNING, started_at=beat, heartbeat_at=beat,
                                                      task_id="q-task")
        return job

    def test_no_heartbeat_for_the_stale_window_is_failed(self, settings):
        assert settings.COLLECTORS_STALE_MINUTES == 3  # the documented default
        job = self.running_job(3.1)
        assert runs.cleanup_stale() == [job.job_id]
        job.refresh_from_db()
        assert job.status == RunStatus.FAILED
        assert job.message == ("Stale: the qcluster worker running it stopped (no heartbeat for 3 min); "
                               "marked failed")
        batch = job.batch
        batch.refresh_from_db()
        assert batch.status == RunStatus.FAILED and batch.active_slot is None

    def test_recent_heartbeat_is_left_alone(self):
        job = self.running_job(2.9)
        assert runs.cleanup_stale() == []
        job.refresh_from_db()
        assert job.status == RunStatus.RUNNING

    def test_queued_job_no_worker_took(self, settings):
        job = start(["ninja"]).jobs.get()
        CollectorJob.objects.filter(pk=job.pk).update(task_id="q-task", created_at=timezone.now() - timedelta(
            minutes=settings.COLLECTORS_QUEUED_STALE_MINUTES + 1))
        assert runs.cleanup_stale() == [job.job_id]
        job.refresh_from_db()
        assert "is qcluster running?" in job.message

    def test_a_killed_collect_process_releases_its_batch_and_queued_jobs_at_the_heartbeat_window(self, settings):
        """`manage.py collect` runs its jobs in-process: when it dies, its queued jobs have no task and would
        never run. Its batch is released once it has been silent for COLLECTORS_STALE_MINUTES."""
        batch = start(["ninja", "threatlocker"], trigger="command")
        ninja, threatlocker = batch.jobs.order_by("id")
        now = timezone.now()
        CollectorJob.objects.filter(pk=ninja.pk).update(status=RunStatus.RUNNING, started_at=now, heartbeat_at=now)
        # Within the window: nothing is stale and the lock holds.
        assert runs.find_stale(now + timedelta(minutes=2.9)) == []
        assert runs.cleanup_stale(now + timedelta(minutes=2.9)) == []
        with pytest.raises(runs.RunConflict):
            start(["ninja"])
        # Past it: both jobs failed, saying what happened, and the batch released.
        later = now + timedelta(minutes=3.1)
        assert sorted(runs.cleanup_stale(later)) == sorted([ninja.job_id, threatlocker.job_id])
        ninja.refresh_from_db()
        threatlocker.refresh_from_db()
        assert ninja.message == "Stale: the collect process stopped (no heartbeat for 3 min); marked failed"
        assert threatlocker.message == ("Not run: the collect process stopped (no heartbeat for 3 min) before this "
                                        "job started; marked failed")
        assert "qcluster" not in ninja.message + threatlocker.message
        batch.refresh_from_db()
        assert batch.status == RunStatus.FAILED and batch.active_slot is None
        assert start(["ninja"]).status == RunStatus.QUEUED

    def test_a_live_in_process_batch_keeps_its_queued_jobs(self):
        batch = start(["ninja", "threatlocker"], trigger="command")
        ninja = batch.jobs.order_by("id").first()
        # The first job is running and beating; the second waits its turn in the same process.
        later = timezone.now() + timedelta(minutes=10)
        CollectorJob.objects.filter(pk=ninja.pk).update(status=RunStatus.RUNNING, started_at=later,
                                                        heartbeat_at=later)
        assert runs.cleanup_stale(later + timedelta(minutes=1)) == []
        assert set(batch.jobs.values_list("status", flat=True)) == {RunStatus.RUNNING, RunStatus.QUEUED}

    def test_a_finished_batch_left_open_is_closed_only_after_the_window(self):
        batch = start(["ninja"])
        now = timezone.now()
        batch.jobs.update(status=RunStatus.COMPLETED, started_at=now, ended_at=now, heartbeat_at=now)
        assert runs.cleanup_stale(now + timedelta(minutes=1)) == []
        batch.refresh_from_db()
        assert batch.active_slot == 1  # the process that finished the job may be closing it right now
        runs.cleanup_stale(now + timedelta(minutes=3.1))
        batch.refresh_from_db()
        assert batch.active_slot is None and batch.status == RunStatus.COMPLETED

    def test_a_stale_job_that_wakes_up_does_not_write(self, settings):
        settings.COLLECTORS_HEARTBEAT_SECONDS = 0
        job = self.running_job(11)
        runs.cleanup_stale()
        with pytest.raises(JobAborted):
            RunContext(job.snapshot_date, job_pk=job.pk).checkpoint(88, "writing")


class TestFollowUps:
    def test_windows11_assessment_is_scheduled_once(self, settings):
        settings.ESINV_WIN11_DELAY_MINUTES = 45
        now = timezone.now()
        first = scheduling.schedule_windows11_assessment(now=now)
        assert first.func == "inventory.windows11.tasks.assess_windows11"
        assert first.schedule_type == Schedule.ONCE and first.next_run == now + timedelta(minutes=45)
        later = now + timedelta(minutes=10)
        scheduling.schedule_windows11_assessment(now=later)
        pending = Schedule.objects.filter(func=scheduling.WINDOWS11_FUNC)
        assert pending.count() == 1 and pending.get().next_run == later + timedelta(minutes=45)

    def test_successful_ninja_job_schedules_it(self, monkeypatch):
        monkeypatch.setattr("collectors.ninja_collector.run", lambda ctx: {"rows_written": 1})
        before = timezone.now()
        runs.run_job(start(["ninja"], run_cross_vendor=False).jobs.get().job_id)
        schedule = Schedule.objects.get(func=scheduling.WINDOWS11_FUNC)
        assert before + timedelta(minutes=45) <= schedule.next_run <= timezone.now() + timedelta(minutes=45)

    def test_failed_ninja_job_does_not(self, monkeypatch):
        monkeypatch.setattr("collectors.ninja_collector.run", lambda ctx: 1 / 0)
        runs.run_job(start(["ninja"], run_cross_vendor=False).jobs.get().job_id)
        assert not Schedule.objects.filter(func=scheduling.WINDOWS11_FUNC).exists()

    def test_reconciliation_after_every_collector_succeeded(self, monkeypatch):
        called = []
        monkeypatch.setattr("collectors.ninja_collector.run", lambda ctx: {})
        monkeypatch.setattr("collectors.threatlocker_collector.run", lambda ctx: {})
        def reconcile_day(day, *, triggered_by="?"):
            called.append((day, {"triggered_by": triggered_by}))
            return {"total": 4}

        monkeypatch.setattr("variances.services.reconcile_day", reconcile_day)
        batch = start(snapshot_date=date(2026, 11, 2))
        for job in batch.jobs.all():
            runs.run_job(job.job_id)
        batch.refresh_from_db()
        assert called == [(date(2026, 11, 2), {"triggered_by": f"collectors:{batch.batch_id}"})]
        assert batch.cross_vendor_status == CrossVendorStatus.COMPLETED and "total" in batch.cross_vendor_message

    def test_reconciliation_skipped_when_a_collector_failed(self, monkeypatch):
        called = []
        monkeypatch.setattr("collectors.ninja_collector.run", lambda ctx: {})
        monkeypatch.setattr("collectors.threatlocker_collector.run", lambda ctx: 1 / 0)
        monkeypatch.setattr("variances.services.reconcile_day", lambda day, **kw: called.append(day))
        batch = start()
        for job in batch.jobs.all():
            runs.run_job(job.job_id)
        batch.refresh_from_db()
        assert called == [] and batch.cross_vendor_status == CrossVendorStatus.SKIPPED

    def test_reconciliation_error_is_recorded_not_raised(self, monkeypatch):
        monkeypatch.setattr("collectors.ninja_collector.run", lambda ctx: {})
        monkeypatch.setattr("collectors.threatlocker_collector.run", lambda ctx: {})

        def boom(day, **kw):
            raise ValueError("no common date")

        monkeypatch.setattr("variances.services.reconcile_day", boom)
        batch = start()
        for job in batch.jobs.all():
            runs.run_job(job.job_id)
        batch.refresh_from_db()
        assert batch.status == RunStatus.COMPLETED and batch.cross_vendor_status == CrossVendorStatus.FAILED
        assert "no common date" in batch.cross_vendor_message and batch.active_slot is None


def test_one_daily_batch_and_the_cleanup_schedule_exist_and_are_idempotent():
    from collectors.schedules import CLEANUP_FUNC, SCHEDULE_FUNC, ensure_daily_schedules

    daily = Schedule.objects.filter(func=SCHEDULE_FUNC)
    assert list(daily.values_list("name", "args", "schedule_type")) == [("collect-daily", "", "D")]
    cleanup = Schedule.objects.get(func=CLEANUP_FUNC)
    assert (cleanup.name, cleanup.schedule_type, cleanup.minutes, cleanup.repeats) == (
        "collectors-cleanup-stale", "I", 2, -1)
    assert ensure_daily_schedules() == [] and daily.count() == 1


def test_migration_replaces_per_vendor_schedules_keeping_their_time():
    from datetime import UTC, datetime

    from collectors.schedules import SCHEDULE_FUNC, replace_per_vendor_schedules

    Schedule.objects.filter(func=SCHEDULE_FUNC).delete()
    for name, hour in (("collect-ninja-daily", 3), ("collect-threatlocker-daily", 4)):
        Schedule.objects.create(name=name, func=SCHEDULE_FUNC, args="'x'", schedule_type="D",
                                next_run=datetime(2026, 11, 24, hour, 30, tzinfo=UTC))
    assert replace_per_vendor_schedules(Schedule, now=datetime(2026, 11, 23, 12, tzinfo=UTC)) == ["collect-daily"]
    daily = Schedule.objects.get(func=SCHEDULE_FUNC)
    assert daily.name == "collect-daily" and daily.next_run == datetime(2026, 11, 24, 3, 30, tzinfo=UTC)


def test_the_cleanup_task_fails_stale_jobs():
    from collectors.tasks import cleanup_stale_jobs

    job = start(["ninja"], trigger="command").jobs.get()
    old = timezone.now() - timedelta(minutes=5)
    CollectorJob.objects.filter(pk=job.pk).update(status=RunStatus.RUNNING, started_at=old, heartbeat_at=old)
    CollectorBatch.objects.filter(pk=job.batch_id).update(created_at=old)
    assert cleanup_stale_jobs() == f"1 stale job(s) marked failed: {job.job_id}"
    assert CollectorBatch.objects.get().active_slot is None


def test_next_daily_run():
    from datetime import UTC, datetime

    from collectors.schedules import next_daily_run

    assert next_daily_run("02:00", datetime(2026, 11, 23, 1, 0, tzinfo=UTC)) == datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    assert next_daily_run("02:00", datetime(2026, 11, 23, 3, 0, tzinfo=UTC)) == datetime(2026, 11, 24, 2, 0, tzinfo=UTC)


class TestScheduledCollection:
    def test_runs_a_batch_in_the_worker(self, monkeypatch):
        from collectors.tasks import scheduled_collection

        monkeypatch.setattr("collectors.threatlocker_collector.run", lambda ctx: {"rows_written": 2})
        result = scheduled_collection("threatlocker", run_cross_vendor=False)
        batch = CollectorBatch.objects.get()
        assert result == f"{batch.batch_id}: completed" and batch.trigger == "schedule"

    def test_the_daily_run_is_one_batch_of_every_vendor_reconciled_once(self, monkeypatch, caplog):
        from collectors.tasks import scheduled_collection

        reconciled = []
        monkeypatch.setattr("collectors.ninja_collector.run", lambda ctx: {"rows_written": 1})
        monkeypatch.setattr("collectors.threatlocker_collector.run", lambda ctx: {"rows_written": 1})
        monkeypatch.setattr("variances.services.reconcile_day", lambda day, **kw: reconciled.append(day))
        scheduled_collection()  # what the collect-daily schedule calls
        batch = CollectorBatch.objects.get()
        assert sorted(batch.jobs.values_list("name", flat=True)) == ["ninja", "threatlocker"]
        assert batch.status == RunStatus.COMPLETED and batch.cross_vendor_status == CrossVendorStatus.COMPLETED
        assert reconciled == [batch.snapshot_date]
        assert "Reconciliation failed" not in caplog.text

    def test_gives_up_when_another_batch_keeps_running(self, settings):
        from collectors.tasks import scheduled_collection

        settings.COLLECTORS_SCHEDULE_WAIT_MINUTES = 0
        running = start(["ninja"])
        assert scheduled_collection("threatlocker").startswith("skipped: A collection is already running")
        assert list(CollectorBatch.objects.values_list("batch_id", flat=True)) == [running.batch_id]


class TestAppsRegisterWhatFollowsACollection:
    def test_the_consumers_registered_themselves(self):
        from collectors import registry

        assert registry.get("connectwise").run == "qbr.connectwise.collector.run"  # qbr's AppConfig.ready()
        assert [(hook.run, hook.every_batch) for hook in registry.batch_hooks()] == [
            ("variances.collection.reconcile_batch", False),  # variances' AppConfig.ready()
            ("billing.measures.measure_batch", True)]  # billing's: after every batch
        assert registry.get("ninja").on_success == (
            "inventory.windows11.scheduling.schedule_windows11_assessment",)

    def test_without_a_hook_the_step_is_unavailable(self, monkeypatch):
        from collectors import registry

        monkeypatch.setattr(registry, "_BATCH_HOOKS", {})
        monkeypatch.setattr("collectors.ninja_collector.run", lambda ctx: {})
        monkeypatch.setattr("collectors.threatlocker_collector.run", lambda ctx: {})
        batch = start()
        for job in batch.jobs.all():
            runs.run_job(job.job_id)
        batch.refresh_from_db()
        assert batch.status == RunStatus.COMPLETED and batch.cross_vendor_status == CrossVendorStatus.UNAVAILABLE

    def test_a_hook_that_raises_is_recorded_and_frees_the_lock(self, monkeypatch):
        from collectors import registry

        def broken(batch):
            raise RuntimeError("hook bug")

        monkeypatch.setattr(registry, "_BATCH_HOOKS", {})
        monkeypatch.setattr("tests.collectors.test_runs.broken_hook", broken, raising=False)
        registry.register_batch_hook(registry.BatchHook("broken", "tests.collectors.test_runs.broken_hook"))
        monkeypatch.setattr("collectors.ninja_collector.run", lambda ctx: {})
        batch = start(["ninja"])
        runs.run_job(batch.jobs.get().job_id)
        batch.refresh_from_db()
        assert batch.cross_vendor_status == CrossVendorStatus.FAILED and "hook bug" in batch.cross_vendor_message
        assert batch.status == RunStatus.COMPLETED and batch.active_slot is None

    def test_the_hooks_answer_is_recorded_and_none_keeps_the_last(self, monkeypatch):
        from collectors import registry

        monkeypatch.setattr(registry, "_BATCH_HOOKS", {})
        monkeypatch.setattr("tests.collectors.test_runs.first_hook",
                            lambda batch: (CrossVendorStatus.COMPLETED, "done by the first"), raising=False)
        monkeypatch.setattr("tests.collectors.test_runs.silent_hook", lambda batch: None, raising=False)
        registry.register_batch_hook(registry.BatchHook("first", "tests.collectors.test_runs.first_hook"))
        registry.register_batch_hook(registry.BatchHook("silent", "tests.collectors.test_runs.silent_hook"))
        monkeypatch.setattr("collectors.ninja_collector.run", lambda ctx: {})
        batch = start(["ninja"])
        runs.run_job(batch.jobs.get().job_id)
        batch.refresh_from_db()
        assert (batch.cross_vendor_status, batch.cross_vendor_message) == (CrossVendorStatus.COMPLETED,
                                                                           "done by the first")

    def test_a_connectwise_only_batch_skips_reconciliation(self, monkeypatch):
        called = []
        monkeypatch.setattr("variances.services.reconcile_day", lambda day, **kw: called.append(day))
        monkeypatch.setattr("qbr.connectwise.collector.run", lambda ctx: {})
        batch = start(["connectwise"])
        runs.run_job(batch.jobs.get().job_id)
        batch.refresh_from_db()
        assert called == [] and batch.cross_vendor_status == CrossVendorStatus.SKIPPED
        assert "no inventory collector" in batch.cross_vendor_message


class TestEveryBatchHooks:
    def test_an_every_batch_hook_runs_without_the_cross_vendor_step_and_records_nothing(self, monkeypatch):
        from collectors import registry

        seen = []
        monkeypatch.setattr(registry, "_BATCH_HOOKS", {})
        monkeypatch.setattr("tests.collectors.test_runs.every_hook",
                            lambda batch: seen.append(batch.batch_id) or (CrossVendorStatus.FAILED, "ignored"),
                            raising=False)
        monkeypatch.setattr("tests.collectors.test_runs.cross_hook", lambda batch: seen.append("cross"),
                            raising=False)
        registry.register_batch_hook(registry.BatchHook("every", "tests.collectors.test_runs.every_hook",
                                                        every_batch=True))
        registry.register_batch_hook(registry.BatchHook("cross", "tests.collectors.test_runs.cross_hook"))
        monkeypatch.setattr("collectors.ninja_collector.run", lambda ctx: {})
        batch = runs.start_batch(["ninja"], run_cross_vendor=False, snapshot_date=date(2026, 11, 20),
                                 trigger="command", enqueue=False)
        runs.run_job(batch.jobs.get().job_id)
        batch.refresh_from_db()
        assert seen == [batch.batch_id]  # the cross-vendor hook did not run
        assert batch.status == RunStatus.COMPLETED and batch.cross_vendor_status == CrossVendorStatus.NOT_REQUESTED
