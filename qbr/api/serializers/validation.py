"""Turning serializer errors into the hub's error shape: a 400 (404 for an unknown organization or vendor, from
the fields) whose `details.field` names the parameter, with an item's place in a list (`metrics[1].period`);
bodies of one object, a list, or {key: [...]}."""
from drf_spectacular.utils import PolymorphicProxySerializer
from rest_framework import serializers

from esinv.errors import BadRequest

MAX_ITEMS = 500


def _first_error(errors, prefix: str):
    """(field path, message, code) of the first error in a serializer's error tree."""
    if isinstance(errors, dict):
        field, inner = next(iter(errors.items()))
        path = prefix if field == "non_field_errors" else f"{prefix}{field}"
        return _first_error(inner, path + ("" if field == "non_field_errors" else "."))
    if isinstance(errors, list):
        return _first_error(errors[0], prefix)
    return prefix.rstrip("."), str(errors), getattr(errors, "code", "invalid")


def validated(serializer_class, data, *, context: dict | None = None, prefix: str = "") -> dict:
    """The serializer's validated data, or a 400 naming the first bad field (`missing_parameter` when absent)."""
    context = {} if context is None else context
    context["prefix"] = prefix
    serializer = serializer_class(data=data, context=context)
    if not serializer.is_valid():
        field, message, code = _first_error(serializer.errors, prefix)
        error_code = "missing_parameter" if code in ("required", "null", "blank") else "invalid_parameter"
        if error_code == "missing_parameter" and message in ("This field is required.", "This field may not be null."):
            message = f"The {field.rsplit('.', 1)[-1]} parameter is required."
        raise BadRequest(message, code=error_code, details={"field": field})
    return serializer.validated_data


def query(serializer_class, request) -> dict:
    """Validated query parameters (a `QueryParamsSerializer`: a repeated one is a 400 naming it)."""
    return validated(serializer_class, request.query_params)


def items_of(data, key: str) -> list[tuple[str, dict]]:
    """A body of one object, a list of them, or {key: [...]}: (field prefix, object) pairs."""
    if isinstance(data, dict) and key in data:
        items, prefix = data[key], key
    elif isinstance(data, list):
        items, prefix = data, ""
    elif isinstance(data, dict):
        return [("", data)]
    else:
        raise BadRequest("The body must be a JSON object or a list.", code="invalid_parameter", details={"field": key})
    if not isinstance(items, list) or not items:
        raise BadRequest(f"{key} must be a non-empty list.", code="invalid_parameter", details={"field": key})
    if len(items) > MAX_ITEMS:
        raise BadRequest(f"At most {MAX_ITEMS} {key} per request.", code="invalid_parameter", details={"field": key})
    pairs = []
    for index, item in enumerate(items):
        label = f"{prefix}[{index}]"
        if not isinstance(item, dict):
            raise BadRequest(f"{label} must be an object.", code="invalid_parameter", details={"field": label})
        pairs.append((label + ".", item))
    return pairs


def validated_items(serializer_class, data, key: str) -> list[dict]:
    """Every item of a one-or-many body validated (all or nothing), sharing one lookup cache."""
    context: dict = {}
    return [validated(serializer_class, item, context=context, prefix=prefix) for prefix, item in items_of(data, key)]


class OneOrMany:
    """A body of one `serializer_class` object, a list of 1 to MAX_ITEMS of them, or {key: [...]}: the items
    validated (`validated_items`) and the request schema stating those three forms (`openapi()`)."""

    def __init__(self, serializer_class, key: str):
        self.serializer_class, self.key = serializer_class, key

    def validated(self, data) -> list[dict]:
        return validated_items(self.serializer_class, data, self.key)

    def openapi(self) -> PolymorphicProxySerializer:
        name = self.serializer_class.__name__.removesuffix("Serializer")
        many = {"many": True, "min_length": 1, "max_length": MAX_ITEMS}
        wrapper = type(f"{name}ListSerializer", (serializers.Serializer,), {
            self.key: self.serializer_class(**many),
            "__doc__": f"Several at once, under `{self.key}`.",
        })
        body = PolymorphicProxySerializer(
            component_name=f"{name}Body", resource_type_field_name=None, many=False,
            serializers=[self.serializer_class, self.serializer_class(**many), wrapper])
        body.body_required = True  # an empty body is one object missing its required fields: a 400
        return body
