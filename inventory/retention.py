"""Snapshot retention: daily rows for a window, then only month-end rows.

QBR needs each month's last snapshot forever; everything else older than the
window (ESINV_SNAPSHOT_RETENTION_DAYS) goes. Deletion runs in batches so a
large prune never holds one huge transaction or lock.

Other apps' daily snapshot tables follow the same rule by registering here (`register_table`, from their
AppConfig.ready: inventory imports none of them): billing's Microsoft 365, ConnectWise agreement and measured
quantity tables. A registered table is pruned per group (its `group_field`, e.g. the client: each client keeps its
own month-end day) or as one whole when the table is collected in one piece each day.
"""
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction

from inventory.models import Snapshot


def dates_to_prune(snapshot_dates: Iterable[date], today: date, keep_days: int) -> list[date]:
    """The dates older than the window that are not the last snapshot date of their month."""
    days = set(snapshot_dates)
    cutoff = today - timedelta(days=keep_days)
    month_last: dict[tuple[int, int], date] = {}
    for day in days:
        key = (day.year, day.month)
        if day > month_last.get(key, date.min):
            month_last[key] = day
    keep = set(month_last.values())
    return sorted(day for day in days if day < cutoff and day not in keep)


@dataclass(frozen=True)
class RetainedTable:
    """A daily snapshot table of another app, pruned with the inventory snapshots' window and month-end rule."""

    label: str  # what the summary and the command call it, e.g. "billing.M365Sku"
    model: type  # a model with a `snapshot_date` DateField
    group_field: str | None = None  # e.g. "organization_id": month-ends per group; None: the table's days as one


_TABLES: dict[str, RetainedTable] = {}


def register_table(table: RetainedTable) -> None:
    """Prune `table` with the snapshots (idempotent: registering a label again replaces it)."""
    _TABLES[table.label] = table


def registered_tables() -> list[RetainedTable]:
    return list(_TABLES.values())


def _delete_batched(model, rows, batch_size: int, dry_run: bool) -> int:
    if dry_run:
        return rows.count()
    deleted = 0
    while True:
        ids = list(rows.values_list("id", flat=True)[:batch_size])
        if not ids:
            return deleted
        with transaction.atomic():
            deleted += model.objects.filter(id__in=ids).delete()[0]


def prune_table(table: RetainedTable, today: date, keep_days: int, batch_size: int = 5000,
                dry_run: bool = False) -> tuple[int, list[date]]:
    """Delete a registered table's prunable rows; returns the count and the days pruned (in any group)."""
    model = table.model
    group_days: dict[object, list[date]] = {}
    if table.group_field:
        for group, day in model.objects.values_list(table.group_field, "snapshot_date").distinct():
            group_days.setdefault(group, []).append(day)
    else:
        group_days[None] = list(model.objects.values_list("snapshot_date", flat=True).distinct())
    deleted, pruned_days = 0, set()
    for group, days in group_days.items():
        for day in dates_to_prune(days, today, keep_days):
            rows = model.objects.filter(snapshot_date=day)
            if table.group_field:
                rows = rows.filter(**{table.group_field: group})
            deleted += _delete_batched(model, rows, batch_size, dry_run)
            pruned_days.add(day)
    return deleted, sorted(pruned_days)


def prune_snapshots(today: date, keep_days: int, batch_size: int = 5000, dry_run: bool = False) -> dict:
    """Delete prunable snapshot rows per vendor, then the registered tables' rows; returns counts by vendor id and
    the dates pruned, and under "tables" each registered table's {"deleted": n, "dates": [...]}."""
    summary: dict = {"deleted": {}, "dates": {}, "tables": {}}
    vendor_dates: dict[int, list[date]] = {}
    for vendor_id, day in Snapshot.objects.values_list("vendor_id", "snapshot_date").distinct():
        vendor_dates.setdefault(vendor_id, []).append(day)
    for vendor_id, days in sorted(vendor_dates.items()):
        prunable = dates_to_prune(days, today, keep_days)
        summary["dates"][vendor_id] = [d.isoformat() for d in prunable]
        deleted = 0
        for day in prunable:
            rows = Snapshot.objects.filter(vendor_id=vendor_id, snapshot_date=day)
            deleted += _delete_batched(Snapshot, rows, batch_size, dry_run)
        summary["deleted"][vendor_id] = deleted
    for table in registered_tables():
        deleted, days = prune_table(table, today, keep_days, batch_size=batch_size, dry_run=dry_run)
        summary["tables"][table.label] = {"deleted": deleted, "dates": [d.isoformat() for d in days]}
    return summary

