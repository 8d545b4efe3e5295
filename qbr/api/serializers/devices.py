"""Seats and endpoints by client (the devices-by-client response)."""
from rest_framework import serializers

from qbr.api.serializers.envelope import envelope
from qbr.api.serializers.fields import NumberField

BILLED_HELP = ("Seats billed in ConnectWise on the month's latest agreements day: the billable quantity of the "
               "products the billing map maps to ninja_seats. Null when no agreements were collected that month.")


class ClientDevicesSerializer(serializers.Serializer):
    client_name = serializers.CharField()
    organization_id = serializers.IntegerField(allow_null=True)
    seats = serializers.IntegerField()
    endpoints = serializers.IntegerField()
    billed_seats = NumberField(allow_null=True, required=False, help_text=BILLED_HELP)


class DevicesByClientSerializer(serializers.Serializer):
    period = serializers.CharField()
    organization_id = serializers.IntegerField()
    snapshot_date = serializers.DateField(allow_null=True)
    clients = ClientDevicesSerializer(many=True)
    total_seats = serializers.IntegerField()
    total_endpoints = serializers.IntegerField()
    agreements_date = serializers.DateField(allow_null=True, help_text="The agreements day billed seats come from.")
    total_billed_seats = NumberField(allow_null=True, required=False,
                                     help_text="Billed seats of every billed client (listed or not), or of the one "
                                               "client. " + BILLED_HELP)


DevicesByClientResponse = envelope("QBRDevicesByClient", DevicesByClientSerializer)
