"""Inventory API: the query parameters and bodies it accepts (validated here, through `esinv.validation`) and
the response shapes it documents (device search, organizations, vendors, Windows 11 24H2 readiness)."""
from django.conf import settings
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

from esinv.validation import JSONObjectSerializer, QueryBooleanField, QueryIdField
from inventory.models import Windows11Assessment, Windows11Run
from inventory.search import MIN_QUERY_LENGTH
from inventory.windows11.engine import REQUIREMENTS

# --- requests ------------------------------------------------------------------


class DeviceSearchQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        min_length=MIN_QUERY_LENGTH, max_length=255, help_text="Hostname, display name or key.",
        error_messages={"required": "The q parameter is required.", "blank": "The q parameter is required.",
                        "min_length": f"q must be at least {MIN_QUERY_LENGTH} characters.",
                        "max_length": "q must be at most 255 characters."})


class Win11ListQuerySerializer(serializers.Serializer):
    """Filters of the four Windows 11 device lists (`page` and `page_size` belong to the pagination)."""

    organization_id = QueryIdField(required=False, help_text="Only this organization's devices.")


class Win11DeficiencyQuerySerializer(Win11ListQuerySerializer):
    deficiency = serializers.ChoiceField(choices=list(REQUIREMENTS), required=False,
                                         help_text="Only devices failing this requirement.")


class Win11AlreadyOn24H2QuerySerializer(Win11DeficiencyQuerySerializer):
    unsupported_hardware = QueryBooleanField(
        required=False,
        help_text="true: only devices on 24H2 whose hardware fails a requirement; false: only the others.")


class Win11RunRequestSerializer(JSONObjectSerializer):
    """No fields: send nothing, or an empty JSON object."""


def win11_page_parameters():
    """`page` and `page_size` of the Windows 11 lists, with the maximum page size (ESINV_WIN11_MAX_PAGE_SIZE)."""
    from drf_spectacular.utils import OpenApiParameter

    maximum = settings.ESINV_WIN11_MAX_PAGE_SIZE
    return [
        OpenApiParameter("page", {"type": "integer", "minimum": 1}, description="Page number (default 1)."),
        OpenApiParameter("page_size", {"type": "integer", "minimum": 1, "maximum": maximum},
                         description=f"Devices per page: 1 to {maximum} (ESINV_WIN11_MAX_PAGE_SIZE), enough for a "
                         f"whole MSP in one call; default {settings.ESINV_WIN11_PAGE_SIZE} (ESINV_WIN11_PAGE_SIZE)."),
    ]


# --- responses -----------------------------------------------------------------


class DeviceSearchResultSerializer(serializers.Serializer):
    hostname = serializers.CharField(help_text="Canonical key.")
    ninja_hostname = serializers.CharField(allow_null=True, help_text="Use for NinjaOne API calls.")
    threatlocker_hostname = serializers.CharField(allow_null=True, help_text="Use for ThreatLocker API calls.")
    ninja_display_name = serializers.CharField(allow_null=True)
    threatlocker_display_name = serializers.CharField(allow_null=True)
    organization = serializers.CharField(allow_null=True)
    ninja_organization = serializers.CharField(allow_null=True)
    threatlocker_organization = serializers.CharField(allow_null=True)
    last_contact = serializers.DateTimeField(allow_null=True)
    threatlocker_last_checkin = serializers.DateTimeField(allow_null=True)
    device_class = serializers.CharField(allow_null=True)
    billing_status = serializers.CharField(allow_null=True)
    vendors = serializers.ListField(child=serializers.CharField())
    snapshot_dates = serializers.DictField(child=serializers.DateField())
    duplicate_count = serializers.DictField(child=serializers.IntegerField())


class DeviceSearchResponseSerializer(serializers.Serializer):
    query = serializers.CharField()
    count = serializers.IntegerField()
    truncated = serializers.BooleanField()
    results = DeviceSearchResultSerializer(many=True)


class OrganizationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    is_internal = serializers.BooleanField()
    aliases = serializers.ListField(child=serializers.CharField(), source="alias_names")


class VendorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    api_label = serializers.CharField()


# --- Windows 11 24H2 responses ---------------------------------------------------

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


def win11_list_envelope(name: str, with_groups: bool):
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


Win11RunResponseSerializer = inline_serializer("Win11RunResponse", {
    "status": serializers.CharField(), "message": serializers.CharField(), "output": serializers.CharField(),
    "timestamp": serializers.DateTimeField(), "run_id": serializers.IntegerField(),
    "summary": serializers.DictField(),
})
