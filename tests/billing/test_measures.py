"""Measured quantities (billing/measures.py) end to end: NinjaOne, ThreatLocker and Microsoft 365 collected on the
simulators of one MSP, the numbers the simulators planted, stable codes, the after-batch hook (a failed job
leaves only its source unmeasured), idempotent re-runs, the ids behind each count."""
from datetime import date, timedelta

import pytest
from django.core.management import call_command

from billing import measures
from billing.models import M365Tenant, M365UserDefinition, MeasuredQuantity
from collectors import registry, runs
from collectors.models import RunStatus
from collectors.simulators import install_aliases
from collectors.simulators.connectwise import measured_counts
from inventory.classification import DeviceClass
from inventory.models import Organization, Snapshot, Vendor

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 20)


def collect(names, day=DAY, cross=False):
    batch = runs.start_batch(names, run_cross_vendor=cross, snapshot_date=day, trigger="command", enqueue=False)
    for job in list(batch.jobs.order_by("id")):
        runs.run_job(job.job_id)
    batch.refresh_from_db()
    return batch


def stored(day=DAY) -> dict:
    return {(m.organization.name, m.code): m for m in MeasuredQuantity.objects.filter(snapshot_date=day)
            .select_related("organization")}


@pytest.fixture
def collected(inventory_sims, m365, tenants, msp):
    """NinjaOne, ThreatLocker and Microsoft 365 of one MSP collected for DAY in one batch (no cross-vendor step)."""
    install_aliases(msp)
    batch = collect(["ninja", "threatlocker", "microsoft365"])
    assert batch.status == RunStatus.COMPLETED, batch.message
    return batch


def test_codes_are_stable():
    assert list(measures.CODES) == ["ninja_seats", "ninja_endpoints", "ninja_servers", "threatlocker_devices",
                                    "m365_users"]
    assert measures.sku_code("SPB") == "m365_sku:SPB"
    assert registry.BatchHook("billing_measures", "billing.measures.measure_batch", every_batch=True) in \
        registry.batch_hooks()


@pytest.mark.parametrize("code, known", [
    ("ninja_seats", True), ("m365_users", True), ("m365_sku:SPB", True), ("m365_sku:O365_BUSINESS_PREMIUM", True),
    ("m365_sku:", False), ("m365_sku:SP B", False), ("ninja_seat", False), ("", False), ("NINJA_SEATS", False),
    ("m365_sku:" + "X" * 200, False), ("m365_sku:A\x00", False),
])
def test_known_codes(code, known):
    assert measures.is_known_code(code) is known


@pytest.mark.parametrize("device_class, spare, internal, codes", [
    (DeviceClass.WORKSTATION, False, False, ("ninja_seats", "ninja_endpoints")),
    (DeviceClass.SERVER, False, False, ("ninja_servers", "ninja_endpoints")),
    (DeviceClass.WORKSTATION, True, False, ()),
    (DeviceClass.SERVER, False, True, ()),
    (DeviceClass.VIRTUALIZATION_HOST, False, False, ()),
    (DeviceClass.OTHER, False, False, ()),
])
def test_a_device_counts_by_the_qbr_rules(device_class, spare, internal, codes):
    assert measures.ninja_device_codes(device_class, spare, internal) == codes


def test_measured_numbers_are_what_the_simulators_planted(collected, msp, graph_data, tenants):
    rows = stored()
    planted = measured_counts(msp)
    checked = 0
    for client in msp.clients:
        if client.internal:
            continue
        counts = planted[client.index]
        name = client.ninja_name
        assert rows[(name, "ninja_seats")].quantity == counts["seats"], name
        assert rows[(name, "ninja_servers")].quantity == counts["servers"], name
        assert rows[(name, "ninja_endpoints")].quantity == counts["seats"] + counts["servers"], name
        if counts["threatlocker"]:
            assert rows[(name, "threatlocker_devices")].quantity == counts["threatlocker"], name
        checked += 1
    assert checked >= 5
    for tenant_id, tenant in tenants.items():
        expected = graph_data.expected(tenant_id)
        name = tenant.organization.name
        # The default user definition (2): every licensed user, enabled or not.
        users = rows[(name, "m365_users")]
        assert users.quantity == expected["licensed"] and users.detail["user_definition"] == "licensed"
        for part, (bought, consumed) in expected["skus"].items():
            row = rows[(name, f"m365_sku:{part}")]
            assert (row.quantity, row.detail["bought"]) == (consumed, bought), (name, part)
            assert len(row.detail["ids"]) == consumed  # the users holding it
    # The internal organization's seats are measured as none (never billable), its ThreatLocker devices counted.
    msp_org = Organization.objects.get(pk=Organization.MSP_ID)
    assert rows[(msp_org.name, "ninja_seats")].quantity == 0


def test_detail_carries_the_ids_behind_each_count(collected, tenants):
    row = MeasuredQuantity.objects.filter(code="ninja_seats", quantity__gt=0).select_related("organization").first()
    keys = set(Snapshot.objects.filter(vendor_id=Vendor.NINJA, snapshot_date=DAY, organization=row.organization,
                                       device_class="workstation", billing_status="billable")
               .values_list("canonical_key", flat=True))
    assert set(row.detail["ids"]) == keys and row.detail["total"] == row.quantity == len(keys)
    assert row.detail["truncated"] is False
    assert measures.measured_items(row.organization_id, DAY, "ninja_seats") == sorted(keys)
    for code in ("ninja_endpoints", "threatlocker_devices", "m365_users"):
        for m in MeasuredQuantity.objects.filter(code=code):
            assert measures.measured_items(m.organization_id, DAY, code) == m.detail["ids"], (code, m)
    sku = MeasuredQuantity.objects.filter(code__startswith="m365_sku:").first()
    assert measures.measured_items(sku.organization_id, DAY, sku.code) == sku.detail["ids"]
    assert measures.measured_items(sku.organization_id, DAY, "nonsense") == []


def test_detail_keeps_at_most_n_ids():
    m = measures.Measure(1, "ninja_seats", ids=["c", "a", "b"])
    assert m.detail(limit=2) == {"total": 3, "ids": ["a", "b"], "truncated": True}
    assert m.detail(limit=3) == {"total": 3, "ids": ["a", "b", "c"], "truncated": False}


def test_the_user_definition_of_a_client_is_used(collected, tenants, graph_data):
    tenant_id, tenant = next(iter(tenants.items()))
    M365Tenant.objects.filter(pk=tenant.pk).update(user_definition=M365UserDefinition.MAILBOX,
                                                   user_definition_reviewed=True)
    measures.measure_day(DAY)
    row = MeasuredQuantity.objects.get(snapshot_date=DAY, organization=tenant.organization, code="m365_users")
    expected = graph_data.expected(tenant_id)
    assert expected["mailboxes"] != expected["licensed"]  # the simulator plants both kinds
    assert row.quantity == expected["mailboxes"] and row.detail["user_definition"] == "mailbox"


def test_a_re_run_replaces_the_day_and_other_days_stay(collected):
    before = {(m.organization_id, m.code): (m.quantity, m.detail) for m in MeasuredQuantity.objects.all()}
    other = MeasuredQuantity.objects.create(snapshot_date=date(2026, 11, 19), organization_id=Organization.MSP_ID,
                                            code="ninja_seats", quantity=4)
    MeasuredQuantity.objects.filter(snapshot_date=DAY).update(quantity=999)
    MeasuredQuantity.objects.create(snapshot_date=DAY, organization_id=Organization.MSP_ID, code="m365_sku:GONE",
                                    quantity=3)
    written = measures.measure_day(DAY)
    assert written == len(before)
    after = {(m.organization_id, m.code): (m.quantity, m.detail) for m in MeasuredQuantity.objects.filter(
        snapshot_date=DAY)}
    assert after == before
    assert MeasuredQuantity.objects.filter(pk=other.pk, quantity=4).exists()
    call_command("measure_billing", "--date", DAY.isoformat())
    assert MeasuredQuantity.objects.filter(snapshot_date=DAY).count() == len(before)


def test_the_batch_hook_measures_a_completed_batch_also_without_the_cross_vendor_step(collected):
    assert MeasuredQuantity.objects.filter(snapshot_date=DAY, code="m365_users").exists()
    assert MeasuredQuantity.objects.filter(snapshot_date=DAY, code="ninja_seats").exists()
    assert not collected.run_cross_vendor and collected.cross_vendor_status == "not_requested"


def test_a_failed_job_leaves_only_its_source_unmeasured(inventory_sims, m365, tenants, msp, monkeypatch, caplog):
    """ThreatLocker fails: its day is not stored, so it has no measures that day (no zeros); NinjaOne, which
    stored its day in the same batch, is measured. The log names the source not measured."""
    install_aliases(msp)
    collect(["ninja", "threatlocker"], day=DAY - timedelta(days=1))  # ThreatLocker in use before DAY
    monkeypatch.setattr("collectors.threatlocker_collector.run", _boom)
    with caplog.at_level("WARNING", logger="billing.measures"):
        batch = collect(["ninja", "threatlocker"])
    assert batch.status == RunStatus.FAILED
    assert batch.jobs.get(name="threatlocker").status == RunStatus.FAILED  # the failed job keeps its failure
    codes = set(MeasuredQuantity.objects.filter(snapshot_date=DAY).values_list("code", flat=True))
    assert "ninja_seats" in codes and "threatlocker_devices" not in codes
    assert [m.source for m in measures.unmeasured_sources(DAY)] == ["threatlocker"]
    assert "ThreatLocker (no day stored): ThreatLocker collection failed: RuntimeError: vendor down" in caplog.text
    # Once ThreatLocker stores the day, it is measured too and nothing is missing.
    monkeypatch.undo()
    assert collect(["threatlocker"]).status == RunStatus.COMPLETED
    assert MeasuredQuantity.objects.filter(snapshot_date=DAY, code="threatlocker_devices").exists()
    assert measures.unmeasured_sources(DAY) == []


def test_a_failed_ninja_job_measures_no_ninja_codes_and_never_yesterdays(inventory_sims, msp, monkeypatch):
    """NinjaOne's day failed, its previous day is kept in the snapshots: the day has no NinjaOne measures at all
    (not 0 seats, not the previous day's seats)."""
    install_aliases(msp)
    before = DAY - timedelta(days=1)
    assert collect(["ninja", "threatlocker"], day=before).status == RunStatus.COMPLETED
    monkeypatch.setattr("collectors.ninja_collector.run", _boom)
    assert collect(["ninja", "threatlocker"]).status == RunStatus.FAILED
    assert Snapshot.objects.filter(vendor_id=Vendor.NINJA, snapshot_date=before).exists()  # previous day kept
    codes = set(MeasuredQuantity.objects.filter(snapshot_date=DAY).values_list("code", flat=True))
    assert codes == {"threatlocker_devices"}
    missing = measures.unmeasured_sources(DAY)
    assert [(m.source, m.detail) for m in missing] == [("ninja", "no day stored")]
    assert "vendor down" in missing[0].reason


def test_a_cross_vendor_batch_keeps_the_reconciliation_status(inventory_sims, msp):
    install_aliases(msp)
    batch = collect(["ninja", "threatlocker"], cross=True)
    assert batch.status == RunStatus.COMPLETED
    assert batch.cross_vendor_status == "completed", batch.cross_vendor_message  # not overwritten by the measures
    assert MeasuredQuantity.objects.filter(snapshot_date=DAY, code="threatlocker_devices").exists()


def test_a_day_without_snapshots_measures_nothing():
    assert measures.measure_day(DAY) == 0


def _boom(context):
    raise RuntimeError("vendor down")
