"""Collection runs: a batch per run request, one job per collector inside it.

The "one run at a time" rule lives in the database, not in memory: an active
batch holds `active_slot = 1`, a unique column, so a second concurrent insert
fails in whichever process tries it (gunicorn workers, qclusters, commands).
"""
import secrets

from django.db import models

from esinv.choices import ChoiceSet, RunStatus  # noqa: F401 (RunStatus: imported from here by the collectors)


def new_batch_id() -> str:
    return f"bch_{secrets.token_hex(8)}"


def new_job_id() -> str:
    return f"job_{secrets.token_hex(8)}"


class BatchStatus(RunStatus):
    """Status of a collector batch and of each job in it: the shared run vocabulary, without `expired`."""

    CHOICES = RunStatus.only(RunStatus.QUEUED, RunStatus.RUNNING, RunStatus.COMPLETED, RunStatus.FAILED,
                             RunStatus.CANCELLED)


class CrossVendorStatus(ChoiceSet):
    NOT_REQUESTED = "not_requested"
    PENDING = "pending"
    SKIPPED = "skipped"
    COMPLETED = "completed"
    FAILED = "failed"
    UNAVAILABLE = "unavailable"
    CHOICES = [
        (NOT_REQUESTED, "Not requested", "grey"),
        (PENDING, "Pending", "blue"),
        (SKIPPED, "Skipped (a collector failed)", "yellow"),
        (COMPLETED, "Completed", "green"),
        (FAILED, "Failed", "red"),
        (UNAVAILABLE, "Reconciliation not installed", "grey"),
    ]


class CollectorBatch(models.Model):
    batch_id = models.CharField(max_length=40, unique=True, default=new_batch_id, editable=False)
    status = models.CharField(max_length=12, choices=BatchStatus, default=RunStatus.QUEUED)
    progress_percent = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=500, blank=True)
    snapshot_date = models.DateField(help_text="The day the collected snapshot is filed under.")
    run_cross_vendor = models.BooleanField(default=True, help_text="Reconcile the vendors after all succeed.")
    cross_vendor_status = models.CharField(
        max_length=16, choices=CrossVendorStatus, default=CrossVendorStatus.NOT_REQUESTED
    )
    cross_vendor_message = models.CharField(max_length=500, blank=True)
    confirm_drop = models.BooleanField(
        default=False, help_text="Staff accepted a drop in a vendor's device count larger than "
                                 "COLLECTORS_MAX_DROP_PERCENT for this run.")
    trigger = models.CharField(max_length=20, default="api", help_text="api, schedule or command.")
    requested_by = models.CharField(max_length=150, blank=True)
    # 1 while the batch is queued or running, NULL afterwards: the database-wide run lock.
    active_slot = models.PositiveSmallIntegerField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "collector batches"
        indexes = [models.Index(fields=["-created_at"], name="collector_batch_created")]

    def __str__(self):
        return self.batch_id

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at and self.ended_at:
            return round((self.ended_at - self.started_at).total_seconds(), 3)
        return None


class CollectorJob(models.Model):
    job_id = models.CharField(max_length=40, unique=True, default=new_job_id, editable=False)
    batch = models.ForeignKey(CollectorBatch, on_delete=models.CASCADE, related_name="jobs")
    name = models.CharField(max_length=40, help_text="Registered collector name (ninja, threatlocker).")
    job_name = models.CharField(max_length=60, help_text="e.g. ninja-collector")
    vendor = models.ForeignKey("inventory.Vendor", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    status = models.CharField(max_length=12, choices=BatchStatus, default=RunStatus.QUEUED)
    progress_percent = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=500, blank=True)
    error = models.TextField(blank=True)
    counts = models.JSONField(default=dict, blank=True)
    snapshot_date = models.DateField()
    task_id = models.CharField(max_length=64, blank=True, help_text="django-q2 task id.")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["batch", "id"]
        indexes = [
            # Stale-job sweeps and health read jobs by status and time.
            models.Index(fields=["status", "heartbeat_at"], name="collector_job_status_hb"),
            models.Index(fields=["status", "ended_at"], name="collector_job_status_end"),
        ]

    def __str__(self):
        return f"{self.job_id} ({self.name})"

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at and self.ended_at:
            return round((self.ended_at - self.started_at).total_seconds(), 3)
        return None
