"""The billing map (billing/billing_map.py): validation, MSP-wide rules and per-client overrides, the "not mapped"
report on agreements collected from the simulator, the seed command, the admin pages."""
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import Client

from billing.billing_map import DEFAULT_MAP, mapping_for, not_mapped, rule_for, seed_defaults
from billing.models import BillingMapping, CWAgreementAddition, MeasuredQuantity
from collectors import runs
from collectors.models import RunStatus
from collectors.simulators.connectwise import UNMAPPED_COMPANY
from inventory.models import Organization

pytestmark = pytest.mark.django_db
DAY = date(2026, 11, 20)


@pytest.fixture
def cedar():
    return Organization.objects.create(name="Cedar Law Group")


def rule(**kwargs):
    made = BillingMapping(**{"product_identifier": "MANAGED-WS", "code": "ninja_seats", **kwargs})
    made.full_clean()
    made.save()
    return made


# --- precedence ------------------------------------------------------------------------------------------------
def test_an_override_beats_the_msp_wide_rule_for_its_client_only(cedar):
    other = Organization.objects.create(name="Birch Dental")
    rule()
    rule(product_identifier="THREATLOCKER", code="threatlocker_devices", tolerance=Decimal("1"))
    rule(organization=cedar, code="ninja_endpoints", tolerance=Decimal("2"))
    assert mapping_for(cedar.pk) == {"MANAGED-WS": ("ninja_endpoints", Decimal("2")),
                                     "THREATLOCKER": ("threatlocker_devices", Decimal("1"))}
    assert mapping_for(other.pk) == {"MANAGED-WS": ("ninja_seats", Decimal("0")),
                                     "THREATLOCKER": ("threatlocker_devices", Decimal("1"))}


def test_an_override_spelled_in_other_case_still_replaces_the_msp_wide_rule(cedar):
    rule()
    rule(organization=cedar, product_identifier="managed-ws", code="ninja_endpoints")
    mapping = mapping_for(cedar.pk)
    assert mapping == {"managed-ws": ("ninja_endpoints", Decimal("0"))}
    assert rule_for(mapping, "MANAGED-WS") == ("ninja_endpoints", Decimal("0"))
    assert rule_for(mapping, "MANAGED-SRV") is None


def test_inactive_rules_are_ignored_and_an_inactive_override_falls_back(cedar):
    rule()
    rule(organization=cedar, code="ninja_endpoints", active=False)
    assert mapping_for(cedar.pk) == {"MANAGED-WS": ("ninja_seats", Decimal("0"))}
    BillingMapping.objects.update(active=False)
    assert mapping_for(cedar.pk) == {}


def test_a_client_only_rule_applies_to_that_client(cedar):
    rule(organization=cedar, product_identifier="M365-BP", code="m365_sku:SPB")
    assert mapping_for(cedar.pk) == {"M365-BP": ("m365_sku:SPB", Decimal("0"))}
    assert mapping_for(Organization.MSP_ID) == {}


# --- validation ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("code", ["ninja_seat", "", "m365_sku:", "m365_sku:tab\tinside", "m365_sku: SPB",
                                  "m365_sku_assigned:", "seats"])
def test_an_unknown_code_is_refused(code):
    with pytest.raises(ValidationError) as caught:
        rule(code=code)
    assert "Unknown measured quantity" in " ".join(caught.value.message_dict["code"])


@pytest.mark.parametrize("code", ["ninja_seats", "ninja_endpoints", "ninja_servers", "threatlocker_devices",
                                  "m365_users", "m365_sku:SPB", "m365_sku:O365_BUSINESS_PREMIUM"])
def test_known_codes_are_accepted(code):
    assert rule(code=code).pk


def test_one_msp_wide_rule_per_product(cedar):
    rule()
    with pytest.raises(ValidationError) as caught:
        rule(product_identifier=" managed-ws ", code="ninja_endpoints")
    assert "already has an MSP-wide rule" in " ".join(caught.value.message_dict["product_identifier"])
    with pytest.raises(IntegrityError), transaction.atomic():  # the database says so too
        BillingMapping.objects.create(product_identifier="MANAGED-WS", code="ninja_endpoints")


def test_one_override_per_client_and_product(cedar):
    rule(organization=cedar)
    with pytest.raises(ValidationError) as caught:
        rule(organization=cedar, code="ninja_endpoints")
    assert "already has an override for this client" in " ".join(caught.value.message_dict["product_identifier"])
    with pytest.raises(IntegrityError), transaction.atomic():
        BillingMapping.objects.create(product_identifier="MANAGED-WS", code="ninja_endpoints", organization=cedar)
    existing = BillingMapping.objects.get()
    existing.tolerance = Decimal("3")
    existing.full_clean()  # editing a rule is not a duplicate of itself


@pytest.mark.parametrize("identifier", ["", "   ", "MANAGED\x00WS"])
def test_a_blank_or_nul_product_is_refused(identifier):
    with pytest.raises(ValidationError) as caught:
        rule(product_identifier=identifier)
    assert "product_identifier" in caught.value.message_dict


def test_a_negative_tolerance_is_refused():
    with pytest.raises(ValidationError) as caught:
        rule(tolerance=Decimal("-1"))
    assert "tolerance" in caught.value.message_dict


# --- seed --------------------------------------------------------------------------------------------------------
def test_seed_creates_the_missing_msp_wide_defaults_and_changes_no_rule(capsys):
    rule(code="ninja_endpoints", notes="ours")
    call_command("seed_billing_map")
    out = capsys.readouterr().out
    assert "4 rules created" in out and "1 already present (MANAGED-WS)" in out
    assert BillingMapping.objects.get(product_identifier="MANAGED-WS").code == "ninja_endpoints"
    assert {r.product_identifier: r.code for r in BillingMapping.objects.filter(organization__isnull=True)} == {
        **{p: code for p, (code, _) in DEFAULT_MAP.items()}, "MANAGED-WS": "ninja_endpoints"}
    assert seed_defaults() == ([], list(DEFAULT_MAP))  # idempotent


# --- not mapped ------------------------------------------------------------------------------------------------
def collect_agreements():
    batch = runs.start_batch(["connectwise_agreements"], run_cross_vendor=False, snapshot_date=DAY,
                             trigger="command", enqueue=False)
    for job in list(batch.jobs.all()):
        runs.run_job(job.job_id)
    batch.refresh_from_db()
    assert batch.status == RunStatus.COMPLETED, batch.message


def test_not_mapped_lists_billable_products_without_a_rule(cw, cw_agreements_data, client_orgs):
    collect_agreements()
    report = not_mapped()
    assert report.agreements_day == DAY
    billable = {(a.organization_id, a.product_identifier) for a in CWAgreementAddition.objects.filter(
        bill_customer="Billable", billed_quantity__gt=0)}
    assert {(p.organization_id, p.product_identifier) for p in report.products} == billable
    assert {p.product_identifier for p in report.products} == {"MANAGED-WS", "MANAGED-SRV", "THREATLOCKER", "M365-BP"}
    # With the defaults, only the company no organization matches is left: no client, so no rule applies.
    seed_defaults()
    report = not_mapped()
    assert [(p.organization_id, p.company_name, p.product_identifier, p.billed_quantity)
            for p in report.products] == [(None, UNMAPPED_COMPANY, "MANAGED-WS", Decimal(7))]
    # A client whose override is inactive and has no MSP-wide rule for the product shows again.
    org = next(iter(client_orgs.values()))
    BillingMapping.objects.filter(product_identifier="MANAGED-WS").update(active=False)
    assert (org.pk, "MANAGED-WS") in {(p.organization_id, p.product_identifier) for p in not_mapped().products}


def test_not_mapped_lists_measured_quantities_no_rule_uses(cedar):
    for code, quantity in (("ninja_seats", 10), ("ninja_endpoints", 12), ("ninja_servers", 0),
                           ("m365_sku:SPB", 5), ("m365_sku_assigned:SPB", 4), ("m365_users", 6),
                           ("m365_sku:O365_w/o Teams Bundle_M3", 3), ("m365_sku_assigned:O365_w/o Teams Bundle_M3", 2),
                           ("m365_sku:TRIAL", 0), ("m365_sku_assigned:TRIAL", 7)):
        MeasuredQuantity.objects.create(snapshot_date=DAY, organization=cedar, code=code, quantity=quantity)
    MeasuredQuantity.objects.create(snapshot_date=date(2026, 11, 19), organization=cedar, code="m365_sku:OLD",
                                    quantity=1)  # not the latest day
    seed_defaults()  # M365-BP -> m365_sku:SPB: both SPB quantities are accounted for
    report = not_mapped()
    assert report.measures_day == DAY and report.agreements_day is None and report.products == []
    # One line per SKU: its bought code, else (nothing bought) its assigned one.
    assert sorted((c.organization_name, c.code, c.quantity) for c in report.codes) == [
        ("Cedar Law Group", "m365_sku:O365_w/o Teams Bundle_M3", 3),
        ("Cedar Law Group", "m365_sku_assigned:TRIAL", 7), ("Cedar Law Group", "ninja_endpoints", 12)]
    # A rule billing the SKU's assigned licences uses the SKU too.
    rule(organization=cedar, product_identifier="M3", code="m365_sku_assigned:O365_w/o Teams Bundle_M3")
    assert sorted(c.code for c in not_mapped().codes) == ["m365_sku_assigned:TRIAL", "ninja_endpoints"]
    BillingMapping.objects.filter(product_identifier="M365-BP").update(active=False)
    assert sorted(c.code for c in not_mapped().codes) == ["m365_sku:SPB", "m365_sku_assigned:TRIAL", "ninja_endpoints"]


def test_not_mapped_with_nothing_collected():
    report = not_mapped()
    assert (report.agreements_day, report.measures_day, report.products, report.codes, report.cycles) == (
        None, None, [], [], [])


# --- admin -----------------------------------------------------------------------------------------------------
def test_admin_lists_filters_searches_and_edits_rules(admin_client, cedar):
    rule(notes="per seat")
    rule(organization=cedar, code="ninja_endpoints")
    page = admin_client.get("/admin/billing/billingmapping/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "MSP-wide" in body and "Cedar Law Group" in body and "Not mapped" in body

    def listed(query):
        answer = admin_client.get(f"/admin/billing/billingmapping/?{query}")
        assert answer.status_code == 200
        return [(r.product_identifier, r.organization_id) for r in answer.context["cl"].result_list]

    assert listed("organization__isempty=1") == [("MANAGED-WS", None)]
    assert listed("organization__isempty=0") == [("MANAGED-WS", cedar.pk)]
    assert listed("q=per+seat") == [("MANAGED-WS", None)]
    assert listed("code=ninja_endpoints") == [("MANAGED-WS", cedar.pk)]
    assert admin_client.get("/admin/billing/billingmapping/add/").status_code == 200
    answer = admin_client.post("/admin/billing/billingmapping/add/", {
        "product_identifier": "MANAGED-SRV", "code": "ninja_server", "tolerance": "0", "active": "on"})
    assert answer.status_code == 200 and "Unknown measured quantity" in answer.content.decode()
    answer = admin_client.post("/admin/billing/billingmapping/add/", {
        "product_identifier": "MANAGED-SRV", "code": "ninja_servers", "tolerance": "1", "active": "on"})
    assert answer.status_code == 302
    assert BillingMapping.objects.get(product_identifier="MANAGED-SRV").updated_by == admin_client.user


def test_admin_not_mapped_page_renders_both_lists(admin_client, cedar):
    MeasuredQuantity.objects.create(snapshot_date=DAY, organization=cedar, code="m365_sku:SPB", quantity=5)
    CWAgreementAddition.objects.create(
        snapshot_date=DAY, organization=cedar, company_name="Cedar Law Group", agreement_id=701, addition_id=9001,
        product_identifier="BACKUP-M365", quantity=Decimal(4), billed_quantity=Decimal(4), bill_customer="Billable")
    page = admin_client.get("/admin/billing/billingmapping/not-mapped/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "BACKUP-M365" in body and "m365_sku:SPB" in body and "Microsoft 365 Business Premium" in body


def test_admin_not_mapped_page_needs_view_permission(cedar):
    user = get_user_model().objects.create_user("tech", "tech@example.com", "pw-Strong-123", is_staff=True)
    client = Client()
    client.force_login(user)
    assert client.get("/admin/billing/billingmapping/not-mapped/").status_code == 403


def test_admin_measured_quantities_and_tenant_definition(admin_client, cedar):
    MeasuredQuantity.objects.create(snapshot_date=DAY, organization=cedar, code="ninja_seats", quantity=5,
                                    detail={"total": 5, "ids": ["a"], "truncated": False})
    page = admin_client.get("/admin/billing/measuredquantity/")
    assert page.status_code == 200 and "NinjaOne seats" in page.content.decode()
    assert admin_client.get("/admin/billing/measuredquantity/add/").status_code == 403  # read-only
    assert admin_client.get("/admin/billing/m365tenant/?user_definition=mailbox").status_code == 200
    assert "user definition" in admin_client.get(f"/admin/inventory/organization/{cedar.pk}/change/").content.decode()
