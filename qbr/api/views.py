"""QBR endpoints: monthly/quarterly metrics, devices by client, SmartNumbers, thresholds, manual entry.

Thin views: parameters are checked in params.py, the rules live in
aggregation.py, devices.py, smartnumbers.py, thresholds.py and services.py.
Every answer uses the contract's envelope {"success": true, "data": ...}.
"""
from django.db import transaction
from django.db.models import Max
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from esinv.auth import actor_label, actor_user
from esinv.errors import BadRequest
from qbr.aggregation import MonthValue, aggregate_quarter
from qbr.api import params
from qbr.catalogue import CATALOGUE
from qbr.devices import device_counts
from qbr.models import MonthlyMetric, Threshold
from qbr.periods import parse_month
from qbr.permissions import QBRAccess
from qbr.scorecard import score_quarter
from qbr.services import record_manual_metric
from qbr.smartnumbers import SMART_NUMBERS
from qbr.thresholds import bounds_error, bounds_labels

# What qbr.periods accepts, so generated and documented periods match (the views still validate).
MONTH_TYPE = {"type": "string", "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])$"}
QUARTER_TYPE = {"type": "string", "pattern": "^[0-9]{4}-[Qq][1-4]$"}
ORG_PARAM = OpenApiParameter("organization_id", OpenApiTypes.INT, description="Organization (default 1, the MSP).")
THRESHOLD_NAMES = {**{n: None for n in SMART_NUMBERS}, **CATALOGUE}


def envelope(name: str, data_fields: dict):
    return inline_serializer(
        name=name, fields={"success": serializers.BooleanField(), "data": inline_serializer(f"{name}Data", data_fields)}
    )


def ok(data) -> Response:
    return Response({"success": True, "data": data})


class QBRView(APIView):
    permission_classes = [QBRAccess]
    pagination_class = None


def _metric_row(metric: MonthlyMetric) -> dict:
    return {
        "metric_name": metric.metric_name,
        "metric_value": params.number_out(metric.metric_value),
        "vendor_id": metric.vendor_id,
        "data_source": metric.data_source,
        "notes": metric.notes or None,
        "updated_at": metric.updated_at.isoformat().replace("+00:00", "Z"),
        "updated_by": metric.updated_by or None,
    }


def _metric_fields():
    return {
        "metric_name": serializers.CharField(),
        "metric_value": serializers.FloatField(),
        "vendor_id": serializers.IntegerField(allow_null=True),
        "data_source": serializers.ChoiceField(choices=["collected", "manual"]),
        "notes": serializers.CharField(allow_null=True),
        "updated_at": serializers.DateTimeField(),
        "updated_by": serializers.CharField(allow_null=True),
    }


# Only the columns the rows show; the table holds a few dozen rows per org and month.
_METRIC_COLUMNS = (
    "period", "organization_id", "vendor_id", "metric_name", "metric_value", "data_source", "notes",
    "updated_at", "updated_by",
)


class MonthlyMetricsView(QBRView):
    @extend_schema(
        tags=["qbr"],
        parameters=[
            OpenApiParameter("period", MONTH_TYPE, description="YYYY-MM (default: latest with data)."),
            ORG_PARAM,
            OpenApiParameter("vendor_id", OpenApiTypes.INT),
            OpenApiParameter("metric_name", OpenApiTypes.STR),
        ],
        responses=envelope(
            "QBRMonthly",
            {
                "period": serializers.CharField(allow_null=True),
                "organization_id": serializers.IntegerField(),
                "metrics": inline_serializer("QBRMonthlyMetric", _metric_fields(), many=True),
            },
        ),
    )
    def get(self, request):
        """Raw monthly metrics of one organization and month."""
        q = request.query_params
        month = params.month_from(q.get("period"))
        organization = params.organization_from(q.get("organization_id"))
        vendor_id = params.vendor_id_from(q.get("vendor_id"))
        metric_name = params.metric_name_from(q.get("metric_name"))
        rows = MonthlyMetric.objects.filter(organization=organization).only(*_METRIC_COLUMNS)
        if vendor_id is not None:
            rows = rows.filter(vendor_id=vendor_id)
        if metric_name:
            rows = rows.filter(metric_name=metric_name)
        period = str(month) if month else rows.aggregate(p=Max("period"))["p"]
        metrics = [_metric_row(m) for m in rows.filter(period=period).order_by("metric_name", "vendor_id")]
        return ok({"period": period, "organization_id": organization.id, "metrics": metrics})


def _quarter_values(organization, quarter) -> list[MonthValue]:
    rows = MonthlyMetric.objects.filter(
        organization=organization, period__in=[str(m) for m in quarter.months]
    ).values_list("period", "metric_name", "vendor_id", "metric_value", "data_source")
    return [MonthValue(*row) for row in rows]


def _quarter_or_latest(request, organization, *, required: bool):
    quarter = params.quarter_from(request.query_params.get("period"), required=required)
    if quarter is None:
        latest = MonthlyMetric.objects.filter(organization=organization).aggregate(p=Max("period"))["p"]
        quarter = parse_month(latest).quarter if latest else None
    return quarter


class QuarterlyMetricsView(QBRView):
    @extend_schema(
        tags=["qbr"],
        parameters=[
            OpenApiParameter("period", QUARTER_TYPE, description="YYYY-Qn (default: latest with data)."),
            ORG_PARAM,
        ],
        responses=envelope(
            "QBRQuarterly",
            {
                "period": serializers.CharField(allow_null=True),
                "organization_id": serializers.IntegerField(),
                "months": serializers.ListField(child=serializers.CharField()),
                "months_included": serializers.ListField(child=serializers.CharField()),
                "metrics": inline_serializer(
                    "QBRQuarterlyMetric",
                    {
                        "metric_name": serializers.CharField(),
                        "vendor_id": serializers.IntegerField(allow_null=True),
                        "aggregation": serializers.ChoiceField(choices=["sum", "average"]),
                        "metric_value": serializers.FloatField(),
                        "months": serializers.ListField(child=serializers.CharField()),
                        "data_sources": serializers.ListField(child=serializers.CharField()),
                    },
                    many=True,
                ),
            },
        ),
    )
    def get(self, request):
        """A quarter's metrics: flow metrics summed, stock metrics averaged, with the months each includes."""
        organization = params.organization_from(request.query_params.get("organization_id"))
        quarter = _quarter_or_latest(request, organization, required=False)
        if quarter is None:
            return ok({"period": None, "organization_id": organization.id, "months": [], "months_included": [],
                       "metrics": []})
        values = _quarter_values(organization, quarter)
        aggregated = aggregate_quarter(values)
        return ok({
            "period": str(quarter),
            "organization_id": organization.id,
            "months": [str(m) for m in quarter.months],
            "months_included": sorted({v.period for v in values}),
            "metrics": [
                {
                    "metric_name": a.metric_name,
                    "vendor_id": a.vendor_id,
                    "aggregation": a.aggregation,
                    "metric_value": params.number_out(a.value.quantize(params._PLACES)),
                    "months": list(a.months),
                    "data_sources": list(a.data_sources),
                }
                for a in aggregated
            ],
        })


class DevicesByClientView(QBRView):
    @extend_schema(
        tags=["qbr"],
        parameters=[
            OpenApiParameter("period", MONTH_TYPE, required=True, description="YYYY-MM"),
            OpenApiParameter(
                "organization_id", OpenApiTypes.INT, description="1 (default): every client; else that client only."
            ),
        ],
        responses=envelope(
            "QBRDevicesByClient",
            {
                "period": serializers.CharField(),
                "organization_id": serializers.IntegerField(),
                "snapshot_date": serializers.DateField(allow_null=True),
                "clients": inline_serializer(
                    "QBRClientDevices",
                    {
                        "client_name": serializers.CharField(),
                        "organization_id": serializers.IntegerField(allow_null=True),
                        "seats": serializers.IntegerField(),
                        "endpoints": serializers.IntegerField(),
                    },
                    many=True,
                ),
                "total_seats": serializers.IntegerField(),
                "total_endpoints": serializers.IntegerField(),
            },
        ),
    )
    def get(self, request):
        """Seats and endpoints per client from the month's last NinjaOne snapshot."""
        month = params.month_from(request.query_params.get("period"), required=True)
        organization = params.organization_from(request.query_params.get("organization_id"))
        counts = device_counts(month, organization.id)
        return ok({
            "period": str(month),
            "organization_id": organization.id,
            "snapshot_date": counts.snapshot_date.isoformat() if counts.snapshot_date else None,
            "clients": [
                {"client_name": c.client_name, "organization_id": c.organization_id, "seats": c.seats,
                 "endpoints": c.endpoints}
                for c in counts.clients
            ],
            "total_seats": counts.total_seats,
            "total_endpoints": counts.total_endpoints,
        })


def _threshold_out(t: Threshold) -> dict:
    return {
        "metric_name": t.metric_name,
        "organization_id": t.organization_id,
        "direction": t.direction,
        "green_bound": params.number_out(t.green_bound),
        "yellow_bound": params.number_out(t.yellow_bound),
        **bounds_labels(green=t.green_bound, yellow=t.yellow_bound, direction=t.direction),
        "notes": t.notes or None,
        "updated_at": t.updated_at.isoformat().replace("+00:00", "Z") if t.updated_at else None,
        "updated_by": t.updated_by or None,
    }


class SmartNumbersView(QBRView):
    @extend_schema(
        tags=["qbr"],
        parameters=[OpenApiParameter("period", QUARTER_TYPE, required=True, description="YYYY-Qn"), ORG_PARAM],
        responses=envelope(
            "QBRSmartNumbers",
            {
                "period": serializers.CharField(),
                "organization_id": serializers.IntegerField(),
                "months_included": serializers.ListField(child=serializers.CharField()),
                "smart_numbers": serializers.DictField(child=serializers.FloatField(allow_null=True)),
                "status": serializers.DictField(child=serializers.CharField(allow_null=True)),
                "thresholds": serializers.DictField(child=serializers.DictField()),
                "inputs": serializers.DictField(child=serializers.FloatField()),
            },
        ),
    )
    def get(self, request):
        """Every SmartNumber of the quarter (null when its inputs are missing or a divisor is zero) and its status."""
        organization = params.organization_from(request.query_params.get("organization_id"))
        quarter = params.quarter_from(request.query_params.get("period"), required=True)
        values = _quarter_values(organization, quarter)
        inputs, scored = score_quarter(organization.id, values)
        statuses = {number.name: number.status for number in scored}
        threshold_data = {
            number.name: {
                **bounds_labels(green=number.threshold.green_bound, yellow=number.threshold.yellow_bound,
                                direction=number.threshold.direction),
                "direction": number.threshold.direction,
                "status": number.status,
            }
            for number in scored if number.threshold
        }
        return ok({
            "period": str(quarter),
            "organization_id": organization.id,
            "months_included": sorted({v.period for v in values}),
            "smart_numbers": {number.name: params.number_out(number.value) for number in scored},
            "status": statuses,
            "thresholds": threshold_data,
            "inputs": {name: params.number_out(v.quantize(params._PLACES)) for name, v in sorted(inputs.items())},
        })


_THRESHOLD_FIELDS = {
    "metric_name": serializers.CharField(),
    "organization_id": serializers.IntegerField(),
    "direction": serializers.ChoiceField(choices=["lower", "higher"]),
    "green_bound": serializers.FloatField(),
    "yellow_bound": serializers.FloatField(),
    "notes": serializers.CharField(allow_null=True),
    "updated_at": serializers.DateTimeField(allow_null=True),
    "updated_by": serializers.CharField(allow_null=True),
}


class ThresholdsView(QBRView):
    @extend_schema(
        tags=["qbr"],
        parameters=[ORG_PARAM],
        responses=envelope(
            "QBRThresholds",
            {"organization_id": serializers.IntegerField(),
             "thresholds": inline_serializer("QBRThreshold", _THRESHOLD_FIELDS, many=True)},
        ),
    )
    def get(self, request):
        """Threshold definitions (green/yellow bounds and direction) of one organization."""
        organization = params.organization_from(request.query_params.get("organization_id"))
        rows = Threshold.objects.filter(organization=organization).order_by("metric_name")
        return ok({"organization_id": organization.id, "thresholds": [_threshold_out(t) for t in rows]})

    @extend_schema(
        tags=["qbr"],
        request=inline_serializer(
            "QBRThresholdInput",
            {
                "metric_name": serializers.ChoiceField(choices=sorted(THRESHOLD_NAMES)),
                "organization_id": serializers.IntegerField(required=False),
                "direction": serializers.ChoiceField(choices=["lower", "higher"]),
                "green": serializers.FloatField(),
                "yellow": serializers.FloatField(),
                "notes": serializers.CharField(required=False),
            },
        ),
        responses=envelope(
            "QBRThresholdsSaved", {"thresholds": inline_serializer("QBRThresholdSaved", _THRESHOLD_FIELDS, many=True)}
        ),
    )
    def post(self, request):
        """Create or update thresholds: one object, a list, or {"thresholds": [...]}; all or nothing."""
        parsed = []
        for prefix, item in params.items_from(request.data, "thresholds"):
            organization = params.organization_from(item.get("organization_id"), f"{prefix}organization_id")
            name = params.metric_name_from(
                item.get("metric_name"), f"{prefix}metric_name", required=True, allowed=THRESHOLD_NAMES
            )
            direction = item.get("direction")
            if direction not in ("lower", "higher"):
                raise BadRequest(
                    'direction must be "lower" or "higher" (which is better).',
                    code="invalid_parameter", details={"field": f"{prefix}direction"},
                )
            green = params.decimal_from(item.get("green", item.get("green_bound")), f"{prefix}green")
            yellow = params.decimal_from(item.get("yellow", item.get("yellow_bound")), f"{prefix}yellow")
            error = bounds_error(green=green, yellow=yellow, direction=direction)
            if error:
                raise BadRequest(error, code="invalid_parameter", details={"field": f"{prefix}yellow"})
            notes = item.get("notes")
            parsed.append((organization, name, direction, green, yellow, notes))
        saved = []
        actor = actor_label(request)
        with transaction.atomic():
            for organization, name, direction, green, yellow, notes in parsed:
                defaults = {"direction": direction, "green_bound": green, "yellow_bound": yellow, "updated_by": actor}
                if notes is not None:
                    defaults["notes"] = str(notes)
                threshold, _ = Threshold.objects.update_or_create(
                    organization=organization, metric_name=name, defaults=defaults
                )
                saved.append(_threshold_out(threshold))
        return ok({"thresholds": saved})


class ManualMetricsView(QBRView):
    @extend_schema(
        tags=["qbr"],
        request=inline_serializer(
            "QBRManualMetricInput",
            {
                "period": serializers.RegexField(MONTH_TYPE["pattern"], help_text="YYYY-MM"),
                "organization_id": serializers.IntegerField(required=False),
                "vendor_id": serializers.IntegerField(required=False, allow_null=True),
                "metric_name": serializers.ChoiceField(choices=sorted(CATALOGUE)),
                "metric_value": serializers.FloatField(),
                "notes": serializers.CharField(required=False),
            },
        ),
        responses=envelope(
            "QBRManualSaved",
            {
                "metrics": inline_serializer(
                    "QBRManualResult",
                    {
                        **_metric_fields(),
                        "period": serializers.CharField(),
                        "organization_id": serializers.IntegerField(),
                        "created": serializers.BooleanField(),
                        "overrode_collected": serializers.BooleanField(),
                        "previous_value": serializers.FloatField(allow_null=True),
                        "previous_source": serializers.CharField(allow_null=True),
                    },
                    many=True,
                ),
                "warnings": serializers.ListField(child=serializers.CharField()),
            },
        ),
    )
    def post(self, request):
        """Enter or correct metrics by hand: one object, a list, or {"metrics": [...]}; all or nothing."""
        parsed = []
        for prefix, item in params.items_from(request.data, "metrics"):
            month = params.month_from(item.get("period"), f"{prefix}period", required=True)
            organization = params.organization_from(item.get("organization_id"), f"{prefix}organization_id")
            name = params.metric_name_from(item.get("metric_name"), f"{prefix}metric_name", required=True)
            definition = CATALOGUE[name]
            if "vendor_id" in item:
                vendor_id = params.vendor_id_from(item.get("vendor_id"), f"{prefix}vendor_id")
            else:
                # A hand value of a collected metric lands on the collected row (and says so).
                vendor_id = definition.source_vendor_id
            value = params.decimal_from(
                item.get("metric_value"), f"{prefix}metric_value", allow_negative=definition.allow_negative
            )
            notes = item.get("notes")
            parsed.append((str(month), organization.id, vendor_id, name, value, None if notes is None else str(notes)))
        results, warnings = [], []
        actor, user = actor_label(request), actor_user(request)
        with transaction.atomic():
            for period, organization_id, vendor_id, name, value, notes in parsed:
                write = record_manual_metric(
                    period, organization_id, vendor_id, name, value, notes, actor=actor, user=user
                )
                if write.overrode_collected:
                    warnings.append(
                        f"{name} {period} (organization {organization_id}): manual value {params.number_out(value)} "
                        f"replaced the collected value {params.number_out(write.previous_value)}."
                    )
                results.append({
                    **_metric_row(write.metric),
                    "period": period,
                    "organization_id": organization_id,
                    "created": write.created,
                    "overrode_collected": write.overrode_collected,
                    "previous_value": params.number_out(write.previous_value),
                    "previous_source": write.previous_source,
                })
        return ok({"metrics": results, "warnings": warnings})
