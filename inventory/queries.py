"""Shared read queries over snapshots."""
from datetime import date

from django.db.models import Max

from inventory.models import Snapshot, Vendor


def latest_snapshot_date(vendor_id: int, on_or_before: date | None = None) -> date | None:
    """A vendor's latest snapshot date (at most `on_or_before` when given): an index lookup on
    the (vendor, snapshot_date, ...) prefix of the snapshot's unique index."""
    rows = Snapshot.objects.filter(vendor_id=vendor_id)
    if on_or_before is not None:
        rows = rows.filter(snapshot_date__lte=on_or_before)
    return rows.aggregate(d=Max("snapshot_date"))["d"]


def latest_snapshot_dates(vendor_ids=(Vendor.NINJA, Vendor.THREATLOCKER)) -> dict[int, date | None]:
    """Each vendor's latest snapshot date; one indexed lookup per vendor."""
    return {vendor_id: latest_snapshot_date(vendor_id) for vendor_id in vendor_ids}


def latest_snapshots():
    """Rows of each vendor's latest day (the 'current' inventory)."""
    dates = latest_snapshot_dates()
    queryset = Snapshot.objects.none()
    for vendor_id, day in dates.items():
        if day is not None:
            queryset = queryset | Snapshot.objects.filter(vendor_id=vendor_id, snapshot_date=day)
    return queryset
