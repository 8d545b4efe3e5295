"""Variance exports over HTTP: CSV/Excel/PDF files, and the jobs that render large ones.

Thin: parameters and rows come from `variances.export_data`, jobs from `variances.export_jobs`,
the files from the renderers in `variances.exports`.
"""
import io
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view, content_negotiation_class
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.response import Response

from esinv.auth import actor_label, actor_user
from esinv.errors import APIError, NotFound
from variances.export_data import BOOL_CHOICES, export_counts, export_meta, export_rows, parse_export_request
from variances.export_jobs import fail_stale_export_jobs, start_export_job
from variances.exports import CONTENT_TYPES, FORMATS, VARIANCE_TYPE_CHOICES, export_filename, iter_csv
from variances.models_exports import ExportJob, ExportStatus


class IgnoreAccept(BaseContentNegotiation):
    """Files are files whatever the Accept header says (`Accept: text/csv` must not be a 406);
    errors are JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None


EXPORT_PARAMETERS = [
    OpenApiParameter("date", OpenApiTypes.STR, description="`latest` (default) or a reconciled date YYYY-MM-DD."),
    OpenApiParameter("include_resolved", OpenApiTypes.STR, enum=list(BOOL_CHOICES),
                     description="Include resolved exceptions (default false)."),
    OpenApiParameter("variance_type", OpenApiTypes.STR, enum=list(VARIANCE_TYPE_CHOICES),
                     description="`all` (default), a variance type, or its code (MISSING_NINJA)."),
    OpenApiParameter("organization", OpenApiTypes.STR, description="Organization name (case-insensitive) or id."),
]

JobSerializer = inline_serializer("VarianceExportJob", {
    "job_id": serializers.IntegerField(),
    "format": serializers.ChoiceField(choices=list(FORMATS)),
    "status": serializers.ChoiceField(choices=ExportStatus.values()),
    "progress_percent": serializers.IntegerField(),
    "message": serializers.CharField(),
    "row_count": serializers.IntegerField(),
    "error": serializers.CharField(allow_blank=True),
    "filters": serializers.DictField(),
    "requested_by": serializers.CharField(),
    "created_at": serializers.DateTimeField(),
    "started_at": serializers.DateTimeField(allow_null=True),
    "finished_at": serializers.DateTimeField(allow_null=True),
    "file_name": serializers.CharField(allow_blank=True),
    "file_size": serializers.IntegerField(allow_null=True),
    "status_url": serializers.CharField(),
    "download_url": serializers.CharField(allow_null=True, help_text="Set once the file is ready."),
})
ACCEPTED = inline_serializer("VarianceExportAccepted", {
    "job_id": serializers.IntegerField(),
    "status": serializers.CharField(),
    "status_url": serializers.CharField(),
    "download_url": serializers.CharField(help_text="Answers 404 until the job has completed."),
})


def _urls(job: ExportJob) -> tuple[str, str]:
    status_url = f"/api/variances/export/jobs/{job.pk}"
    return status_url, f"{status_url}/download"


def job_payload(job: ExportJob) -> dict:
    status_url, download_url = _urls(job)
    return {
        "job_id": job.pk, "format": job.format, "status": job.status, "progress_percent": job.progress_percent,
        "message": job.message, "row_count": job.row_count, "error": job.error, "filters": job.filters,
        "requested_by": job.requested_by, "created_at": job.created_at, "started_at": job.started_at,
        "finished_at": job.finished_at, "file_name": job.file_name, "file_size": job.file_size,
        "status_url": status_url, "download_url": download_url if job.status == ExportStatus.COMPLETED else None,
    }


def _attachment(response, filename: str):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _export(request, fmt: str):
    req = parse_export_request(request.query_params)
    counts = export_counts(req)
    total = sum(counts[0].values())
    # CSV streams in bounded memory whatever its size; Excel and PDF hold the rows while they render.
    if fmt != "csv" and total > settings.VARIANCES_EXPORT_ASYNC_ROWS:
        job = start_export_job(fmt, req, row_count=total, actor=actor_label(request), user=actor_user(request))
        status_url, download_url = _urls(job)
        return Response({"job_id": job.pk, "status": job.status, "status_url": status_url,
                         "download_url": download_url}, status=202, headers={"Location": status_url})
    meta = export_meta(req, with_trend=fmt == "pdf", counts=counts)
    extension, content_type, writer = FORMATS[fmt]
    if fmt == "csv":
        response = StreamingHttpResponse(iter_csv(export_rows(req), meta), content_type=content_type)
    else:
        buffer = io.BytesIO()
        writer(export_rows(req), meta, buffer)
        response = HttpResponse(buffer.getvalue(), content_type=content_type)
    return _attachment(response, export_filename(meta, extension))


def _file_schema(fmt: str, description: str):
    return extend_schema(
        tags=["variances"], parameters=EXPORT_PARAMETERS, description=description,
        responses={
            (200, CONTENT_TYPES[FORMATS[fmt][0]].split(";")[0]): OpenApiTypes.BINARY,
            **({202: ACCEPTED} if fmt != "csv" else {}),
            400: OpenApiResponse(description="Invalid parameter; `details.valid_values` lists the valid ones."),
            404: OpenApiResponse(description="The date has not been reconciled."),
        },
    )


@_file_schema("csv", "The variance report as CSV (metadata block, blank line, one row per exception), streamed.")
@api_view(["GET"])
@content_negotiation_class(IgnoreAccept)
def export_csv(request):
    return _export(request, "csv")


@_file_schema("excel", "The variance report as an Excel workbook; a job (202) above VARIANCES_EXPORT_ASYNC_ROWS rows.")
@api_view(["GET"])
@content_negotiation_class(IgnoreAccept)
def export_excel(request):
    return _export(request, "excel")


@_file_schema("pdf", "The variance report as a PDF; a job (202) above VARIANCES_EXPORT_ASYNC_ROWS rows.")
@api_view(["GET"])
@content_negotiation_class(IgnoreAccept)
def export_pdf(request):
    return _export(request, "pdf")


def _job(job_id: int) -> ExportJob:
    fail_stale_export_jobs()
    job = ExportJob.objects.filter(pk=job_id).first()
    if job is None:
        raise NotFound(f"Export job {job_id} does not exist.", details={"id": job_id})
    return job


@extend_schema(tags=["variances"], responses=JobSerializer)
@api_view(["GET"])
def export_job(request, id):
    """An export job's status and progress; `download_url` once the file is ready."""
    return Response(job_payload(_job(id)))


@extend_schema(tags=["variances"], responses={
    (200, "application/octet-stream"): OpenApiTypes.BINARY,
    404: OpenApiResponse(description="No such job, or the file is not ready yet."),
    410: OpenApiResponse(description="The file was removed (expired) or the job failed."),
})
@api_view(["GET"])
@content_negotiation_class(IgnoreAccept)
def export_job_download(request, id):
    """The finished file of an export job."""
    job = _job(id)
    if job.status in (ExportStatus.EXPIRED, ExportStatus.FAILED):
        raise APIError(f"Export job {job.pk} has no file ({job.status}).", code="gone", status_code=410,
                       details={"id": job.pk, "status": job.status})
    if job.status != ExportStatus.COMPLETED:
        raise NotFound(f"Export job {job.pk} is not finished yet ({job.status}).", code="not_ready",
                       details={"id": job.pk, "status": job.status, "progress_percent": job.progress_percent})
    path = Path(job.file_path)
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        raise APIError(f"The file of export job {job.pk} was removed.", code="gone", status_code=410,
                       details={"id": job.pk}) from None
    content_type = CONTENT_TYPES.get(path.suffix.lstrip("."), "application/octet-stream")
    return FileResponse(handle, as_attachment=True, filename=job.file_name or path.name, content_type=content_type)
