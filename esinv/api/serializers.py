"""Response shapes of the project's endpoints: health and the dashboard's one-call status."""
from rest_framework import serializers


class HealthSerializer(serializers.Serializer):
    status = serializers.CharField(help_text="healthy/unhealthy, alive, ready/not_ready.")
    database = serializers.CharField(required=False, help_text="ok, or why the database cannot be reached "
                                     "(not on /health/live, which never touches it).")
    timestamp = serializers.DateTimeField()


class SystemDataStatusSerializer(serializers.Serializer):
    status = serializers.CharField(help_text="current, stale_data or out_of_sync.")
    message = serializers.CharField()
    latest_date = serializers.DateField(allow_null=True, help_text="The latest date both vendors have.")


class SystemVendorStatusSerializer(serializers.Serializer):
    latest_date = serializers.DateField(allow_null=True)
    freshness_status = serializers.CharField(help_text="current, yesterday, stale, very_stale or no_data.")
    freshness_message = serializers.CharField()
    days_old = serializers.IntegerField(allow_null=True)


class SystemCollectorFailureSerializer(serializers.Serializer):
    collector = serializers.CharField()
    job_name = serializers.CharField()
    status = serializers.CharField()
    message = serializers.CharField()
    error = serializers.CharField(allow_null=True)
    started_at = serializers.DateTimeField(allow_null=True)
    ended_at = serializers.DateTimeField(allow_null=True)


class SystemStaleJobSerializer(serializers.Serializer):
    job_id = serializers.CharField()
    message = serializers.CharField()


class SystemCollectorHealthSerializer(serializers.Serializer):
    has_recent_failures = serializers.BooleanField()
    recent_failures = SystemCollectorFailureSerializer(many=True)
    total_failures_last_24h = serializers.IntegerField()
    stale_jobs = SystemStaleJobSerializer(many=True, help_text="Reported, never cleaned by this read.")


class SystemStatusSerializer(serializers.Serializer):
    data_status = SystemDataStatusSerializer()
    device_counts = serializers.DictField(child=serializers.IntegerField(), help_text="By vendor: ninja, threatlocker.")
    vendor_status = serializers.DictField(child=SystemVendorStatusSerializer(),
                                          help_text="By vendor: ninja, threatlocker.")
    collector_health = SystemCollectorHealthSerializer()
    warnings = serializers.ListField(child=serializers.CharField())
    has_warnings = serializers.BooleanField()
    exception_counts = serializers.DictField(child=serializers.IntegerField(), help_text="Open exceptions by type.")
    total_exceptions = serializers.IntegerField()
    report_date = serializers.DateField(allow_null=True)
    previous_report_date = serializers.DateField(allow_null=True, help_text="The reconciled date before report_date.")
    new_since_previous = serializers.DictField(child=serializers.IntegerField(), help_text=(
        "By type: exceptions present on report_date and first found on it."))
    gone_since_previous = serializers.DictField(child=serializers.IntegerField(), help_text=(
        "By type: exceptions present on previous_report_date and gone on report_date."))
    generated_at = serializers.DateTimeField()
