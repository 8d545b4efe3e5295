"""Export jobs: a large Excel/PDF (or CSV) variance export rendered by a django-q2 task.

Imported at the end of `variances/models.py` so Django registers the model in the variances app.
"""
from django.conf import settings
from django.db import models

from esinv.choices import ChoiceSet, RunStatus


class ExportStatus(RunStatus):
    """Status of an export job: the shared run vocabulary; only exports expire (the cleanup removed the file)."""

    CHOICES = RunStatus.only(RunStatus.QUEUED, RunStatus.RUNNING, RunStatus.COMPLETED, RunStatus.FAILED,
                             RunStatus.EXPIRED)


class ExportFormat(ChoiceSet):
    CSV, EXCEL, PDF = "csv", "excel", "pdf"
    CHOICES = [(CSV, "CSV"), (EXCEL, "Excel"), (PDF, "PDF")]


class ExportJob(models.Model):
    """Who asked for which export, how far it got, and where the finished file is."""

    format = models.CharField(max_length=8, choices=ExportFormat)
    status = models.CharField(max_length=12, choices=ExportStatus, default=ExportStatus.QUEUED)
    filters = models.JSONField(default=dict, help_text="The export request: report date and filters.")
    report_date = models.DateField(null=True, blank=True)
    requested_by = models.CharField(max_length=150, help_text="Username or apikey:NAME.")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+")
    row_count = models.PositiveIntegerField(default=0, help_text="Exceptions in the export.")
    rows_done = models.PositiveIntegerField(default=0)
    progress_percent = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=500, blank=True)
    error = models.TextField(blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    file_path = models.CharField(max_length=500, blank=True, help_text="Under VAR_DIR/exports once completed.")
    file_name = models.CharField(max_length=200, blank=True, help_text="The download's filename.")
    file_size = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "export job"
        indexes = [models.Index(fields=["status", "finished_at"], name="export_job_status_finished")]

    def __str__(self):
        return f"export {self.pk} {self.format} ({self.status})"
