"""What a collector function receives: the date, progress reporting and the job's heartbeat."""
import time
from datetime import date

from django.conf import settings
from django.utils import timezone

from collectors.models import CollectorJob, RunStatus


class JobAborted(Exception):
    """The job was cancelled or marked stale elsewhere: stop without writing."""


class RunContext:
    """Progress sink for one collector run.

    With a job, progress and the heartbeat are written to it at most every
    COLLECTORS_HEARTBEAT_SECONDS; the write is conditional on the job still
    running, so a job cancelled (or marked stale) meanwhile stops at its next
    report instead of writing its snapshot. `on_progress(percent, message)`
    receives every report (the `collect` command draws its bar with it).
    """

    def __init__(self, snapshot_date: date, *, job_pk: int | None = None, on_progress=None, sleep=time.sleep,
                 clock=time.monotonic, confirm_drop: bool = False):
        self.snapshot_date = snapshot_date
        # Staff accepted a sudden drop in the vendor's device count for this run.
        self.confirm_drop = confirm_drop
        self.job_pk = job_pk
        self.on_progress = on_progress
        self.sleep = sleep
        self.clock = clock
        self.percent = 0
        self.message = ""
        self._last_write = None

    def progress(self, percent: float, message: str, *, force: bool = False):
        self.percent = max(self.percent, min(99, int(percent)))
        self.message = message[:500]
        if self.on_progress:
            self.on_progress(self.percent, self.message)
        if self.job_pk is None:
            return
        now = self.clock()
        recent = self._last_write is not None and now - self._last_write < settings.COLLECTORS_HEARTBEAT_SECONDS
        if recent and not force:
            return
        self._last_write = now
        updated = CollectorJob.objects.filter(pk=self.job_pk, status=RunStatus.RUNNING).update(
            progress_percent=self.percent, message=self.message, heartbeat_at=timezone.now()
        )
        if not updated:
            raise JobAborted("the job is no longer running (cancelled or marked stale)")

    def beat(self):
        """A heartbeat with the current progress (while waiting for a vendor); throttled like progress."""
        self.progress(self.percent, self.message)

    def checkpoint(self, percent: float, message: str):
        """A forced report: call before writing, so an aborted job never writes."""
        self.progress(percent, message, force=True)
