"""What collectors tells the apps above it, without importing them (they connect from their AppConfig.ready()).

`batch_cleaned_up`: sent by `runs.cleanup_stale` once for each batch it ended or released because nobody
was running it any more, after its jobs and the batch are stored. Sent with `send_robust`: a receiver that
fails is logged and never fails the cleanup. Arguments (besides `sender`, the CollectorBatch class):

- `batch`: the CollectorBatch, as stored after the cleanup;
- `reason`: why it was stuck, one of `StuckReason` (for a batch whose jobs were failed: the reason of the job
  stuck longest);
- `stuck_seconds`: how long it had shown no sign of life (whole seconds; for jobs: the longest);
- `jobs`: the jobs the cleanup failed, each `{"job_id", "collector", "reason", "stuck_seconds", "message"}`
  (empty for `never_closed` and `closer_stopped`, where every job had already finished).
"""
from django.dispatch import Signal

from esinv.choices import ChoiceSet


class StuckReason(ChoiceSet):
    """The cases `runs.find_stale` and `runs.cleanup_stale` handle, one name each."""

    HEARTBEAT_STOPPED = "heartbeat_stopped"
    NEVER_STARTED = "never_started"
    NOT_PICKED_UP = "not_picked_up"
    NEVER_CLOSED = "never_closed"
    CLOSER_STOPPED = "closer_stopped"
    CHOICES = [
        (HEARTBEAT_STOPPED, "A running job's process stopped (no heartbeat for COLLECTORS_STALE_MINUTES)"),
        (NEVER_STARTED, "The process running the batch in-process stopped before this job started"),
        (NOT_PICKED_UP, "No django-q2 worker picked the queued job up (COLLECTORS_QUEUED_STALE_MINUTES)"),
        (NEVER_CLOSED, "Every job finished but nobody closed the batch (a crash between the last job and the close)"),
        (CLOSER_STOPPED, "The process closing the batch (e.g. during reconciliation) stopped"),
    ]


batch_cleaned_up = Signal()
