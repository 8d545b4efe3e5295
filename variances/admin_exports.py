"""Admin actions on the exceptions list: "Export selected to CSV / Excel / PDF", answered with the file.

The selection is streamed as `values()` rows (no model instances) through the same row builder as
the API exports; the summary counts are those of the selection. The file is rendered inside the
request whatever its size (staff chose the rows; use the API for very large exports).
"""
import io
from datetime import date

from django.conf import settings
from django.contrib import admin
from django.http import HttpResponse
from django.utils import timezone

from esinv.admin_badges import BadgeMedia, status_badge
from esinv.admin_mixins import ViewOnlyAdminMixin
from variances import dates, reports
from variances.export_data import CHUNK_SIZE, EXPORT_FIELDS, export_row
from variances.exports import FORMATS, DataStatus, ExportFilters, ExportMeta, export_filename, summarise
from variances.models_exports import ExportJob, ExportStatus

LABELS = {"csv": "CSV", "excel": "Excel", "pdf": "PDF"}


def selection_rows(queryset) -> list[dict]:
    # values() over the selection: plain dicts; the organization name is in `details`.
    records = queryset.select_related(None).order_by("type", "canonical_key", "id").values(*EXPORT_FIELDS)
    return [export_row(record) for record in records.iterator(chunk_size=CHUNK_SIZE)]


def selection_meta(rows: list[dict]) -> ExportMeta:
    by_type, by_org = summarise(rows)
    # The report date shown is the latest date any selected exception was seen on.
    last_seen = max((row["last_seen"] for row in rows), default=None)  # ISO strings sort as dates
    day = date.fromisoformat(last_seen) if last_seen else dates.latest_report_date()
    status = reports._data_status(dates.latest_report_date())
    return ExportMeta(generated_at=timezone.now(), report_date=day,
                      data_status=DataStatus(status.get("status", ""), status.get("message", "")),
                      filters=ExportFilters(date="selection", include_resolved=True),
                      counts_by_type=by_type, counts_by_organization=by_org,
                      title="Variance report (selected exceptions)", msp_name=settings.ESINV_MSP_NAME)


def export_action(fmt: str):
    def run(modeladmin, request, queryset):
        rows = selection_rows(queryset)
        meta = selection_meta(rows)
        extension, content_type, writer = FORMATS[fmt]
        buffer = io.BytesIO()
        writer(rows, meta, buffer)
        response = HttpResponse(buffer.getvalue(), content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{export_filename(meta, extension)}"'
        return response

    run.__name__ = f"export_{fmt}"
    run.short_description = f"Export selected to {LABELS[fmt]}"
    run.allowed_permissions = ("view",)
    return run


EXPORT_ACTIONS = [export_action(fmt) for fmt in ("csv", "excel", "pdf")]


@admin.register(ExportJob)
class ExportJobAdmin(BadgeMedia, ViewOnlyAdminMixin, admin.ModelAdmin):
    """Export jobs are an audit trail (who exported what, when): read-only; deleting one leaves its file
    to the cleanup (`manage.py cleanup_exports`)."""

    list_display = ("id", "format", status_badge(ExportStatus), "progress_percent", "row_count", "report_date",
                    "requested_by", "created_at", "finished_at", "file_size")
    list_filter = ("format", "status", "report_date", "created_at")
    search_fields = ("requested_by", "file_name", "message")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
    readonly_fields = ("format", "status", "filters", "report_date", "requested_by", "user", "row_count", "rows_done",
                       "progress_percent", "message", "error", "task_id", "file_path", "file_name", "file_size",
                       "created_at", "started_at", "finished_at")
    fields = readonly_fields
