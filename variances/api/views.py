"""Variance reports, history, trends and the exceptions API, as thin viewsets.

Parameters and bodies are validated by `variances.api.serializers`; reads come from
`variances.reports` and `variances.filtersets`, writes go through `variances.services`.
Routes: `variances.api.urls`.
"""
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from esinv.auth import actor_label, actor_user
from esinv.errors import NotFound
from esinv.params import parse_date
from variances import dates, reports
from variances.api import serializers as S
from variances.api.pagination import ExceptionPagination
from variances.filtersets import exception_queryset, filter_exceptions, order_exceptions
from variances.models import ExceptionRecord
from variances.services import Action, apply_action, bulk_action

DATE_PATH = OpenApiParameter("date", OpenApiTypes.DATE, OpenApiParameter.PATH, description="YYYY-MM-DD")
ID_PATH = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Exception id.")
DATE_REGEX = "[^/]+"  # anything up to the next slash; the strict parser answers 400 for what is not a date
ID_REGEX = "[0-9]{1,18}"  # longer digit strings would overflow a 64-bit id: 404 like any unknown URL


def reconciled_date(raw: str):
    day = parse_date(raw, "date", required=True)
    if not dates.is_reconciled(day):
        raise NotFound(f"No variance data for {day.isoformat()}.", code="not_found",
                       details={"date": day.isoformat(), "available": "/api/variances/available-dates"})
    return day


@extend_schema(tags=["variances"])
class VarianceReportViewSet(viewsets.ViewSet):
    """`/api/variance-report/latest`, `/filtered` and `/{date}`. The router lists the literal
    actions before the `{date}` route, so `latest` and `filtered` are never read as dates."""

    lookup_field = "date"
    lookup_value_regex = DATE_REGEX

    @extend_schema(responses=S.VarianceReportSerializer)
    @action(detail=False, methods=["get"])
    def latest(self, request):
        """The variance report of the latest reconciled date (empty with out_of_sync when there is none)."""
        return Response(reports.variance_report(dates.latest_report_date()))

    @extend_schema(responses=S.VarianceReportSerializer)
    @action(detail=False, methods=["get"])
    def filtered(self, request):
        """The latest report with unresolved exceptions only (the dashboard's work list)."""
        return Response(reports.variance_report(dates.latest_report_date(), unresolved_only=True))

    @extend_schema(parameters=[DATE_PATH], responses=S.VarianceReportSerializer)
    def retrieve(self, request, date=None):
        """The variance report of a reconciled date; 404 when that date has no data."""
        return Response(reports.variance_report(reconciled_date(date)))


@extend_schema(tags=["variances"])
class VarianceHistoryViewSet(viewsets.ViewSet):
    """`/api/variances/available-dates`, `/historical/{date}`, `/trends`."""

    @extend_schema(responses=S.AvailableDatesSerializer)
    @action(detail=False, methods=["get"], url_path="available-dates")
    def available_dates(self, request):
        """Dates on which both vendors have a snapshot, the range, and data quality per date."""
        return Response(reports.available_dates())

    @extend_schema(parameters=[DATE_PATH], responses=S.VarianceReportSerializer)
    @action(detail=False, methods=["get"], url_path=f"historical/(?P<date>{DATE_REGEX})")
    def historical(self, request, date=None):
        """Same shape as the latest report, for a past date."""
        return Response(reports.variance_report(reconciled_date(date)))

    @extend_schema(parameters=[S.TrendsQuerySerializer], responses=S.TrendsSerializer)
    @action(detail=False, methods=["get"])
    def trends(self, request):
        """Counts by type per day, and new vs resolved exceptions per day."""
        query = S.TrendsQuerySerializer.parse(request)
        return Response(reports.trends(query.get("start_date"), query.get("end_date")))


@extend_schema(tags=["exceptions"])
@extend_schema_view(
    list=extend_schema(parameters=[S.ExceptionListQuerySerializer]),
    retrieve=extend_schema(parameters=[ID_PATH]),
)
class ExceptionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Exceptions present on a report date (the latest by default), with their history, and the staff actions."""

    serializer_class = S.ExceptionSerializer
    pagination_class = ExceptionPagination
    filter_backends = []  # the query serializer validates the filters; filter_exceptions applies them
    lookup_field = "pk"
    lookup_url_kwarg = "id"
    lookup_value_regex = ID_REGEX

    def get_queryset(self):
        return exception_queryset()

    def list(self, request, *args, **kwargs):
        """Exceptions present on a report date (the latest by default), filtered, paginated, with history."""
        query = S.ExceptionListQuerySerializer.parse(request)
        queryset, _ = filter_exceptions(query["filters"], self.get_queryset())
        queryset = order_exceptions(queryset, query["ordering"])
        page = self.paginator.paginate_queryset(queryset, request, view=self, window=query["window"])
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(responses=S.StatusSummarySerializer)
    @action(detail=False, methods=["get"], url_path="status-summary", pagination_class=None)
    def status_summary(self, request):
        """Exceptions of the latest report date by status and by type."""
        return Response(reports.status_summary())

    @extend_schema(request=S.BulkUpdateSerializer, responses=S.BulkUpdateResponseSerializer)
    @action(detail=False, methods=["post"], url_path="bulk-update")
    def bulk_update(self, request):
        """Apply an action to a list of ids or to every open exception a filter selects, all or nothing."""
        body = S.BulkUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        results = bulk_action(data["action"], ids=data.get("ids"), filters=data.get("filter"), notes=data["notes"],
                              actor=actor_label(request), user=actor_user(request))
        return Response({"success": True, "action": data["action"], "updated": len(results), "results": results})

    @extend_schema(parameters=[ID_PATH], request=S.NotesSerializer, responses=S.ExceptionActionResponseSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, id=None):
        """Resolve an open exception (with notes). 409 when it is already resolved."""
        return self._single_action(request, int(id), Action.RESOLVE)

    @extend_schema(parameters=[ID_PATH], request=S.NotesSerializer, responses=S.ExceptionActionResponseSerializer)
    @action(detail=True, methods=["post"], url_path="mark-manually-fixed")
    def mark_manually_fixed(self, request, id=None):
        """Mark an open exception manually fixed; the next reconciliation verifies or reopens it."""
        return self._single_action(request, int(id), Action.MARK_MANUALLY_FIXED)

    def _single_action(self, request, exception_id: int, action_name: str) -> Response:
        body = S.NotesSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if not ExceptionRecord.objects.filter(id=exception_id).exists():
            raise NotFound(f"Exception {exception_id} does not exist.", details={"id": exception_id})
        apply_action([exception_id], action_name, notes=body.validated_data["notes"],
                     actor=actor_label(request), user=actor_user(request))
        record = self.get_queryset().get(id=exception_id)
        return Response({"success": True, "exception": S.ExceptionSerializer(record).data})
