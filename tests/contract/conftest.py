"""Data and a client for the contract suite: one seeded MSP that every reference example can be asked about."""
from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from rest_framework.test import APIClient

from inventory.models import Vendor
from inventory.windows11.engine import GIB
from tests import factories

N, TL = Vendor.NINJA, Vendor.THREATLOCKER
# The reference's example dates: a historical day and a QBR month (its last day holds the snapshot).
HISTORICAL_DAY = date(2025, 10, 1)
QBR_MONTH_END = date(2025, 11, 30)

WIN11_FACTS = dict(
    cpu_model="Intel(R) Core(TM) i5-8250U CPU @ 1.60GHz", cpu_logical_cores=8, cpu_max_clock_mhz=1800,
    memory_bytes=8 * GIB, system_volume_bytes=256 * GIB, os_name="Windows 10 Pro", os_architecture="64-bit",
    os_build="19045", os_release_id="22H2", tpm_present=True, tpm_enabled=True, tpm_version="2.0, 1.38, 0",
    secure_boot_capable=True, secure_boot=True, manufacturer="Dell Inc.", model="Latitude 5490",
    last_update=datetime(2025, 9, 30, 22, 15, tzinfo=UTC),
)


def seed_day(day):
    """Both vendors on one day, with every kind of exception the reference names, then reconciled."""
    from variances.services import reconcile_day

    # The reference's hostname example: one device, NetBIOS-truncated in NinjaOne, spare there, still in TL.
    factories.snapshot(N, "NOCHI-002062482", day=day,
                       display_name="NOCHI-002062482753 | SPARE - was Maintenance (at ES)", **WIN11_FACTS)
    factories.snapshot(TL, "NOCHI-002062482753.local", day=day, display_name="NOCHI-002062482753 | Maintenance")
    factories.snapshot(N, "WS-BOTH", day=day, **WIN11_FACTS)
    factories.snapshot(TL, "WS-BOTH.corp.local", day=day)
    factories.snapshot(N, "OLD-TPM", day=day, org="Beta LLC", **{**WIN11_FACTS, "tpm_version": "1.2"})
    factories.snapshot(TL, "OLD-TPM", day=day, org="Beta LLC")
    factories.snapshot(N, "SRV-1", day=day, node_class="WINDOWS_SERVER")  # missing in ThreatLocker
    factories.snapshot(TL, "ORPHAN", day=day, org="Organization A")  # missing in NinjaOne
    factories.snapshot(TL, "DUP-1", day=day)  # ThreatLocker duplicate
    factories.snapshot(TL, "dup-1.corp.local", day=day)
    factories.snapshot(N, "NDUP-1", day=day)  # NinjaOne duplicate
    factories.snapshot(N, "NDUP-1", day=day, location="Branch")
    factories.snapshot(TL, "NDUP-1", day=day)
    factories.snapshot(N, "NAME-1", day=day, display_name="NAME-1 | Front desk")  # display-name mismatch
    factories.snapshot(TL, "NAME-1", day=day, display_name="NAME-1 | Reception")
    reconcile_day(day)


@pytest.fixture
def msp(db):
    """Today and the reference's historical day reconciled, a Windows 11 assessment, a QBR month, a collector batch."""
    from collectors.models import CollectorBatch, CollectorJob, RunStatus
    from inventory.windows11.service import run_assessment
    from qbr.services import record_collected_metric, record_manual_metric

    today = timezone.localdate()
    for day in (HISTORICAL_DAY, today - timedelta(days=1), today):  # in order, as the daily runs would
        seed_day(day)
    run_assessment()
    now = timezone.now()
    batch = CollectorBatch.objects.create(snapshot_date=today, status=RunStatus.FAILED, started_at=now, ended_at=now)
    CollectorJob.objects.create(
        batch=batch, name="ninja", job_name="ninja-collector", vendor_id=N, status=RunStatus.FAILED,
        message="400 Client Error: Bad Request", error="http", snapshot_date=today, started_at=now, ended_at=now,
    )
    factories.snapshot(N, "CHILL-1", day=QBR_MONTH_END, org="ChillCo Inc.")
    factories.snapshot(N, "CHILL-SRV", day=QBR_MONTH_END, org="ChillCo Inc.", node_class="WINDOWS_SERVER")
    for period in ("2025-10", "2025-11", "2025-12"):
        record_collected_metric(period, 1, N, "seats_managed", 530)
        record_collected_metric(period, 1, N, "endpoints_managed", 579)
        record_manual_metric(period, 1, None, "reactive_tickets_created", 125, actor="contract")
        record_manual_metric(period, 1, None, "reactive_tickets_closed", 120, actor="contract")
        record_manual_metric(period, 1, None, "total_revenue", 200000, actor="contract")
        record_manual_metric(period, 1, None, "csat_score", 4.2, actor="contract")
        record_manual_metric(period, 1, None, "first_call_resolution_pct", 78.5, actor="contract")
    return today


@pytest.fixture
def dashboard(db, django_user_model, settings):
    """A signed-in person with every grant the reference's dashboard needs: staff (inventory, writes) and QBR editor."""
    user = django_user_model.objects.create_user("dashboard", "user@enersystems.com", "pw-Strong-123",
                                                 is_staff=True, first_name="User", last_name="Name")
    user.groups.add(Group.objects.get(name=settings.QBR_EDITOR_GROUP))
    client = APIClient()
    client.force_login(user)
    return client
