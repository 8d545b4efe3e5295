"""Reading and validating QBR request parameters; every failure is a 4xx naming the field."""
import math
import re
from decimal import Decimal, InvalidOperation

from esinv.errors import BadRequest, NotFound
from inventory.models import Organization, Vendor
from qbr.catalogue import CATALOGUE
from qbr.periods import Month, Quarter, parse_month, parse_quarter

MAX_ABS_VALUE = Decimal("1e13")
_PLACES = Decimal("0.0001")
_NUMBER = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$")


def _missing(field: str):
    return BadRequest(f"The {field} parameter is required.", code="missing_parameter", details={"field": field})


def _invalid(field: str, message: str):
    return BadRequest(message, code="invalid_parameter", details={"field": field})


def month_from(value, field: str = "period", *, required: bool = False) -> Month | None:
    if value in (None, ""):
        if required:
            raise _missing(field)
        return None
    try:
        return parse_month(str(value))
    except ValueError as exc:
        raise _invalid(field, str(exc)) from None


def quarter_from(value, field: str = "period", *, required: bool = False) -> Quarter | None:
    if value in (None, ""):
        if required:
            raise _missing(field)
        return None
    try:
        return parse_quarter(str(value))
    except ValueError as exc:
        raise _invalid(field, str(exc)) from None


def _int(value, field: str) -> int:
    if isinstance(value, bool):
        raise _invalid(field, f"{field} must be a whole number.")
    try:
        number = int(str(value).strip())
    except ValueError:
        raise _invalid(field, f"{field} must be a whole number, not {value!r}.") from None
    if number < 1:
        raise _invalid(field, f"{field} must be a positive id.")
    return number


def organization_from(value, field: str = "organization_id") -> Organization:
    """The organization named by id (default: the MSP, organization 1); 404 when unknown."""
    organization_id = Organization.MSP_ID if value in (None, "") else _int(value, field)
    organization = Organization.objects.filter(pk=organization_id).only("id", "name", "is_internal").first()
    if organization is None:
        raise NotFound(f"Organization {organization_id} does not exist.", details={"field": field})
    return organization


def vendor_id_from(value, field: str = "vendor_id") -> int | None:
    if value in (None, ""):
        return None
    vendor_id = _int(value, field)
    if not Vendor.objects.filter(pk=vendor_id).exists():
        raise NotFound(f"Vendor {vendor_id} does not exist.", details={"field": field})
    return vendor_id


def metric_name_from(value, field: str = "metric_name", *, required: bool = False, allowed=CATALOGUE) -> str | None:
    if value in (None, ""):
        if required:
            raise _missing(field)
        return None
    name = str(value).strip()
    if name not in allowed:
        raise _invalid(field, f"Unknown metric {name!r}; known: {', '.join(sorted(allowed))}.")
    return name


def decimal_from(value, field: str, *, allow_negative: bool = True) -> Decimal:
    """A finite number (JSON number or numeric string), rounded to 4 places."""
    if value is None or value == "":
        raise _missing(field)
    if isinstance(value, bool) or isinstance(value, (list, dict)):
        raise _invalid(field, f"{field} must be a number.")
    if isinstance(value, float) and not math.isfinite(value):
        raise _invalid(field, f"{field} must be a finite number.")
    text = str(value).strip()
    if not _NUMBER.match(text):  # plain ASCII decimal notation: no "1_000", no full-width digits
        raise _invalid(field, f"{field} must be a number, not {str(value)[:50]!r}.")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise _invalid(field, f"{field} must be a number, not {str(value)[:50]!r}.") from None
    if not number.is_finite():
        raise _invalid(field, f"{field} must be a finite number.")
    # Compare magnitudes by exponent first: abs() of 1e999999999 overflows the decimal context.
    if number.adjusted() >= MAX_ABS_VALUE.adjusted() or abs(number) >= MAX_ABS_VALUE:
        raise _invalid(field, f"{field} is too large.")
    if number.quantize(_PLACES).copy_abs() >= MAX_ABS_VALUE:  # 9999999999999.99999 rounds up to the limit
        raise _invalid(field, f"{field} is too large.")
    if number < 0 and not allow_negative:
        raise _invalid(field, f"{field} may not be negative.")
    return number.quantize(_PLACES)


def items_from(data, key: str) -> list[tuple[str, dict]]:
    """One object, a list of them, or {key: [...]}: returns (field prefix, object) pairs."""
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
    if len(items) > 500:
        raise BadRequest(f"At most 500 {key} per request.", code="invalid_parameter", details={"field": key})
    pairs = []
    for index, item in enumerate(items):
        label = f"{prefix}[{index}]"
        if not isinstance(item, dict):
            raise BadRequest(f"{label} must be an object.", code="invalid_parameter", details={"field": label})
        pairs.append((label + ".", item))
    return pairs


def number_out(value: Decimal | None):
    """JSON number: an int when whole (530), else a float (12.5); None stays None."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)
