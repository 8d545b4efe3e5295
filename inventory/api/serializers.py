"""Response shapes of the inventory endpoints (for the OpenAPI schema)."""
from rest_framework import serializers


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
