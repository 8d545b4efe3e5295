"""Writing one vendor's day: devices upserted set-wise and the day replaced, all in one transaction.

`write_day` is only called once the whole vendor fetch has succeeded and the
day passed the checks of `collectors.completeness` (complete, no sudden drop
unless confirmed), so a failed or refused run never reaches it and the
previous rows for that date stay as they were. New devices are created in the
same transaction as the rows that need them: a crash mid-write leaves neither.
Re-running a day replaces it (idempotent).
"""
from datetime import date

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max

from collectors.completeness import SuddenDrop, drop_message
from esinv.bulk import insert_rows, prepared
from inventory.models import Device, Snapshot

# Keys per `IN (...)` lookup: under SQLite's historic 999-variable limit.
LOOKUP_CHUNK = 900

def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _create_devices(keys: list[str], day: date):
    """Insert devices, ignoring keys another collector created meanwhile (the unique key decides)."""
    if connection.vendor == "sqlite":
        # One prepared INSERT OR IGNORE: bulk_create's per-value preparation costs more than the insert.
        table = connection.ops.quote_name(Device._meta.db_table)
        value = connection.ops.adapt_datefield_value(day)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT OR IGNORE INTO {table} (canonical_key, first_seen, last_seen) VALUES (%s, %s, %s)",
                [(key, value, value) for key in keys],
            )
        return
    Device.objects.bulk_create(
        [Device(canonical_key=key, first_seen=day, last_seen=day) for key in keys], batch_size=1000,
        ignore_conflicts=True,
    )


def device_ids_for(keys: set[str], day: date) -> tuple[dict[str, int], int]:
    """Device ids for canonical keys, creating the missing devices; (ids, how many were created)."""
    ids = _existing_device_ids(keys)
    missing = sorted(key for key in keys if key not in ids)
    if missing:
        _create_devices(missing, day)
        ids.update(_existing_device_ids(set(missing)))
    return ids, len(missing)


def _existing_device_ids(keys: set[str]) -> dict[str, int]:
    if len(keys) > 20 * LOOKUP_CHUNK:
        # Most of the fleet: one scan of the (narrow) device table beats dozens of IN lookups.
        return {key: pk for key, pk in Device.objects.values_list("canonical_key", "id").iterator(chunk_size=10000)
                if key in keys}
    ids: dict[str, int] = {}
    ordered = sorted(keys)
    for chunk in _chunks(ordered, LOOKUP_CHUNK):
        ids.update(Device.objects.filter(canonical_key__in=chunk).values_list("canonical_key", "id"))
    return ids


def touch_devices(vendor_id: int, day: date):
    """Move `last_seen` forward and `first_seen` back to `day` for the devices in that vendor's day, set-wise."""
    in_day = Snapshot.objects.filter(vendor_id=vendor_id, snapshot_date=day).values("device_id")
    Device.objects.filter(id__in=in_day, last_seen__lt=day).update(last_seen=day)
    Device.objects.filter(id__in=in_day, first_seen__gt=day).update(first_seen=day)


def dedupe_by_vendor_id(rows: list[dict]) -> list[dict]:
    """One row per vendor device id (the last seen wins): the day's unique key."""
    by_id = {}
    for row in rows:
        by_id[row["vendor_device_id"]] = row
    return list(by_id.values())


SNAPSHOT_FIELDS = [f for f in Snapshot._meta.concrete_fields if not f.primary_key]


def insert_snapshot_rows(rows: list[dict], constants: dict, batch_size: int) -> int:
    """Insert the day's rows (dicts of plain values from the mappers), each completed with `constants`
    (vendor, date), through the hub's one bulk-insert helper (`esinv.bulk`)."""
    names = [f.attname for f in SNAPSHOT_FIELDS]
    fixed = {names.index(name): prepared(Snapshot, name, value) for name, value in constants.items()}
    getters = [(name, f.get_default()) for name, f in zip(names, SNAPSHOT_FIELDS, strict=True)]

    def tuples():
        for row in rows:
            values = [row.get(name, default) for name, default in getters]
            for index, value in fixed.items():
                values[index] = value
            yield values

    return insert_rows(Snapshot, names, tuples(), adapted=frozenset(fixed), chunk_rows=batch_size)


def write_day(vendor_id: int, day: date, rows: list[dict], *, batch_size: int | None = None) -> dict:
    """Replace `vendor_id`'s snapshot for `day` with `rows` in one transaction; returns counts."""
    rows = dedupe_by_vendor_id(rows)
    batch_size = batch_size or settings.COLLECTORS_WRITE_BATCH_SIZE
    with transaction.atomic():
        ids, created = device_ids_for({row["canonical_key"] for row in rows}, day)
        for row in rows:
            row["device_id"] = ids[row["canonical_key"]]
        # Nothing references snapshot rows, so Django deletes them in one statement.
        replaced, _ = Snapshot.objects.filter(vendor_id=vendor_id, snapshot_date=day).delete()
        insert_snapshot_rows(rows, {"vendor_id": vendor_id, "snapshot_date": day}, batch_size)
        touch_devices(vendor_id, day)
    return {"rows_written": len(rows), "rows_replaced": replaced or 0, "devices_created": created}


def previous_day_count(vendor_id: int, day: date) -> tuple[date | None, int]:
    """The vendor's latest snapshot date before `day` and its row count ((None, 0) without one)."""
    before = Snapshot.objects.filter(vendor_id=vendor_id, snapshot_date__lt=day)
    latest = before.aggregate(latest=Max("snapshot_date"))["latest"]
    if latest is None:
        return None, 0
    return latest, Snapshot.objects.filter(vendor_id=vendor_id, snapshot_date=latest).count()


def check_drop(vendor: str, noun: str, vendor_id: int, day: date, count: int, *, confirmed: bool):
    """Raise SuddenDrop when `count` falls too far below the vendor's previous day (unless staff confirmed)."""
    if confirmed:
        return
    previous_day, previous = previous_day_count(vendor_id, day)
    message = drop_message(vendor, noun, count, previous, previous_day, settings.COLLECTORS_MAX_DROP_PERCENT)
    if message:
        raise SuddenDrop(vendor, message)


def collect_day(ctx, client, fetch_rows, vendor_id: int, noun: str) -> dict:
    """A vendor collector's whole run: fetch every row through `client`, check the day, then replace it.

    Nothing is written unless the fetch completed and the day passed its checks; the client is closed either way.
    """
    try:
        rows, counts = fetch_rows(client, ctx)
        rows = dedupe_by_vendor_id(rows)
        check_drop(client.vendor, noun, vendor_id, ctx.snapshot_date, len(rows),
                   confirmed=getattr(ctx, "confirm_drop", False))
        ctx.checkpoint(88, f"{client.vendor}: writing {len(rows)} {noun} for {ctx.snapshot_date}")
        counts.update(write_day(vendor_id, ctx.snapshot_date, rows))
        counts["http_calls"] = client.calls
        return counts
    finally:
        client.close()
