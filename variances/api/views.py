"""Variance reports, history, trends and the exceptions API. Thin: the work is in
`variances.reports` (reads) and `variances.services` (writes)."""
from django.conf import settings
from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.decorators import api_view
from rest_framework.response import Response

from esinv.auth import actor_label, actor_user
from esinv.errors import BadRequest, NotFound
from esinv.params import parse_date
from variances import dates, reports
from variances.api import serializers as S
from variances.filtersets import ExceptionFilterSet
from variances.models import ExceptionEvent, ExceptionRecord, ExceptionStatus, VarianceStatus
from variances.services import Action, apply_action

DATE_PATH = OpenApiParameter("date", OpenApiTypes.DATE, OpenApiParameter.PATH, description="YYYY-MM-DD")


def _reconciled_date(raw: str):
    day = parse_date(raw, "date", required=True)
    if not dates.is_reconciled(day):
        raise NotFound(f"No variance data for {day.isoformat()}.", code="not_found",
                       details={"date": day.isoformat(), "available": "/api/variances/available-dates"})
    return day


@extend_schema(tags=["variances"], responses=S.VarianceReportSerializer)
@api_view(["GET"])
def report_latest(request):
    """The variance report of the latest reconciled date (empty with out_of_sync when there is none)."""
    return Response(reports.variance_report(dates.latest_report_date()))


@extend_schema(tags=["variances"], responses=S.VarianceReportSerializer)
@api_view(["GET"])
def report_filtered(request):
    """The latest report with unresolved exceptions only (the dashboard's work list)."""
    return Response(reports.variance_report(dates.latest_report_date(), unresolved_only=True))


@extend_schema(tags=["variances"], parameters=[DATE_PATH], responses=S.VarianceReportSerializer)
@api_view(["GET"])
def report_for_date(request, date):
    """The variance report of a reconciled date; 404 when that date has no data."""
    return Response(reports.variance_report(_reconciled_date(date)))


@extend_schema(tags=["variances"], parameters=[DATE_PATH], responses=S.VarianceReportSerializer)
@api_view(["GET"])
def historical(request, date):
    """Same shape as the latest report, for a past date."""
    return Response(reports.variance_report(_reconciled_date(date)))


@extend_schema(tags=["variances"], responses=S.AvailableDatesSerializer)
@api_view(["GET"])
def available_dates(request):
    """Dates on which both vendors have a snapshot, the range, and data quality per date."""
    return Response(reports.available_dates())


@extend_schema(
    tags=["variances"],
    parameters=[
        OpenApiParameter("start_date", OpenApiTypes.DATE, description="Default: 30 days before end_date."),
        OpenApiParameter("end_date", OpenApiTypes.DATE, description="Default: the latest reconciled date."),
    ],
    responses=S.TrendsSerializer,
)
@api_view(["GET"])
def trends(request):
    """Counts by type per day, and new vs resolved exceptions per day."""
    start = parse_date(request.query_params.get("start_date"), "start_date")
    end = parse_date(request.query_params.get("end_date"), "end_date")
    return Response(reports.trends(start, end))


@extend_schema(tags=["exceptions"], responses=S.StatusSummarySerializer)
@api_view(["GET"])
def status_summary(request):
    """Exceptions of the latest report date by status and by type."""
    return Response(reports.status_summary())


def exception_queryset():
    # The organization name is on every row (select_related: no query per row);
    # the history is one prefetch query per page, not one per exception.
    return ExceptionRecord.objects.select_related("organization").prefetch_related(
        Prefetch("events", queryset=ExceptionEvent.objects.order_by("at", "id"))
    ).order_by("type", "canonical_key", "-id")


def filter_exceptions(params, queryset):
    """Apply the list filters; the date defaults to the latest report date. Returns (queryset, date)."""
    day = parse_date(params.get("date"), "date") or dates.latest_report_date()
    if day is None:
        return queryset.none(), None
    queryset = queryset.filter(date_found__lte=day, last_seen__gte=day)
    filterset = ExceptionFilterSet(params, queryset=queryset)
    if not filterset.is_valid():
        raise BadRequest("Invalid filter.", code="invalid_parameter", details=filterset.errors)
    return filterset.qs, day


@extend_schema(
    tags=["exceptions"],
    parameters=[
        OpenApiParameter("type", OpenApiTypes.STR, description="MISSING_NINJA or missing_in_ninja (comma list)."),
        OpenApiParameter("status", OpenApiTypes.STR,
                         description="open, unresolved, resolved, active, manually_fixed, collector_verified."),
        OpenApiParameter("organization", OpenApiTypes.STR, description="Organization id or name."),
        OpenApiParameter("hostname", OpenApiTypes.STR, description="Part of a hostname."),
        OpenApiParameter("date", OpenApiTypes.DATE, description="Report date (default: the latest)."),
    ],
)
class ExceptionList(generics.ListAPIView):
    """Exceptions present on a report date (the latest by default), filtered, paginated, with history."""

    serializer_class = S.ExceptionSerializer
    filter_backends = []  # filters are applied in get_queryset (the date default needs the latest date)

    def get_queryset(self):
        return filter_exceptions(self.request.query_params, exception_queryset())[0]


@extend_schema(tags=["exceptions"])
class ExceptionDetail(generics.RetrieveAPIView):
    """One exception with its full history."""

    serializer_class = S.ExceptionSerializer
    queryset = exception_queryset()
    lookup_field = "id"


def _single_action(request, exception_id: int, action: str) -> Response:
    body = S.NotesSerializer(data=request.data)
    body.is_valid(raise_exception=True)
    if not ExceptionRecord.objects.filter(id=exception_id).exists():
        raise NotFound(f"Exception {exception_id} does not exist.", details={"id": exception_id})
    apply_action([exception_id], action, notes=body.validated_data["notes"],
                 actor=actor_label(request), user=actor_user(request))
    record = exception_queryset().get(id=exception_id)
    return Response({"success": True, "exception": S.ExceptionSerializer(record).data})


@extend_schema(tags=["exceptions"], request=S.NotesSerializer, responses=S.ExceptionActionResponseSerializer)
@api_view(["POST"])
def resolve(request, id):
    """Resolve an open exception (with notes). 409 when it is already resolved."""
    return _single_action(request, id, Action.RESOLVE)


@extend_schema(tags=["exceptions"], request=S.NotesSerializer, responses=S.ExceptionActionResponseSerializer)
@api_view(["POST"])
def mark_manually_fixed(request, id):
    """Mark an open exception manually fixed; the next reconciliation verifies or reopens it."""
    return _single_action(request, id, Action.MARK_MANUALLY_FIXED)


@extend_schema(tags=["exceptions"], request=S.BulkUpdateSerializer, responses=S.BulkUpdateResponseSerializer)
@api_view(["POST"])
def bulk_update(request):
    """Apply an action to a list of ids or to every open exception a filter selects, all or nothing."""
    body = S.BulkUpdateSerializer(data=request.data)
    body.is_valid(raise_exception=True)
    data = body.validated_data
    if "ids" in data:
        ids = data["ids"]
    else:
        # A filter selects the exceptions the action applies to (open; not yet marked, for mark).
        queryset, _ = filter_exceptions(data["filter"], ExceptionRecord.objects.filter(status=ExceptionStatus.OPEN))
        if data["action"] == Action.MARK_MANUALLY_FIXED:
            queryset = queryset.filter(variance_status=VarianceStatus.ACTIVE)
        ids = list(queryset.order_by("id").values_list("id", flat=True))
    if len(ids) > settings.ESINV_BULK_UPDATE_MAX:
        raise BadRequest(f"At most {settings.ESINV_BULK_UPDATE_MAX} exceptions per request.",
                         code="invalid_parameter", details={"field": "ids", "count": len(ids)})
    results = apply_action(ids, data["action"], notes=data["notes"], actor=actor_label(request),
                           user=actor_user(request))
    return Response({"success": True, "action": data["action"], "updated": len(results), "results": results})
