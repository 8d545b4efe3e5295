"""Request validation with DRF serializers, answered in the project's error shape.

Every app's `api/serializers.py` declares its query parameters and bodies as serializers built from these
fields; views call `validated(SerializerClass, data)`. A refusal is a 400 naming the field
(`details.field`): `missing_parameter` when a required one is absent or blank, `invalid_parameter`
otherwise, and `invalid_date` from the strict date parser (`esinv.params.parse_date`, the one place for dates).
A body that is not a JSON object is refused with `details.field = "body"`.
"""
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail

from esinv.errors import BadRequest
from esinv.params import is_plain_int, parse_date

_MISSING = {"required", "blank"}


def _first_error(errors, field: str = "") -> tuple[str, ErrorDetail | str]:
    """(top-level field, first message) of a serializer's error tree."""
    if isinstance(errors, dict):
        key, value = next(iter(errors.items()))
        name = field or ("body" if key in ("non_field_errors", "__all__") else str(key))
        return _first_error(value, name)
    if isinstance(errors, list) and errors:
        return _first_error(errors[0], field)
    return field or "body", errors


def validated(serializer_class, data, **kwargs) -> dict:
    """The validated data of `serializer_class(data=data)`, else a 400 naming the first bad field."""
    serializer = serializer_class(data=data, **kwargs)
    if not serializer.is_valid():
        field, message = _first_error(serializer.errors)
        code = getattr(message, "code", "invalid")
        if field == "body":
            raise BadRequest("The body must be a JSON object.", code="invalid_parameter", details={"field": "body"})
        # Absent or blank itself (not an item of a list it holds): missing.
        missing = code in _MISSING and isinstance(serializer.errors.get(field), list)
        text = str(message)
        raise BadRequest(text if field in text else f"{field}: {text}",
                         code="missing_parameter" if missing else "invalid_parameter", details={"field": field})
    return serializer.validated_data


class StrictCharField(serializers.CharField):
    """A JSON string, never a number or a boolean coerced to one."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """JSON true or false only (DRF's BooleanField also takes "yes", "on", 1...)."""

    default_error_messages = {"invalid": "Must be true or false."}
    default_empty_html = serializers.empty  # absent from a form body: the default, not False

    def to_internal_value(self, data):
        if data is True or data is False:
            return data
        self.fail("invalid")


@extend_schema_field(OpenApiTypes.BOOL)
class QueryBooleanField(serializers.Field):
    """A query-string flag: true/1/yes or false/0/no (any case)."""

    default_error_messages = {"invalid": "Must be true or false."}

    def to_internal_value(self, data):
        value = str(data).strip().lower()
        if value in ("true", "1", "yes"):
            return True
        if value in ("false", "0", "no"):
            return False
        self.fail("invalid")

    def to_representation(self, value):
        return bool(value)


class QueryIdField(serializers.IntegerField):
    """A positive id in a query string (ASCII digits, fits a 64-bit column)."""

    default_error_messages = {"invalid": "Must be a positive whole number."}

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if not is_plain_int(str(data)):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictDateField(serializers.DateField):
    """`YYYY-MM-DD` through the strict date parser (400 `invalid_date` naming the field); `not_future` refuses
    days after today."""

    def __init__(self, *, not_future: bool = False, **kwargs):
        self.not_future = not_future
        super().__init__(**kwargs)

    def to_internal_value(self, value):
        day = parse_date(value if isinstance(value, str) else str(value), self.field_name)
        if day is not None and self.not_future and day > timezone.localdate():
            raise BadRequest(f"{self.field_name} cannot be in the future.", code="invalid_date",
                             details={"field": self.field_name})
        return day


class JSONObjectSerializer(serializers.Serializer):
    """An optional body: nothing, or a JSON object (its keys are ignored). Anything else is a 400.
    Document it as `request=OpenApiTypes.OBJECT` (drf-spectacular leaves a field-less serializer out)."""


def _unknown(field: str, noun: str, value: str, allowed: list[str]) -> BadRequest:
    return BadRequest(f"Unknown {noun} {value[:100]!r}.", code="invalid_parameter",
                      details={"field": field, "value": value[:100], "allowed": allowed})


class QueryChoiceField(serializers.ChoiceField):
    """One value of a query parameter among `choices` (blank: not given, when `allow_blank`); anything else is a
    400 naming the field and listing the allowed values (`details.allowed`), as GET /api/exceptions answers an
    unknown `ordering` or `status`. `noun` names the value in the message ("Unknown ordering 'x'.")."""

    def __init__(self, *, noun: str = "", **kwargs):
        self.noun = noun
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, str) and not data.strip() and self.allow_blank:
            return ""
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError:
            raise _unknown(self.field_name, self.noun or self.field_name, str(data),
                           list(self.choice_strings_to_values)) from None


class QueryChoicesField(serializers.MultipleChoiceField):
    """Several values of a query parameter among `choices`, repeated (`?type=A&type=B`) or as a comma list
    (`?type=A,B`), all honoured; blank parts are ignored; an unknown one is a 400 naming the field and listing the
    allowed values. The validated value is a list in the order given, without repeats. In the schema: an array of
    the choices (form style, one parameter per value)."""

    def __init__(self, *, noun: str = "", **kwargs):
        self.noun = noun
        kwargs.setdefault("allow_empty", True)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        items = [data] if isinstance(data, str) else list(data)
        values = []
        for item in items:
            for part in str(item).split(","):
                part = part.strip()
                if not part:
                    continue
                if part not in self.choice_strings_to_values:
                    raise _unknown(self.field_name, self.noun or self.field_name, part,
                                   list(self.choice_strings_to_values))
                values.append(self.choice_strings_to_values[part])
        return list(dict.fromkeys(values))

    def to_representation(self, value):
        return list(value)


def refuse_repeated(data, names) -> None:
    """A 400 naming the first of `names` given more than once in `data` (a QueryDict; a plain dict never repeats)."""
    if not hasattr(data, "getlist"):
        return
    for name in names:
        count = len(data.getlist(name))
        if count > 1:
            raise BadRequest(f"{name} was given {count} times; send it once.", code="invalid_parameter",
                             details={"field": name, "values": count})


def takes_several(field) -> bool:
    """Whether a query field takes several values (a list field, or one marked `many_values = True`)."""
    return (isinstance(field, (serializers.ListField, serializers.MultipleChoiceField))
            or getattr(field, "many_values", False))


class QueryParamsSerializer(serializers.Serializer):
    """Query parameters, the one base of every API query serializer (tests/test_query_params.py checks it): a
    parameter given more than once (`?date=A&date=B`) is a 400 naming it unless its field takes several values
    (`takes_several`: `QueryChoicesField`, a list field), never silently the last one. `also_single` names
    parameters read elsewhere (the paginator's `page`, `page_size`) that must not repeat either."""

    also_single: tuple[str, ...] = ()

    def to_internal_value(self, data):
        names = [name for name, field in self.fields.items() if not takes_several(field)]
        refuse_repeated(data, [*names, *self.also_single])
        return super().to_internal_value(data)
