"""Variance exports over HTTP, as thin viewsets: CSV/Excel/PDF files, and the jobs that render them
in the background when the caller asks for one (docs/exports.md).

Parameters are validated by `variances.api.serializers.ExportQuerySerializer` (rules in
`variances.export_data`), jobs come from `variances.export_jobs`, the files from the renderers in
`variances.exports`. Routes: `variances.api.urls`.
"""
import tempfile
from pathlib import Path

from django.http import FileResponse, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from esinv.auth import actor_label, actor_user
from esinv.errors import APIError, NotFound
from esinv.negotiation import IgnoreAccept
from variances.api import serializers as S
from variances.export_data import export_counts, export_meta, export_rows
from variances.export_jobs import fail_stale_export_jobs, start_export_job
from variances.exports import CONTENT_TYPES, FORMATS, export_filename, iter_csv
from variances.models_exports import ExportJob, ExportStatus

RESPOND_ASYNC = "respond-async"


def prefers_async(header: str | None) -> bool:
    """Whether a `Prefer` header (RFC 7240: comma-separated preferences, each `token[=value][; params]`,
    names case-insensitive) asks for `respond-async`."""
    for preference in (header or "").split(","):
        name = preference.split(";", 1)[0].split("=", 1)[0].strip().lower()
        if name == RESPOND_ASYNC:
            return True
    return False


PREFER_HEADER = OpenApiParameter(
    "Prefer", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
    description="`respond-async` (RFC 7240): render in a background job and answer 202 with its status URL.")
ID_PATH = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Export job id.")
def _file_schema(fmt: str, description: str):
    responses = {
        (200, CONTENT_TYPES[FORMATS[fmt][0]].split(";")[0]): OpenApiTypes.BINARY,
        400: OpenApiResponse(description="Invalid parameter; `details.valid_values` lists the valid ones."),
        404: OpenApiResponse(description="The date has not been reconciled."),
    }
    if fmt != "csv":
        responses[202] = OpenApiResponse(S.ExportAcceptedSerializer,
                                         description="Only when asked (`Prefer: respond-async` or `async=true`).")
    parameters = [S.ExportQuerySerializer, *([PREFER_HEADER] if fmt != "csv" else [])]
    return extend_schema(parameters=parameters, description=description, responses=responses)


@extend_schema(tags=["variances"])
class VarianceExportViewSet(viewsets.ViewSet):
    """`/api/variances/export/csv`, `/excel`, `/pdf`: the file, whatever its size; Excel and PDF run as a
    background job only when the caller asks for one."""

    content_negotiation_class = IgnoreAccept

    @_file_schema("csv", "The variance report as CSV, streamed: the header, then one row per exception "
                        "(`meta=true`: the metadata block and an empty line first).")
    @action(detail=False, methods=["get"])
    def csv(self, request):
        return self._export(request, "csv")

    @_file_schema("excel", "The variance report as an Excel workbook, streamed from a temporary file.")
    @action(detail=False, methods=["get"])
    def excel(self, request):
        return self._export(request, "excel")

    @_file_schema("pdf", "The variance report as a PDF, streamed from a temporary file.")
    @action(detail=False, methods=["get"])
    def pdf(self, request):
        return self._export(request, "pdf")

    def _export(self, request, fmt: str):
        query = S.ExportQuerySerializer.parse(request)
        req = query["request"]
        counts = export_counts(req)
        # CSV always streams (bounded memory, the download starts at once); Excel and PDF go to a job on request.
        wants_job = fmt != "csv" and (query["async"] or prefers_async(request.headers.get("Prefer")))
        if wants_job and request.method == "HEAD":
            # HEAD has no side effects: it says a job would be started (202) but starts none.
            return Response(status=202, headers={"Vary": "Prefer"})
        if wants_job:
            job = start_export_job(fmt, req, row_count=sum(counts[0].values()), actor=actor_label(request),
                                   user=actor_user(request))
            body = S.ExportAcceptedSerializer.of(job)
            headers = {"Location": body["status_url"], "Vary": "Prefer"}
            if prefers_async(request.headers.get("Prefer")):
                headers["Preference-Applied"] = RESPOND_ASYNC
            return Response(body, status=202, headers=headers)
        meta = export_meta(req, with_trend=fmt == "pdf", counts=counts)
        extension, content_type, writer = FORMATS[fmt]
        filename = export_filename(meta, extension)
        if fmt == "csv":
            response = StreamingHttpResponse(iter_csv(export_rows(req), meta), content_type=content_type)
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            return response
        # Rendered into an anonymous temporary file (on disk past a few MB), then streamed from it in chunks:
        # a 50,000-row workbook is never held in memory as one bytes object. The file goes when it is closed.
        handle = tempfile.SpooledTemporaryFile(max_size=2 * 1024 * 1024)
        try:
            writer(export_rows(req), meta, handle)
            handle.seek(0)
        except BaseException:
            handle.close()
            raise
        response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
        response["Vary"] = "Prefer"  # the same URL answers 202 to `Prefer: respond-async` (RFC 7240)
        return response


@extend_schema(tags=["variances"], parameters=[ID_PATH])
class ExportJobViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """`/api/variances/export/jobs/{id}` and its `/download`."""

    serializer_class = S.ExportJobSerializer
    queryset = ExportJob.objects.all()
    lookup_url_kwarg = "id"
    lookup_value_regex = "[0-9]{1,18}"
    pagination_class = None
    filter_backends = []

    def get_object(self):
        fail_stale_export_jobs()
        job_id = int(self.kwargs["id"])
        job = ExportJob.objects.filter(pk=job_id).first()
        if job is None:
            raise NotFound(f"Export job {job_id} does not exist.", details={"id": job_id})
        return job

    def retrieve(self, request, *args, **kwargs):
        """An export job's status and progress; `download_url` once the file is ready."""
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(responses={
        (200, "application/octet-stream"): OpenApiTypes.BINARY,
        404: OpenApiResponse(description="No such job, or the file is not ready yet."),
        410: OpenApiResponse(description="The file was removed (expired) or the job failed."),
    })
    @action(detail=True, methods=["get"], content_negotiation_class=IgnoreAccept)
    def download(self, request, id=None):
        """The finished file of an export job."""
        job = self.get_object()
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
        return FileResponse(handle, as_attachment=True, filename=job.file_name or path.name,
                            content_type=content_type)
