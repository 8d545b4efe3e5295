"""Numbers in and out of the QBR API: parsing a metric value (finite, below 10^13, 4 places) and writing one
as JSON (an int when whole)."""
import math
import re
from decimal import Decimal, InvalidOperation

MAX_ABS_VALUE = Decimal("1e13")
PLACES = Decimal("0.0001")
_NUMBER = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$")


def number_out(value: Decimal | None):
    """JSON number: an int when whole (530), else a float (12.5); None stays None."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def number_bounds(*, allow_negative: bool = True, minimum=None, maximum=None) -> dict:
    """JSON Schema bounds of what `parse_number` accepts (the largest value of 4 places below 10^13), narrowed to
    a metric's own inclusive `minimum` / `maximum` when given."""
    largest = float(MAX_ABS_VALUE) - 0.01  # 10^13 - 0.0001 is no double: it would round up to 10^13
    low = -largest if allow_negative else 0
    return {"minimum": low if minimum is None else max(low, minimum),
            "maximum": largest if maximum is None else min(largest, maximum)}


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
