"""Duplicate entries as the exports show them: one copy per item, every key filled, and its text.

A `DUPLICATE_TL` / `DUPLICATE_NINJA` exception's `details["entries"]` (and so its report row's
``entries``) lists each copy (shared contract, /work/notes/contract-dups.md): vendor, vendor device
id, hostname as that vendor has it, display name, organization, site, last contact, OS, agent
version, console URL and whether the copy is stale. Entries written before that contract carry only
hostname, display name and organization: every missing key reads as None here and shows as a dash.

The rows come from the report, whose entries the one reader (``variances.duplicates.entries``) filled;
``entries`` here only guarantees the keys (``duplicates.ENTRY_KEYS``) for rows built elsewhere.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from variances import duplicates
from variances.duplicates import last_contact, vendor_name

#: Every key of an entry, in display order.
ENTRY_KEYS = duplicates.ENTRY_KEYS
DASH = "—"


def entries(source: Mapping[str, Any] | Any) -> list[dict]:
    """The copies of a duplicate (from exception ``details`` or a report/export row), every key present.

    Anything that is not a list of mappings (a row of another type, damaged details) gives ``[]``.
    """
    raw = source.get("entries") if isinstance(source, Mapping) else getattr(source, "entries", None)
    if not isinstance(raw, list | tuple):
        return []
    # Report rows already went through variances.duplicates.entries (console links from the current settings);
    # this only makes sure every key is there for the writers.
    return [{key: item.get(key) for key in ENTRY_KEYS} for item in raw if isinstance(item, Mapping)]


def last_contact_text(value: Any) -> str:
    """``2026-12-05 08:00 UTC``, or the raw text when it is not a date, or a dash."""
    parsed = last_contact(value)
    if parsed is None:
        return str(value) if value not in (None, "") else DASH
    return parsed.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def stale_text(value: Any) -> str:
    if value is None:
        return DASH
    return "stale" if value else "newest"


def _text(value: Any) -> str:
    return DASH if value in (None, "") else str(value)


def entry_parts(entry: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(label, text) of each distinguishing field of one copy, dashes for the missing ones."""
    return [
        ("vendor", _text(vendor_name(entry.get("vendor")))),
        ("id", _text(entry.get("vendor_device_id"))),
        ("hostname", _text(entry.get("hostname"))),
        ("client", _text(entry.get("organization"))),
        ("site", _text(entry.get("site"))),
        ("last contact", last_contact_text(entry.get("last_contact"))),
        ("OS", _text(entry.get("os"))),
        ("agent", _text(entry.get("agent_version"))),
        ("copy", stale_text(entry.get("stale"))),
        ("console", _text(entry.get("console_url"))),
    ]


def entry_line(entry: Mapping[str, Any]) -> str:
    """One copy on one line: ``vendor: ThreatLocker · id: 12345 · hostname: DUP-PC · ... · copy: stale · ...``."""
    return " · ".join(f"{label}: {text}" for label, text in entry_parts(entry))


def entries_text(row: Mapping[str, Any] | Any) -> str | None:
    """Every copy of a duplicate row, one line each (a readable CSV/Excel cell); None for other rows."""
    items = entries(row)
    if not items:
        return None
    return "\n".join(f"{number}. {entry_line(entry)}" for number, entry in enumerate(items, start=1))
