"""Request and response shapes of the variances endpoints (for validation and the OpenAPI schema)."""
from rest_framework import serializers

from esinv.params import MAX_ID
from inventory.freshness import ReportStatus
from variances import types as T
from variances.models import ExceptionEvent, ExceptionRecord
from variances.reports import DataQuality
from variances.services import Action


class DataStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ReportStatus)
    message = serializers.CharField()
    latest_date = serializers.DateField(allow_null=True)


class ReportDeviceSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Exception id (for resolve / mark-manually-fixed).")
    hostname = serializers.CharField(help_text="Canonical key.")
    ninja_hostname = serializers.CharField(allow_null=True, help_text="Use for NinjaOne API calls.")
    threatlocker_hostname = serializers.CharField(allow_null=True, help_text="Clean; use for ThreatLocker calls.")
    ninja_display_name = serializers.CharField(allow_null=True)
    threatlocker_display_name = serializers.CharField(allow_null=True)
    display_name = serializers.CharField(allow_null=True)
    organization = serializers.CharField()
    ninja_organization = serializers.CharField(allow_null=True)
    threatlocker_organization = serializers.CharField(allow_null=True)
    billing_status = serializers.CharField(allow_null=True)
    vendor = serializers.CharField(help_text="Ninja, ThreatLocker or Both: where to act.")
    action = serializers.CharField(help_text="What staff should do.")
    status = serializers.CharField(help_text="active, manually_fixed, collector_verified or resolved.")
    resolved = serializers.BooleanField()
    resolution = serializers.CharField(allow_null=True)
    date_found = serializers.DateField()
    last_seen = serializers.DateField()


class ReportSectionSerializer(serializers.Serializer):
    total_count = serializers.IntegerField()
    by_organization = serializers.DictField(child=ReportDeviceSerializer(many=True))


class ReportSummarySerializer(serializers.Serializer):
    total_exceptions = serializers.IntegerField()
    unresolved_count = serializers.IntegerField()
    resolved_count = serializers.IntegerField()
    by_type = serializers.DictField(child=serializers.IntegerField())


VarianceReportSerializer = type(
    "VarianceReportSerializer",
    (serializers.Serializer,),
    {
        "report_date": serializers.DateField(allow_null=True),
        "data_status": DataStatusSerializer(),
        "summary": ReportSummarySerializer(),
        "filter": serializers.ChoiceField(choices=["all", "unresolved"]),
        **{kind.api_name: ReportSectionSerializer() for kind in T.KINDS},
    },
)


class DateRangeSerializer(serializers.Serializer):
    earliest = serializers.DateField(allow_null=True)
    latest = serializers.DateField(allow_null=True)


class DateQualitySerializer(serializers.Serializer):
    reconciled = serializers.BooleanField()
    quality = serializers.ChoiceField(choices=DataQuality)
    ninja_devices = serializers.IntegerField(allow_null=True)
    threatlocker_devices = serializers.IntegerField(allow_null=True)
    total_exceptions = serializers.IntegerField(allow_null=True)


class AvailableDatesSerializer(serializers.Serializer):
    available_dates = serializers.ListField(child=serializers.DateField())
    date_range = DateRangeSerializer()
    total_dates = serializers.IntegerField()
    data_quality = serializers.DictField(child=DateQualitySerializer())


class TrendDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    counts = serializers.DictField(child=serializers.IntegerField())
    total = serializers.IntegerField()
    new = serializers.IntegerField()
    resolved = serializers.IntegerField()
    ninja_devices = serializers.IntegerField()
    threatlocker_devices = serializers.IntegerField()


class TrendsSerializer(serializers.Serializer):
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    days = serializers.IntegerField()
    trends = TrendDaySerializer(many=True)
    average_by_type = serializers.DictField(child=serializers.FloatField())


class TypeCountsSerializer(serializers.Serializer):
    open = serializers.IntegerField()
    resolved = serializers.IntegerField()
    total = serializers.IntegerField()


class StatusSummarySerializer(serializers.Serializer):
    report_date = serializers.DateField(allow_null=True)
    total = serializers.IntegerField()
    open = serializers.IntegerField()
    resolved = serializers.IntegerField()
    by_status = serializers.DictField(child=serializers.IntegerField())
    by_type = serializers.DictField(child=TypeCountsSerializer())


class ExceptionEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExceptionEvent
        fields = ["at", "report_date", "action", "actor", "from_status", "to_status", "notes"]


class ExceptionSerializer(serializers.ModelSerializer):
    """An exception with its details flattened like a report row, and its history."""

    variance_type = serializers.CharField(read_only=True)
    organization = serializers.SerializerMethodField()
    ninja_hostname = serializers.SerializerMethodField()
    threatlocker_hostname = serializers.SerializerMethodField()
    ninja_display_name = serializers.SerializerMethodField()
    threatlocker_display_name = serializers.SerializerMethodField()
    history = ExceptionEventSerializer(source="events", many=True, read_only=True)

    class Meta:
        model = ExceptionRecord
        fields = [
            "id", "type", "variance_type", "canonical_key", "hostname", "ninja_hostname", "threatlocker_hostname",
            "ninja_display_name", "threatlocker_display_name", "organization", "organization_id",
            "date_found", "last_seen", "status", "variance_status", "resolution", "resolved_at", "resolved_by",
            "manually_fixed_at", "manually_fixed_by", "failed_fix_count", "notes", "details", "history",
        ]

    def get_organization(self, obj) -> str | None:
        return obj.organization.name if obj.organization_id else obj.details.get("organization")

    def get_ninja_hostname(self, obj) -> str | None:
        return obj.details.get("ninja_hostname")

    def get_threatlocker_hostname(self, obj) -> str | None:
        return obj.details.get("threatlocker_hostname")

    def get_ninja_display_name(self, obj) -> str | None:
        return obj.details.get("ninja_display_name")

    def get_threatlocker_display_name(self, obj) -> str | None:
        return obj.details.get("threatlocker_display_name")


class NotesSerializer(serializers.Serializer):
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)


class BulkFilterSerializer(serializers.Serializer):
    type = serializers.CharField(required=False)
    status = serializers.CharField(required=False)
    organization = serializers.CharField(required=False)
    hostname = serializers.CharField(required=False)
    date = serializers.CharField(required=False, help_text="Report date; default the latest.")


class BulkUpdateSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=Action.CHOICES)
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=MAX_ID), required=False,
                                allow_empty=False)
    filter = BulkFilterSerializer(required=False)
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)

    def validate(self, attrs):
        if ("ids" in attrs) == ("filter" in attrs):
            raise serializers.ValidationError("Send either ids or a filter (exactly one).")
        return attrs


class ActionResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    ok = serializers.BooleanField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()


class BulkUpdateResponseSerializer(serializers.Serializer):
    success = serializers.BooleanField()
    action = serializers.CharField()
    updated = serializers.IntegerField()
    results = ActionResultSerializer(many=True)


class ExceptionActionResponseSerializer(serializers.Serializer):
    success = serializers.BooleanField()
    exception = ExceptionSerializer()
