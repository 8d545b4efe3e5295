"""QBR and sign-in endpoints as thin viewsets (registered on the router in urls.py).

Parameters and bodies are validated by serializers.py; the rules live in
aggregation.py, devices.py, scorecard.py (SmartNumbers + thresholds),
sign_in.py and services.py (every write). QBR answers use the contract's
envelope {"success": true, "data": ...}; results are one organization and
month/quarter, so nothing here is paginated.
"""
from django.contrib.auth import logout
from django.db.models import Max
from django.middleware.csrf import get_token
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.decorators import action
from rest_framework.response import Response

from esinv.auth import PublicAccess, actor_label, actor_user
from qbr.aggregation import MonthValue, aggregate_quarter
from qbr.api import serializers as s
from qbr.billed_seats import billed_seats
from qbr.devices import device_counts
from qbr.models import MonthlyMetric, Threshold
from qbr.periods import parse_month
from qbr.permissions import QBRAccess, user_can_read_qbr, user_can_write_qbr
from qbr.scorecard import score_quarter
from qbr.services import ManualEntry, ThresholdEntry, override_warning, record_manual_metrics, save_thresholds
from qbr.sign_in import complete_microsoft_sign_in, signed_in_user, start_microsoft_sign_in
from qbr.thresholds import bounds_labels

# Only the columns the rows show; the table holds a few dozen rows per org and month.
_METRIC_COLUMNS = (
    "period", "organization_id", "vendor_id", "metric_name", "metric_value", "data_source", "notes",
    "updated_at", "updated_by",
)


def ok(data) -> Response:
    return Response({"success": True, "data": data})


class QBRViewSet(viewsets.ViewSet):
    permission_classes = [QBRAccess]
    pagination_class = None


def _latest_period(organization) -> str | None:
    return MonthlyMetric.objects.filter(organization=organization).aggregate(p=Max("period"))["p"]


def _quarter_values(organization, quarter) -> list[MonthValue]:
    rows = MonthlyMetric.objects.filter(
        organization=organization, period__in=[str(m) for m in quarter.months]
    ).values_list("period", "metric_name", "vendor_id", "metric_value", "data_source")
    return [MonthValue(*row) for row in rows]


class MetricsViewSet(QBRViewSet):
    """/api/qbr/metrics/...: monthly values, quarters, devices by client, manual entry."""

    @extend_schema(tags=["qbr"], parameters=[s.MonthlyQuerySerializer], responses=s.MonthlyResponse)
    @action(detail=False, methods=["get"])
    def monthly(self, request):
        """Raw monthly metrics of one organization and month."""
        q = s.query(s.MonthlyQuerySerializer, request)
        organization = q["organization_id"]
        rows = MonthlyMetric.objects.filter(organization=organization).only(*_METRIC_COLUMNS)
        if q.get("vendor_id") is not None:
            rows = rows.filter(vendor_id=q["vendor_id"])
        if q.get("metric_name"):
            rows = rows.filter(metric_name=q["metric_name"])
        period = str(q["period"]) if q.get("period") else rows.aggregate(p=Max("period"))["p"]
        metrics = rows.filter(period=period).order_by("metric_name", "vendor_id")
        billed = billed_seats(parse_month(period)) if period else None
        return ok({"period": period, "organization_id": organization.id,
                   "metrics": s.MetricSerializer(metrics, many=True).data,
                   "billed_seats": s.number_out(billed.for_organization(organization.id)) if billed else None,
                   "agreements_date": billed.day.isoformat() if billed else None})

    @extend_schema(tags=["qbr"], parameters=[s.QuarterlyQuerySerializer], responses=s.QuarterlyResponse)
    @action(detail=False, methods=["get"])
    def quarterly(self, request):
        """A quarter's metrics: flow metrics summed, stock metrics averaged, with the months each includes."""
        q = s.query(s.QuarterlyQuerySerializer, request)
        organization = q["organization_id"]
        quarter = q.get("period")
        if quarter is None:
            latest = _latest_period(organization)
            quarter = parse_month(latest).quarter if latest else None
        if quarter is None:
            return ok({"period": None, "organization_id": organization.id, "months": [], "months_included": [],
                       "metrics": []})
        values = _quarter_values(organization, quarter)
        return ok({
            "period": str(quarter),
            "organization_id": organization.id,
            "months": [str(m) for m in quarter.months],
            "months_included": sorted({v.period for v in values}),
            "metrics": [
                {"metric_name": a.metric_name, "vendor_id": a.vendor_id, "aggregation": a.aggregation,
                 "metric_value": s.number_out(a.value.quantize(s.PLACES)), "months": list(a.months),
                 "data_sources": list(a.data_sources)}
                for a in aggregate_quarter(values)
            ],
        })

    @extend_schema(tags=["qbr"], parameters=[s.DevicesByClientQuerySerializer], responses=s.DevicesByClientResponse)
    @action(detail=False, methods=["get"], url_path="devices-by-client")
    def devices_by_client(self, request):
        """Seats and endpoints per client from the month's last NinjaOne snapshot, with the seats billed."""
        q = s.query(s.DevicesByClientQuerySerializer, request)
        counts = device_counts(q["period"], q["organization_id"].id)
        return ok({
            "period": str(q["period"]),
            "organization_id": q["organization_id"].id,
            "snapshot_date": counts.snapshot_date.isoformat() if counts.snapshot_date else None,
            "clients": s.ClientDevicesSerializer(counts.clients, many=True).data,
            "total_seats": counts.total_seats,
            "total_endpoints": counts.total_endpoints,
            "agreements_date": counts.agreements_date.isoformat() if counts.agreements_date else None,
            "total_billed_seats": s.number_out(counts.total_billed_seats),
        })

    @extend_schema(tags=["qbr"], request=s.MANUAL_BODY.openapi(), responses=s.ManualSavedResponse)
    @action(detail=False, methods=["post"])
    def manual(self, request):
        """Enter or correct metrics by hand: one object, a list, or {"metrics": [...]}; all or nothing."""
        entries = [
            ManualEntry(str(item["period"]), item["organization_id"].id, item["vendor_id"], item["metric_name"],
                        item["metric_value"], None if item.get("notes") is None else str(item["notes"]))
            for item in s.MANUAL_BODY.validated(request.data)
        ]
        writes = record_manual_metrics(entries, actor=actor_label(request), user=actor_user(request))
        results = [
            {**s.MetricSerializer(w.metric).data, "period": w.metric.period,
             "organization_id": w.metric.organization_id, "created": w.created,
             "overrode_collected": w.overrode_collected, "previous_value": s.number_out(w.previous_value),
             "previous_source": w.previous_source}
            for w in writes
        ]
        warnings = [warning for warning in map(override_warning, writes) if warning]
        return ok({"metrics": results, "warnings": warnings})


class SmartNumbersViewSet(QBRViewSet):
    """/api/qbr/smartnumbers"""

    @extend_schema(tags=["qbr"], parameters=[s.SmartNumbersQuerySerializer], responses=s.SmartNumbersResponse)
    def list(self, request):
        """Every SmartNumber of the quarter (null when its inputs are missing or a divisor is zero) and its status."""
        q = s.query(s.SmartNumbersQuerySerializer, request)
        organization, quarter = q["organization_id"], q["period"]
        values = _quarter_values(organization, quarter)
        inputs, scored = score_quarter(organization.id, values)
        return ok({
            "period": str(quarter),
            "organization_id": organization.id,
            "months_included": sorted({v.period for v in values}),
            "smart_numbers": {n.name: s.number_out(n.value) for n in scored},
            "status": {n.name: n.status for n in scored},
            "thresholds": {
                n.name: {
                    **bounds_labels(green=n.threshold.green_bound, yellow=n.threshold.yellow_bound,
                                      direction=n.threshold.direction),
                    "direction": n.threshold.direction,
                    "status": n.status,
                }
                for n in scored if n.threshold
            },
            "inputs": {name: s.number_out(v.quantize(s.PLACES)) for name, v in sorted(inputs.items())},
        })


class ThresholdViewSet(QBRViewSet):
    """/api/qbr/thresholds"""

    @extend_schema(tags=["qbr"], parameters=[s.OrganizationQuerySerializer], responses=s.ThresholdListResponse)
    def list(self, request):
        """Threshold definitions (green/yellow bounds and direction) of one organization."""
        organization = s.query(s.OrganizationQuerySerializer, request)["organization_id"]
        rows = Threshold.objects.filter(organization=organization).order_by("metric_name")
        return ok({"organization_id": organization.id, "thresholds": s.ThresholdSerializer(rows, many=True).data})

    @extend_schema(tags=["qbr"], request=s.THRESHOLDS_BODY.openapi(), responses={200: s.ThresholdsSavedResponse})
    def create(self, request):
        """Create or update thresholds: one object, a list, or {"thresholds": [...]}; all or nothing.

        Bounds as `direction` + `green`/`yellow`, or as GET returns them: `green_max`/`yellow_max` (lower is
        better) or `green_min`/`yellow_min` (higher is better)."""
        entries = [
            ThresholdEntry(item["organization"].id, item["metric_name"], item["direction"], item["green"],
                           item["yellow"], None if item["notes"] is None else str(item["notes"]))
            for item in s.THRESHOLDS_BODY.validated(request.data)
        ]
        saved = save_thresholds(entries, actor=actor_label(request))
        return ok({"thresholds": s.ThresholdSerializer(saved, many=True).data})


class AuthViewSet(viewsets.ViewSet):
    """/api/auth/...: Microsoft sign-in for the dashboard, status, logout. Open to anonymous callers."""

    permission_classes = [PublicAccess]
    authentication_classes = [SessionAuthentication]
    pagination_class = None

    @extend_schema(
        tags=["auth"], parameters=[s.NextQuerySerializer],
        responses={302: OpenApiResponse(description="Redirect to Microsoft's authorize endpoint."),
                   503: OpenApiResponse(description="Microsoft sign-in is not configured.")},
    )
    @action(detail=False, methods=["get"], url_path="microsoft/login", authentication_classes=[])
    def microsoft_login(self, request):
        """Start Microsoft sign-in: redirects the browser to Microsoft (open to anonymous callers)."""
        next_url = s.query(s.NextQuerySerializer, request).get("next") or ""
        return start_microsoft_sign_in(request._request, next_url)

    @extend_schema(
        tags=["auth"],
        parameters=[s.MicrosoftCallbackQuerySerializer],
        responses={302: OpenApiResponse(description="Signed in: redirect to `next` (or QBR_LOGIN_REDIRECT_URL)."),
                   400: OpenApiResponse(description="The sign-in failed (bad or expired state, refused code)."),
                   403: OpenApiResponse(description="This account may not sign in here (sign_in_refused).")},
    )
    @action(detail=False, methods=["get"], url_path="microsoft/callback", authentication_classes=[])
    def microsoft_callback(self, request):
        """Where Microsoft sends the browser back (the Entra app's redirect URI): code exchange, profile, session."""
        return complete_microsoft_sign_in(request._request)

    @extend_schema(tags=["auth"], responses=s.AuthStatusSerializer)
    @action(detail=False, methods=["get"])
    def status(self, request):
        """Whether this browser is signed in, as whom, what QBR access it has, and its CSRF token."""
        user = request.user
        signed_in = bool(user and user.is_authenticated)
        return Response({
            "success": True,
            "authenticated": signed_in,
            "user": signed_in_user(user) if signed_in else None,
            "qbr_access": {"read": user_can_read_qbr(user), "write": user_can_write_qbr(user)},
            # A cross-origin dashboard cannot read our csrftoken cookie; it sends
            # this value as X-CSRFToken on POSTs (CORS limits who can read it).
            "csrf_token": get_token(request._request),
        })

    @extend_schema(tags=["auth"], request=None, responses=s.AuthLogoutSerializer)
    @action(detail=False, methods=["post"])
    def logout(self, request):
        """Sign out (idempotent, open to anyone): a signed-in session must send its CSRF token."""
        logout(request._request)
        return Response({"success": True, "authenticated": False})
