"""Turns other apps' events into notifications, without them importing this app:
- a ReconciliationRun saved (variances) -> reconciliation.finished, after the run's transaction commits;
- a django-q2 collector task ending with failed jobs (collectors) -> collector.failed, per failed job;
- a stuck batch ended by the stale cleanup (collectors' batch_cleaned_up) -> batch.stuck, per batch;
- a Windows11Run saved as successful (inventory) -> windows11.finished;
- a Windows 11 run ended failed (inventory's windows11_run_failed) -> windows11.failed;
- a django-q2 export task ending with its job completed (variances) -> export.ready.
A notification problem is logged and never reaches the collection that caused it."""
import logging

from django.db import transaction
from django.db.models import Count
from django.db.models.signals import post_save
from django.dispatch import receiver
from django_q.signals import post_execute

from collectors.signals import StuckReason, batch_cleaned_up
from esinv.choices import RunStatus
from inventory.signals import windows11_run_failed
from notifications.events import emit
from notifications.models import Event

log = logging.getLogger(__name__)
COLLECTOR_TASKS = ("collectors.tasks.run_collector_job", "collectors.tasks.scheduled_collection")
EXPORT_TASK = "variances.export_jobs.run_export_job"


def reconciliation_data(run) -> dict:
    from variances.models import EventAction, ExceptionEvent

    by_type = {code: {"new": 0, "gone": 0, "open": count} for code, count in (run.counts or {}).items()}
    changes = (ExceptionEvent.objects.filter(report_date=run.report_date, at__gte=run.started_at,
                                             action__in=(EventAction.CREATED, EventAction.AUTO_RESOLVED,
                                                         EventAction.FIX_VERIFIED))
               .values("exception__type", "action").annotate(n=Count("id")))
    for row in changes:
        slot = by_type.setdefault(row["exception__type"], {"new": 0, "gone": 0, "open": 0})
        slot["new" if row["action"] == EventAction.CREATED else "gone"] += row["n"]
    return {
        "report_date": run.report_date.isoformat(), "duration_seconds": run.duration_seconds,
        "new": sum(c["new"] for c in by_type.values()), "gone": sum(c["gone"] for c in by_type.values()),
        "open": run.total, "by_type": by_type,
    }


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def _safely(function, *args):
    try:
        function(*args)
    except Exception:
        log.exception("notifications: %s failed", function.__name__)


@receiver(post_save, sender="variances.ReconciliationRun", dispatch_uid="notifications.reconciliation")
def reconciliation_finished(sender, instance, created, **kwargs):
    if created:
        transaction.on_commit(lambda: _safely(lambda run: emit(Event.RECONCILIATION_FINISHED,
                                                               reconciliation_data(run)), instance))


def _failed_jobs(task: dict):
    from collectors.models import CollectorJob, RunStatus

    result, args = str(task.get("result") or ""), task.get("args") or ()
    if task.get("func") == COLLECTOR_TASKS[0] and args:
        jobs = CollectorJob.objects.filter(job_id=str(args[0]))
    elif task.get("func") == COLLECTOR_TASKS[1] and result.startswith("bch_"):
        jobs = CollectorJob.objects.filter(batch__batch_id=result.split(":")[0])
    else:
        return []
    return list(jobs.filter(status=RunStatus.FAILED).select_related("batch"))


def _notify_failures(task: dict) -> None:
    for job in _failed_jobs(task):
        emit(Event.COLLECTOR_FAILED, {
            "collector": job.name, "job_id": job.job_id, "batch_id": job.batch.batch_id,
            "snapshot_date": job.snapshot_date.isoformat(), "message": job.message, "error": job.error,
        })


def _notify_export(task: dict) -> None:
    from variances.models_exports import ExportJob

    args = task.get("args") or ()
    job = ExportJob.objects.filter(pk=args[0], status="completed").first() if args else None
    if job is not None:
        emit(Event.EXPORT_READY, {
            "job_id": job.pk, "format": job.format, "file_name": job.file_name, "rows": job.row_count,
            "requested_by": job.requested_by, "download_url": f"/api/variances/export/jobs/{job.pk}/download",
        })


@receiver(post_execute, dispatch_uid="notifications.collector_failed")
def collector_task_done(sender, task=None, **kwargs):
    if task and task.get("func") in COLLECTOR_TASKS:
        _safely(_notify_failures, task)
    elif task and task.get("func") == EXPORT_TASK:
        _safely(_notify_export, task)


@receiver(post_save, sender="inventory.Windows11Run", dispatch_uid="notifications.windows11")
def windows11_finished(sender, instance, created, **kwargs):
    if instance.status != RunStatus.COMPLETED:
        return
    data = {"snapshot_date": instance.snapshot_date.isoformat() if instance.snapshot_date else None,
            "duration_seconds": instance.duration_seconds, "total": instance.total_devices,
            "compatible": instance.compatible_devices, "incompatible": instance.incompatible_devices,
            "not_assessed": instance.not_assessed_devices, "already_on_24h2": instance.already_on_24h2_devices}
    transaction.on_commit(lambda: _safely(emit, Event.WINDOWS11_FINISHED, data))


def batch_stuck_data(batch, reason: str, stuck_seconds: int, jobs: list[dict]) -> dict:
    return {"batch_id": batch.batch_id, "reason": reason, "reason_text": StuckReason.label(reason),
            "stuck_seconds": stuck_seconds, "snapshot_date": _iso(batch.snapshot_date), "trigger": batch.trigger,
            "status": batch.status, "message": batch.message, "jobs": jobs}


@receiver(batch_cleaned_up, dispatch_uid="notifications.batch_stuck")
def batch_stuck(sender, batch, reason, stuck_seconds, jobs, **kwargs):
    data = batch_stuck_data(batch, reason, stuck_seconds, jobs)
    transaction.on_commit(lambda: _safely(emit, Event.BATCH_STUCK, data))


@receiver(windows11_run_failed, dispatch_uid="notifications.windows11_failed")
def windows11_failed(sender, run, **kwargs):
    data = {"run_id": run.pk, "trigger": run.trigger, "actor": run.actor, "started_at": _iso(run.started_at),
            "finished_at": _iso(run.finished_at), "duration_seconds": run.duration_seconds, "message": run.message}
    transaction.on_commit(lambda: _safely(emit, Event.WINDOWS11_FAILED, data))
