"""The QBR API's fields: months and quarters (parsed by qbr.periods), ids (organizations and vendors looked up
once per request), numbers, metric names and timestamps."""
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from esinv.errors import NotFound
from esinv.params import MAX_ID_DIGITS, is_plain_int
from inventory.models import Organization, Vendor
from qbr.api.serializers.numbers import number_bounds, number_out, parse_number
from qbr.catalogue import CATALOGUE
from qbr.periods import parse_month, parse_quarter

# What qbr.periods accepts, so generated and documented periods match.
MONTH_SCHEMA = {"type": "string", "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])$", "example": "2025-11"}
QUARTER_SCHEMA = {"type": "string", "pattern": "^[0-9]{4}-[Qq][1-4]$", "example": "2025-Q4"}


class _TextField(serializers.Field):
    """A field whose blank value ("") counts as absent: missing when required, None otherwise."""

    def run_validation(self, data=serializers.empty):
        if data == "" or data is None:
            if self.required:
                self.fail("required")
            return None
        return super().run_validation(data)


@extend_schema_field(MONTH_SCHEMA)
class MonthField(_TextField):
    def to_internal_value(self, data):
        try:
            return parse_month(str(data))
        except ValueError as exc:
            raise serializers.ValidationError(str(exc), code="invalid") from None

    def to_representation(self, value):
        return str(value)


@extend_schema_field(QUARTER_SCHEMA)
class QuarterField(MonthField):
    def to_internal_value(self, data):
        try:
            return parse_quarter(str(data))
        except ValueError as exc:
            raise serializers.ValidationError(str(exc), code="invalid") from None


@extend_schema_field(OpenApiTypes.INT)
class IdField(_TextField):
    """A positive id: a JSON integer or a string of ASCII digits."""

    def openapi_schema(self) -> dict:
        return {"minimum": 1, "maximum": int("9" * MAX_ID_DIGITS)}  # what is_plain_int lets through

    def to_internal_value(self, data):
        text = str(data).strip() if isinstance(data, (int, str)) and not isinstance(data, bool) else ""
        if not is_plain_int(text) or int(text) < 1:
            raise serializers.ValidationError(
                f"{self.field_name} must be a positive whole number, not {str(data)[:50]!r}.", code="invalid"
            )
        return int(text)


class OrganizationIdField(IdField):
    """An organization id (default 1, the MSP); 404 when it does not exist. Looked up once per request."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", "Organization (default 1, the MSP).")
        super().__init__(**kwargs)

    def run_validation(self, data=serializers.empty):
        blank = data is serializers.empty or data is None or data == ""
        organization_id = Organization.MSP_ID if blank else self.to_internal_value(data)
        return lookup_organization(self.context, organization_id, self.context.get("prefix", "") + self.field_name)


class VendorIdField(IdField):
    def run_validation(self, data=serializers.empty):
        vendor_id = super().run_validation(data)
        if vendor_id is not None:
            cache = self.context.setdefault("vendors", {})
            if vendor_id not in cache:
                cache[vendor_id] = Vendor.objects.filter(pk=vendor_id).exists()
            if not cache[vendor_id]:
                raise NotFound(f"Vendor {vendor_id} does not exist.",
                               details={"field": self.context.get("prefix", "") + self.field_name})
        return vendor_id


def lookup_organization(context: dict, organization_id: int, field: str) -> Organization:
    cache = context.setdefault("organizations", {})
    if organization_id not in cache:
        cache[organization_id] = (
            Organization.objects.filter(pk=organization_id).only("id", "name", "is_internal").first()
        )
    if cache[organization_id] is None:
        raise NotFound(f"Organization {organization_id} does not exist.", details={"field": field})
    return cache[organization_id]


@extend_schema_field(OpenApiTypes.NUMBER)
class NumberField(_TextField):
    """A finite number below 10^13 (JSON number or numeric string), kept as a Decimal of 4 places."""

    def __init__(self, *, allow_negative: bool = True, **kwargs):
        self.allow_negative = allow_negative
        super().__init__(**kwargs)

    def openapi_schema(self) -> dict:
        return number_bounds(allow_negative=self.allow_negative)

    def to_internal_value(self, data):
        try:
            return parse_number(data, allow_negative=self.allow_negative)
        except ValueError as exc:
            raise serializers.ValidationError(f"{self.field_name} {exc}", code="invalid") from None

    def to_representation(self, value):
        return number_out(value)


class MetricNameField(serializers.ChoiceField):
    def __init__(self, names=CATALOGUE, **kwargs):
        super().__init__(choices=sorted(names), **kwargs)

    def run_validation(self, data=serializers.empty):
        if data is serializers.empty:
            return super().run_validation(data)  # required: an error; else the field is skipped
        if data == "" or data is None:
            if self.required:
                self.fail("required")
            return None
        name = str(data).strip()
        if name not in self.choices:
            raise serializers.ValidationError(
                f"Unknown metric {name[:60]!r}; known: {', '.join(self.choices)}.", code="invalid_choice"
            )
        return name


@extend_schema_field(OpenApiTypes.DATETIME)
class TimestampField(serializers.Field):
    """`2025-12-01T06:00:02Z` (UTC with a Z, as the contract shows it); null stays null."""

    def to_representation(self, value):
        return value.isoformat().replace("+00:00", "Z") if value else None
