"""The contract's `{"success": true, "data": {...}}` around a response serializer, for the schema."""
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers


def envelope(name: str, data_serializer) -> type[serializers.Serializer]:
    """The contract's `{"success": true, "data": {...}}` around a data serializer (for the schema)."""
    return extend_schema_serializer(many=False)(type(name, (serializers.Serializer,), {
        "success": serializers.BooleanField(),
        "data": data_serializer(),
    }))
