"""The hub's OpenAPI generation: its own authentication, and what drf-spectacular cannot read from a field or a
serializer on its own, so the schema states every rule the API validates with (clients are generated from it).

- `HubAutoSchema` (DRF's DEFAULT_SCHEMA_CLASS) adds, from the very objects the views validate with:
  - `minItems` / `maxItems` of a list field or a many=True serializer (`allow_empty=False`, `min_length`,
    `max_length`), which drf-spectacular leaves out;
  - `required` on a request body whose serializer says `body_required` (a one-or-many body's proxy);
  - the text rule of `esinv.inputs` on every free-text request string: no NUL (a pattern), at most
    ESINV_MAX_TEXT_LENGTH characters in a body and ESINV_MAX_PARAM_LENGTH in a query parameter;
  - a field's own `openapi_schema()` (the bounds and patterns of the hub's custom fields, e.g. QBR ids and
    numbers), merged over what drf-spectacular derived;
  - a request serializer's `openapi_rules()`: the rules across fields (`oneOf` / `anyOf` / `not` groups of
    required fields, `additionalProperties: false`), declared once on the serializer next to the `validate`
    that enforces them (helpers `exactly_one_of` / `not_together` below).
"""
import copy

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

from esinv.inputs import max_param_length, max_text_length


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


# Text the database cannot hold is refused in every parameter and body (`esinv.inputs`): no NUL character.
# A field's pattern asks for one character at least: blank is refused unless the field allows it, and then
# drf-spectacular adds the blank string as an alternative of its own (`oneOf`, which must not match twice).
NO_NUL = "^[^\\u0000]+$"
NO_NUL_OR_BLANK = "^[^\\u0000]*$"  # a plain OpenApiParameter's (no blank alternative is added)


def _free_text(schema: dict) -> bool:
    """A string with no vocabulary, format or pattern of its own (the NUL rule's pattern aside)."""
    return (schema.get("type") == "string" and not {"enum", "format", "$ref"} & set(schema)
            and schema.get("pattern", NO_NUL) in (NO_NUL, NO_NUL_OR_BLANK))


def _cap_text(schema: dict, limit: int) -> None:
    """maxLength `limit` (at most) on every free-text string of a body's schema, nested ones too."""
    if _free_text(schema):
        schema["maxLength"] = min(schema.get("maxLength", limit), limit)
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            _cap_text(schema[key], limit)
    for key in ("oneOf", "anyOf", "allOf"):
        for branch in schema.get(key, []):
            _cap_text(branch, limit)
    for prop in schema.get("properties", {}).values():
        _cap_text(prop, limit)


class HubAutoSchema(AutoSchema):
    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if schema is None:
            return schema
        own = getattr(field, "openapi_schema", None)
        if callable(own) and "$ref" not in schema:
            schema = {**schema, **own()}
        schema = {**schema}  # a field's own dict (extend_schema_field) is never changed in place
        if direction == "request" and _free_text(schema):
            schema["pattern"] = NO_NUL
        if isinstance(field, (serializers.ListField, serializers.ListSerializer)):
            _list_bounds(field, schema)
        return schema

    def _insert_field_validators(self, field, schema):
        super()._insert_field_validators(field, schema)
        if schema.get("type") in ("integer", "number"):  # a number typed field of text (e.g. WholeNumberParam)
            schema.pop("minLength", None)
            schema.pop("maxLength", None)
        # drf-spectacular's blank alternative (allow_blank) leaves the default inside the non-blank branch,
        # where a blank default would break that branch's pattern: it belongs to the whole.
        branches = schema.get("oneOf")
        if branches and len(branches) == 2 and branches[1] == {"type": "string", "maxLength": 0} \
                and "default" in branches[0]:
            schema["default"] = branches[0].pop("default")

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
        if direction == "request":
            _cap_text(schema, max_text_length())
        return schema

    def _process_override_parameters(self, direction="request"):
        # Query parameters: the middleware's length limit for every free-text one.
        parameters = super()._process_override_parameters(direction)
        for parameter in parameters.values():
            if isinstance(parameter, dict) and parameter.get("in") == "query" and "schema" in parameter:
                schema = copy.deepcopy(parameter["schema"])  # it may be a module's dict (OpenApiParameter type)
                if _free_text(schema):
                    schema.setdefault("pattern", NO_NUL_OR_BLANK)
                _cap_text(schema, max_param_length())
                parameter["schema"] = schema
        return parameters
