"""Which report dates exist: days on which both NinjaOne and ThreatLocker have a snapshot."""
from datetime import date

from django.db.models import Max

from inventory.models import Snapshot, Vendor
from inventory.queries import latest_snapshot_date
from variances.models import ReconciliationRun

PAIR = (Vendor.NINJA, Vendor.THREATLOCKER)


def latest_common_date() -> date | None:
    """The latest date both vendors have a snapshot for, or None.

    Walks down from each vendor's latest date (two indexed lookups a step)
    instead of grouping every snapshot row by date.
    """
    ninja, tl = latest_snapshot_date(Vendor.NINJA), latest_snapshot_date(Vendor.THREATLOCKER)
    while ninja is not None and tl is not None:
        if ninja == tl:
            return ninja
        if ninja > tl:
            ninja = latest_snapshot_date(Vendor.NINJA, tl)
        else:
            tl = latest_snapshot_date(Vendor.THREATLOCKER, ninja)
    return None


def has_both_snapshots(day: date) -> bool:
    return all(Snapshot.objects.filter(vendor_id=vendor_id, snapshot_date=day).exists() for vendor_id in PAIR)


def common_dates() -> list[date]:
    """Every date with both snapshots, newest first (one DISTINCT query per vendor)."""
    per_vendor = [
        # order_by(): the model's default ordering would otherwise join the DISTINCT.
        set(Snapshot.objects.filter(vendor_id=vendor_id).order_by().values_list("snapshot_date", flat=True).distinct())
        for vendor_id in PAIR
    ]
    return sorted(per_vendor[0] & per_vendor[1], reverse=True)


def latest_report_date() -> date | None:
    """The latest date that has been reconciled (what reports and status show)."""
    return ReconciliationRun.objects.aggregate(d=Max("report_date"))["d"]


def reconciled_dates() -> list[date]:
    """Every reconciled date, newest first: one DISTINCT over the runs (a row a run), not over the snapshots
    (two rows a device a day), so it stays fast with a year of history."""
    return list(ReconciliationRun.objects.order_by("-report_date").values_list("report_date", flat=True).distinct())


def is_reconciled(day: date) -> bool:
    return ReconciliationRun.objects.filter(report_date=day).exists()


def previous_report_date(day: date) -> date | None:
    """The reconciled date before `day`, or None (what "since yesterday" compares with)."""
    return ReconciliationRun.objects.filter(report_date__lt=day).aggregate(d=Max("report_date"))["d"]
