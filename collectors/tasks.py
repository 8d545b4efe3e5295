"""django-q2 task functions (referenced by dotted path from queued tasks and schedules)."""
import logging
import time

from django.conf import settings

from collectors import runs

log = logging.getLogger(__name__)


def run_collector_job(job_id: str) -> str:
    """Run one queued collector job (queued by `runs.start_batch`)."""
    job = runs.run_job(job_id)
    return f"{job_id}: {job.status if job else 'not run'}"


def scheduled_collection(*names: str, run_cross_vendor: bool = True) -> str:
    """A daily schedule's entry point: a batch for `names`, run in this worker.

    When another batch is running (the other collector's schedule fired at the
    same minute) it waits for it, up to COLLECTORS_SCHEDULE_WAIT_MINUTES.
    """
    deadline = time.monotonic() + settings.COLLECTORS_SCHEDULE_WAIT_MINUTES * 60
    while True:
        try:
            batch = runs.start_batch(list(names) or None, run_cross_vendor=run_cross_vendor, trigger="schedule",
                                     requested_by="schedule", enqueue=False)
            break
        except runs.RunConflict as exc:
            if time.monotonic() >= deadline:
                log.error("scheduled collection of %s skipped: %s", ", ".join(names), exc)
                return f"skipped: {exc}"
            time.sleep(15)
    for job_id in list(batch.jobs.values_list("job_id", flat=True)):
        runs.run_job(job_id)
    batch.refresh_from_db()
    return f"{batch.batch_id}: {batch.status}"
