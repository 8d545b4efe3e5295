"""Batches and jobs in the admin: read-only records with their messages; cancel and re-run-accepting-the-drop
actions.

The collection schedules are django-q2's own `Schedule` rows (Django Q > Scheduled tasks).
"""
from django.contrib import admin, messages

from collectors import runs
from collectors.models import BatchStatus, CollectorBatch, CollectorJob, CrossVendorStatus, RunStatus
from esinv.admin_badges import BadgeMedia, status_badge
from esinv.admin_mixins import ViewOnlyAdminMixin as ReadOnlyMixin


class CollectorJobInline(ReadOnlyMixin, admin.TabularInline):
    model = CollectorJob
    extra = 0
    can_delete = False
    fields = ("job_id", "name", "status", "progress_percent", "message", "error", "started_at", "ended_at",
              "heartbeat_at")
    readonly_fields = fields
    show_change_link = True


@admin.register(CollectorBatch)
class CollectorBatchAdmin(BadgeMedia, ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("batch_id", status_badge(BatchStatus), "snapshot_date", "trigger", "requested_by",
                    status_badge(CrossVendorStatus, "cross_vendor_status"), "created_at", "duration_seconds",
                    "message")
    list_filter = ("status", "trigger", "cross_vendor_status", "snapshot_date")
    search_fields = ("batch_id", "requested_by", "message", "jobs__job_id")
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    readonly_fields = ("batch_id", "status", "progress_percent", "message", "snapshot_date", "run_cross_vendor",
                       "cross_vendor_status", "cross_vendor_message", "trigger", "requested_by", "created_at",
                       "started_at", "ended_at", "duration_seconds")
    fields = readonly_fields
    inlines = [CollectorJobInline]
    actions = ["cancel_batches", "rerun_accepting_drop"]

    @admin.action(description="Cancel the selected batches' queued or running jobs")
    def cancel_batches(self, request, queryset):
        jobs = CollectorJob.objects.filter(batch__in=queryset, status__in=RunStatus.ACTIVE)
        cancelled = sum(runs.cancel_job(job, f"Cancelled by {request.user.get_username()}") for job in jobs)
        self.message_user(request, f"{cancelled} job(s) cancelled.", messages.SUCCESS if cancelled else messages.INFO)

    @admin.action(description="Re-run the failed collectors accepting the drop in device count")
    def rerun_accepting_drop(self, request, queryset):
        rerun(self, request, CollectorJob.objects.filter(batch__in=queryset, status=RunStatus.FAILED))


def rerun(model_admin, request, jobs):
    """Start a batch re-running `jobs` with confirm_drop; report the outcome in the admin."""
    try:
        batch = runs.rerun_accepting_drop(list(jobs), requested_by=f"admin:{request.user.get_username()}")
    except (ValueError, runs.RunConflict) as exc:
        model_admin.message_user(request, str(exc), messages.ERROR)
        return
    model_admin.message_user(
        request, f"Batch {batch.batch_id} queued for {batch.snapshot_date}, accepting the drop in device count.",
        messages.SUCCESS)


@admin.register(CollectorJob)
class CollectorJobAdmin(BadgeMedia, ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("job_id", "name", status_badge(BatchStatus), "progress_percent", "snapshot_date", "started_at",
                    "ended_at", "message")
    list_filter = ("status", "name", "snapshot_date")
    search_fields = ("job_id", "batch__batch_id", "message", "error", "task_id")
    list_select_related = ("batch",)
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
    readonly_fields = ("job_id", "batch", "name", "job_name", "vendor", "status", "progress_percent", "message",
                       "error", "counts", "snapshot_date", "task_id", "created_at", "started_at", "ended_at",
                       "heartbeat_at", "duration_seconds")
    fields = readonly_fields
    actions = ["cancel_jobs", "rerun_accepting_drop"]

    @admin.action(description="Cancel the selected queued or running jobs")
    def cancel_jobs(self, request, queryset):
        cancelled = sum(runs.cancel_job(job, f"Cancelled by {request.user.get_username()}")
                        for job in queryset.filter(status__in=RunStatus.ACTIVE))
        self.message_user(request, f"{cancelled} job(s) cancelled.", messages.SUCCESS if cancelled else messages.INFO)

    @admin.action(description="Re-run accepting the drop in device count (failed jobs)")
    def rerun_accepting_drop(self, request, queryset):
        rerun(self, request, queryset.filter(status=RunStatus.FAILED))
