"""Vendor strings with NUL bytes never crash a write (PostgreSQL refuses NUL; CI runs this on both backends)."""
from datetime import date

import pytest

from collectors import runs
from collectors.models import RunStatus
from collectors.simulators import install_aliases
from inventory.models import Device, Organization, Snapshot, Vendor

pytestmark = pytest.mark.django_db
DAY = date(2026, 11, 20)
IGNORED = {"id", "device_id", "organization_id", "collected_at", "created_at", "updated_at"}


def collect():
    batch = runs.start_batch(None, run_cross_vendor=False, snapshot_date=DAY, trigger="command", enqueue=False)
    for job in list(batch.jobs.order_by("id")):
        runs.run_job(job.job_id)
    batch.refresh_from_db()
    return batch


def day_values():
    rows = Snapshot.objects.filter(snapshot_date=DAY).select_related("organization", "device")
    return sorted(
        tuple(sorted((k, str(v)) for k, v in vars(row).items() if not k.startswith("_") and k not in IGNORED))
        + (("organization", row.organization.name if row.organization else ""),
           ("device", row.device.canonical_key))
        for row in rows
    )


def test_nul_bytes_in_vendor_names_are_stripped_and_the_day_is_as_without_them(sims, dataset):
    install_aliases(dataset)
    assert collect().status == RunStatus.COMPLETED
    clean = day_values()
    organizations = sorted(Organization.objects.values_list("name", flat=True))
    for path in ("organizations", "locations", "devices-detailed"):
        sims.ninja.inject("nul_bytes", count=-1, path=path)
    sims.threatlocker.inject("nul_bytes", count=-1, path="/portalapi/")
    batch = collect()
    assert batch.status == RunStatus.COMPLETED, batch.message
    assert all(fault["hits"] for fault in sims.ninja.faults.pending() + sims.threatlocker.faults.pending())
    after = day_values()
    assert after == clean
    assert sorted(Organization.objects.values_list("name", flat=True)) == organizations
    assert not any("\x00" in key for key in Device.objects.values_list("canonical_key", flat=True))
    assert Snapshot.objects.filter(snapshot_date=DAY, vendor_id=Vendor.NINJA).count() == len(dataset.day(0)[0])
