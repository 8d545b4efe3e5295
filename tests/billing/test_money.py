"""Billing money and codes on stored rows: monthly money from the agreement's billing cycle (an unknown cycle
flagged), Microsoft 365 part numbers as Microsoft writes them (measured, mappable, in URLs, its product-names
table importable whole), SKU codes in the wrong case (normalised or refused)."""
from datetime import date
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from billing import measures
from billing import variances as V
from billing.billing_map import mapping_problems, normalise_code, not_mapped
from billing.m365.mapping import sku_values
from billing.m365.sku_names import SHIPPED, import_product_names, read_product_names
from billing.models import (
    BillCustomer,
    BillingMapping,
    BillingVariance,
    CWAgreement,
    CWAgreementAddition,
    M365ProductName,
    M365Sku,
    M365User,
    MeasuredQuantity,
)
from inventory.models import Organization

pytestmark = pytest.mark.django_db
DAY = date(2026, 11, 20)
M3 = "O365_w/o Teams Bundle_M3"  # a real part number: spaces and a slash
M3_ID = "2a3c4d5e-0000-4000-8000-00000000c0de"


@pytest.fixture
def org():
    return Organization.objects.create(name="Birch Accounting")


def agreement(org, agreement_id, cycle, *lines):
    """An active agreement with its cycle and billable lines (product, quantity, unit price, unit cost)."""
    CWAgreement.objects.create(snapshot_date=DAY, organization=org, company_name=org.name, agreement_id=agreement_id,
                               name=f"{org.name} {cycle}", status="Active", billing_cycle=cycle)
    for n, (product, quantity, price, cost) in enumerate(lines):
        CWAgreementAddition.objects.create(
            snapshot_date=DAY, organization=org, company_name=org.name, agreement_id=agreement_id,
            addition_id=agreement_id * 100 + n, product_identifier=product, quantity=Decimal(quantity),
            billed_quantity=Decimal(quantity), unit_price=Decimal(price), unit_cost=Decimal(cost),
            bill_customer=BillCustomer.BILLABLE)


def measured(org, code, quantity):
    MeasuredQuantity.objects.create(snapshot_date=DAY, organization=org, code=code, quantity=quantity,
                                    detail={"total": quantity, "ids": []})


# --- F15: money is monthly --------------------------------------------------------------------------------------
def test_a_quarterly_agreement_bills_a_third_of_its_price_a_month(org):
    BillingMapping.objects.create(product_identifier="MANAGED-WS", code="ninja_seats")
    agreement(org, 801, "Quarterly", ("MANAGED-WS", 10, "285.00", "94.50"))
    measured(org, "ninja_seats", 13)
    V.reconcile_billing(DAY)
    under = BillingVariance.objects.get(variance_type="UNDER_BILLED")
    # 3 seats x 285.00 a quarter = 3 x 95.00 a month (not 855.00).
    assert (under.unit_price, under.amount, under.cycle_note) == (Decimal("95.0000"), Decimal("285.00"), "")
    assert not_mapped().cycles == []


def test_an_unknown_cycle_counts_as_monthly_and_is_flagged_everywhere(org, admin_client):
    BillingMapping.objects.create(product_identifier="THREATLOCKER", code="threatlocker_devices")
    agreement(org, 802, "Fortnightly", ("THREATLOCKER", 4, "12.50", "6.00"))
    measured(org, "threatlocker_devices", 6)
    V.reconcile_billing(DAY)
    under = BillingVariance.objects.get(variance_type="UNDER_BILLED")
    assert under.amount == Decimal("25.00")
    assert under.cycle_note == 'Billing cycle not known ("Fortnightly"): counted as monthly.'
    [cycle] = not_mapped().cycles
    assert (cycle.organization_name, cycle.agreement_id, cycle.billing_cycle) == (org.name, 802, "Fortnightly")
    page = admin_client.get("/admin/billing/billingmapping/not-mapped/").content.decode()
    assert "Agreements with an unknown billing cycle" in page and "Fortnightly" in page
    staff = get_user_model().objects.create_user("ann", is_staff=True)
    api = Client()
    api.force_login(staff)
    body = api.get("/api/billing/variances?type=UNDER_BILLED").json()
    assert body["results"][0]["cycle_note"] == under.cycle_note


def test_the_unused_licence_cost_is_monthly_too(org):
    BillingMapping.objects.create(product_identifier="M365-BP", code="m365_sku:SPB")
    agreement(org, 803, "Annual", ("M365-BP", 10, "312.00", "264.00"))
    M365Sku.objects.create(snapshot_date=DAY, organization=org, sku_id=M3_ID, sku_part_number="SPB",
                           prepaid_enabled=10, consumed_units=7)
    M365User.objects.create(snapshot_date=DAY, organization=org, user_id="u1", user_principal_name="a@birch.example",
                            assigned_sku_ids=[M3_ID])
    measures.measure_day(DAY)
    V.reconcile_billing(DAY)
    unused = BillingVariance.objects.get(variance_type="UNUSED_LICENCES")
    assert (unused.unit_price, unused.amount) == (Decimal("22.0000"), Decimal("66.00"))  # 3 x 264.00 / 12
    # Billed for the 10 bought (m365_sku:SPB): no over-billing of the 3 unassigned ones.
    assert not BillingVariance.objects.filter(variance_type="OVER_BILLED").exists()


# --- part numbers as Microsoft writes them ---------------------------------------------------------------------
def test_microsofts_whole_product_names_table_imports():
    names = read_product_names(SHIPPED)
    assert len(names) == 568 and M3 in names
    longest = max(len(code) for code in names)
    assert longest > 100  # Microsoft's longest String_Id (103 characters)
    assert M365ProductName._meta.get_field("string_id").max_length >= longest
    assert M365Sku._meta.get_field("sku_part_number").max_length >= longest
    assert import_product_names(SHIPPED) == {"created": 568, "updated": 0, "unchanged": 0, "skipped": 0}
    assert M365ProductName.objects.count() == 568
    assert M365ProductName.objects.get(string_id=M3).display_name
    assert M365ProductName.objects.filter(string_id=max(names, key=len)).exists()


def test_code_columns_hold_the_longest_code():
    for model, name in ((MeasuredQuantity, "code"), (BillingMapping, "code"), (BillingVariance, "code"),
                        (BillingVariance, "subject")):
        assert model._meta.get_field(name).max_length >= measures.MAX_CODE_LENGTH, (model, name)
    assert measures.MAX_CODE_LENGTH == len("m365_sku_assigned:") + 200


def test_graph_part_numbers_are_kept_as_written():
    values = sku_values({"skuId": M3_ID.upper(), "skuPartNumber": f"  {M3} ", "prepaidUnits": {"enabled": 4},
                         "consumedUnits": 3})
    assert values[:2] == (M3_ID, M3)
    long_part = "Microsoft_365_E5_EEA_(no_Teams)_without_Audio_Conferencing_(500_seats_min)_HUB" + "_X" * 50
    assert sku_values({"skuPartNumber": long_part})[1] == long_part[:200]


def sku_day(org):
    M365Sku.objects.create(snapshot_date=DAY, organization=org, sku_id=M3_ID, sku_part_number=M3,
                           prepaid_enabled=6, consumed_units=2)
    for n in range(2):
        M365User.objects.create(snapshot_date=DAY, organization=org, user_id=f"u{n}",
                                user_principal_name=f"user{n}@birch.example", assigned_sku_ids=[M3_ID])


def test_a_sku_whose_part_number_has_spaces_and_a_slash_is_measured_and_mappable(org):
    sku_day(org)
    measures.measure_day(DAY)
    rows = dict(MeasuredQuantity.objects.filter(organization=org).values_list("code", "quantity"))
    assert rows[f"m365_sku:{M3}"] == 6 and rows[f"m365_sku_assigned:{M3}"] == 2
    assert measures.measured_items(org.id, DAY, f"m365_sku_assigned:{M3}") == ["user0@birch.example",
                                                                                "user1@birch.example"]
    assert "Microsoft 365 licences assigned:" in measures.code_label(f"m365_sku_assigned:{M3}")
    rule = BillingMapping(product_identifier="M3-LIC", code=f"m365_sku:{M3}")
    rule.full_clean()
    rule.save()
    agreement(org, 804, "Monthly", ("M3-LIC", 4, "30.00", "25.00"))
    V.reconcile_billing(DAY)
    under = BillingVariance.objects.get(variance_type="UNDER_BILLED")
    assert (under.subject, under.code, under.billed, under.measured, under.amount) == (
        "M3-LIC", f"m365_sku:{M3}", Decimal(4), Decimal(6), Decimal("60.00"))
    unused = BillingVariance.objects.get(variance_type="UNUSED_LICENCES")
    assert (unused.subject, unused.amount) == (M3, Decimal("100.00"))  # 4 unassigned x 25.00


def test_urls_carrying_such_a_code_work(org, admin_client):
    sku_day(org)
    measures.measure_day(DAY)
    code = f"m365_sku:{M3}"
    listing = admin_client.get(f"/admin/billing/measuredquantity/?code={quote(code, safe='')}")
    assert listing.status_code == 200
    assert [(r.code, r.quantity) for r in listing.context["cl"].result_list] == [(code, 6)]
    # The not-mapped page links each unbilled quantity to a prefilled rule, its code URL-encoded.
    page = admin_client.get("/admin/billing/billingmapping/not-mapped/").content.decode()
    link = f"/admin/billing/billingmapping/add/?code={quote(code, safe='')}"
    assert link in page
    form = admin_client.get(link)
    assert form.status_code == 200 and form.context["adminform"].form.initial["code"] == code
    saved = admin_client.post("/admin/billing/billingmapping/add/", {
        "product_identifier": "M3-LIC", "code": code, "tolerance": "0", "active": "on"})
    assert saved.status_code == 302
    rules = admin_client.get(f"/admin/billing/billingmapping/?code={quote(code, safe='')}")
    assert [r.product_identifier for r in rules.context["cl"].result_list] == ["M3-LIC"]


def test_a_part_number_that_is_not_printable_text_is_not_measured(org, caplog):
    M365Sku.objects.create(snapshot_date=DAY, organization=org, sku_id=M3_ID, sku_part_number="BAD\tPART",
                           prepaid_enabled=1, consumed_units=1)
    measures.measure_day(DAY)
    assert not MeasuredQuantity.objects.filter(code__startswith="m365_sku").exists()
    assert "no usable part number" in caplog.text


# --- F14: SKU codes in the wrong case ---------------------------------------------------------------------------
def test_a_sku_code_in_another_case_is_saved_as_microsoft_writes_it(admin_client):
    answer = admin_client.post("/admin/billing/billingmapping/add/", {
        "product_identifier": "X21", "code": "m365_sku:spb", "tolerance": "0", "active": "on"})
    assert answer.status_code == 302
    assert BillingMapping.objects.get(product_identifier="X21").code == "m365_sku:SPB"
    rule = BillingMapping(product_identifier="X22", code="m365_sku_assigned:o365_W/O teams bundle_m3")
    rule.full_clean()
    assert rule.code == f"m365_sku_assigned:{M3}"


def test_a_sku_code_differing_only_in_case_is_refused_when_not_normalised(org):
    rule = BillingMapping(product_identifier="X21", code="m365_sku:spb")
    assert "differs only in case from SPB" in " ".join(mapping_problems(rule)["code"])
    assert mapping_problems(BillingMapping(product_identifier="X21", code="m365_sku:SPB")) == {}
    # An unknown part number (no table, no tenant knows it) is kept as typed: it may be a new SKU.
    assert normalise_code("m365_sku:BRAND_NEW_SKU") == "m365_sku:BRAND_NEW_SKU"


def test_an_ambiguous_case_is_refused_with_both_spellings(org, admin_client):
    M365Sku.objects.create(snapshot_date=DAY, organization=org, sku_id=M3_ID, sku_part_number="Odd_Sku",
                           prepaid_enabled=1, consumed_units=1)
    M365ProductName.objects.create(string_id="ODD_SKU", display_name="Odd product")
    answer = admin_client.post("/admin/billing/billingmapping/add/", {
        "product_identifier": "X23", "code": "m365_sku:odd_sku", "tolerance": "0", "active": "on"})
    body = answer.content.decode()
    assert answer.status_code == 200 and "differs only in case" in body
    assert "m365_sku:ODD_SKU or m365_sku:Odd_Sku" in body
    assert not BillingMapping.objects.filter(product_identifier="X23").exists()


# --- stored measures of earlier days: m365_sku: was the assigned count -------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_old_sku_measures_become_bought_with_an_assigned_twin():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before, after = ("billing", "0005_part_numbers_cycles"), ("billing", "0006_sku_bought_and_assigned")
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    old_apps = executor.loader.project_state([before]).apps
    Org = old_apps.get_model("inventory", "Organization")
    Measured = old_apps.get_model("billing", "MeasuredQuantity")
    org = Org.objects.create(name="Birch Accounting")
    Measured.objects.create(snapshot_date=DAY, organization_id=org.pk, code="m365_sku:SPB", quantity=51,
                            detail={"total": 51, "ids": ["a@x"], "truncated": False, "bought": 56})
    Measured.objects.create(snapshot_date=DAY, organization_id=org.pk, code="ninja_seats", quantity=4,
                            detail={"total": 4, "ids": []})
    executor = MigrationExecutor(connection)
    executor.migrate([after])
    rows = {code: (quantity, detail) for code, quantity, detail in MeasuredQuantity.objects.filter(
        organization_id=org.pk).values_list("code", "quantity", "detail")}
    assert rows["m365_sku:SPB"][0] == 56 and rows["m365_sku:SPB"][1]["assigned"] == 51
    assert rows["m365_sku_assigned:SPB"] == (51, {"total": 51, "ids": ["a@x"], "truncated": False, "bought": 56,
                                                  "assigned": 51})
    assert rows["ninja_seats"][0] == 4
    executor = MigrationExecutor(connection)  # back and forth again: nothing changes twice
    executor.migrate([before])
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert MeasuredQuantity.objects.get(organization_id=org.pk, code="m365_sku:SPB").quantity == 56
    assert MeasuredQuantity.objects.filter(organization_id=org.pk).count() == 3


def test_a_sku_nobody_knows_is_saved_with_a_warning(admin_client):
    answer = admin_client.post("/admin/billing/billingmapping/add/", {
        "product_identifier": "X24", "code": "m365_sku:SPB_TYPO", "tolerance": "0", "active": "on"}, follow=True)
    assert answer.status_code == 200 and BillingMapping.objects.filter(product_identifier="X24").exists()
    shown = [str(m) for m in answer.context["messages"]]
    assert any("'SPB_TYPO' is in neither Microsoft's product-names table nor any tenant" in m for m in shown)
    known = admin_client.post("/admin/billing/billingmapping/add/", {
        "product_identifier": "X25", "code": "m365_sku:SPB", "tolerance": "0", "active": "on"}, follow=True)
    assert not any("is in neither" in str(m) for m in known.context["messages"])
