"""Starting, running, finishing and sweeping collection batches.

- `start_batch` creates a batch and one job per collector in one transaction;
  the batch takes the database-wide run lock (`active_slot`), so a concurrent
  request in any process gets `RunConflict` naming the running batch. Jobs are
  then queued on django-q2 (or run in-process by the `collect` command).
- `run_job` runs one job: queued -> running (a conditional update, so a job is
  run once), heartbeat and progress while paging, completed or failed with the
  error. One job failing never touches another.
- `finish_batch_if_done` is called after each job; the caller that finds every
  job finished claims the batch (a conditional update), runs the after-batch
  hooks the apps registered (variances: reconciliation) and releases the lock.
- `find_stale` lists jobs nobody runs any more (no heartbeat for
  COLLECTORS_STALE_MINUTES, including the queued jobs of a killed in-process
  batch); `cleanup_stale` fails them and releases their batch. Reads call
  `find_stale` only; `cleanup_stale` runs on its schedule, from the cleanup
  endpoint and before a new batch starts, and sends `batch_cleaned_up`
  (collectors/signals.py) for each batch it ends, with why it was stuck.
"""
import logging
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from collectors import registry, signals
from collectors.clients.base import VendorError
from collectors.context import JobAborted, RunContext
from collectors.models import CollectorBatch, CollectorJob, CrossVendorStatus, RunStatus
from collectors.signals import StuckReason

log = logging.getLogger(__name__)

TASK_FUNC = "collectors.tasks.run_collector_job"


class UnknownCollector(ValueError):
    def __init__(self, unknown: list[str]):
        self.unknown = unknown
        super().__init__(f"Unknown collector(s): {', '.join(unknown)}. Known: {', '.join(registry.names())}.")


class RunConflict(Exception):
    def __init__(self, batch: CollectorBatch):
        self.batch = batch
        super().__init__(f"A collection is already running: batch {batch.batch_id} ({batch.status}).")


# Names that stand for the default set (COLLECTORS_DEFAULT), in any case.
DEFAULT_SET_ALIASES = ("both", "all")


def accepted_names() -> list[str]:
    """Every name a run request may give (the API schema's enum): each registered collector's name and
    aliases, and the default set's aliases (matched in any case, as `resolve_names` does)."""
    names = [name for spec in registry.all_specs() for name in (spec.name, *spec.aliases)]
    return list(dict.fromkeys([*names, *DEFAULT_SET_ALIASES]))


def resolve_names(requested: list[str] | None) -> list[registry.CollectorSpec]:
    """Specs for requested names (None, "both" or "all" mean the default set), in request order, once each."""
    if not requested:
        requested = list(settings.COLLECTORS_DEFAULT)
    expanded = []
    for name in requested:
        if str(name).strip().lower() in DEFAULT_SET_ALIASES:
            expanded.extend(settings.COLLECTORS_DEFAULT)
        else:
            expanded.append(name)
    specs, unknown = [], []
    for name in expanded:
        spec = registry.get(str(name))
        if spec is None:
            unknown.append(str(name))
        elif spec not in specs:
            specs.append(spec)
    if unknown:
        raise UnknownCollector(unknown)
    return specs


# `manage.py collect --date D --backfill` goes back to this day at most: year 1 or 1900 is a typing slip.
EARLIEST_BACKFILL_DAY = date(2000, 1, 1)


def snapshot_date_problem(day: date | None, today: date | None = None, *, bound_past: bool = True) -> str | None:
    """Why a collection may not be filed under `day` (None: it may; no day means today).

    Vendors answer with their devices as they are now, so the day is at most today (the API and
    `manage.py collect --date` alike: a future day would become every page's latest day), and, with
    `bound_past` (the API, and the command without `--backfill`), at least ESINV_SNAPSHOT_RETENTION_DAYS back:
    an older daily snapshot would be pruned by the next `prune_snapshots` (unless it ended a month), and
    1900-01-01 is a typing slip, not a day to backfill. `collect --backfill` passes `bound_past=False`: staff on
    the server may backfill deliberately, but never before EARLIEST_BACKFILL_DAY."""
    if day is None:
        return None
    today = today or timezone.localdate()
    if day > today:
        return "cannot be in the future."
    if not bound_past:
        if day < EARLIEST_BACKFILL_DAY:
            return f"cannot be before {EARLIEST_BACKFILL_DAY.isoformat()}, even with --backfill."
        return None
    earliest = today - timedelta(days=settings.ESINV_SNAPSHOT_RETENTION_DAYS)
    if day < earliest:
        return (f"cannot be before {earliest.isoformat()}: snapshots are kept ESINV_SNAPSHOT_RETENTION_DAYS "
                f"({settings.ESINV_SNAPSHOT_RETENTION_DAYS}) days.")
    return None


def running_batch() -> CollectorBatch | None:
    return CollectorBatch.objects.filter(active_slot__isnull=False).first()


def start_batch(names: list[str] | None = None, *, run_cross_vendor: bool = True, snapshot_date: date | None = None,
                trigger: str = "api", requested_by: str = "", enqueue: bool = True,
                confirm_drop: bool = False) -> CollectorBatch:
    """Create a batch (taking the run lock) and queue its jobs. Raises UnknownCollector / RunConflict."""
    specs = resolve_names(names)
    cleanup_stale()
    day = snapshot_date or timezone.localdate()
    try:
        with transaction.atomic():
            batch = CollectorBatch.objects.create(
                status=RunStatus.QUEUED, snapshot_date=day, run_cross_vendor=run_cross_vendor,
                cross_vendor_status=CrossVendorStatus.PENDING if run_cross_vendor else CrossVendorStatus.NOT_REQUESTED,
                trigger=trigger, requested_by=requested_by[:150], active_slot=1, confirm_drop=confirm_drop,
                message=f"Queued: {', '.join(spec.label for spec in specs)}",
            )
            CollectorJob.objects.bulk_create([
                CollectorJob(batch=batch, name=spec.name, job_name=spec.job_name, vendor_id=spec.vendor_id,
                             snapshot_date=day, message="Waiting for a worker")
                for spec in specs
            ])
    except IntegrityError:
        active = running_batch()
        if active is None:  # it finished between our insert and this read
            return start_batch(names, run_cross_vendor=run_cross_vendor, snapshot_date=snapshot_date,
                               trigger=trigger, requested_by=requested_by, enqueue=enqueue, confirm_drop=confirm_drop)
        raise RunConflict(active) from None
    if enqueue:
        enqueue_jobs(batch)
    return batch


def enqueue_jobs(batch: CollectorBatch):
    from django_q.tasks import async_task

    for job in list(batch.jobs.all()):
        try:
            task_id = async_task(TASK_FUNC, job.job_id, task_name=f"{job.job_name}-{job.job_id}", group=batch.batch_id)
        except Exception as exc:  # the broker is unreachable: the job can never run
            log.exception("could not queue %s", job.job_id)
            _fail_job(job.pk, f"Could not queue the job: {exc.__class__.__name__}", str(exc),
                      from_status=RunStatus.QUEUED)
            continue
        CollectorJob.objects.filter(pk=job.pk, task_id="").update(task_id=str(task_id or "")[:64])
    finish_batch_if_done(batch.pk)


def _fail_job(job_pk: int, message: str, error: str, *, from_status=RunStatus.ACTIVE) -> bool:
    statuses = from_status if isinstance(from_status, tuple) else (from_status,)
    return bool(CollectorJob.objects.filter(pk=job_pk, status__in=statuses).update(
        status=RunStatus.FAILED, message=message[:500], error=error, ended_at=timezone.now()
    ))


def run_job(job_id: str, *, on_progress=None) -> CollectorJob | None:
    """Run one queued job to its end. Returns the job, or None when it was not runnable."""
    job = CollectorJob.objects.select_related("batch").filter(job_id=job_id).first()
    if job is None:
        log.warning("collector job %s does not exist", job_id)
        return None
    now = timezone.now()
    claimed = CollectorJob.objects.filter(pk=job.pk, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, started_at=now, heartbeat_at=now, message="Starting"
    )
    if not claimed:
        log.info("collector job %s is %s, not queued: not run", job_id, job.status)
        return None
    CollectorBatch.objects.filter(pk=job.batch_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, started_at=now
    )
    spec = registry.get(job.name)
    ctx = RunContext(job.snapshot_date, job_pk=job.pk, on_progress=on_progress, confirm_drop=job.batch.confirm_drop)
    try:
        if spec is None:
            raise VendorError(job.name, "run", "this collector is no longer registered")
        counts = spec.run_function()(ctx)
        finished = CollectorJob.objects.filter(pk=job.pk, status=RunStatus.RUNNING).update(
            status=RunStatus.COMPLETED, progress_percent=100, counts=counts, ended_at=timezone.now(),
            heartbeat_at=timezone.now(), error="",
            message=(counts.get("summary")
                     or f"{spec.label}: {counts.get('rows_written', 0)} devices collected for {job.snapshot_date}"),
        )
        if finished:
            job.refresh_from_db()
            for hook in spec.success_hooks():
                try:
                    hook(job)
                except Exception:  # a follow-up must not turn a good collection into a failure
                    log.exception("follow-up %s of job %s failed", hook, job.job_id)
    except JobAborted:
        log.warning("collector job %s stopped: it was cancelled or marked stale", job_id)
    except VendorError as exc:
        log.warning("collector job %s failed: %s", job_id, exc)
        _fail_job(job.pk, str(exc), f"{exc.__class__.__name__}: {exc.cause}")
    except Exception as exc:
        log.exception("collector job %s crashed", job_id)
        label = spec.label if spec else job.name
        _fail_job(job.pk, f"{label} collection failed: {exc.__class__.__name__}: {exc}"[:500],
                  f"{exc.__class__.__name__}: {exc}")
    finish_batch_if_done(job.batch_id)
    job.refresh_from_db()
    return job


def batch_outcome(statuses: list[str]) -> str:
    if statuses and all(s == RunStatus.COMPLETED for s in statuses):
        return RunStatus.COMPLETED
    if statuses and all(s == RunStatus.CANCELLED for s in statuses):
        return RunStatus.CANCELLED
    return RunStatus.FAILED


def finished_percent(statuses: list[str]) -> int:
    """A closed batch's progress: the share of its jobs that ran to an end (completed or failed), so a failed
    batch whose other jobs completed does not read 0%; a cancelled job never ran to its end."""
    done = sum(status in (RunStatus.COMPLETED, RunStatus.FAILED) for status in statuses)
    return int(100 * done / len(statuses)) if statuses else 0


def finish_batch_if_done(batch_pk: int) -> bool:
    """Close the batch once every job has finished; True for the caller that closed it."""
    jobs = list(
        CollectorJob.objects.filter(batch_id=batch_pk).order_by("id")
        .values_list("name", "status", "message", "vendor_id")
    )
    if any(status in RunStatus.ACTIVE for _, status, _, _ in jobs):
        return False
    if not CollectorBatch.objects.filter(pk=batch_pk, ended_at__isnull=True).update(ended_at=timezone.now()):
        return False  # another process closed it
    batch = CollectorBatch.objects.get(pk=batch_pk)
    statuses = [status for _, status, _, _ in jobs]
    outcome = batch_outcome(statuses)
    failed = [f"{name}: {message}" for name, status, message, _ in jobs if status == RunStatus.FAILED]
    message = (f"All {len(jobs)} collectors completed" if outcome == RunStatus.COMPLETED
               else "; ".join(failed) or f"Batch {outcome}")
    cross_status, cross_message = batch.cross_vendor_status, batch.cross_vendor_message
    if batch.run_cross_vendor:
        cross_status, cross_message = run_batch_hooks(batch, (cross_status, cross_message))
    else:  # the hooks that follow every batch; the batch's cross-vendor status stays as it is
        run_batch_hooks(batch, (cross_status, cross_message), every_batch_only=True)
    CollectorBatch.objects.filter(pk=batch_pk).update(
        status=outcome, message=message[:500], progress_percent=finished_percent(statuses),
        cross_vendor_status=cross_status, cross_vendor_message=cross_message[:500],
        ended_at=timezone.now(), active_slot=None,
    )
    return True


def run_batch_hooks(batch: CollectorBatch, current: tuple[str, str], *,
                    every_batch_only: bool = False) -> tuple[str, str]:
    """Run the after-batch hooks the apps registered (collectors/registry.py); the last (status, message) one
    returned is recorded on the batch. No hook registered: the cross-vendor step is unavailable.
    `every_batch_only`: only the hooks registered with `every_batch` (a batch without the cross-vendor step)."""
    hooks = registry.batch_hooks()
    if every_batch_only:
        hooks = [hook for hook in hooks if hook.every_batch]
        if not hooks:
            return current
    if not hooks:
        return CrossVendorStatus.UNAVAILABLE, "No app registered a step to run after a batch."
    outcome = current
    for hook in hooks:
        try:
            result = hook.function()(batch)
        except Exception as exc:  # a follow-up must not leave the batch holding the run lock
            log.exception("after-batch hook %s of batch %s failed", hook.name, batch.batch_id)
            result = (CrossVendorStatus.FAILED, f"{hook.name} failed: {exc.__class__.__name__}: {exc}")
        if result is not None:
            outcome = result
    return outcome


def rerun_accepting_drop(jobs, *, requested_by: str = "", enqueue: bool = True) -> CollectorBatch:
    """A new batch re-running the given failed jobs' collectors for their date, accepting a sudden drop.

    Raises ValueError when no failed job is given or they are of different dates; RunConflict as start_batch."""
    failed = [job for job in jobs if job.status == RunStatus.FAILED]
    if not failed:
        raise ValueError("Select failed jobs to re-run.")
    days = {job.snapshot_date for job in failed}
    if len(days) > 1:
        raise ValueError("Select failed jobs of one snapshot date: one batch runs at a time.")
    names = list(dict.fromkeys(job.name for job in sorted(failed, key=lambda job: job.pk)))
    return start_batch(names, snapshot_date=days.pop(), trigger="admin", requested_by=requested_by,
                       enqueue=enqueue, confirm_drop=True)


def cancel_job(job: CollectorJob, reason: str = "Cancelled") -> bool:
    """Cancel a queued or running job; a running one stops at its next heartbeat."""
    cancelled = CollectorJob.objects.filter(pk=job.pk, status__in=RunStatus.ACTIVE).update(
        status=RunStatus.CANCELLED, message=reason[:500], ended_at=timezone.now()
    )
    if cancelled:
        finish_batch_if_done(job.batch_id)
    return bool(cancelled)


def _owner(trigger: str) -> str:
    """Who runs a batch's jobs, for stale messages."""
    return {"command": "the collect process", "schedule": "the scheduled collection (its qcluster worker)"}.get(
        trigger, "the qcluster worker running it")


def _minutes(value: float) -> str:
    return f"{value:g} min"


def _silent_batches(cutoff):
    """Batches holding the lock whose last sign of life (creation, a job's start, heartbeat or end) is before
    `cutoff`: nobody is running them any more."""
    alive = (Q(jobs__heartbeat_at__gte=cutoff) | Q(jobs__started_at__gte=cutoff) | Q(jobs__ended_at__gte=cutoff)
             | Q(created_at__gte=cutoff))
    live = CollectorBatch.objects.filter(active_slot__isnull=False).filter(alive).values("pk")
    return CollectorBatch.objects.filter(active_slot__isnull=False, ended_at__isnull=True).exclude(pk__in=live)


def _last_signs_of_life(batch_pks) -> dict:
    """{batch pk: its last sign of life (creation, or a job's start, heartbeat or end)}, in one query."""
    rows = (CollectorBatch.objects.filter(pk__in=batch_pks)
            .annotate(beat=Max("jobs__heartbeat_at"), start=Max("jobs__started_at"), end=Max("jobs__ended_at"))
            .values_list("pk", "created_at", "beat", "start", "end"))
    return {pk: max(moment for moment in moments if moment is not None) for pk, *moments in rows}


def _seconds(now, since) -> int:
    return max(0, int((now - since).total_seconds())) if since else 0


def find_stale(now=None) -> list[dict]:
    """The jobs that are stale now, with the message they get, why (`reason`, a StuckReason) and for how long
    (`stuck_seconds`); reads only (the status endpoints report these).

    - running, no heartbeat for COLLECTORS_STALE_MINUTES (`heartbeat_stopped`): the process running it stopped;
    - queued in a batch run in-process (no django-q2 task: `manage.py collect`, a schedule) whose batch has
      shown no sign of life for COLLECTORS_STALE_MINUTES (`never_started`): its process stopped, nobody will
      ever run it;
    - queued on django-q2 for COLLECTORS_QUEUED_STALE_MINUTES (`not_picked_up`): no worker took it.
    """
    now = now or timezone.now()
    minutes = settings.COLLECTORS_STALE_MINUTES
    cutoff = now - timedelta(minutes=minutes)
    queued_cutoff = now - timedelta(minutes=settings.COLLECTORS_QUEUED_STALE_MINUTES)
    silent = _silent_batches(cutoff).values("pk")
    jobs = list(CollectorJob.objects.filter(
        Q(status=RunStatus.RUNNING, heartbeat_at__lt=cutoff)
        | Q(status=RunStatus.RUNNING, heartbeat_at__isnull=True, started_at__lt=cutoff)
        | Q(status=RunStatus.QUEUED, task_id="", batch__in=silent)
        | (Q(status=RunStatus.QUEUED, created_at__lt=queued_cutoff) & ~Q(task_id=""))
    ).values_list("pk", "job_id", "name", "status", "batch_id", "task_id", "batch__trigger", "created_at",
                  "started_at", "heartbeat_at"))
    never_started = {row[4] for row in jobs if row[3] == RunStatus.QUEUED and not row[5]}
    last_signs = _last_signs_of_life(never_started) if never_started else {}
    stale = []
    for pk, job_id, name, status, batch_pk, task_id, trigger, created_at, started_at, heartbeat_at in jobs:
        if status == RunStatus.RUNNING:
            reason, since = StuckReason.HEARTBEAT_STOPPED, heartbeat_at or started_at
            message = f"Stale: {_owner(trigger)} stopped (no heartbeat for {_minutes(minutes)}); marked failed"
        elif not task_id:
            reason, since = StuckReason.NEVER_STARTED, last_signs.get(batch_pk)
            message = (f"Not run: {_owner(trigger)} stopped (no heartbeat for {_minutes(minutes)}) before this job "
                       "started; marked failed")
        else:
            reason, since = StuckReason.NOT_PICKED_UP, created_at
            message = (f"Stale: no worker picked the job up within {settings.COLLECTORS_QUEUED_STALE_MINUTES} "
                       "minutes (is qcluster running?); marked failed")
        stale.append({"pk": pk, "job_id": job_id, "collector": name, "status": status, "batch_pk": batch_pk,
                      "message": message, "reason": reason, "stuck_seconds": _seconds(now, since)})
    return stale


# A batch whose jobs were failed is stuck for the first of these among its jobs: a stopped process is the
# cause of the jobs it never started.
_JOB_REASONS = (StuckReason.HEARTBEAT_STOPPED, StuckReason.NOT_PICKED_UP, StuckReason.NEVER_STARTED)


def _announce(batch_pk: int, reason: str, stuck_seconds: int, jobs: list[dict]) -> None:
    """Send `batch_cleaned_up` for one batch; a failing receiver is logged, never raised."""
    batch = CollectorBatch.objects.filter(pk=batch_pk).first()
    if batch is None:
        return
    results = signals.batch_cleaned_up.send_robust(sender=CollectorBatch, batch=batch, reason=reason,
                                                   stuck_seconds=stuck_seconds, jobs=jobs)
    for receiver, result in results:
        if isinstance(result, Exception):
            log.error("a receiver of batch_cleaned_up (%s) failed for batch %s: %s", receiver, batch.batch_id,
                      result, exc_info=result)


def cleanup_stale(now=None) -> list[str]:
    """Fail the jobs `find_stale` reports and close their batches; release batches nobody runs any more.
    Sends `collectors.signals.batch_cleaned_up` once per batch it ended or released, with the reason.

    Runs from its django-q2 schedule, `POST /api/collectors/cleanup-stale` and before a new batch starts;
    never from a GET. Returns the job ids failed."""
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=settings.COLLECTORS_STALE_MINUTES)
    stale = find_stale(now)
    failed_by_batch: dict[int, list[dict]] = {}
    for job in stale:
        if _fail_job(job["pk"], job["message"], "stale", from_status=job["status"]):
            failed_by_batch.setdefault(job["batch_pk"], []).append(
                {key: job[key] for key in ("job_id", "collector", "reason", "stuck_seconds", "message")})
    failed = [job["job_id"] for jobs in failed_by_batch.values() for job in jobs]
    stale_batches = {job["batch_pk"] for job in stale}
    for batch_pk in stale_batches:
        finish_batch_if_done(batch_pk)
    # Batches holding the lock with nothing left to run and silent for the stale window (e.g. a crash between
    # a job's end and its batch's close); the window keeps this from racing the process about to close it.
    unclosed = set(_silent_batches(cutoff).exclude(jobs__status__in=RunStatus.ACTIVE)
                   .values_list("pk", flat=True)) - stale_batches
    last_signs = _last_signs_of_life(unclosed) if unclosed else {}
    closed = [pk for pk in sorted(unclosed) if finish_batch_if_done(pk)]
    # A batch claimed for closing whose closer died (e.g. during reconciliation) keeps the lock: release it.
    released = []
    for pk, ended_at in CollectorBatch.objects.filter(active_slot__isnull=False, ended_at__lt=cutoff).values_list(
            "pk", "ended_at"):
        if CollectorBatch.objects.filter(pk=pk, active_slot__isnull=False, ended_at__lt=cutoff).update(
                active_slot=None, status=RunStatus.FAILED, cross_vendor_status=CrossVendorStatus.FAILED,
                cross_vendor_message="The process closing the batch stopped; marked failed"):
            released.append((pk, _seconds(now, ended_at)))
    if failed:
        log.warning("marked %d stale collector job(s) failed: %s", len(failed), ", ".join(failed))
    for batch_pk, jobs in failed_by_batch.items():
        reason = next(r for r in _JOB_REASONS if any(job["reason"] == r for job in jobs))
        _announce(batch_pk, reason, max(job["stuck_seconds"] for job in jobs), jobs)
    for batch_pk in closed:
        _announce(batch_pk, StuckReason.NEVER_CLOSED, _seconds(now, last_signs.get(batch_pk)), [])
    for batch_pk, seconds in released:
        _announce(batch_pk, StuckReason.CLOSER_STOPPED, seconds, [])
    return failed


def worker_status() -> dict:
    """Whether a django-q2 cluster is alive (its stats are fresh in the broker's cache)."""
    try:
        from django_q.status import Stat

        stats = [stat for stat in Stat.get_all() if str(getattr(stat, "status", "")).lower() != "stopped"]
    except Exception:  # no cache table yet, broker down
        stats = []
    workers = sum(len(getattr(stat, "workers", []) or []) for stat in stats)
    return {"alive": bool(stats), "clusters": len(stats), "workers": workers}
