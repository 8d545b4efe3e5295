"""The SmartNumbers response: every KPI of a quarter, its status and the thresholds behind it."""
from rest_framework import serializers

from qbr.api.serializers.envelope import envelope
from qbr.api.serializers.thresholds import ThresholdStatusSerializer
from qbr.thresholds import ThresholdStatus


class SmartNumbersSerializer(serializers.Serializer):
    period = serializers.CharField()
    organization_id = serializers.IntegerField()
    months_included = serializers.ListField(child=serializers.CharField())
    smart_numbers = serializers.DictField(
        child=serializers.FloatField(allow_null=True),
        help_text="Every SmartNumber by name (null when an input is missing or a divisor is zero), among them the "
                  "contract's tickets_per_endpoint, revenue_per_endpoint, csat_score and first_call_resolution.",
    )
    status = serializers.DictField(child=serializers.ChoiceField(choices=ThresholdStatus, allow_null=True))
    thresholds = serializers.DictField(child=ThresholdStatusSerializer(),
                                       help_text="Only the SmartNumbers that have a threshold.")
    inputs = serializers.DictField(child=serializers.FloatField())


SmartNumbersResponse = envelope("QBRSmartNumbers", SmartNumbersSerializer)
