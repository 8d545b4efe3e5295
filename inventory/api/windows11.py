"""Windows 11 24H2 readiness endpoints (paths and field names from the API contract)."""
import io

from django.db.models import Count, Max, Q
from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view, content_negotiation_class
from rest_framework.response import Response

from esinv.auth import actor_label
from esinv.errors import APIError, BadRequest, Conflict
from esinv.negotiation import IgnoreAccept
from esinv.pagination import HubPagination
from esinv.params import positive_int
from inventory.models import Windows11Assessment, Windows11Run
from inventory.windows11.engine import REQUIREMENT_LABELS, REQUIREMENTS
from inventory.windows11.report_files import write_excel, write_pdf
from inventory.windows11.service import AssessmentAlreadyRunning, NoNinjaData, run_assessment
from inventory.windows11.summary import code_counts, organization_breakdown, readiness_summary

# --- serializers ---------------------------------------------------------------

_counts = {code: serializers.IntegerField() for code in REQUIREMENTS}


class Win11LastRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = Windows11Run
        fields = ["id", "status", "trigger", "started_at", "finished_at", "duration_seconds", "message"]


class Win11OrganizationSummarySerializer(serializers.Serializer):
    organization_id = serializers.IntegerField(allow_null=True)
    organization = serializers.CharField()
    total_windows_devices = serializers.IntegerField()
    compatible_devices = serializers.IntegerField()
    incompatible_devices = serializers.IntegerField()
    not_assessed_devices = serializers.IntegerField()
    already_on_24h2_devices = serializers.IntegerField()
    on_24h2_unsupported_devices = serializers.IntegerField()
    compatibility_rate = serializers.FloatField()


class Win11StatusSerializer(serializers.Serializer):
    total_windows_devices = serializers.IntegerField(
        help_text="= compatible + incompatible + not_assessed + already_on_24h2 (one category per device)")
    compatible_devices = serializers.IntegerField(help_text="not yet on 24H2, hardware passes every requirement")
    incompatible_devices = serializers.IntegerField(help_text="not yet on 24H2, hardware fails a requirement")
    not_assessed_devices = serializers.IntegerField(help_text="not yet on 24H2, a fact is missing, none failed")
    already_on_24h2_devices = serializers.IntegerField(help_text="build 26100 or later, whatever the hardware")
    on_24h2_unsupported_devices = serializers.IntegerField(
        help_text="of already_on_24h2_devices: hardware that fails a requirement (a flag, not a category)")
    on_24h2_not_assessed_devices = serializers.IntegerField(
        help_text="of already_on_24h2_devices: hardware with a fact missing")
    hardware_compatible_devices = serializers.IntegerField(
        help_text="hardware passes every requirement: compatible + already on 24H2 on compatible hardware")
    compatibility_rate = serializers.FloatField(help_text="hardware_compatible / total × 100, one decimal")
    last_assessment = serializers.DateTimeField(allow_null=True)
    snapshot_date = serializers.DateField(allow_null=True)
    deficiency_counts = inline_serializer("Win11DeficiencyCounts", _counts)
    missing_data_counts = inline_serializer("Win11MissingDataCounts", _counts)
    requirements = serializers.DictField(child=serializers.CharField())
    last_run = Win11LastRunSerializer(allow_null=True)
    by_organization = Win11OrganizationSummarySerializer(many=True)


class Win11DeficiencySerializer(serializers.Serializer):
    requirement = serializers.CharField()
    label = serializers.CharField()
    found = serializers.CharField()
    needed = serializers.CharField()
    remediation = serializers.CharField()


class Win11MissingSerializer(serializers.Serializer):
    requirement = serializers.CharField()
    facts = serializers.ListField(child=serializers.CharField())
    reason = serializers.CharField()


class Win11AssessmentSerializer(serializers.ModelSerializer):
    organization = serializers.CharField(source="organization.name", default=None, allow_null=True)
    on_unsupported_hardware = serializers.BooleanField(read_only=True)
    deficiencies = Win11DeficiencySerializer(many=True)
    passed_requirements = serializers.ListField(child=serializers.CharField())
    missing_facts = Win11MissingSerializer(many=True)

    class Meta:
        model = Windows11Assessment
        fields = [
            "id", "hostname", "display_name", "vendor_device_id", "organization", "organization_id", "status",
            "category", "already_on_24h2", "on_unsupported_hardware", "os_name", "os_build", "cpu_model",
            "cpu_verdict", "cpu_rule", "cpu_reason",
            "system_manufacturer", "system_model", "passed_requirements", "deficiencies", "missing_facts",
            "last_contact", "last_update", "snapshot_date", "assessment_date",
        ]


class Win11OrganizationGroupSerializer(serializers.Serializer):
    organization_id = serializers.IntegerField(allow_null=True)
    organization = serializers.CharField(allow_null=True)
    devices = serializers.IntegerField()
    deficiency_counts = inline_serializer("Win11OrgDeficiencyCounts", _counts)


def _list_envelope(name: str, with_groups: bool):
    fields = {
        "count": serializers.IntegerField(), "page": serializers.IntegerField(),
        "page_size": serializers.IntegerField(), "total_pages": serializers.IntegerField(),
        "next": serializers.URLField(allow_null=True), "previous": serializers.URLField(allow_null=True),
        "last_assessment": serializers.DateTimeField(allow_null=True),
        "results": Win11AssessmentSerializer(many=True),
    }
    if with_groups:
        fields["by_organization"] = Win11OrganizationGroupSerializer(many=True)
    return inline_serializer(name, fields)


RunResponseSerializer = inline_serializer("Win11RunResponse", {
    "status": serializers.CharField(), "message": serializers.CharField(), "output": serializers.CharField(),
    "timestamp": serializers.DateTimeField(), "run_id": serializers.IntegerField(),
    "summary": serializers.DictField(),
})

# --- queries -------------------------------------------------------------------


def _split(row: dict, prefix: str) -> dict:
    return {code: row.pop(f"{prefix}{code}") for code in REQUIREMENTS}


def _organization_filter(request) -> int | None:
    raw = request.query_params.get("organization_id")
    if raw in (None, ""):
        return None
    return positive_int(raw, "organization_id")


def _bool_param(raw: str, field: str) -> bool:
    value = raw.strip().lower()
    if value in ("true", "1", "yes"):
        return True
    if value in ("false", "0", "no"):
        return False
    raise BadRequest(f"{field} must be true or false.", code="invalid_parameter",
                     details={"field": field, "value": raw})


def _deficiency_filter(request) -> str | None:
    raw = request.query_params.get("deficiency")
    if raw in (None, ""):
        return None
    if raw not in REQUIREMENTS:
        raise BadRequest(f"deficiency must be one of {', '.join(REQUIREMENTS)}.", code="invalid_parameter",
                         details={"field": "deficiency", "value": raw})
    return raw


def _device_list(request, category: str, with_groups: bool = False):
    """One category's devices (a page) and, with_groups, its per-organization counts over the whole filtered set."""
    assessments = Windows11Assessment.objects.filter(category=category)
    organization_id = _organization_filter(request)
    if organization_id is not None:
        assessments = assessments.filter(organization_id=organization_id)
    deficiency = _deficiency_filter(request) if category in (
        Windows11Assessment.INCOMPATIBLE, Windows11Assessment.ALREADY_ON_24H2) else None
    if deficiency:
        assessments = assessments.filter(deficiency_codes__contains=f"|{deficiency}|")
    if category == Windows11Assessment.ALREADY_ON_24H2:
        raw = request.query_params.get("unsupported_hardware")
        if raw not in (None, ""):
            flag = Q(status=Windows11Assessment.INCOMPATIBLE)
            assessments = assessments.filter(flag) if _bool_param(raw, "unsupported_hardware") else \
                assessments.exclude(flag)
    paginator = HubPagination()
    # The organization's name is on every row: joined in the page query, not fetched per row.
    page = paginator.paginate_queryset(
        assessments.select_related("organization").order_by("hostname", "id"), request
    )
    envelope = paginator.get_paginated_envelope(Win11AssessmentSerializer(page, many=True).data)
    envelope["last_assessment"] = Windows11Assessment.objects.aggregate(d=Max("assessment_date"))["d"]
    if with_groups:
        # Grouped counts over the whole filtered set (not only this page), one GROUP BY query.
        groups = (
            assessments.order_by().values("organization_id", "organization__name")
            .annotate(devices=Count("id"), **code_counts("deficiency_codes", "d_"))
            .order_by("-devices", "organization__name")
        )
        envelope["by_organization"] = [
            {"organization_id": g["organization_id"], "organization": g["organization__name"],
             "devices": g["devices"], "deficiency_counts": _split(g, "d_")}
            for g in groups
        ]
    return Response(envelope)


_LIST_PARAMETERS = [
    OpenApiParameter("organization_id", OpenApiTypes.INT, description="Only this organization's devices."),
    OpenApiParameter("page", OpenApiTypes.INT), OpenApiParameter("page_size", OpenApiTypes.INT),
]

# --- views ---------------------------------------------------------------------


@extend_schema(tags=["windows-11"], responses=Win11StatusSerializer)
@api_view(["GET"])
def status_view(request):
    """Windows 11 24H2 readiness summary of the stored assessments (the latest run)."""
    row = readiness_summary()
    last_run = Windows11Run.objects.order_by("-started_at", "-id").first()
    return Response({
        "total_windows_devices": row["total"],
        "compatible_devices": row["compatible"],
        "incompatible_devices": row["incompatible"],
        "not_assessed_devices": row["not_assessed"],
        "already_on_24h2_devices": row["already_on_24h2"],
        "on_24h2_unsupported_devices": row["on_24h2_unsupported"],
        "on_24h2_not_assessed_devices": row["on_24h2_not_assessed"],
        "hardware_compatible_devices": row["hardware_compatible"],
        "compatibility_rate": row["rate"],
        "last_assessment": row["last"],
        "snapshot_date": row["snapshot_date"],
        "deficiency_counts": row["deficiency_counts"],
        "missing_data_counts": row["missing_data_counts"],
        "requirements": {code: REQUIREMENT_LABELS[code] for code in REQUIREMENTS},
        "last_run": Win11LastRunSerializer(last_run).data if last_run else None,
        "by_organization": organization_breakdown(),
    })


@extend_schema(
    tags=["windows-11"], responses=_list_envelope("Win11IncompatibleList", with_groups=True),
    parameters=[*_LIST_PARAMETERS, OpenApiParameter(
        "deficiency", OpenApiTypes.STR, enum=list(REQUIREMENTS), description="Only devices failing this requirement.")],
)
@api_view(["GET"])
def incompatible_view(request):
    """Incompatible devices with their deficiencies, and the counts grouped by organization."""
    return _device_list(request, Windows11Assessment.INCOMPATIBLE, with_groups=True)  # not those already on 24H2


@extend_schema(tags=["windows-11"], responses=_list_envelope("Win11CompatibleList", with_groups=False),
               parameters=_LIST_PARAMETERS)
@api_view(["GET"])
def compatible_view(request):
    """Compatible devices with the requirements they passed."""
    return _device_list(request, Windows11Assessment.COMPATIBLE)


@extend_schema(tags=["windows-11"], responses=_list_envelope("Win11NotAssessedList", with_groups=True),
               parameters=_LIST_PARAMETERS)
@api_view(["GET"])
def not_assessed_view(request):
    """Devices that could not be assessed, with the facts NinjaOne did not report."""
    return _device_list(request, Windows11Assessment.NOT_ASSESSED, with_groups=True)


@extend_schema(
    tags=["windows-11"], responses=_list_envelope("Win11AlreadyOn24H2List", with_groups=True),
    parameters=[*_LIST_PARAMETERS, OpenApiParameter(
        "unsupported_hardware", OpenApiTypes.BOOL,
        description="true: only devices on 24H2 whose hardware fails a requirement; false: only the others."),
        OpenApiParameter("deficiency", OpenApiTypes.STR, enum=list(REQUIREMENTS),
                         description="Only devices whose hardware fails this requirement.")],
)
@api_view(["GET"])
def already_on_24h2_view(request):
    """Devices already on 24H2 (build 26100 or later), each flagged when its hardware is unsupported."""
    return _device_list(request, Windows11Assessment.ALREADY_ON_24H2, with_groups=True)


@extend_schema(tags=["windows-11"], request=None, responses={200: RunResponseSerializer})
@api_view(["POST"])
def run_view(request):
    """Assess now, synchronously (seconds even for tens of thousands of devices). 409 while a run is in progress."""
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


# --- files -----------------------------------------------------------------------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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


@extend_schema(tags=["windows-11"], responses={(200, XLSX): OpenApiTypes.BINARY},
               description="The readiness report as an Excel workbook: Summary (the partition), By organization "
               "(the status endpoint's by_organization), Devices (every assessed device with its category).")
@api_view(["GET"])
@content_negotiation_class(IgnoreAccept)
def export_excel_view(request):
    return _report_file("xlsx")


@extend_schema(tags=["windows-11"], responses={(200, "application/pdf"): OpenApiTypes.BINARY},
               description="The readiness report as a PDF: the partition, why incompatible devices fail, and "
               "every organization's counts.")
@api_view(["GET"])
@content_negotiation_class(IgnoreAccept)
def export_pdf_view(request):
    return _report_file("pdf")
