"""An exception's `details` JSON as staff read it on its admin page: labelled key/value rows, and for a
duplicate one small table per copy. Plain functions returning safe HTML (every value escaped), testable
without HTTP.

Duplicate entries come in two shapes (docs/variances.md): exceptions written before the duplicates carried
their distinguishing fields have entries with only `hostname`, `display_name` and `organization`; newer ones
also carry the vendor's device id, site, last contact, OS, agent version, console URL and a `stale` flag.
`duplicate_entries` reads both with every key present (a dash where a value is missing).
"""
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from variances import duplicates

DASH = "–"

# The details' keys in the order shown, with their labels; keys not named here follow, humanised.
LABELS = {
    "hostname": "Device key",
    "ninja_hostname": "NinjaOne hostname",
    "threatlocker_hostname": "ThreatLocker hostname",
    "ninja_display_name": "NinjaOne display name",
    "threatlocker_display_name": "ThreatLocker display name",
    "ninja_note": "NinjaOne note",
    "threatlocker_note": "ThreatLocker note",
    "organization": "Client",
    "ninja_organization": "NinjaOne client",
    "threatlocker_organization": "ThreatLocker client",
    "billing_status": "Billing status",
    "count": "Copies",
}

# One copy of a duplicate: its keys (the shared contract's), in the order shown, with their labels.
ENTRY_LABELS = {
    "vendor": "Vendor",
    "vendor_device_id": "Vendor device id",
    "hostname": "Hostname",
    "display_name": "Display name",
    "organization": "Client",
    "site": "Site / location",
    "last_contact": "Last contact",
    "os": "Operating system",
    "agent_version": "Agent version",
    "console_url": "Console",
    "stale": "Stale copy",
}


def duplicate_entries(details: dict | None, type_code: str | None = None) -> list[dict]:
    """Each copy of a duplicate with every key of the contract present (the one reader, variances.duplicates)."""
    return duplicates.entries(details, type_code)


def _label(key: str, labels: dict) -> str:
    return labels.get(key) or key.replace("_", " ").capitalize()


def _value(value) -> SafeString | str:
    """A scalar as text, a list or object as a nested table; None and "" as a dash."""
    if value is None or value == "" or value == [] or value == {}:
        return DASH
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dict):
        return _table(value, {})
    if isinstance(value, list):
        if all(not isinstance(item, dict | list) for item in value):
            return ", ".join(str(_value(item)) for item in value)
        return format_html_join("", "<div>{}</div>", ((_value(item),) for item in value))
    return str(value)


def _table(data: dict, labels: dict, *, skip=(), css="details-table") -> SafeString:
    keys = [k for k in labels if k in data] + [k for k in data if k not in labels]
    rows = format_html_join("", '<tr><th scope="row">{}</th><td>{}</td></tr>',
                            ((_label(k, labels), _value(data[k])) for k in keys if k not in skip))
    return format_html('<table class="{}"><tbody>{}</tbody></table>', css, rows)


def _console_link(url) -> SafeString | str:
    if isinstance(url, str) and url.startswith(("https://", "http://")):
        return format_html('<a href="{}" target="_blank" rel="noopener noreferrer">Open in the console</a>', url)
    return _value(url)


def _entry_table(entry: dict) -> SafeString:
    cells = dict(entry)
    cells["vendor"] = duplicates.vendor_name(entry.get("vendor"))
    rows = []
    for key in [*ENTRY_LABELS, *(k for k in entry if k not in ENTRY_LABELS)]:
        value = _console_link(cells.get(key)) if key == "console_url" else _value(cells.get(key))
        rows.append((_label(key, ENTRY_LABELS), value))
    return format_html('<table class="details-table entry"><tbody>{}</tbody></table>',
                       format_html_join("", '<tr><th scope="row">{}</th><td>{}</td></tr>', rows))


def details_html(details: dict | None, type_code: str | None = None) -> SafeString:
    """The readable form of an exception's details: key/value rows, then one table per duplicate copy."""
    details = details if isinstance(details, dict) else {}
    if not details:
        return mark_safe(f'<p class="details-empty">{DASH}</p>')
    parts = [_table(details, LABELS, skip=("entries",))]
    entries = duplicate_entries(details, type_code)
    for number, entry in enumerate(entries, start=1):
        stale = " (stale: older last contact)" if entry.get("stale") else ""
        parts.append(format_html('<h4 class="details-copy">Copy {} of {}{}</h4>{}', number, len(entries), stale,
                                 _entry_table(entry)))
    return mark_safe("".join(parts))
