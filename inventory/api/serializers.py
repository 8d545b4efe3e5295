"""Inventory API: the query parameters and bodies it accepts (validated here, through `esinv.validation`) and
the response shapes it documents (device search, organizations, vendors, Windows 11 24H2 readiness)."""
from django.conf import settings
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

from esinv.validation import JSONObjectSerializer, QueryBooleanField, QueryIdField, QueryParamsSerializer
from inventory.models import Windows11Assessment, Windows11Run
from inventory.search import MIN_QUERY_LENGTH
from inventory.windows11.engine import REQUIREMENTS

# --- requests ------------------------------------------------------------------


class DeviceSearchQuerySerializer(QueryParamsSerializer):
    q = serializers.CharField(
        min_length=MIN_QUERY_LENGTH, max_length=255, help_text="Hostname, display name or key.",
        error_messages={"required": "The q parameter is required.", "blank": "The q parameter is required.",
                        "min_length": f"q must be at least {MIN_QUERY_LENGTH} characters.",
                        "max_length": "q must be at most 255 characters."})


class Win11ListQuerySerializer(QueryParamsSerializer):
    """Filters of the four Windows 11 device lists (`page` and `page_size` belong to the pagination)."""

    also_single = ("page", "page_size")

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


# --- one device (GET /api/devices/{key}) ------------------------------------------


class DeviceFactsSerializer(serializers.Serializer):
    """One vendor row of the device on that vendor's latest day with it (NinjaOne-only facts are blank or null
    on ThreatLocker rows)."""

    vendor_device_id = serializers.CharField()
    hostname = serializers.CharField(help_text="As the vendor has it.")
    clean_hostname = serializers.CharField()
    display_name = serializers.CharField()
    display_note = serializers.CharField()
    organization = serializers.CharField(allow_null=True)
    organization_id = serializers.IntegerField(allow_null=True)
    vendor_org_name = serializers.CharField()
    location = serializers.CharField(help_text="NinjaOne location / ThreatLocker site.")
    node_class = serializers.CharField()
    device_class = serializers.CharField()
    device_class_label = serializers.CharField()
    billing_status = serializers.CharField()
    billing_status_label = serializers.CharField()
    is_spare = serializers.BooleanField()
    is_online = serializers.BooleanField(allow_null=True)
    os_name = serializers.CharField()
    os_architecture = serializers.CharField()
    os_build = serializers.CharField()
    os_release_id = serializers.CharField()
    manufacturer = serializers.CharField()
    model = serializers.CharField()
    serial_number = serializers.CharField()
    cpu_model = serializers.CharField()
    cpu_logical_cores = serializers.IntegerField(allow_null=True)
    cpu_max_clock_mhz = serializers.IntegerField(allow_null=True)
    memory_bytes = serializers.IntegerField(allow_null=True)
    system_volume_bytes = serializers.IntegerField(allow_null=True)
    tpm_present = serializers.BooleanField(allow_null=True)
    tpm_enabled = serializers.BooleanField(allow_null=True)
    tpm_version = serializers.CharField()
    secure_boot_capable = serializers.BooleanField(allow_null=True)
    secure_boot = serializers.BooleanField(allow_null=True)
    last_contact = serializers.DateTimeField(allow_null=True)
    last_update = serializers.DateTimeField(allow_null=True)
    group_name = serializers.CharField(help_text="ThreatLocker group.")
    mode = serializers.CharField(help_text="ThreatLocker mode.")


class DeviceVendorSerializer(serializers.Serializer):
    vendor = serializers.CharField()
    present = serializers.BooleanField(help_text="The vendor has ever reported the device.")
    snapshot_date = serializers.DateField(allow_null=True, help_text="The vendor's latest day with the device.")
    vendor_latest_snapshot = serializers.DateField(allow_null=True, help_text="The vendor's latest day at all.")
    in_latest_snapshot = serializers.BooleanField()
    duplicate_count = serializers.IntegerField(help_text="Rows on that day: more than 1 is a duplicate.")
    entries = DeviceFactsSerializer(many=True)


# "from" is a Python keyword: these two are built with type().
DeviceDateRangeSerializer = type("DeviceDateRangeSerializer", (serializers.Serializer,), {
    "from": serializers.DateField(), "to": serializers.DateField()})
DeviceOrganizationChangeSerializer = type("DeviceOrganizationChangeSerializer", (serializers.Serializer,), {
    "date": serializers.DateField(help_text="First day under the new client."),
    "from": serializers.CharField(allow_null=True), "to": serializers.CharField(allow_null=True),
    "from_id": serializers.IntegerField(allow_null=True), "to_id": serializers.IntegerField(allow_null=True)})


class SpareChangeSerializer(serializers.Serializer):
    date = serializers.DateField()
    spare = serializers.BooleanField()


class VendorTimelineSerializer(serializers.Serializer):
    vendor = serializers.CharField()
    seen = DeviceDateRangeSerializer(many=True, help_text="Runs of consecutive days with a snapshot row.")
    days_seen = serializers.IntegerField()
    first_seen = serializers.DateField(allow_null=True, help_text="In the window.")
    last_seen = serializers.DateField(allow_null=True, help_text="In the window.")
    organization_changes = DeviceOrganizationChangeSerializer(many=True)
    spare = DeviceDateRangeSerializer(many=True, help_text="Runs of days it was a spare.")
    spare_changes = SpareChangeSerializer(many=True)
    went_spare = serializers.ListField(child=serializers.DateField())
    spare_at_start = serializers.BooleanField(help_text="Spare on its first day in the window.")
    start = serializers.DateField()
    end = serializers.DateField()


class DeviceTimelineSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    days = serializers.IntegerField()
    vendors = inline_serializer("DeviceTimelineVendors", {"ninja": VendorTimelineSerializer(),
                                                          "threatlocker": VendorTimelineSerializer()})


class DeviceWindows11Serializer(serializers.Serializer):
    status = serializers.CharField()
    category = serializers.CharField()
    category_label = serializers.CharField()
    already_on_24h2 = serializers.BooleanField()
    on_unsupported_hardware = serializers.BooleanField()
    os_name = serializers.CharField()
    os_build = serializers.CharField()
    cpu_model = serializers.CharField()
    cpu_verdict = serializers.CharField()
    cpu_reason = serializers.CharField()
    passed_requirements = serializers.ListField(child=serializers.DictField())
    deficiencies = Win11DeficiencySerializer(many=True)
    missing_facts = Win11MissingSerializer(many=True)
    snapshot_date = serializers.DateField()
    assessment_date = serializers.DateTimeField()


class DeviceExceptionEventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    report_date = serializers.DateField(allow_null=True)
    action = serializers.CharField()
    action_label = serializers.CharField()
    actor = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    notes = serializers.CharField()


class DeviceExceptionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    type = serializers.CharField()
    label = serializers.CharField()
    variance_type = serializers.CharField()
    status = serializers.CharField()
    variance_status = serializers.CharField()
    variance_status_label = serializers.CharField()
    organization = serializers.CharField(allow_null=True)
    date_found = serializers.DateField()
    last_seen = serializers.DateField()
    resolution = serializers.CharField()
    resolved_at = serializers.DateTimeField(allow_null=True)
    resolved_by = serializers.CharField()
    resolved_on = serializers.DateField(allow_null=True)
    manually_fixed_at = serializers.DateTimeField(allow_null=True)
    manually_fixed_by = serializers.CharField()
    failed_fix_count = serializers.IntegerField()
    notes = serializers.CharField()
    events = DeviceExceptionEventSerializer(many=True, help_text="The audit trail, oldest first.")


class DeviceRecordSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="Canonical key.")
    hostname = serializers.CharField(help_text="NinjaOne's clean hostname, else ThreatLocker's.")
    first_seen = serializers.DateField()
    last_seen = serializers.DateField()
    vendors = inline_serializer("DeviceVendors", {"ninja": DeviceVendorSerializer(),
                                                  "threatlocker": DeviceVendorSerializer()})
    windows11 = DeviceWindows11Serializer(allow_null=True, help_text="Null: no stored assessment (not a NinjaOne "
                                          "Windows workstation, or not assessed yet).")
    exceptions = inline_serializer("DeviceExceptions", {"open": DeviceExceptionSerializer(many=True),
                                                        "past": DeviceExceptionSerializer(many=True)})
    timeline = DeviceTimelineSerializer()
