"""Inventory endpoints as DRF viewsets: device search, organizations, vendors and Windows 11 24H2 readiness.

Thin: parameters are validated by `inventory.api.serializers`, answers come from the read functions of
`inventory.search` and `inventory.windows11.summary`, the assessment runs through `inventory.windows11.service`.
"""
import io

from django.conf import settings
from django.db.models import Prefetch
from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from esinv.auth import actor_label
from esinv.errors import APIError, Conflict, NotFound
from esinv.negotiation import IgnoreAccept
from esinv.pagination import HubPagination
from esinv.validation import validated
from inventory.api import serializers as s
from inventory.device_record import UnknownDevice, checked_key, device_record
from inventory.filtersets import OrganizationFilterSet
from inventory.models import Organization, OrganizationAlias, Vendor, Windows11Assessment, Windows11Run
from inventory.search import search_devices
from inventory.windows11 import listing
from inventory.windows11.report_files import write_excel, write_pdf
from inventory.windows11.service import AssessmentAlreadyRunning, NoNinjaData, run_assessment
from inventory.windows11.summary import organization_breakdown, readiness_summary

SEARCH_LIMIT = 200


class DeviceViewSet(viewsets.ViewSet):
    """Devices across vendors."""

    lookup_field = "key"

    @extend_schema(tags=["devices"], responses={200: s.DeviceRecordSerializer,
                                                400: OpenApiResponse(description="Not a canonical key (NUL "
                                                                     "character, longer than 15 characters)"),
                                                404: OpenApiResponse(description="No device has this key")},
                   parameters=[OpenApiParameter("key", str, OpenApiParameter.PATH, description=(
                       "The device's canonical key (lower-case clean hostname cut to 15 characters); "
                       "any case is accepted."))])
    def retrieve(self, request, key=None):
        """One device: both vendors' facts side by side (each vendor's latest snapshot of it), its Windows 11
        verdict and why, its open and past exceptions with notes and audit trail, and a 90-day timeline per vendor
        (days seen as ranges, client changes, when it went spare)."""
        try:
            record = device_record(checked_key(key))
        except UnknownDevice:
            raise NotFound(f"No device has the key {key!r}.", code="device_not_found",
                           details={"field": "key"}) from None
        return Response(s.DeviceRecordSerializer(record).data)

    @extend_schema(tags=["devices"], parameters=[s.DeviceSearchQuerySerializer],
                   responses=s.DeviceSearchResponseSerializer)
    @action(detail=False, methods=["get"], url_path="search", url_name="search")
    def search(self, request):
        """Search devices across vendors on each vendor's latest snapshot."""
        query = validated(s.DeviceSearchQuerySerializer, request.query_params)["q"]
        results, truncated = search_devices(query, limit=SEARCH_LIMIT)
        return Response({"query": query, "count": len(results), "truncated": truncated, "results": results})


class OrganizationViewSet(viewsets.ReadOnlyModelViewSet):
    """Our clients, with the aliases vendors use for them (for filter pickers)."""

    # Aliases are shown on every row: one query for all of them, not one per row.
    queryset = Organization.objects.prefetch_related(
        Prefetch("aliases", queryset=OrganizationAlias.objects.only("organization_id", "alias"))
    ).order_by("name")
    serializer_class = s.OrganizationSerializer
    filterset_class = OrganizationFilterSet


class VendorViewSet(viewsets.ReadOnlyModelViewSet):
    """The fixed vendor ids: 1 NinjaOne, 2 ConnectWise, 3 ThreatLocker."""

    queryset = Vendor.objects.order_by("id")
    serializer_class = s.VendorSerializer
    pagination_class = None


class Windows11Pagination(HubPagination):
    """The Windows 11 lists page up to a whole MSP (ESINV_WIN11_MAX_PAGE_SIZE, default 10,000)."""

    @property
    def page_size(self):
        return settings.ESINV_WIN11_PAGE_SIZE

    @property
    def max_page_size(self):
        return settings.ESINV_WIN11_MAX_PAGE_SIZE


def _device_list(view, request, category: str, query_serializer, *, with_groups: bool) -> Response:
    """One category's devices (a page) and, with_groups, its per-organization counts over the whole filtered
    set."""
    assessments = listing.devices(category, **validated(query_serializer, request.query_params))
    paginator = Windows11Pagination()
    page = paginator.paginate_queryset(listing.page_order(assessments), request, view=view)
    envelope = paginator.get_paginated_envelope(s.Win11AssessmentSerializer(page, many=True).data)
    envelope["last_assessment"] = listing.last_assessment()
    if with_groups:
        envelope["by_organization"] = listing.organization_groups(assessments)
    return Response(envelope)


def _report_file(kind: str) -> HttpResponse:
    summary, organizations = readiness_summary(), organization_breakdown()
    buffer = io.BytesIO()
    now = timezone.now()
    if kind == "xlsx":
        write_excel(summary, organizations, buffer)
        content_type = XLSX
    else:
        write_pdf(summary, organizations, buffer, now)
        content_type = "application/pdf"
    response = HttpResponse(buffer.getvalue(), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="windows11-readiness-{now:%Y-%m-%d}.{kind}"'
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


_list = {"tags": ["windows-11"]}


class Windows11ViewSet(viewsets.ViewSet):
    """Windows 11 24H2 readiness (paths and field names from the API contract)."""

    @extend_schema(**_list, responses=s.Win11StatusSerializer)
    @action(detail=False, methods=["get"], url_path="status", url_name="status")
    def status(self, request):
        """Windows 11 24H2 readiness summary of the stored assessments (the latest run)."""
        last_run = Windows11Run.objects.order_by("-started_at", "-id").first()
        body = listing.status_body()
        body["last_run"] = s.Win11LastRunSerializer(last_run).data if last_run else None
        return Response(body)

    @extend_schema(**_list, responses=s.win11_list_envelope("Win11IncompatibleList", with_groups=True),
                   parameters=[s.Win11DeficiencyQuerySerializer, *s.win11_page_parameters()])
    @action(detail=False, methods=["get"], url_path="incompatible", url_name="incompatible")
    def incompatible(self, request):
        """Incompatible devices with their deficiencies, and the counts grouped by organization."""
        # Not those already on 24H2: they have their own list.
        return _device_list(self, request, Windows11Assessment.INCOMPATIBLE, s.Win11DeficiencyQuerySerializer,
                            with_groups=True)

    @extend_schema(**_list, responses=s.win11_list_envelope("Win11CompatibleList", with_groups=False),
                   parameters=[s.Win11ListQuerySerializer, *s.win11_page_parameters()])
    @action(detail=False, methods=["get"], url_path="compatible", url_name="compatible")
    def compatible(self, request):
        """Compatible devices with the requirements they passed."""
        return _device_list(self, request, Windows11Assessment.COMPATIBLE, s.Win11ListQuerySerializer,
                            with_groups=False)

    @extend_schema(**_list, responses=s.win11_list_envelope("Win11NotAssessedList", with_groups=True),
                   parameters=[s.Win11ListQuerySerializer, *s.win11_page_parameters()])
    @action(detail=False, methods=["get"], url_path="not-assessed", url_name="not-assessed")
    def not_assessed(self, request):
        """Devices that could not be assessed, with the facts NinjaOne did not report."""
        return _device_list(self, request, Windows11Assessment.NOT_ASSESSED, s.Win11ListQuerySerializer,
                            with_groups=True)

    @extend_schema(**_list, responses=s.win11_list_envelope("Win11AlreadyOn24H2List", with_groups=True),
                   parameters=[s.Win11AlreadyOn24H2QuerySerializer, *s.win11_page_parameters()])
    @action(detail=False, methods=["get"], url_path="already-on-24h2", url_name="already-on-24h2")
    def already_on_24h2(self, request):
        """Devices already on 24H2 (build 26100 or later), each flagged when its hardware is unsupported."""
        return _device_list(self, request, Windows11Assessment.ALREADY_ON_24H2, s.Win11AlreadyOn24H2QuerySerializer,
                            with_groups=True)

    @extend_schema(**_list, request=OpenApiTypes.OBJECT,
                   responses={200: s.Win11RunResponseSerializer,
                              400: OpenApiResponse(description="The body is not a JSON object"),
                              409: OpenApiResponse(description="A run is in progress, or no NinjaOne data yet")})
    @action(detail=False, methods=["post"], url_path="run", url_name="run")
    def run(self, request):
        """Assess now, synchronously (seconds even for tens of thousands of devices). 409 while a run is in
        progress. The body, if any, must be a JSON object (no fields are read)."""
        validated(s.Win11RunRequestSerializer, request.data)
        try:
            summary = run_assessment(trigger="api", actor=actor_label(request))
        except AssessmentAlreadyRunning as exc:
            details = {"run_id": exc.run.pk, "started_at": exc.run.started_at.isoformat()} if exc.run else {}
            raise Conflict(str(exc), code="assessment_running", details=details) from None
        except NoNinjaData as exc:
            raise APIError(str(exc), code="no_ninja_data", status_code=409) from None
        run = summary.run
        return Response({
            "status": "success",
            "message": run.message,
            "output": summary.output(),
            "timestamp": run.finished_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "run_id": run.pk,
            "summary": summary.as_dict(),
        })

    @extend_schema(**_list, responses={(200, XLSX): OpenApiTypes.BINARY},
                   description="The readiness report as an Excel workbook: Summary (the partition), By organization "
                   "(the status endpoint's by_organization), Devices (every assessed device with its category).")
    @action(detail=False, methods=["get"], url_path="export/excel", url_name="export-excel",
            content_negotiation_class=IgnoreAccept)
    def export_excel(self, request):
        return _report_file("xlsx")

    @extend_schema(**_list, responses={(200, "application/pdf"): OpenApiTypes.BINARY},
                   description="The readiness report as a PDF: the partition, why incompatible devices fail, and "
                   "every organization's counts.")
    @action(detail=False, methods=["get"], url_path="export/pdf", url_name="export-pdf",
            content_negotiation_class=IgnoreAccept)
    def export_pdf(self, request):
        return _report_file("pdf")
