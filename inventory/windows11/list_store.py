"""Microsoft's lists in the database: seeded from the shipped CSV files, refreshed by `import_cpu_list`.

The table (`SupportedProcessor`) is what assessments use. When it is empty —
a new installation, or a test database — the first assessment loads the
shipped files into it, so the lists are in force by default and a refresh
with a newer file from Microsoft survives later runs.
"""
from datetime import date

from django.db import transaction

from inventory.models import SupportedProcessor
from inventory.windows11.microsoft_list import ListEntry, MicrosoftList, read_shipped_entries


def manufacturer_name(raw: str) -> str:
    """"Intel®" → "Intel", "AMD" → "AMD", "Qualcomm®" → "Qualcomm"; anything else without its marks."""
    text = raw.replace("®", "").replace("™", "").replace("(R)", "").replace("(TM)", "").strip()
    for known in ("Intel", "AMD", "Qualcomm"):
        if known.lower() in text.lower():
            return known
    return text


def _row(entry: ListEntry) -> SupportedProcessor:
    return SupportedProcessor(
        manufacturer=manufacturer_name(entry.manufacturer)[:40], series=entry.series[:120], model=entry.model[:120],
        list_date=date.fromisoformat(entry.list_date) if entry.list_date else None, source=entry.source[:255],
    )


def replace_entries(entries: list[ListEntry]) -> tuple[int, int]:
    """Replace the rows of every manufacturer present in `entries`; returns (deleted, inserted)."""
    manufacturers = {manufacturer_name(e.manufacturer) for e in entries}
    with transaction.atomic():
        deleted, _ = SupportedProcessor.objects.filter(manufacturer__in=manufacturers).delete()
        SupportedProcessor.objects.bulk_create([_row(e) for e in entries], batch_size=500)
    return deleted, len(entries)


def seed_shipped_if_empty() -> int:
    """Load the shipped lists when the table is empty; returns the rows inserted (0 when it was not empty)."""
    if SupportedProcessor.objects.exists():
        return 0
    return replace_entries(read_shipped_entries())[1]


def load_microsoft_list() -> MicrosoftList:
    """The lists in force (the database's, seeded from the shipped files when empty)."""
    seed_shipped_if_empty()
    rows = SupportedProcessor.objects.values_list("manufacturer", "series", "model", "source", "list_date")
    return MicrosoftList(ListEntry(m, s, mo, src, d.isoformat() if d else "") for m, s, mo, src, d in rows)
