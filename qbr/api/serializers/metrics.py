"""Monthly metrics: the manual entry body, and the monthly, quarterly and saved-entry responses."""
from django.utils import timezone
from rest_framework import serializers

from qbr.api.serializers.envelope import envelope
from qbr.api.serializers.fields import (
    MetricNameField,
    MonthField,
    NumberField,
    OrganizationIdField,
    TimestampField,
    VendorIdField,
)
from qbr.api.serializers.numbers import number_bounds, number_out
from qbr.api.serializers.validation import OneOrMany
from qbr.catalogue import CATALOGUE, Aggregation
from qbr.models import DataSource
from qbr.periods import EARLIEST_MANUAL_MONTH, manual_month_problem


class ManualMonthField(MonthField):
    """A month a hand-entered value may be for (`qbr.periods.manual_months`, checked by `validate_period`)."""

    def openapi_schema(self) -> dict:
        # From EARLIEST_MANUAL_MONTH (2000-01, the start of a century) on. The upper bound, December of next
        # year, moves every year: the pattern stops at the century's end instead, so a client generated from
        # the schema does not start refusing next year's months; the description states the bound.
        first = EARLIEST_MANUAL_MONTH
        return {"pattern": f"^{first.year // 100}[0-9]{{2}}-(0[1-9]|1[0-2])$"}


class ManualMetricInputSerializer(serializers.Serializer):
    period = ManualMonthField(help_text="YYYY-MM, from 2000-01 to December of next year.")
    organization_id = OrganizationIdField()
    vendor_id = VendorIdField(required=False, allow_null=True,
                              help_text="Default: a collected metric's source vendor, else none.")
    metric_name = MetricNameField()
    metric_value = NumberField()
    notes = serializers.CharField(required=False, allow_blank=True, allow_null=True)

    def validate_period(self, month):
        problem = manual_month_problem(month, timezone.localdate())
        if problem:
            raise serializers.ValidationError(f"period {problem}", code="invalid")
        return month

    def openapi_rules(self) -> dict:
        # metric_value's bounds per metric, from the catalogue validate() checks against: one branch per
        # distinct (allow_negative, minimum, maximum), naming its metrics (a pattern, not an enum: drf-spectacular
        # would fold an enum into the component of every metric name).
        groups: dict[tuple, list[str]] = {}
        for definition in CATALOGUE.values():
            key = (definition.allow_negative, definition.minimum, definition.maximum)
            groups.setdefault(key, []).append(definition.name)
        return {"oneOf": [
            {"properties": {"metric_name": {"type": "string", "pattern": f"^({'|'.join(sorted(names))})$"},
                            "metric_value": number_bounds(allow_negative=negative, minimum=low, maximum=high)}}
            for (negative, low, high), names in groups.items()
        ]}

    def validate(self, attrs):
        definition = CATALOGUE[attrs["metric_name"]]
        value = attrs["metric_value"]
        problem = None
        if value < 0 and not definition.allow_negative:
            problem = "metric_value may not be negative."
        elif definition.minimum is not None and value < definition.minimum:
            problem = f"{definition.name} is at least {definition.minimum}."
        elif definition.maximum is not None and value > definition.maximum:
            problem = f"{definition.name} is at most {definition.maximum}."
        if problem:
            raise serializers.ValidationError({"metric_value": problem})
        if "vendor_id" not in self.initial_data:
            # A hand value of a collected metric lands on the collected row (and says so).
            attrs["vendor_id"] = definition.source_vendor_id
        return attrs


MANUAL_BODY = OneOrMany(ManualMetricInputSerializer, "metrics")  # POST /api/qbr/metrics/manual


class MetricSerializer(serializers.Serializer):
    metric_name = serializers.CharField()
    metric_value = NumberField()
    vendor_id = serializers.IntegerField(allow_null=True)
    data_source = serializers.ChoiceField(choices=DataSource)
    notes = serializers.CharField(allow_null=True)
    updated_at = TimestampField()
    updated_by = serializers.CharField(allow_null=True)

    def to_representation(self, instance):
        return {
            "metric_name": instance.metric_name,
            "metric_value": number_out(instance.metric_value),
            "vendor_id": instance.vendor_id,
            "data_source": instance.data_source,
            "notes": instance.notes or None,
            "updated_at": instance.updated_at.isoformat().replace("+00:00", "Z"),
            "updated_by": instance.updated_by or None,
        }


class MonthlySerializer(serializers.Serializer):
    period = serializers.CharField(allow_null=True)
    organization_id = serializers.IntegerField()
    metrics = MetricSerializer(many=True)
    billed_seats = NumberField(allow_null=True, required=False, help_text=(
        "Seats billed in ConnectWise in the period (organization 1: every client), beside seats_managed: the "
        "billable quantity, on the month's latest agreements day, of the products the billing map maps to "
        "ninja_seats. Null when no agreements were collected that month."))
    agreements_date = serializers.DateField(allow_null=True, required=False)


class QuarterMetricSerializer(serializers.Serializer):
    metric_name = serializers.CharField()
    vendor_id = serializers.IntegerField(allow_null=True)
    aggregation = serializers.ChoiceField(choices=Aggregation)
    metric_value = NumberField()
    months = serializers.ListField(child=serializers.CharField())
    data_sources = serializers.ListField(child=serializers.CharField())


class QuarterlySerializer(serializers.Serializer):
    period = serializers.CharField(allow_null=True)
    organization_id = serializers.IntegerField()
    months = serializers.ListField(child=serializers.CharField())
    months_included = serializers.ListField(child=serializers.CharField())
    metrics = QuarterMetricSerializer(many=True)


class ManualResultSerializer(MetricSerializer):
    period = serializers.CharField()
    organization_id = serializers.IntegerField()
    created = serializers.BooleanField()
    overrode_collected = serializers.BooleanField()
    previous_value = NumberField(allow_null=True)
    previous_source = serializers.CharField(allow_null=True)


class ManualSavedSerializer(serializers.Serializer):
    metrics = ManualResultSerializer(many=True)
    warnings = serializers.ListField(child=serializers.CharField())


MonthlyResponse = envelope("QBRMonthly", MonthlySerializer)
QuarterlyResponse = envelope("QBRQuarterly", QuarterlySerializer)
ManualSavedResponse = envelope("QBRManualSaved", ManualSavedSerializer)
