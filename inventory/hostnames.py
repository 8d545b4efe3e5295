"""The one hostname normalisation, used by every collector, rule and report.

- clean hostname: strip whitespace, cut at the first `|` (display names carry a
  note after a pipe), drop any domain suffix (from the first `.`), keep case.
- canonical key: the clean hostname lower-cased and cut to 15 characters, the
  NetBIOS limit: NinjaOne reports the NetBIOS name, ThreatLocker the full name.
"""
NETBIOS_MAX = 15


def clean_hostname(value: str | None) -> str:
    """`' NOCHI-002062482753.local | note '` -> `'NOCHI-002062482753'`."""
    if not value:
        return ""
    name = value.split("|", 1)[0].strip()
    name = name.split(".", 1)[0].strip()
    return name


def canonical_key(value: str | None) -> str:
    """The matching key: clean, lower-case, at most 15 characters."""
    return clean_hostname(value).lower()[:NETBIOS_MAX]


def split_display_name(value: str | None) -> tuple[str, str]:
    """`'HOST | SPARE - was Maintenance'` -> `('HOST', 'SPARE - was Maintenance')`.

    The part before the first pipe is the name; the rest, trimmed, is the note
    staff compare across vendors. No pipe means no note.
    """
    if not value:
        return "", ""
    name, sep, note = value.partition("|")
    return name.strip(), note.strip() if sep else ""


def display_note(value: str | None) -> str:
    return split_display_name(value)[1]
