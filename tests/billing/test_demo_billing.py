"""`manage.py demo_billing` on the simulators: tenants registered on the demo organizations, the billing map
seeded, Microsoft 365 and agreements collected for the demo days, measured quantities stored; idempotent."""
import csv
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from billing.demo import demo_days
from billing.models import (
    BillingMapping,
    BillingVariance,
    BillingVarianceType,
    CWAgreement,
    CWAgreementAddition,
    M365Sku,
    M365Tenant,
    M365User,
    MeasuredQuantity,
)
from collectors.models import CollectorJob, RunStatus

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 20)


@pytest.fixture
def tenants_file(tmp_path, graph_data):
    path = tmp_path / "tenants.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["organization", "tenant_id"])
        writer.writerows(graph_data.tenant_pairs())
    return path


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)
    return TODAY


def _run(path, *args):
    out = StringIO()
    call_command("demo_billing", "--tenants", str(path), *args, stdout=out)
    return out.getvalue()


def _counts():
    return {model.__name__: model.objects.count()
            for model in (M365Tenant, M365Sku, M365User, CWAgreement, CWAgreementAddition, MeasuredQuantity,
                          BillingMapping, CollectorJob)}


def test_demo_billing_fills_the_demo_organizations(m365, cw, client_orgs, tenants_file, graph_data, today):
    output = _run(tenants_file, "--days", "2")
    days = [today - timedelta(days=1), today]
    # Every tenant on its demo organization.
    assert {(t.organization.name, t.tenant_id) for t in M365Tenant.objects.select_related("organization")} == set(
        graph_data.tenant_pairs())
    assert {r.product_identifier for r in BillingMapping.objects.all()} >= {"MANAGED-WS", "MANAGED-SRV"}
    # Through the real collector path: one completed job per collector and day.
    jobs = CollectorJob.objects.values_list("name", "status", "batch__snapshot_date")
    assert sorted(jobs) == sorted((name, RunStatus.COMPLETED, day)
                                  for name in ("microsoft365", "connectwise_agreements") for day in days)
    orgs = {org.id for org in client_orgs.values()}
    for day in days:
        tenant_orgs = set(M365User.objects.filter(snapshot_date=day).values_list("organization_id", flat=True))
        assert tenant_orgs == set(M365Tenant.objects.values_list("organization_id", flat=True)) and tenant_orgs <= orgs
        billed = set(CWAgreementAddition.objects.filter(snapshot_date=day, organization__isnull=False)
                     .values_list("organization_id", flat=True))
        assert billed and billed <= orgs
        users = dict(MeasuredQuantity.objects.filter(snapshot_date=day, code="m365_users")
                     .values_list("organization_id", "quantity"))
        assert set(users) == tenant_orgs
        for tenant in M365Tenant.objects.all():
            expected = graph_data.expected(tenant.tenant_id)
            assert users[tenant.organization_id] == expected["licensed"]
    # The day's billing variances too: each tenant with disabled accounts still holding a licence has one.
    planted = {t.organization_id for t in M365Tenant.objects.all()
               if graph_data.expected(t.tenant_id)["disabled_licensed"]}
    flagged = set(BillingVariance.objects.filter(variance_type=BillingVarianceType.DISABLED_USER_LICENSED)
                  .values_list("organization_id", flat=True))
    assert planted and flagged == planted
    assert "Billing days collected: 2, already there: 0" in output
    # One line per collection (the job's message), not the progress lines.
    assert output.count(f"{today}: Microsoft 365") == 1 and "%" not in output

    # Idempotent: nothing changes on a second run, no collection is repeated.
    before = _counts()
    again = _run(tenants_file, "--days", "2")
    assert _counts() == before
    assert "0 added, 0 updated" in again and "Billing days collected: 0, already there: 2" in again
    assert "rules created: none" in again


def test_days_are_oldest_first():
    assert demo_days(3, TODAY) == [date(2026, 11, 18), date(2026, 11, 19), TODAY]
    assert demo_days(0, TODAY) == [TODAY]


def test_unknown_organizations_register_nothing(m365, cw, tenants_file, db):
    with pytest.raises(CommandError, match="collect NinjaOne first"):
        _run(tenants_file)
    assert not M365Tenant.objects.exists() and not CollectorJob.objects.exists()


def test_bad_arguments(tmp_path, db):
    with pytest.raises(CommandError, match="cannot read"):
        _run(tmp_path / "missing.csv")
    with pytest.raises(CommandError, match="--days must be 1-60"):
        _run(tmp_path / "missing.csv", "--days", "0")
