"""The one reader of a duplicate exception's entries (pages, exports, the API).

`ExceptionRecord.details["entries"]` of a DUPLICATE_TL / DUPLICATE_NINJA
exception holds one entry per copy (docs/variances.md, "Duplicate entries").
Exceptions written before the entries carried the distinguishing fields have
only `hostname`, `display_name` and `organization`; `entries` fills every
other key (None or "") so no reader has to guess.
"""
import datetime as dt
from typing import Any

from inventory.console_links import NINJA, THREATLOCKER, console_template, console_url
from variances import types as T

# Every key of an entry, with the value a missing one reads as.
ENTRY_DEFAULTS = {
    "vendor": None,
    "vendor_device_id": "",
    "hostname": "",
    "display_name": "",
    "organization": None,
    "site": "",
    "last_contact": None,
    "os": "",
    "agent_version": "",
    "console_url": None,
    "stale": False,
}
ENTRY_KEYS = tuple(ENTRY_DEFAULTS)

# The vendor whose copies a duplicate type lists (old entries do not say).
VENDOR_OF_TYPE = {T.DUPLICATE_TL: THREATLOCKER, T.DUPLICATE_NINJA: NINJA}
# How pages, the admin and the exports name an entry's vendor.
VENDOR_NAMES = {NINJA: "NinjaOne", THREATLOCKER: "ThreatLocker"}


def vendor_name(value: Any) -> str | None:
    if value in (None, ""):
        return None
    return VENDOR_NAMES.get(str(value).lower(), str(value))


def last_contact(value: Any) -> dt.datetime | None:
    """An entry's last contact as an aware datetime (naive ones are taken as UTC); None when absent or bad."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        parsed = value
    else:
        try:
            parsed = dt.datetime.fromisoformat(str(value))
        except ValueError:
            return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def entries(details: dict | None, type_code: str | None = None) -> list[dict]:
    """The entries of `details` with every key of ENTRY_KEYS filled, in their stored order (newest first).

    `type_code` (the exception's type) supplies the vendor of old entries. The
    console URL is built from the current settings when the vendor and device
    id are known, so a changed `ESINV_*_CONSOLE_URL` applies without a new
    reconciliation.
    """
    raw = (details or {}).get("entries") if isinstance(details, dict) else None
    if not isinstance(raw, list):
        return []
    fallback_vendor = VENDOR_OF_TYPE.get(type_code)
    templates: dict[str, str] = {}
    result = []
    for item in raw:
        if not isinstance(item, dict):
            continue
        entry = {key: item.get(key, default) for key, default in ENTRY_DEFAULTS.items()}
        for key, default in ENTRY_DEFAULTS.items():
            if entry[key] is None and default is not None:
                entry[key] = default
        entry["vendor"] = entry["vendor"] or fallback_vendor
        entry["stale"] = bool(entry["stale"])
        vendor, device_id = entry["vendor"], entry["vendor_device_id"]
        if vendor and device_id:
            if vendor not in templates:
                templates[vendor] = console_template(vendor)
            entry["console_url"] = console_url(vendor, device_id, templates[vendor])
        result.append(entry)
    return result
