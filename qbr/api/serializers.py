"""Request and response shapes of the QBR and sign-in endpoints.

Requests: the query and body serializers below validate every parameter; a
failure becomes a 400 (404 for an unknown organization or vendor) in the hub's
error shape whose `details.field` names the parameter, with the item's place
in a list (`metrics[1].period`). Periods are parsed by qbr.periods (the one
parser of `YYYY-MM` / `YYYY-Qn`). Responses: the serializers document the
bodies for the OpenAPI schema and render them.
"""
import math
import re
from decimal import Decimal, InvalidOperation

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from esinv.errors import BadRequest, NotFound
from esinv.params import is_plain_int
from inventory.models import Organization, Vendor
from qbr.catalogue import CATALOGUE
from qbr.periods import parse_month, parse_quarter
from qbr.smartnumbers import SMART_NUMBERS
from qbr.thresholds import DIRECTIONS, HIGHER_IS_BETTER, LOWER_IS_BETTER, bounds_error, bounds_labels

MAX_ABS_VALUE = Decimal("1e13")
PLACES = Decimal("0.0001")
MAX_ITEMS = 500
THRESHOLD_NAMES = {**{n: None for n in SMART_NUMBERS}, **CATALOGUE}
_NUMBER = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$")
# What qbr.periods accepts, so generated and documented periods match.
MONTH_SCHEMA = {"type": "string", "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])$", "example": "2025-11"}
QUARTER_SCHEMA = {"type": "string", "pattern": "^[0-9]{4}-[Qq][1-4]$", "example": "2025-Q4"}


def number_out(value: Decimal | None):
    """JSON number: an int when whole (530), else a float (12.5); None stays None."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def parse_number(value, *, allow_negative: bool = True) -> Decimal:
    """A finite number (JSON number or numeric string) below 10^13, rounded to 4 places; ValueError otherwise."""
    if isinstance(value, (bool, list, dict)) or value is None:
        raise ValueError("must be a number.")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("must be a finite number.")
    text = str(value).strip()
    if not _NUMBER.match(text):  # plain ASCII decimal notation: no "NaN", "1_000" or full-width digits
        raise ValueError(f"must be a number, not {str(value)[:50]!r}.")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"must be a number, not {str(value)[:50]!r}.") from None
    # Compare magnitudes by exponent first: abs() of 1e999999999 overflows the decimal context.
    if number.adjusted() >= MAX_ABS_VALUE.adjusted() or abs(number) >= MAX_ABS_VALUE:
        raise ValueError("is too large.")
    if number.quantize(PLACES).copy_abs() >= MAX_ABS_VALUE:  # 9999999999999.99999 rounds up to the limit
        raise ValueError("is too large.")
    if number < 0 and not allow_negative:
        raise ValueError("may not be negative.")
    return number.quantize(PLACES)


# --- fields -------------------------------------------------------------------


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


# --- turning serializer errors into the hub's error shape ---------------------


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
    """Validated query parameters (single values: the last one of a repeated parameter wins, as in Django)."""
    return validated(serializer_class, request.query_params.dict())


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


# --- query parameters -----------------------------------------------------------


class OrganizationQuerySerializer(serializers.Serializer):
    organization_id = OrganizationIdField()


class MonthlyQuerySerializer(OrganizationQuerySerializer):
    period = MonthField(required=False, help_text="YYYY-MM (default: the latest month with data).")
    vendor_id = VendorIdField(required=False)
    metric_name = MetricNameField(required=False)


class QuarterlyQuerySerializer(OrganizationQuerySerializer):
    period = QuarterField(required=False, help_text="YYYY-Qn (default: the quarter of the latest month with data).")


class DevicesByClientQuerySerializer(serializers.Serializer):
    period = MonthField(help_text="YYYY-MM")
    organization_id = OrganizationIdField(help_text="1 (default): every client; else that client only.")


class SmartNumbersQuerySerializer(OrganizationQuerySerializer):
    period = QuarterField(help_text="YYYY-Qn")


class NextQuerySerializer(serializers.Serializer):
    next = serializers.CharField(
        required=False, allow_blank=True,
        help_text="Where to land after sign-in: a path, or a URL on ALLOWED_HOSTS / CSRF_TRUSTED_ORIGINS.",
    )


class MicrosoftCallbackQuerySerializer(serializers.Serializer):
    """What Microsoft sends back (read by allauth; documented here)."""

    code = serializers.CharField(required=False, help_text="The authorization code.")
    state = serializers.CharField(required=False, help_text="The state this browser's sign-in started with.")
    error = serializers.CharField(required=False, help_text="Set instead of code when the sign-in failed.")
    error_description = serializers.CharField(required=False)


# --- request bodies -------------------------------------------------------------


class ManualMetricInputSerializer(serializers.Serializer):
    period = MonthField(help_text="YYYY-MM")
    organization_id = OrganizationIdField()
    vendor_id = VendorIdField(required=False, allow_null=True,
                              help_text="Default: a collected metric's source vendor, else none.")
    metric_name = MetricNameField()
    metric_value = NumberField()
    notes = serializers.CharField(required=False, allow_blank=True, allow_null=True)

    def validate(self, attrs):
        definition = CATALOGUE[attrs["metric_name"]]
        value = attrs["metric_value"]
        problem = None
        if value < 0 and not definition.allow_negative:
            problem = "metric_value may not be negative."
        elif definition.minimum is not None and value < definition.minimum:
            problem = f"{definition.name} is at least {definition.minimum}."
        elif definition.maximum is not None and value > definition.maximum:
            problem = f"{definition.name} is at most {definition.maximum}."
        if problem:
            raise serializers.ValidationError({"metric_value": problem})
        if "vendor_id" not in self.initial_data:
            # A hand value of a collected metric lands on the collected row (and says so).
            attrs["vendor_id"] = definition.source_vendor_id
        return attrs


_BOUND_FORMS = {
    # field: (bound, direction it implies or None)
    "green": ("green", None), "yellow": ("yellow", None),
    "green_bound": ("green", None), "yellow_bound": ("yellow", None),
    "green_max": ("green", LOWER_IS_BETTER), "yellow_max": ("yellow", LOWER_IS_BETTER),
    "green_min": ("green", HIGHER_IS_BETTER), "yellow_min": ("yellow", HIGHER_IS_BETTER),
}


class ThresholdInputSerializer(serializers.Serializer):
    """Either form: `direction` + `green`/`yellow` (or `green_bound`/`yellow_bound`), or the contract's
    `green_max`/`yellow_max` (lower is better) or `green_min`/`yellow_min` (higher is better). An object as
    GET returns it (both forms, agreeing) is accepted too."""

    metric_name = MetricNameField(THRESHOLD_NAMES, help_text="A SmartNumber or a catalogue metric.")
    organization_id = OrganizationIdField()
    direction = serializers.ChoiceField(choices=DIRECTIONS, required=False,
                                        help_text="Which is better; implied by the _max / _min form.")
    green = NumberField(required=False)
    yellow = NumberField(required=False)
    green_bound = NumberField(required=False)
    yellow_bound = NumberField(required=False)
    green_max = NumberField(required=False, help_text="Lower is better: green up to this value.")
    yellow_max = NumberField(required=False, help_text="Lower is better: yellow up to this value.")
    green_min = NumberField(required=False, help_text="Higher is better: green from this value.")
    yellow_min = NumberField(required=False, help_text="Higher is better: yellow from this value.")
    notes = serializers.CharField(required=False, allow_blank=True, allow_null=True)

    def validate(self, attrs):
        given = {name: attrs[name] for name in _BOUND_FORMS if attrs.get(name) is not None}
        implied = {_BOUND_FORMS[name][1] for name in given} - {None}
        if len(implied) > 1:
            raise serializers.ValidationError({"green_min" if "green_min" in given else "yellow_min": (
                "Give green_max/yellow_max (lower is better) or green_min/yellow_min (higher is better), not both."
            )})
        direction = attrs.get("direction")
        if implied:
            form_direction = implied.pop()
            if direction and direction != form_direction:
                raise serializers.ValidationError({"direction": (
                    f'direction "{direction}" contradicts the '
                    f'{"_max" if form_direction == LOWER_IS_BETTER else "_min"} bounds.'
                )})
            direction = form_direction
        if not direction:
            raise serializers.ValidationError(
                {"direction": 'direction is required ("lower" or "higher" is better) unless the bounds are given as '
                              "green_max/yellow_max or green_min/yellow_min."},
                code="required",
            )
        bounds = {}
        for name, value in given.items():
            bound = _BOUND_FORMS[name][0]
            if bound in bounds and bounds[bound][1] != value:
                raise serializers.ValidationError({name: f"{name} disagrees with {bounds[bound][0]}."})
            bounds.setdefault(bound, (name, value))
        for bound in ("green", "yellow"):
            if bound not in bounds:
                suffix = "max" if direction == LOWER_IS_BETTER else "min"
                raise serializers.ValidationError(
                    {bound: f"The {bound} bound is required ({bound}, or {bound}_{suffix})."}, code="required"
                )
        green, yellow = bounds["green"][1], bounds["yellow"][1]
        error = bounds_error(green=green, yellow=yellow, direction=direction)
        if error:
            raise serializers.ValidationError({bounds["yellow"][0]: error})
        return {"organization": attrs["organization_id"], "metric_name": attrs["metric_name"],
                "direction": direction, "green": green, "yellow": yellow, "notes": attrs.get("notes")}


# --- responses ------------------------------------------------------------------


def envelope(name: str, data_serializer) -> type[serializers.Serializer]:
    """The contract's `{"success": true, "data": {...}}` around a data serializer (for the schema)."""
    return extend_schema_serializer(many=False)(type(name, (serializers.Serializer,), {
        "success": serializers.BooleanField(),
        "data": data_serializer(),
    }))


class MetricSerializer(serializers.Serializer):
    metric_name = serializers.CharField()
    metric_value = NumberField()
    vendor_id = serializers.IntegerField(allow_null=True)
    data_source = serializers.ChoiceField(choices=["collected", "manual"])
    notes = serializers.CharField(allow_null=True)
    updated_at = TimestampField()
    updated_by = serializers.CharField(allow_null=True)

    def to_representation(self, instance):
        return {
            "metric_name": instance.metric_name,
            "metric_value": number_out(instance.metric_value),
            "vendor_id": instance.vendor_id,
            "data_source": instance.data_source,
            "notes": instance.notes or None,
            "updated_at": instance.updated_at.isoformat().replace("+00:00", "Z"),
            "updated_by": instance.updated_by or None,
        }


class MonthlySerializer(serializers.Serializer):
    period = serializers.CharField(allow_null=True)
    organization_id = serializers.IntegerField()
    metrics = MetricSerializer(many=True)


class QuarterMetricSerializer(serializers.Serializer):
    metric_name = serializers.CharField()
    vendor_id = serializers.IntegerField(allow_null=True)
    aggregation = serializers.ChoiceField(choices=["sum", "average"])
    metric_value = NumberField()
    months = serializers.ListField(child=serializers.CharField())
    data_sources = serializers.ListField(child=serializers.CharField())


class QuarterlySerializer(serializers.Serializer):
    period = serializers.CharField(allow_null=True)
    organization_id = serializers.IntegerField()
    months = serializers.ListField(child=serializers.CharField())
    months_included = serializers.ListField(child=serializers.CharField())
    metrics = QuarterMetricSerializer(many=True)


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


class ThresholdStatusSerializer(serializers.Serializer):
    green_max = serializers.FloatField(required=False, help_text="Lower is better: green up to this value.")
    yellow_max = serializers.FloatField(required=False, help_text="Lower is better: yellow up to this value.")
    green_min = serializers.FloatField(required=False, help_text="Higher is better: green from this value.")
    yellow_min = serializers.FloatField(required=False, help_text="Higher is better: yellow from this value.")
    direction = serializers.ChoiceField(choices=DIRECTIONS)
    status = serializers.ChoiceField(choices=["green", "yellow", "red"], allow_null=True)


class SmartNumbersSerializer(serializers.Serializer):
    period = serializers.CharField()
    organization_id = serializers.IntegerField()
    months_included = serializers.ListField(child=serializers.CharField())
    smart_numbers = serializers.DictField(
        child=serializers.FloatField(allow_null=True),
        help_text="Every SmartNumber by name (null when an input is missing or a divisor is zero), among them the "
                  "contract's tickets_per_endpoint, revenue_per_endpoint, csat_score and first_call_resolution.",
    )
    status = serializers.DictField(child=serializers.ChoiceField(choices=["green", "yellow", "red"], allow_null=True))
    thresholds = serializers.DictField(child=ThresholdStatusSerializer(),
                                       help_text="Only the SmartNumbers that have a threshold.")
    inputs = serializers.DictField(child=serializers.FloatField())


class ThresholdSerializer(serializers.Serializer):
    metric_name = serializers.CharField()
    organization_id = serializers.IntegerField()
    direction = serializers.ChoiceField(choices=DIRECTIONS)
    green_bound = NumberField()
    yellow_bound = NumberField()
    green_max = serializers.FloatField(required=False, help_text="Present when lower is better.")
    yellow_max = serializers.FloatField(required=False, help_text="Present when lower is better.")
    green_min = serializers.FloatField(required=False, help_text="Present when higher is better.")
    yellow_min = serializers.FloatField(required=False, help_text="Present when higher is better.")
    notes = serializers.CharField(allow_null=True)
    updated_at = TimestampField(allow_null=True)
    updated_by = serializers.CharField(allow_null=True)

    def to_representation(self, t):
        return {
            "metric_name": t.metric_name,
            "organization_id": t.organization_id,
            "direction": t.direction,
            "green_bound": number_out(t.green_bound),
            "yellow_bound": number_out(t.yellow_bound),
            **bounds_labels(green=t.green_bound, yellow=t.yellow_bound, direction=t.direction),
            "notes": t.notes or None,
            "updated_at": t.updated_at.isoformat().replace("+00:00", "Z") if t.updated_at else None,
            "updated_by": t.updated_by or None,
        }


class ThresholdListSerializer(serializers.Serializer):
    organization_id = serializers.IntegerField()
    thresholds = ThresholdSerializer(many=True)


class ThresholdsSavedSerializer(serializers.Serializer):
    thresholds = ThresholdSerializer(many=True)


class ManualResultSerializer(MetricSerializer):
    period = serializers.CharField()
    organization_id = serializers.IntegerField()
    created = serializers.BooleanField()
    overrode_collected = serializers.BooleanField()
    previous_value = NumberField(allow_null=True)
    previous_source = serializers.CharField(allow_null=True)


class ManualSavedSerializer(serializers.Serializer):
    metrics = ManualResultSerializer(many=True)
    warnings = serializers.ListField(child=serializers.CharField())


class AuthUserSerializer(serializers.Serializer):
    email = serializers.EmailField(allow_null=True)
    name = serializers.CharField()
    username = serializers.CharField()


class AuthAccessSerializer(serializers.Serializer):
    read = serializers.BooleanField()
    write = serializers.BooleanField()


@extend_schema_serializer(many=False)
class AuthStatusSerializer(serializers.Serializer):
    success = serializers.BooleanField()
    authenticated = serializers.BooleanField()
    user = AuthUserSerializer(allow_null=True)
    qbr_access = AuthAccessSerializer()
    csrf_token = serializers.CharField(help_text="Send it as X-CSRFToken on POSTs (a cross-origin dashboard cannot "
                                                 "read the csrftoken cookie).")


@extend_schema_serializer(many=False)
class AuthLogoutSerializer(serializers.Serializer):
    success = serializers.BooleanField()
    authenticated = serializers.BooleanField()


MonthlyResponse = envelope("QBRMonthly", MonthlySerializer)
QuarterlyResponse = envelope("QBRQuarterly", QuarterlySerializer)
DevicesByClientResponse = envelope("QBRDevicesByClient", DevicesByClientSerializer)
SmartNumbersResponse = envelope("QBRSmartNumbers", SmartNumbersSerializer)
ThresholdListResponse = envelope("QBRThresholds", ThresholdListSerializer)
ThresholdsSavedResponse = envelope("QBRThresholdsSaved", ThresholdsSavedSerializer)
ManualSavedResponse = envelope("QBRManualSaved", ManualSavedSerializer)
