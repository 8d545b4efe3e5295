"""Billed seats beside managed seats in QBR: devices by client (API and page) and the monthly metrics.

The billed side is billing's (agreements and the billing map), registered into qbr/billed_seats.py; null when no
agreements were collected in the month.
"""
from datetime import date
from decimal import Decimal

import pytest

from billing.models import BillCustomer, BillingMapping, CWAgreementAddition
from billing.seats import seats_by_product
from inventory.models import Vendor
from qbr.billed_seats import BilledSeats
from tests import factories

pytestmark = pytest.mark.django_db
OCT_END = date(2025, 10, 31)
_ids = iter(range(1, 10_000))


def addition(org, product, billed, *, day=date(2025, 10, 28), bill=BillCustomer.BILLABLE, effective=None):
    n = next(_ids)
    return CWAgreementAddition.objects.create(
        snapshot_date=day, organization=org, company_id=n, company_name=org.name if org else "Prospect",
        agreement_id=n, addition_id=n, product_identifier=product, quantity=billed, billed_quantity=billed,
        unit_price=Decimal("10"), bill_customer=bill, effective_date=effective)


@pytest.fixture
def clients(db):
    acme, beta = factories.organization("Acme Corp"), factories.organization("Beta LLC")
    for n in range(4):
        factories.snapshot(Vendor.NINJA, f"ACME-WS{n}", day=OCT_END, org=acme)
    factories.snapshot(Vendor.NINJA, "BETA-WS1", day=OCT_END, org=beta)
    factories.snapshot(Vendor.NINJA, "BETA-SRV", day=OCT_END, org=beta, node_class="WINDOWS_SERVER")
    BillingMapping.objects.create(product_identifier="MANAGED-WS", code="ninja_seats")
    BillingMapping.objects.create(product_identifier="MANAGED-SRV", code="ninja_servers")
    return acme, beta


def _devices(client, query="period=2025-10"):
    response = client.get(f"/api/qbr/metrics/devices-by-client?{query}")
    assert response.status_code == 200, response.content
    return response.json()["data"]


def test_null_without_agreements(qbr_reader, clients):
    data = _devices(qbr_reader)
    assert data["agreements_date"] is None and data["total_billed_seats"] is None
    assert [(c["client_name"], c["seats"], c["billed_seats"]) for c in data["clients"]] == [
        ("Acme Corp", 4, None), ("Beta LLC", 1, None)]
    monthly = qbr_reader.get("/api/qbr/metrics/monthly?period=2025-10").json()["data"]
    assert monthly["billed_seats"] is None and monthly["agreements_date"] is None


def test_agreements_of_another_month_do_not_count(qbr_reader, clients):
    addition(clients[0], "MANAGED-WS", 4, day=date(2025, 11, 2))
    assert _devices(qbr_reader)["total_billed_seats"] is None


def test_billed_seats_are_the_mapped_billable_quantity_of_the_latest_day(qbr_reader, clients):
    acme, beta = clients
    addition(acme, "MANAGED-WS", 1, day=date(2025, 10, 20))  # an older day of the month: not read
    addition(acme, "managed-ws", 3)  # matched ignoring case
    addition(acme, "MANAGED-WS", Decimal("0.5"))
    addition(acme, "MANAGED-SRV", 9)  # mapped to servers, not seats
    addition(acme, "ONBOARDING", 7)  # not mapped
    addition(acme, "MANAGED-WS", 5, bill=BillCustomer.NO_CHARGE)  # not billable
    addition(acme, "MANAGED-WS", 6, effective=date(2025, 10, 29))  # billed from after the day
    addition(beta, "MANAGED-SRV", 1)  # agreements, but no seats billed: 0
    addition(None, "MANAGED-WS", 8)  # a company mapped to no organization
    data = _devices(qbr_reader)
    assert data["agreements_date"] == "2025-10-28"
    assert [(c["client_name"], c["seats"], c["billed_seats"]) for c in data["clients"]] == [
        ("Acme Corp", 4, 3.5), ("Beta LLC", 1, 0)]
    assert data["total_seats"] == 5 and data["total_billed_seats"] == 3.5
    # The existing fields are kept.
    assert {"period", "organization_id", "snapshot_date", "clients", "total_seats", "total_endpoints"} <= set(data)
    one = _devices(qbr_reader, f"period=2025-10&organization_id={acme.id}")
    assert one["total_billed_seats"] == 3.5 and [c["billed_seats"] for c in one["clients"]] == [3.5]
    monthly = qbr_reader.get(f"/api/qbr/metrics/monthly?period=2025-10&organization_id={beta.id}").json()["data"]
    assert monthly["billed_seats"] == 0 and monthly["agreements_date"] == "2025-10-28"
    total = qbr_reader.get("/api/qbr/metrics/monthly?period=2025-10").json()["data"]
    assert total["billed_seats"] == 3.5


def test_a_client_override_wins(qbr_reader, clients):
    acme, beta = clients
    BillingMapping.objects.create(product_identifier="MANAGED-WS", code="ninja_endpoints", organization=beta)
    BillingMapping.objects.create(product_identifier="SEATS-PLUS", code="ninja_seats", organization=beta)
    addition(acme, "MANAGED-WS", 4)
    addition(beta, "MANAGED-WS", 2)
    addition(beta, "SEATS-PLUS", 1)
    data = _devices(qbr_reader)
    assert {c["client_name"]: c["billed_seats"] for c in data["clients"]} == {"Acme Corp": 4, "Beta LLC": 1}


def test_the_page_shows_billed_seats(qbr_reader, clients):
    addition(clients[0], "MANAGED-WS", 6)
    page = qbr_reader.get("/qbr/?quarter=2025-Q4&month=2025-10").content.decode()
    assert "Billed seats" in page and 'data-testid="total-billed-seats">6<' in page
    assert "ConnectWise agreements of 2025-10-28" in page


def test_plain_rule():
    mappings = {1: {"MANAGED-WS": ("ninja_seats", Decimal(0))}, 2: {}}
    lines = [(1, "managed-ws", Decimal(2)), (1, "X", Decimal(5)), (2, "MANAGED-WS", Decimal(3))]
    assert seats_by_product(lines, mappings) == {1: Decimal(2), 2: Decimal(0)}
    billed = BilledSeats(date(2025, 10, 1), {7: Decimal(2), 8: Decimal(3)})
    assert billed.for_organization(1) == 5 and billed.for_organization(8) == 3 and billed.for_organization(9) == 0
