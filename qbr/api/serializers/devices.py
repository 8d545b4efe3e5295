"""Seats and endpoints by client (the devices-by-client response)."""
from rest_framework import serializers

from qbr.api.serializers.envelope import envelope


class ClientDevicesSerializer(serializers.Serializer):
    client_name = serializers.CharField()
    organization_id = serializers.IntegerField(allow_null=True)
    seats = serializers.IntegerField()
    endpoints = serializers.IntegerField()


class DevicesByClientSerializer(serializers.Serializer):
    period = serializers.CharField()
    organization_id = serializers.IntegerField()
    snapshot_date = serializers.DateField(allow_null=True)
    clients = ClientDevicesSerializer(many=True)
    total_seats = serializers.IntegerField()
    total_endpoints = serializers.IntegerField()


DevicesByClientResponse = envelope("QBRDevicesByClient", DevicesByClientSerializer)
