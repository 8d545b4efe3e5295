"""Snapshot retention: daily rows for a window, then only month-end rows.

QBR needs each month's last snapshot forever; everything else older than the
window (ESINV_SNAPSHOT_RETENTION_DAYS) goes. Deletion runs in batches so a
large prune never holds one huge transaction or lock.
"""
from collections.abc import Iterable
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


def prune_snapshots(today: date, keep_days: int, batch_size: int = 5000, dry_run: bool = False) -> dict:
    """Delete prunable snapshot rows per vendor; returns counts by vendor id and the dates pruned."""
    summary: dict = {"deleted": {}, "dates": {}}
    vendor_dates: dict[int, list[date]] = {}
    for vendor_id, day in Snapshot.objects.values_list("vendor_id", "snapshot_date").distinct():
        vendor_dates.setdefault(vendor_id, []).append(day)
    for vendor_id, days in sorted(vendor_dates.items()):
        prunable = dates_to_prune(days, today, keep_days)
        summary["dates"][vendor_id] = [d.isoformat() for d in prunable]
        deleted = 0
        for day in prunable:
            rows = Snapshot.objects.filter(vendor_id=vendor_id, snapshot_date=day)
            if dry_run:
                deleted += rows.count()
                continue
            while True:
                ids = list(rows.values_list("id", flat=True)[:batch_size])
                if not ids:
                    break
                with transaction.atomic():
                    deleted += Snapshot.objects.filter(id__in=ids).delete()[0]
        summary["deleted"][vendor_id] = deleted
    return summary

