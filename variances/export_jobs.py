"""Background exports: create a job, run it on django-q2, serve and expire its file.

`start_export_job` records the job (who asked, the filters with the report date fixed) and queues
`run_export_job` with `django_q.tasks.async_task`. The task streams the rows from the database into
`write_export_file` (written as `.part`, renamed when complete: never served half-written) and
updates the job's progress as rows are read. `cleanup_exports` removes files older than
`VARIANCES_EXPORT_KEEP_DAYS` (run on every job creation and by `manage.py cleanup_exports`).
"""
from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from variances.export_data import ExportRequest, export_counts, export_meta, export_rows
from variances.exports import write_export_file
from variances.models_exports import ExportJob, ExportStatus

log = logging.getLogger(__name__)

TASK_FUNC = "variances.export_jobs.run_export_job"
PROGRESS_EVERY_SECONDS = 1.0  # at most one progress write a second
READ_SHARE = 80  # percent of the progress bar for reading rows; rendering the rest


def export_dir() -> Path:
    return Path(settings.VAR_DIR) / "exports"


def start_export_job(fmt: str, req: ExportRequest, *, row_count: int, actor: str, user=None) -> ExportJob:
    """Record the job and queue it. A broker failure ends the job failed (the caller still gets it)."""
    from django_q.tasks import async_task

    cleanup_exports()
    job = ExportJob.objects.create(format=fmt, filters=req.to_json(), report_date=req.day, requested_by=actor[:150],
                                   user=user, row_count=row_count, message="Queued")
    try:
        task_id = async_task(TASK_FUNC, job.pk, task_name=f"export-{job.pk}")
    except Exception as exc:  # the broker is unreachable: the job can never run
        log.exception("could not queue export job %s", job.pk)
        ExportJob.objects.filter(pk=job.pk, status=ExportStatus.QUEUED).update(
            status=ExportStatus.FAILED, message="Could not queue the export.", error=f"{exc.__class__.__name__}: {exc}",
            finished_at=timezone.now())
    else:
        ExportJob.objects.filter(pk=job.pk, task_id="").update(task_id=str(task_id or "")[:64])
    job.refresh_from_db()
    return job


def _with_progress(rows: Iterable[dict], job_pk: int, total: int) -> Iterator[dict]:
    """Pass rows through, writing the job's progress (reading = 0..READ_SHARE percent) about once a second."""
    done, last_write = 0, time.monotonic()
    for row in rows:
        done += 1
        if time.monotonic() - last_write >= PROGRESS_EVERY_SECONDS:
            last_write = time.monotonic()
            percent = READ_SHARE * done // total if total else 0
            ExportJob.objects.filter(pk=job_pk).update(rows_done=done, progress_percent=percent,
                                                        message=f"Read {done} of {total} rows")
        yield row
    ExportJob.objects.filter(pk=job_pk).update(rows_done=done, progress_percent=READ_SHARE,
                                                message=f"Read {done} rows; writing the file")


def run_export_job(job_pk: int) -> str | None:
    """The django-q2 task: render the job's export to a file. Returns the file path (None if not run)."""
    claimed = ExportJob.objects.filter(pk=job_pk, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING, started_at=timezone.now(), message="Reading rows")
    if not claimed:
        log.warning("export job %s is not queued; not running it", job_pk)
        return None
    job = ExportJob.objects.get(pk=job_pk)
    try:
        req = ExportRequest.from_json(job.filters)
        counts = export_counts(req)
        total = sum(counts[0].values())
        meta = export_meta(req, with_trend=job.format == "pdf", counts=counts)
        rows = _with_progress(export_rows(req), job.pk, total)
        path = write_export_file(job.format, rows, meta, export_dir(), prefix=f"job-{job.pk}_")
    except Exception as exc:
        log.exception("export job %s failed", job_pk)
        ExportJob.objects.filter(pk=job_pk).update(status=ExportStatus.FAILED, message="The export failed.",
                                                    error=f"{exc.__class__.__name__}: {exc}",
                                                    finished_at=timezone.now())
        raise
    ExportJob.objects.filter(pk=job_pk).update(
        status=ExportStatus.COMPLETED, progress_percent=100, row_count=total, rows_done=total,
        message="Ready to download", file_path=str(path), file_name=path.name.removeprefix(f"job-{job.pk}_"),
        file_size=path.stat().st_size, finished_at=timezone.now())
    return str(path)


def fail_stale_export_jobs(now=None) -> int:
    """Jobs queued or running for longer than a django-q2 task may live can no longer finish: fail them."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.Q_CLUSTER["timeout"] + 60)
    return ExportJob.objects.filter(status__in=ExportStatus.ACTIVE, created_at__lt=cutoff).update(
        status=ExportStatus.FAILED, finished_at=now, error="stale",
        message="The export did not finish: its worker stopped or no worker ran it (is qcluster running?).",
    )


def cleanup_exports(keep_days: int | None = None, *, now=None) -> dict:
    """Remove export files older than `keep_days`; their jobs become `expired`. Returns what it did.

    Also removes stray files in the exports folder older than that (e.g. `.part` files of a worker
    that died), so the folder never grows without bound.
    """
    keep_days = settings.VARIANCES_EXPORT_KEEP_DAYS if keep_days is None else keep_days
    now = now or timezone.now()
    cutoff = now - timedelta(days=keep_days)
    expired = 0
    old = ExportJob.objects.filter(status=ExportStatus.COMPLETED, finished_at__lt=cutoff).only("pk", "file_path")
    for job in old:
        if job.file_path:
            Path(job.file_path).unlink(missing_ok=True)
        expired += ExportJob.objects.filter(pk=job.pk, status=ExportStatus.COMPLETED).update(
            status=ExportStatus.EXPIRED, message="The file was removed after the retention period.")
    stray = 0
    folder = export_dir()
    if folder.is_dir():
        for path in folder.iterdir():
            try:
                if path.is_file() and path.stat().st_mtime < cutoff.timestamp():
                    path.unlink(missing_ok=True)
                    stray += 1
            except OSError:  # removed meanwhile
                continue
    return {"expired_jobs": expired, "removed_files": stray, "stale_jobs_failed": fail_stale_export_jobs(now)}
