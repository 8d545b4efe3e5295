"""The ConnectWise agreements and additions in the admin: read-only lists with the mapped filter."""
from datetime import date
from decimal import Decimal

import pytest

from billing.models import CWAgreement, CWAgreementAddition
from inventory.models import Organization

pytestmark = pytest.mark.django_db
DAY = date(2026, 11, 20)


@pytest.fixture
def rows():
    cedar = Organization.objects.create(name="Cedar Law Group")
    CWAgreement.objects.create(snapshot_date=DAY, organization=cedar, company_id=19001, company_name="Cedar Law Group",
                               agreement_id=701, name="Cedar - Managed Services", agreement_type="Managed Services",
                               billing_cycle="Monthly")
    CWAgreement.objects.create(snapshot_date=DAY, company_id=19002, company_name="Quarry Hill Brewing Company",
                               agreement_id=702, name="Quarry - Managed Services", agreement_type="Managed Services")
    CWAgreementAddition.objects.create(
        snapshot_date=DAY, organization=cedar, company_name="Cedar Law Group", agreement_id=701, addition_id=90001,
        product_identifier="MANAGED-WS", description="Managed workstation", quantity=Decimal(30),
        less_included=Decimal(5), billed_quantity=Decimal(25), unit_price=Decimal("95.00"), bill_customer="Billable")
    return cedar


def test_the_agreements_list_is_read_only_and_filters_unmapped_companies(admin_client, rows):
    page = admin_client.get("/admin/billing/cwagreement/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Cedar - Managed Services" in html and "Quarry Hill Brewing Company" in html
    assert "Add ConnectWise agreement" not in html
    unmapped = admin_client.get("/admin/billing/cwagreement/?mapped=no").content.decode()
    assert "Quarry Hill Brewing Company" in unmapped and "Cedar - Managed Services" not in unmapped
    row = CWAgreement.objects.get(agreement_id=701)
    change = admin_client.get(f"/admin/billing/cwagreement/{row.pk}/change/")
    assert change.status_code == 200 and 'name="name"' not in change.content.decode()  # no editable field
    assert admin_client.post(f"/admin/billing/cwagreement/{row.pk}/delete/", {"post": "yes"}).status_code == 403
    assert CWAgreement.objects.filter(pk=row.pk).exists()


def test_the_additions_list_shows_billed_quantities_and_money(admin_client, rows):
    page = admin_client.get("/admin/billing/cwagreementaddition/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "MANAGED-WS" in html and "2,375.00" in html  # 25 billed x 95.00
    assert "Add ConnectWise agreement addition" not in html
    assert admin_client.get("/admin/billing/cwagreementaddition/add/").status_code == 403
    assert admin_client.get("/admin/billing/cwagreementaddition/?mapped=yes&bill_customer=Billable").status_code == 200
