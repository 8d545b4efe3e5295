"""Billing's daily tables are pruned with the inventory snapshots (inventory.retention, registered from
billing.apps): the same window, each month's last day kept (per client for the per-client tables), batched;
variances and their events stay."""
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from billing.models import (
    BillingVariance,
    BillingVarianceEvent,
    CWAgreement,
    CWAgreementAddition,
    M365Sku,
    M365User,
    MeasuredQuantity,
)
from inventory.models import Snapshot, Vendor
from inventory.retention import prune_snapshots, registered_tables
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 23)
AUG_10, AUG_20, AUG_25 = date(2025, 8, 10), date(2025, 8, 20), date(2025, 8, 25)


def plant(org, day, n=0):
    M365Sku.objects.create(snapshot_date=day, organization=org, sku_id=f"sku-{n}", sku_part_number="SPB")
    M365User.objects.create(snapshot_date=day, organization=org, user_id=f"user-{n}",
                            user_principal_name=f"u{n}@example.com")
    MeasuredQuantity.objects.create(snapshot_date=day, organization=org, code=f"code-{n}", quantity=3)


def agreements(day, n):
    CWAgreement.objects.create(snapshot_date=day, agreement_id=n, company_name="Acme")
    CWAgreementAddition.objects.create(snapshot_date=day, agreement_id=n, addition_id=n, company_name="Acme",
                                       product_identifier="MANAGED-WS", quantity=Decimal(2),
                                       billed_quantity=Decimal(2))


def days(model, **filters):
    return sorted(set(model.objects.filter(**filters).values_list("snapshot_date", flat=True)))


def test_the_five_billing_tables_are_registered():
    labels = {table.label for table in registered_tables()}
    assert {"billing.M365Sku", "billing.M365User", "billing.CWAgreement", "billing.CWAgreementAddition",
            "billing.MeasuredQuantity"} <= labels


def test_billing_tables_keep_the_window_and_each_clients_month_end_in_batches():
    acme, cedar = factories.organization("Acme"), factories.organization("Cedar")
    for n, day in enumerate((AUG_10, AUG_20, AUG_25, TODAY)):
        plant(acme, day, n)
        plant(acme, day, n + 10)  # two rows a day: batches of one take several rounds
        agreements(day, n)
    for n, day in enumerate((AUG_10, AUG_20)):  # Cedar's tenant was not collected after the 20th
        plant(cedar, day, n)
    variance = BillingVariance.objects.create(
        variance_type="under_billed", organization=acme, subject="MANAGED-WS", code="ninja_seats",
        date_found=AUG_10, last_seen=AUG_10)
    BillingVarianceEvent.objects.create(variance=variance, at=timezone.now(), action="found", actor="reconcile",
                                        to_status="open", notes="planted")

    summary = prune_snapshots(TODAY, keep_days=400, batch_size=1)

    for model in (M365Sku, M365User):
        assert days(model, organization=acme) == [AUG_25, TODAY]
        assert days(model, organization=cedar) == [AUG_20]  # Cedar's own last August day stays
    assert days(MeasuredQuantity, organization=acme) == [AUG_25, TODAY]
    assert days(MeasuredQuantity, organization=cedar) == [AUG_20]
    assert days(CWAgreement) == days(CWAgreementAddition) == [AUG_25, TODAY]
    assert M365Sku.objects.filter(organization=acme).count() == 4
    assert summary["tables"]["billing.M365Sku"] == {"deleted": 5, "dates": ["2025-08-10", "2025-08-20"]}
    assert summary["tables"]["billing.MeasuredQuantity"]["deleted"] == 5
    assert summary["tables"]["billing.CWAgreementAddition"] == {"deleted": 2, "dates": ["2025-08-10", "2025-08-20"]}
    # Variances and their audit trail are never pruned, however old.
    assert BillingVariance.objects.filter(id=variance.id).exists()
    assert BillingVarianceEvent.objects.filter(variance=variance, notes="planted").exists()


def test_nothing_inside_the_window_goes_and_dry_run_deletes_nothing():
    acme = factories.organization("Acme")
    for n, day in enumerate((date(2026, 11, 1), date(2026, 11, 2), TODAY)):
        plant(acme, day, n)
    assert prune_snapshots(TODAY, keep_days=31)["tables"]["billing.M365User"] == {"deleted": 0, "dates": []}
    plant(acme, date(2020, 1, 1), 7)
    plant(acme, date(2020, 1, 2), 8)
    dry = prune_snapshots(TODAY, keep_days=31, dry_run=True)
    assert dry["tables"]["billing.M365User"] == {"deleted": 1, "dates": ["2020-01-01"]}
    assert M365User.objects.count() == 5


def test_the_command_and_the_weekly_task_prune_billing_with_the_snapshots(capsys, settings):
    acme = factories.organization("Acme")
    for n, day in enumerate((date(2020, 1, 1), date(2020, 1, 2))):
        plant(acme, day, n)
        factories.snapshot(Vendor.NINJA, "PC-1", day=day)
    call_command("prune_snapshots", "--dry-run")
    out = capsys.readouterr().out
    assert "Would delete 1 billing.MeasuredQuantity rows from 1 day(s)." in out
    assert MeasuredQuantity.objects.count() == 2
    from inventory.tasks import prune_old_snapshots

    settings.ESINV_SNAPSHOT_RETENTION_DAYS = 400
    summary = prune_old_snapshots()
    assert summary["deleted"] == {Vendor.NINJA: 1}
    assert summary["tables"]["billing.M365Sku"]["deleted"] == 1
    assert days(MeasuredQuantity) == days(M365Sku) == [date(2020, 1, 2)]
    assert Snapshot.objects.count() == 1
