"""Whole collections against the simulators: mapping into snapshots, organizations, atomicity, idempotence."""
from datetime import date

import pytest

from collectors import runs, writer
from collectors.models import RunStatus
from collectors.simulators import install_aliases
from inventory.hostnames import canonical_key
from inventory.models import Device, Organization, Snapshot, Vendor

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 20)


def collect(names=None, day=DAY, cross=False):
    batch = runs.start_batch(names, run_cross_vendor=cross, snapshot_date=day, trigger="command", enqueue=False)
    for job in list(batch.jobs.order_by("id")):
        runs.run_job(job.job_id)
    batch.refresh_from_db()
    return batch


def rows(vendor_id, day=DAY):
    return Snapshot.objects.filter(vendor_id=vendor_id, snapshot_date=day)


def test_both_vendors_land_in_the_snapshot(sims, dataset):
    install_aliases(dataset)
    batch = collect()
    assert batch.status == RunStatus.COMPLETED, batch.message
    ninja_rows, tl_rows = dataset.day(0)
    assert rows(Vendor.NINJA).count() == len(ninja_rows)
    assert rows(Vendor.THREATLOCKER).count() == len(tl_rows)
    keys = {canonical_key(r.hostname) for r in tl_rows} | {canonical_key(r.system_name) for r in ninja_rows}
    assert Device.objects.count() == len(keys)
    job = batch.jobs.get(name="ninja")
    assert job.counts["rows_written"] == len(ninja_rows) and job.progress_percent == 100
    assert job.message.startswith("NinjaOne: ") and job.heartbeat_at is not None


def test_mapping_of_a_collected_day(sims, dataset):
    install_aliases(dataset)
    collect()
    ninja = {s.vendor_device_id: s for s in rows(Vendor.NINJA)}
    # Custom fields came through the bulk query.
    with_fields = [r for r in dataset.day(0)[0] if dataset.ninja_custom_fields(r)]
    sample = with_fields[0]
    fields = dataset.ninja_custom_fields(sample)["fields"]
    snap = ninja[str(sample.id)]
    assert snap.tpm_present is (fields["hastpm"] == "true") and snap.tpm_version == fields["tpmversion"]
    assert snap.secure_boot_capable is (fields["securebootavailable"] == "true")
    assert snap.cpu_model and snap.memory_bytes and snap.last_contact is not None or sample.machine.missing
    # NetBIOS truncation: a long ThreatLocker name and NinjaOne's 15 characters share one device.
    long_names = [m for m in dataset.machines if len(m.name) > 15 and m.plant is None and m.ninja and m.tl
                  and m.enrolled > 100]
    machine = long_names[0]
    tl_snap = rows(Vendor.THREATLOCKER).get(canonical_key=canonical_key(machine.name))
    ninja_snap = rows(Vendor.NINJA).get(canonical_key=canonical_key(machine.name))
    assert tl_snap.device_id == ninja_snap.device_id and len(ninja_snap.hostname) == 15
    assert tl_snap.clean_hostname == machine.name
    # Spares, internal organization, classes.
    assert rows(Vendor.NINJA).filter(is_spare=True, billing_status="spare").exists()
    internal = rows(Vendor.NINJA).filter(organization_id=Organization.MSP_ID)
    assert internal.exists() and set(internal.values_list("billing_status", flat=True)) <= {"internal"}
    assert set(rows(Vendor.NINJA).values_list("device_class", flat=True)) >= {"workstation", "server", "other"}


def test_organizations_match_across_vendors_through_names_case_and_aliases(sims, dataset):
    install_aliases(dataset)
    collect()
    for client in dataset.clients:
        ninja_org = rows(Vendor.NINJA).filter(vendor_org_name=client.ninja_name).values_list(
            "organization_id", flat=True).first()
        tl_org = rows(Vendor.THREATLOCKER).filter(vendor_org_name=client.tl_name).values_list(
            "organization_id", flat=True).first()
        if ninja_org and tl_org:
            assert ninja_org == tl_org, client
    # No organization was made for a name that has an alias.
    for names in dataset.aliases.values():
        assert not Organization.objects.filter(name__in=names).exists()


def test_rerunning_a_day_replaces_it(sims, dataset):
    collect(["ninja"])
    first = set(rows(Vendor.NINJA).values_list("id", flat=True))
    batch = collect(["ninja"])
    second = set(rows(Vendor.NINJA).values_list("id", flat=True))
    assert batch.jobs.get().counts["rows_replaced"] == len(first)
    assert len(second) == len(first) and not first & second


def test_failed_fetch_leaves_the_previous_day_untouched(sims, settings):
    collect(["ninja"])
    before = list(rows(Vendor.NINJA).order_by("id").values_list("id", "hostname"))
    settings.COLLECTORS_HTTP_RETRIES = 1
    # The first devices page is served (a no-op fault takes it), then every later one fails for good.
    sims.ninja.inject("slow", count=1, path="devices-detailed", seconds=0)
    sims.ninja.inject("server_error", count=-1, path="devices-detailed")
    batch = collect(["ninja"])
    job = batch.jobs.get()
    assert job.status == RunStatus.FAILED and batch.status == RunStatus.FAILED
    assert job.message.startswith("NinjaOne GET /v2/devices-detailed failed: server error (HTTP 500")
    assert "gave up after 2 attempts" in job.message
    assert list(rows(Vendor.NINJA).order_by("id").values_list("id", "hostname")) == before


def test_failure_while_writing_rolls_the_day_back(sims, monkeypatch):
    collect(["threatlocker"])
    before = list(rows(Vendor.THREATLOCKER).order_by("id").values_list("id", flat=True))
    real_insert = writer.insert_snapshot_rows

    def insert_then_fail(rows_, constants, batch_size):
        real_insert(rows_[:10], constants, batch_size)  # part of the day is written...
        raise RuntimeError("disk full")  # ...then the database gives up

    monkeypatch.setattr(writer, "insert_snapshot_rows", insert_then_fail)
    batch = collect(["threatlocker"])
    job = batch.jobs.get()
    assert job.status == RunStatus.FAILED and "disk full" in job.message
    assert list(rows(Vendor.THREATLOCKER).order_by("id").values_list("id", flat=True)) == before


def test_a_failed_write_leaves_no_orphan_devices(sims, monkeypatch):
    """Devices are created in the day's transaction: a write that fails creates none."""
    def fail(rows_, constants, batch_size):
        raise RuntimeError("disk full")

    monkeypatch.setattr(writer, "insert_snapshot_rows", fail)
    job = collect(["threatlocker"]).jobs.get()
    assert job.status == RunStatus.FAILED and "disk full" in job.message
    assert not Device.objects.exists() and not Snapshot.objects.exists()


def test_threatlocker_listing_that_changes_is_read_again(sims, dataset):
    sims.threatlocker.inject("page_shift", path="computergetbyallparameters")
    batch = collect(["threatlocker"])
    job = batch.jobs.get()
    assert job.status == RunStatus.COMPLETED and job.counts["listing_restarts"] == 1
    assert rows(Vendor.THREATLOCKER).count() == len(dataset.day(0)[1]) + 1
    assert rows(Vendor.THREATLOCKER).filter(hostname="AAA-NEW-0000").count() == 1


def test_listing_that_never_settles_fails(sims, settings):
    settings.THREATLOCKER_MAX_RESTARTS = 1
    sims.threatlocker.inject("page_shift", count=-1, path="computergetbyallparameters")
    job = collect(["threatlocker"]).jobs.get()
    assert job.status == RunStatus.FAILED and "kept changing" in job.message
    assert not rows(Vendor.THREATLOCKER).exists()


def test_one_vendor_failing_does_not_stop_the_other(sims):
    sims.threatlocker.inject("unauthorized", count=-1)
    batch = collect()
    statuses = dict(batch.jobs.values_list("name", "status"))
    assert statuses == {"ninja": RunStatus.COMPLETED, "threatlocker": RunStatus.FAILED}
    assert batch.status == RunStatus.FAILED and "threatlocker: ThreatLocker" in batch.message
    assert rows(Vendor.NINJA).exists() and not rows(Vendor.THREATLOCKER).exists()


def test_past_days_differ_slightly(sims, dataset):
    sims.set_day(5)
    collect(["threatlocker"], day=date(2026, 11, 15))
    sims.set_day(0)
    collect(["threatlocker"], day=date(2026, 11, 20))
    assert rows(Vendor.THREATLOCKER, date(2026, 11, 15)).count() == len(dataset.day(5)[1])
    assert len(dataset.day(5)[1]) != len(dataset.day(0)[1])
