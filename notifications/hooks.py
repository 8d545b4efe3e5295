"""Turns other apps' events into notifications, without them importing this app:
- a ReconciliationRun saved (variances) -> reconciliation.finished, after the run's transaction commits;
- a django-q2 collector task ending with failed jobs (collectors) -> collector.failed, per failed job.
A notification problem is logged and never reaches the collection that caused it."""
import logging

from django.db import transaction
from django.db.models import Count
from django.db.models.signals import post_save
from django.dispatch import receiver
from django_q.signals import post_execute

from notifications.events import emit
from notifications.models import Event

log = logging.getLogger(__name__)
COLLECTOR_TASKS = ("collectors.tasks.run_collector_job", "collectors.tasks.scheduled_collection")


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


@receiver(post_execute, dispatch_uid="notifications.collector_failed")
def collector_task_done(sender, task=None, **kwargs):
    if task and task.get("func") in COLLECTOR_TASKS:
        _safely(_notify_failures, task)
