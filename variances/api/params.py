"""Query/path parameter parsing: bad input is a 400 with a stable code, never a 500."""
import re
from datetime import date

from esinv.errors import BadRequest

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


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
