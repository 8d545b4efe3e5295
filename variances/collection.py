"""The reconciliation that follows a collection batch.

Registered from `VariancesConfig.ready()` as the collectors' after-batch hook (collectors/registry.py,
`register_batch_hook`), so `collectors` never imports this app. Importing `collectors.models` here is the one
sibling import variances needs: the hook answers with the batch's cross-vendor status vocabulary and reads its
jobs' statuses (docs/collectors.md, "After a batch").
"""
import logging

from collectors.models import CollectorBatch, CrossVendorStatus, RunStatus
from inventory.models import Snapshot, Vendor

log = logging.getLogger(__name__)

INVENTORY_VENDORS = {Vendor.NINJA: "NinjaOne", Vendor.THREATLOCKER: "ThreatLocker"}


def missing_vendors(day, *, exclude=()) -> list[str]:
    """Names of the inventory vendors (other than `exclude`, the ones just collected) without a snapshot for
    `day`: reconciliation needs both."""
    return [name for vendor_id, name in INVENTORY_VENDORS.items()
            if vendor_id not in exclude
            and not Snapshot.objects.filter(vendor_id=vendor_id, snapshot_date=day).exists()]


def _describe(result) -> str:
    if result is None:
        return ""
    for attr in ("summary", "counts"):
        value = getattr(result, attr, None)
        if value:
            return f"{attr}: {value}"
    if isinstance(result, dict):
        return str(result)
    pk = getattr(result, "pk", None)
    return f"run {pk}" if pk is not None else str(result)


def reconcile_batch(batch: CollectorBatch) -> tuple[str, str]:
    """Reconcile the batch's date when its inventory collectors all succeeded; (status, message) for the batch.

    A batch without an inventory collector (ConnectWise alone) neither feeds nor blocks reconciliation."""
    from variances.services import reconcile_day

    jobs = list(batch.jobs.values_list("vendor_id", "status"))
    inventory_statuses = [status for vendor_id, status in jobs if vendor_id in INVENTORY_VENDORS]
    if not inventory_statuses:
        return CrossVendorStatus.SKIPPED, "Not run: no inventory collector in this batch."
    if any(status != RunStatus.COMPLETED for status in inventory_statuses):
        return CrossVendorStatus.SKIPPED, "Not run: not every collector succeeded."
    collected = {vendor_id for vendor_id, _ in jobs}
    missing = missing_vendors(batch.snapshot_date, exclude=collected)
    if missing:  # one vendor run alone for a day the other has not collected: nothing to reconcile yet
        return CrossVendorStatus.SKIPPED, f"Not run: no {' or '.join(missing)} snapshot for {batch.snapshot_date}."
    try:
        result = reconcile_day(batch.snapshot_date, triggered_by=f"collectors:{batch.batch_id}")
    except Exception as exc:
        log.exception("reconciliation of %s failed", batch.snapshot_date)
        return CrossVendorStatus.FAILED, f"Reconciliation failed: {exc.__class__.__name__}: {exc}"
    description = _describe(result)
    suffix = f" ({description})" if description else ""
    return CrossVendorStatus.COMPLETED, f"Reconciled {batch.snapshot_date}{suffix}"
