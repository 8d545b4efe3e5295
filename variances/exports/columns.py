"""The exported device fields (one column each) and how a row value becomes cell text.

A *row* is any mapping with the variance report's device fields (see ``COLUMNS``). Unknown extra
keys are ignored; a missing key or ``None`` renders as an empty cell.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .duplicates import entries_text

TEXT, DATE, DATETIME, INTEGER = "text", "date", "datetime", "integer"


@dataclass(frozen=True)
class Column:
    key: str  # row key, also the CSV header (the API field name)
    header: str  # human header (Excel, PDF)
    kind: str = TEXT
    width: int = 18  # default Excel width in characters (widened to fit the data, capped)
    compute: Callable[[Any], Any] | None = None  # derived from the whole row instead of read at `key`


COLUMNS: tuple[Column, ...] = (
    Column("id", "ID", INTEGER, 8),
    Column("type", "Type", TEXT, 16),
    Column("variance_type", "Variance type", TEXT, 18),
    Column("hostname", "Hostname", TEXT, 18),
    Column("ninja_hostname", "NinjaOne hostname", TEXT, 18),
    Column("threatlocker_hostname", "ThreatLocker hostname", TEXT, 20),
    Column("ninja_display_name", "NinjaOne display name", TEXT, 22),
    Column("threatlocker_display_name", "ThreatLocker display name", TEXT, 24),
    Column("organization", "Organization", TEXT, 24),
    # Both vendors' clients: they differ on a SITE_MISMATCH ("filed under different clients").
    Column("ninja_organization", "NinjaOne client", TEXT, 22),
    Column("threatlocker_organization", "ThreatLocker client", TEXT, 22),
    Column("billing_status", "Billing status", TEXT, 14),
    Column("vendor", "Vendor", TEXT, 12),
    Column("action", "Action", TEXT, 18),
    Column("status", "Status", TEXT, 10),
    Column("variance_status", "Variance status", TEXT, 16),
    Column("date_found", "Date found", DATE, 12),
    Column("last_seen", "Last seen", DATE, 12),
    Column("resolved_at", "Resolved at", DATETIME, 20),
    Column("resolved_by", "Resolved by", TEXT, 16),
    Column("notes", "Notes", TEXT, 30),
    # Duplicates: one line per copy (vendor, id, hostname, client, site, last contact, OS, agent, stale, link).
    Column("duplicate_entries", "Duplicate entries", TEXT, 60, compute=entries_text),
)
COLUMN_KEYS: tuple[str, ...] = tuple(c.key for c in COLUMNS)

# Spreadsheet programs evaluate a cell whose text starts with one of these (CSV/formula injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Control characters XML 1.0 (and so .xlsx) cannot hold; tab, LF and CR are allowed.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def neutralise_formula(text: str) -> str:
    """Prefix ``'`` to text a spreadsheet would read as a formula (OWASP CSV-injection advice)."""
    if text and text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def strip_control_characters(text: str) -> str:
    """Drop control characters that XML (xlsx, PDF paragraphs) cannot represent."""
    return _XML_ILLEGAL.sub("", text)


def as_text(value: Any) -> str:
    """Plain text of a row value: '' for None, ISO 8601 for dates and datetimes, str() otherwise."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def as_date(value: Any) -> dt.date | None:
    """A date for a date column (accepts date, datetime or an ISO string); None when not a date."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def as_datetime(value: Any) -> dt.datetime | None:
    """A naive datetime for spreadsheets (aware values are converted to UTC first); None when not one."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, dt.date):
        parsed = dt.datetime(value.year, value.month, value.day)
    else:
        try:
            parsed = dt.datetime.fromisoformat(str(value))
        except ValueError:
            return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(dt.UTC).replace(tzinfo=None)
    return parsed


def value_of(row: Mapping[str, Any], column: Column) -> Any:
    """A column's value in a row: computed from the row when the column says so, else read at its key."""
    if column.compute is not None:
        return column.compute(row)
    return get(row, column.key)


def get(row: Mapping[str, Any], key: str) -> Any:
    """A row value by key; works for mappings and for objects with attributes (e.g. model instances)."""
    if isinstance(row, Mapping):
        return row.get(key)
    return getattr(row, key, None)
