"""The ConnectWise agreements collector end to end on the simulator: rows per company and day, mapped
organizations, the unmapped company kept, cancelled lines left out, idempotent re-runs, a vendor outage failing
the job with the previous day intact, the drop and completeness checks, the run sets."""
from datetime import date
from decimal import Decimal

import pytest
from django.db.models import Count, Sum

from billing.models import CWAgreement, CWAgreementAddition
from collectors import registry, runs
from collectors.models import RunStatus
from collectors.schedules import daily_collectors
from collectors.simulators.connectwise import UNMAPPED_COMPANY
from inventory.models import Vendor, VendorOrganization

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 20)


def collect(day=DAY, name="connectwise_agreements", confirm_drop=False):
    batch = runs.start_batch([name], run_cross_vendor=False, snapshot_date=day, trigger="command", enqueue=False,
                             confirm_drop=confirm_drop)
    for job in list(batch.jobs.all()):
        runs.run_job(job.job_id)
    batch.refresh_from_db()
    return batch, batch.jobs.get()


def stored_additions(day=DAY) -> dict:
    return {a.addition_id: a for a in CWAgreementAddition.objects.filter(snapshot_date=day)}


def billed(company: str, product: str, day=DAY) -> Decimal:
    return CWAgreementAddition.objects.filter(
        snapshot_date=day, organization__name=company, product_identifier=product).aggregate(
        n=Sum("billed_quantity"))["n"]


def test_registered_out_of_the_default_run_and_daily_once_connectwise_is_set(settings):
    spec = registry.get("connectwise_agreements")
    assert spec.label == "ConnectWise agreements" and spec.vendor_id is None
    assert registry.get("cw-agreements") is spec and registry.get("Agreements") is spec
    assert spec not in runs.resolve_names(None) and spec not in runs.resolve_names(["all"])
    settings.CONNECTWISE_BASE_URL = ""
    assert "connectwise_agreements" not in daily_collectors()
    settings.CONNECTWISE_BASE_URL = "https://cw.example.com/v4_6_release/apis/3.0/"
    assert "connectwise_agreements" in daily_collectors()
    settings.ESINV_CW_AGREEMENTS_DAILY = False
    assert "connectwise_agreements" not in daily_collectors()


def test_every_active_agreement_and_current_addition_is_stored_for_the_day(cw, cw_agreements_data, client_orgs):
    batch, job = collect()
    assert batch.status == RunStatus.COMPLETED, batch.message
    assert job.status == RunStatus.COMPLETED and job.progress_percent == 100
    data = cw_agreements_data
    active, current = data.active_agreements(), data.current_additions()
    assert sorted(CWAgreement.objects.values_list("agreement_id", flat=True)) == sorted(a["id"] for a in active)
    assert sorted(stored_additions()) == sorted(a["id"] for a in current)
    assert job.counts["agreements"] == len(active) and job.counts["additions"] == len(current)
    assert job.counts["companies"] == len(client_orgs) + 1 and job.counts["companies_unmapped"] == 1
    assert job.message == job.counts["summary"] == (
        f"ConnectWise agreements {DAY}: {len(active)} active agreements, {len(current)} additions, "
        f"{len(client_orgs) + 1} companies (1 not mapped to an organization)")
    # Several pages per listing at CONNECTWISE_PAGE_SIZE=3, under the conditions VENDORS.md gives.
    assert ("finance/agreements", 'agreementStatus="Active"') in cw.seen_conditions
    assert ("finance/agreements/count", 'agreementStatus="Active"') in cw.seen_conditions
    assert {c for r, c in cw.seen_conditions if r.endswith("/additions")} == {"cancelledDate=null"}


def test_rows_keep_what_billing_needs(cw, cw_agreements_data, client_orgs):
    collect()
    source = next(a for a in cw_agreements_data.current_additions() if a["lessIncluded"])
    row = stored_additions()[source["id"]]
    assert (row.product_identifier, row.product_id, row.description) == (
        source["product"]["identifier"], source["product"]["id"], source["description"])
    assert row.quantity == source["quantity"] and row.less_included == source["lessIncluded"]
    assert row.billed_quantity == source["quantity"] - source["lessIncluded"]  # seats in a bundle are not billed
    assert row.unit_price == Decimal(str(source["unitPrice"])) and row.bill_customer == "Billable"
    assert row.effective_date == date(2024, 1, 1) and row.cancelled_date is None
    agreement = CWAgreement.objects.get(agreement_id=source["agreementId"])
    assert agreement.agreement_type == "Managed Services" and agreement.billing_cycle == "Monthly"
    assert agreement.status == "Active" and agreement.start_date == date(2024, 1, 1) and agreement.end_date is None
    assert row.organization == agreement.organization and row.company_name == agreement.company_name
    free = CWAgreementAddition.objects.filter(bill_customer__in=["DoNotBill", "NoCharge"])
    assert free.exists() and set(free.values_list("billed_quantity", flat=True)) == {Decimal(0)}


def test_companies_map_onto_organizations_and_the_unmapped_one_is_kept(cw, cw_agreements_data, client_orgs):
    from inventory.models import Organization

    organizations = Organization.objects.count()
    collect()
    assert Organization.objects.count() == organizations  # an unknown company creates no client
    by_org = dict(CWAgreement.objects.values_list("organization__name").annotate(n=Count("id")))
    for name in client_orgs:
        assert by_org.get(name, 0) >= 1, name  # every client, whatever case or spacing ConnectWise uses
    stranger = CWAgreement.objects.get(company_name=UNMAPPED_COMPANY)
    assert stranger.organization is None
    assert CWAgreementAddition.objects.filter(company_name=UNMAPPED_COMPANY, organization=None).count() == 1
    # The matched companies are remembered by ConnectWise company id, like the other vendors' organizations.
    mapped = VendorOrganization.objects.filter(vendor_id=Vendor.CONNECTWISE)
    assert mapped.count() == len(client_orgs)
    assert {m.organization.name for m in mapped} == set(client_orgs)


def test_an_alias_added_by_staff_maps_the_company_on_the_next_run(cw, client_orgs):
    from inventory.models import OrganizationAlias

    collect()
    target = next(iter(client_orgs.values()))
    OrganizationAlias.objects.create(organization=target, alias=UNMAPPED_COMPANY.lower())
    collect()
    assert CWAgreement.objects.get(company_name=UNMAPPED_COMPANY).organization == target


def test_cancelled_additions_and_inactive_agreements_are_left_out(cw, cw_agreements_data, client_orgs):
    facts = cw_agreements_data.billing_facts
    assert facts["cancelled_additions"] and facts["inactive_agreements"]  # the simulator holds some
    collect()
    assert not CWAgreementAddition.objects.filter(addition_id__in=facts["cancelled_additions"]).exists()
    assert not CWAgreement.objects.filter(agreement_id__in=facts["inactive_agreements"]).exists()
    assert not CWAgreementAddition.objects.exclude(cancelled_date=None).exists()


def test_the_planted_billing_facts_are_there_to_be_found(cw, cw_agreements_data, client_orgs):
    collect()
    facts = cw_agreements_data.billing_facts
    (under, licences), (over,) = facts["under_billed"], facts["over_billed"]
    assert under["billed"] < under["measured"] and over["billed"] > over["measured"]
    assert billed(licences["company"], "M365-BP") == licences["billed"] == licences["measured"] - 2
    assert billed(under["company"], "MANAGED-WS") == under["billed"]
    assert billed(over["company"], "MANAGED-WS") == over["billed"]
    others = [name for name in client_orgs if name not in (under["company"], over["company"])]
    for name in others:  # every other client is billed exactly what the simulators serve
        assert billed(name, "MANAGED-WS") == facts["measured"][name]["seats"], name


def test_rerunning_a_day_replaces_it(cw, client_orgs):
    collect()
    before = (CWAgreement.objects.count(), CWAgreementAddition.objects.count())
    batch, job = collect()
    assert batch.status == RunStatus.COMPLETED
    assert (CWAgreement.objects.count(), CWAgreementAddition.objects.count()) == before
    assert job.counts["agreements_replaced"] == before[0]
    assert not CWAgreementAddition.objects.values("snapshot_date", "addition_id").annotate(
        n=Count("id")).filter(n__gt=1).exists()


def test_a_vendor_outage_fails_the_job_and_keeps_the_previous_day(cw, cw_agreements_data, client_orgs):
    yesterday = date(2026, 11, 19)
    collect(day=yesterday)
    before = sorted(CWAgreementAddition.objects.values_list("snapshot_date", "addition_id"))
    last = cw_agreements_data.active_agreements()[-1]["id"]
    cw.inject("server_error", count=-1, path=f"finance/agreements/{last}/additions")
    batch, job = collect()
    assert batch.status == RunStatus.FAILED and job.status == RunStatus.FAILED
    assert job.message.startswith(f"ConnectWise GET finance/agreements/{last}/additions page 1 failed: "
                                  "server error (HTTP 500")
    assert "gave up after 3 attempts" in job.message
    assert not CWAgreement.objects.filter(snapshot_date=DAY).exists()  # nothing of the day, not half of it
    assert sorted(CWAgreementAddition.objects.values_list("snapshot_date", "addition_id")) == before


def test_refused_keys_fail_at_once_without_the_keys_in_the_message(cw, client_orgs, settings):
    settings.CONNECTWISE_PRIVATE_KEY = "wrong-private-key"
    _, job = collect()
    assert job.status == RunStatus.FAILED
    assert "authentication refused (HTTP 401" in job.message and "wrong-private-key" not in job.error
    assert not CWAgreement.objects.exists()


def test_missing_settings_fail_naming_them(cw, client_orgs, settings):
    settings.CONNECTWISE_CLIENT_ID = ""
    _, job = collect()
    assert job.status == RunStatus.FAILED
    assert job.message == "ConnectWise authentication failed: CONNECTWISE_CLIENT_ID not set"


def test_a_sudden_drop_in_agreements_is_refused_unless_confirmed(cw, cw_agreements_data, client_orgs, settings):
    settings.COLLECTORS_MAX_DROP_PERCENT = 20
    earlier = date(2026, 11, 10)
    CWAgreement.objects.bulk_create([CWAgreement(snapshot_date=earlier, agreement_id=n, company_name="x")
                                     for n in range(len(cw_agreements_data.active_agreements()) * 2)])
    _, job = collect()
    assert job.status == RunStatus.FAILED and job.error.startswith("SuddenDrop: ")
    assert "50% fewer than the" in job.message and f"of {earlier}" in job.message
    assert not CWAgreement.objects.filter(snapshot_date=DAY).exists()
    _, job = collect(confirm_drop=True)
    assert job.status == RunStatus.COMPLETED
    assert CWAgreement.objects.filter(snapshot_date=DAY).count() == len(cw_agreements_data.active_agreements())


def test_a_listing_that_changes_while_read_is_refused(cw, cw_agreements_data, client_orgs, monkeypatch):
    from collectors.clients.connectwise import ConnectWiseClient

    real = ConnectWiseClient.count
    monkeypatch.setattr(ConnectWiseClient, "count", lambda self, *a, **k: real(self, *a, **k) + 1)
    _, job = collect()
    assert job.status == RunStatus.FAILED and job.error.startswith("IncompleteDay: ")
    n = len(cw_agreements_data.active_agreements())
    assert f"returned {n:,} of {n + 1:,} active agreements" in job.message
    assert not CWAgreement.objects.exists()


def test_the_status_endpoint_reports_the_latest_day(cw, client_orgs, reader):
    collect()
    states = {c["name"]: c for c in reader.get("/api/collectors/status").json()["collectors"]}
    assert states["connectwise_agreements"]["latest_snapshot_date"] == str(DAY)
    assert states["connectwise_agreements"]["last_job"]["status"] == "completed"


def test_rate_limits_and_server_errors_are_retried(cw, cw_agreements_data, client_orgs, no_sleep, monkeypatch):
    from collectors.clients.connectwise import ConnectWiseClient

    real = ConnectWiseClient.__init__
    monkeypatch.setattr(ConnectWiseClient, "__init__", lambda self, *a, **k: real(self, *a, **{**k, "sleep": no_sleep}))
    cw.inject("rate_limit", count=1, path="finance/agreements", retry_after=1)
    cw.inject("server_error", count=1, path="/additions")
    _, job = collect()
    assert job.status == RunStatus.COMPLETED, job.message
    assert 1.0 in no_sleep and len(no_sleep) == 2  # Retry-After honoured, then backoff after the 500
    assert CWAgreementAddition.objects.count() == len(cw_agreements_data.current_additions())
