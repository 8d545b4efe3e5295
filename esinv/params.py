"""Query-parameter parsing shared by every endpoint and page."""
import re
from datetime import date

from esinv.errors import BadRequest

# Ids and page numbers fit a signed 64-bit column; longer digit strings are refused, not overflowed.
MAX_ID = 2**63 - 1


MAX_ID_DIGITS = 18  # any number of this many digits fits a 64-bit id


def is_plain_int(raw: str | None) -> bool:
    """ASCII digits only, short enough for a 64-bit id (`'²'.isdigit()` is True; int('²') fails)."""
    return bool(raw) and raw.isascii() and raw.isdigit() and len(raw) <= MAX_ID_DIGITS


def positive_int(raw: str, field: str, *, message: str | None = None) -> int:
    """A positive whole number from a query parameter, else a 400 naming the field."""
    if not is_plain_int(raw) or int(raw) < 1:
        raise BadRequest(message or f"{field} must be a positive whole number.", code="invalid_parameter",
                         details={"field": field, "value": raw[:100] if raw else raw})
    return int(raw)


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# The same days as a JSON Schema pattern (for a field documented as text, not `format: date`): years 0001-9999,
# each month's days (29 February of every year: of a common year, the one date it lets through that parse_date
# refuses).
ISO_DATE_PATTERN = (r"^(000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})-"
                    r"((0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-9])|(0[13-9]|1[0-2])-30|(0[13578]|1[02])-31)$")


def parse_date(raw: str | None, field: str, *, required: bool = False) -> date | None:
    """`YYYY-MM-DD` -> date; `None`/blank -> None (or 400 when required)."""
    text = "" if raw is None else str(raw).strip()
    if not text:
        if required:
            raise BadRequest(f"{field} is required.", code="missing_parameter", details={"field": field})
        return None
    try:
        if _ISO_DATE.fullmatch(text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise BadRequest(f"{field} must be a date as YYYY-MM-DD, not {text!r}.", code="invalid_date",
                     details={"field": field, "value": text})
