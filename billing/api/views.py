"""The billing API as thin viewsets: report, variances (list, resolve, accept, bulk-update), clients.

Parameters and bodies are validated by `billing.api.serializers`; reads come from `billing.reports`, writes go
through `billing.actions` (apply_action). Permissions: `billing.permissions.BillingAccess`."""
from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from billing import exports, reports
from billing.actions import Action, ActionRefused, apply_action
from billing.api import serializers as S
from billing.filtersets import filter_variances, variance_queryset
from billing.m365.sku_names import product_names
from billing.models import BillingVariance
from billing.permissions import BillingAccess
from esinv.auth import actor_label, actor_user
from esinv.errors import Conflict, NotFound
from esinv.negotiation import IgnoreAccept
from esinv.pagination import HubPagination
from esinv.params import is_plain_int
from esinv.validation import validated
from inventory.models import Organization

ID_PATH = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Id.")


def path_id(raw) -> int:
    """An id from the path; anything else (letters, NUL, 19+ digits) is an unknown id: 404 naming it."""
    text = str(raw)
    if not is_plain_int(text) or len(text) > 18:
        raise NotFound(f"No billing record {text!r}.", details={"id": text[:40]})
    return int(text)


def variance_payload(variance: BillingVariance, *, events: bool = False) -> dict:
    data = reports.variance_dict(variance)
    if events:
        data["events"] = [{"at": e.at, "report_date": e.report_date, "action": e.action, "actor": e.actor,
                           "from_status": e.from_status, "to_status": e.to_status, "notes": e.notes}
                          for e in variance.events.all()]
    return data


@extend_schema(tags=["billing"])
class BillingReportViewSet(viewsets.ViewSet):
    """`GET /api/billing/report`: per client billed vs measured per product, variances, money totals."""

    permission_classes = [BillingAccess]

    @extend_schema(parameters=[S.BillingReportQuerySerializer], responses=S.BillingReportSerializer)
    def show(self, request):
        """The billing report of a day (`?date=`, default the latest day with billing data)."""
        query = validated(S.BillingReportQuerySerializer, request.query_params)
        day = query.get("date") or reports.latest_day()
        status = reports.day_status(day, requested=query.get("date") is not None)
        data = {**reports.billing_report(day), "measured": status["measured"], "unmeasured": status["unmeasured"],
                "newest_unmeasured_date": status["newest"]}
        return Response(S.BillingReportSerializer(data).data)


@extend_schema(tags=["billing"])
@extend_schema_view(list=extend_schema(parameters=[S.BillingVarianceListQuerySerializer]),
                    retrieve=extend_schema(parameters=[ID_PATH], responses=S.BillingVarianceDetailSerializer))
class BillingVarianceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Billing variances with their lifecycle; staff resolve or accept them with notes."""

    permission_classes = [BillingAccess]
    serializer_class = S.BillingVarianceSerializer
    pagination_class = HubPagination
    filter_backends = []
    lookup_field = "pk"
    lookup_url_kwarg = "id"
    lookup_value_converter = "str"  # path_id() answers 404 for what is not an id

    def get_queryset(self):
        return variance_queryset().order_by("id")

    def list(self, request, *args, **kwargs):
        """Billing variances filtered by type(s), organization, status and date (present on that day), ordered
        (`ordering`), paged."""
        query = validated(S.BillingVarianceListQuerySerializer, request.query_params)
        page = self.paginator.paginate_queryset(filter_variances(query), request, view=self)
        return self.get_paginated_response(S.BillingVarianceSerializer([reports.variance_dict(v) for v in page],
                                                                many=True).data)

    def retrieve(self, request, *args, **kwargs):
        """One billing variance with its audit trail."""
        variance = self._get(path_id(kwargs["id"]))
        return Response(S.BillingVarianceDetailSerializer(variance_payload(variance, events=True)).data)

    @extend_schema(parameters=[ID_PATH], request=S.BillingNotesSerializer, responses=S.BillingActionResponseSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, id=None):
        """Resolve an open or accepted variance (notes optional). 409 when it is already resolved."""
        return self._single(request, path_id(id), Action.RESOLVE)

    @extend_schema(parameters=[ID_PATH], request=S.BillingNotesSerializer, responses=S.BillingActionResponseSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, id=None):
        """Accept an open variance (notes optional): it stays accepted while its billed and measured numbers are
        unchanged. 409 when it is already accepted or resolved."""
        return self._single(request, path_id(id), Action.ACCEPT)

    @extend_schema(request=S.BillingBulkUpdateSerializer, responses=S.BillingBulkResponseSerializer)
    @action(detail=False, methods=["post"], url_path="bulk-update")
    def bulk_update(self, request):
        """Resolve or accept a list of variances, all or nothing: an unknown id is a 404, one the action cannot
        apply to (already resolved, already accepted) a 409 with per-id `details.results`; nothing changed."""
        body = validated(S.BillingBulkUpdateSerializer, request.data)
        results = self._apply(body["ids"], body["action"], body["notes"], request)
        return Response({"success": True, "action": body["action"], "updated": len(results), "results": results})

    def _get(self, variance_id: int) -> BillingVariance:
        variance = self.get_queryset().filter(id=variance_id).first()
        if variance is None:
            raise NotFound(f"Billing variance {variance_id} does not exist.", details={"id": variance_id})
        return variance

    def _apply(self, ids, action_name, notes, request):
        try:
            return apply_action(ids, action_name, notes=notes, actor=actor_label(request),
                                user=actor_user(request))
        except ActionRefused as refused:
            if refused.unknown:
                raise NotFound(str(refused), details={"field": "ids", "ids": refused.ids}) from None
            raise Conflict(str(refused), details={"ids": refused.ids, "results": refused.results}) from None

    def _single(self, request, variance_id: int, action_name: str) -> Response:
        body = validated(S.BillingNotesSerializer, request.data)
        self._get(variance_id)
        self._apply([variance_id], action_name, body["notes"], request)
        variance = self._get(variance_id)
        return Response({"success": True, "variance": S.BillingVarianceDetailSerializer(
            variance_payload(variance, events=True)).data})


@extend_schema(tags=["billing"])
class BillingClientViewSet(viewsets.ViewSet):
    """`GET /api/billing/clients/{id}`: every product billed vs measured, with 12 months of month-end history."""

    permission_classes = [BillingAccess]
    lookup_field = "pk"
    lookup_url_kwarg = "id"
    lookup_value_converter = "str"  # path_id() answers 404 for what is not an id

    @extend_schema(parameters=[ID_PATH, S.BillingReportQuerySerializer], responses=S.BillingClientSerializer)
    def retrieve(self, request, id=None):
        """One client's products: billed vs measured on the day and 12 months of month-end values of both."""
        query = validated(S.BillingReportQuerySerializer, request.query_params)
        organization = Organization.objects.filter(id=path_id(id)).first()
        if organization is None:
            raise NotFound(f"Organization {id} does not exist.", details={"id": path_id(id)})
        day = query.get("date") or reports.latest_day()
        return Response(S.BillingClientSerializer(reports.client_detail(organization, day)).data)


def _file_schema(fmt: str, description: str):
    return extend_schema(parameters=[S.BillingExportQuerySerializer], description=description, responses={
        (200, exports.CONTENT_TYPES[fmt].split(";")[0]): OpenApiTypes.BINARY,
        400: OpenApiResponse(description="Invalid parameter (the error names it)."),
        404: OpenApiResponse(description="Unknown organization."),
    })


@extend_schema(tags=["billing"])
class BillingExportViewSet(viewsets.ViewSet):
    """`/api/billing/export/csv`, `/excel` and `/pdf`: the billing report of a day as a file, one row per client and
    product (billed, measured, unit price, money, variance type and status)."""

    permission_classes = [BillingAccess]
    content_negotiation_class = IgnoreAccept

    @_file_schema("csv", "The billing report as CSV: the header first, then one row per client and product.")
    @action(detail=False, methods=["get"])
    def csv(self, request):
        return self._export(request, "csv")

    @_file_schema("excel", "The billing report as an Excel workbook (sheet Billing: day and totals, then the rows).")
    @action(detail=False, methods=["get"])
    def excel(self, request):
        return self._export(request, "excel")

    @_file_schema("pdf", "The billing report as a PDF (landscape A4: the day, both totals, one row per line).")
    @action(detail=False, methods=["get"])
    def pdf(self, request):
        return self._export(request, "pdf")

    def _export(self, request, fmt: str):
        query = validated(S.BillingExportQuerySerializer, request.query_params)
        organization = None
        if query.get("organization"):
            organization = Organization.objects.filter(id=query["organization"]).first()
            if organization is None:
                raise NotFound(f"Organization {query['organization']} does not exist.",
                               details={"field": "organization", "id": query["organization"]})
        day = query.get("date") or reports.latest_day()
        report = reports.billing_report(day)
        if organization is not None:
            report = exports.client_report(report, organization.id)
        rows = exports.export_rows(report, product_names())
        meta = exports.BillingExportMeta(
            report_date=day, generated_at=timezone.now(), currency=settings.ESINV_CURRENCY,
            organization=organization.name if organization else None,
            organization_id=organization.id if organization else None, msp_name=settings.ESINV_MSP_NAME,
            metadata_rows=query["meta"], totals=report["totals"])
        response = HttpResponse(content_type=exports.CONTENT_TYPES[fmt])
        if fmt == "csv":
            for chunk in exports.iter_csv(rows, meta):
                response.write(chunk)
        elif fmt == "excel":
            exports.write_excel(rows, meta, response)
        else:
            exports.write_pdf(rows, meta, response)
        filename = exports.export_filename(day, fmt, meta.organization)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
