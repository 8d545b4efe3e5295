"""The hub's OpenAPI generation: its own authentication, and what drf-spectacular cannot read from a field or a
serializer on its own, so the schema states every rule the API validates with (clients are generated from it).

- `HubAutoSchema` (DRF's DEFAULT_SCHEMA_CLASS) adds, from the very objects the views validate with:
  - `minItems` / `maxItems` of a list field or a many=True serializer (`allow_empty=False`, `min_length`,
    `max_length`), which drf-spectacular leaves out;
  - `required` on a request body whose serializer says `body_required` (a one-or-many body's proxy);
  - a field's own `openapi_schema()` (the bounds and patterns of the hub's custom fields, e.g. QBR ids and
    numbers), merged over what drf-spectacular derived;
  - a request serializer's `openapi_rules()`: the rules across fields (`oneOf` / `anyOf` / `not` groups of
    required fields, `additionalProperties: false`), declared once on the serializer next to the `validate`
    that enforces them (helpers `exactly_one_of` / `not_together` below).
"""
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers


class APIKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "esinv.auth.APIKeyAuthentication"
    name = ["ApiKeyHeader", "ApiKeyBearer"]

    def get_security_definition(self, auto_schema):
        return [
            {"type": "apiKey", "in": "header", "name": "X-API-Key"},
            {"type": "http", "scheme": "bearer", "description": "The same API key as a bearer token."},
        ]


def exactly_one_of(*names: str) -> dict:
    """JSON Schema: exactly one of these fields is present."""
    return {"oneOf": [{"required": [name]} for name in names]}


def not_together(*names: str) -> dict:
    """JSON Schema: not all of these fields at once."""
    return {"not": {"required": list(names)}}


def _list_bounds(field, schema: dict) -> None:
    """minItems / maxItems of a list field or a many=True serializer (`allow_empty=False`: at least one)."""
    if schema.get("type") != "array":
        return
    low = max(field.min_length or 0, 0 if field.allow_empty else 1)
    if low:
        schema["minItems"] = max(schema.get("minItems", 0), low)
    if field.max_length is not None:
        schema["maxItems"] = min(schema.get("maxItems", field.max_length), field.max_length)


class HubAutoSchema(AutoSchema):
    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if schema is None:
            return schema
        own = getattr(field, "openapi_schema", None)
        if callable(own) and "$ref" not in schema:
            schema = {**schema, **own()}
        if isinstance(field, (serializers.ListField, serializers.ListSerializer)):
            _list_bounds(field, schema)
        return schema

    def _unwrap_list_serializer(self, serializer, direction):
        schema = super()._unwrap_list_serializer(serializer, direction)
        if schema and isinstance(serializer, serializers.ListSerializer):
            _list_bounds(serializer, schema)
        return schema

    def _get_request_for_media_type(self, serializer, direction="request"):
        # A body drf-spectacular cannot tell is required (a PolymorphicProxySerializer's) says so itself.
        schema, required = super()._get_request_for_media_type(serializer, direction)
        return schema, required or bool(schema and getattr(serializer, "body_required", False))

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        rules = getattr(serializer, "openapi_rules", None)
        if direction == "request" and callable(rules):
            schema.update(rules())
        return schema
