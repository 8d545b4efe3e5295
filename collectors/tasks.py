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


def cleanup_stale_jobs() -> str:
    """The cleanup schedule's entry point (every few minutes): fail jobs nobody runs any more, free their batch."""
    cleaned = runs.cleanup_stale()
    return f"{len(cleaned)} stale job(s) marked failed" + (f": {', '.join(cleaned)}" if cleaned else "")


def scheduled_collection(*names: str, run_cross_vendor: bool = True) -> str:
    """The daily schedule's entry point: one batch for `names` (default: every daily collector), run in this
    worker, reconciled once when all its inventory jobs completed.

    When another batch is running (e.g. one started by hand) it waits for it, up to
    COLLECTORS_SCHEDULE_WAIT_MINUTES; one daily schedule means one worker at most waits.
    """
    from collectors.schedules import daily_collectors

    names = names or daily_collectors()
    deadline = time.monotonic() + settings.COLLECTORS_SCHEDULE_WAIT_MINUTES * 60
    while True:
        try:
            batch = runs.start_batch(list(names), run_cross_vendor=run_cross_vendor, trigger="schedule",
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
