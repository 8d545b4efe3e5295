"""What happens after collections: the Windows 11 assessment schedule and cross-vendor reconciliation."""
import inspect
import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from collectors.models import CollectorBatch, CrossVendorStatus

log = logging.getLogger(__name__)

WINDOWS11_FUNC = "inventory.windows11.tasks.assess_windows11"
WINDOWS11_SCHEDULE_NAME = "windows11-after-ninja"


def schedule_windows11_assessment(job=None, *, now=None):
    """One pending one-off django-q2 schedule of the Windows 11 assessment,
    ESINV_WIN11_DELAY_MINUTES from now. A newer NinjaOne collection moves the
    pending one later instead of adding a second."""
    from django_q.models import Schedule

    next_run = (now or timezone.now()) + timedelta(minutes=settings.ESINV_WIN11_DELAY_MINUTES)
    with transaction.atomic():
        pending = list(
            Schedule.objects.select_for_update().filter(func=WINDOWS11_FUNC, schedule_type=Schedule.ONCE)
            .exclude(repeats=0).order_by("id")
        )
        if pending:
            schedule = pending[0]
            Schedule.objects.filter(pk__in=[s.pk for s in pending[1:]]).delete()
            schedule.next_run = next_run
            schedule.save(update_fields=["next_run"])
        else:
            schedule = Schedule.objects.create(
                name=WINDOWS11_SCHEDULE_NAME, func=WINDOWS11_FUNC, schedule_type=Schedule.ONCE, repeats=-1,
                next_run=next_run,
            )
    log.info("Windows 11 assessment scheduled for %s", next_run.isoformat())
    return schedule


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


def missing_vendors(day, *, exclude=()) -> list[str]:
    """Names of the inventory vendors (other than `exclude`, the ones just collected) without a snapshot for
    `day`: reconciliation needs both."""
    from inventory.models import Snapshot, Vendor

    return [name for vendor_id, name in ((Vendor.NINJA, "NinjaOne"), (Vendor.THREATLOCKER, "ThreatLocker"))
            if vendor_id not in exclude
            and not Snapshot.objects.filter(vendor_id=vendor_id, snapshot_date=day).exists()]


def reconcile_batch(batch: CollectorBatch) -> tuple[str, str]:
    """Run the variances reconciliation for the batch's date; (status, message) to record on the batch."""
    try:
        from variances.services import reconcile_day
    except ImportError as exc:
        return CrossVendorStatus.UNAVAILABLE, f"Reconciliation is not available: {exc}"
    collected = set(batch.jobs.values_list("vendor_id", flat=True))
    missing = missing_vendors(batch.snapshot_date, exclude=collected)
    if missing:  # one vendor run alone for a day the other has not collected: nothing to reconcile yet
        return CrossVendorStatus.SKIPPED, f"Not run: no {' or '.join(missing)} snapshot for {batch.snapshot_date}."
    kwargs = {}
    if "triggered_by" in inspect.signature(reconcile_day).parameters:
        kwargs["triggered_by"] = f"collectors:{batch.batch_id}"
    try:
        result = reconcile_day(batch.snapshot_date, **kwargs)
    except Exception as exc:
        log.exception("reconciliation of %s failed", batch.snapshot_date)
        return CrossVendorStatus.FAILED, f"Reconciliation failed: {exc.__class__.__name__}: {exc}"
    description = _describe(result)
    suffix = f" ({description})" if description else ""
    return CrossVendorStatus.COMPLETED, f"Reconciled {batch.snapshot_date}{suffix}"
