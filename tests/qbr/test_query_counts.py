"""Query-count baselines of the QBR read endpoints (NetBox-style): the same number of queries for one
organization, month or row as for many, and at most the recorded baseline, so an N+1 fails here.

The baselines count the endpoint's own queries: what every API request costs besides (session, user and
groups, throttle counters in the database cache, savepoints) is left out, so the numbers hold on SQLite and
PostgreSQL alike.
"""
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing.models import BillCustomer, BillingMapping, CWAgreementAddition
from inventory.models import Vendor
from qbr.models import Threshold
from tests import factories

pytestmark = pytest.mark.django_db
MONTHS = ["2025-10", "2025-11", "2025-12"]
MANY = 12


PLUMBING = ("django_session", '"auth_user"', '"auth_group"', "esinv_cache", "SAVEPOINT")


def _own(captured) -> list[str]:
    return [q["sql"] for q in captured if not any(word in q["sql"] for word in PLUMBING)]


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(_own(captured))


def _clients(count):
    return [factories.organization(f"Client {i:02d}") for i in range(count)]


def _fill(metrics, organizations, months):
    for org in organizations:
        for month in months:
            metrics(month, org.id, seats_managed=10, endpoints_managed=12, reactive_tickets_created=30,
                    reactive_tickets_closed=25, mrr=(5000, "manual"), total_revenue=(9000, "manual"),
                    csat_score=(4, "manual"))


# The endpoint's own queries: the organization, then
BASELINES = {
    "monthly": 6,  # the latest period, the rows, billed seats (agreements day, billed lines, billing map)
    "quarterly": 2,  # the quarter's rows
    "smartnumbers": 3,  # the quarter's rows, the thresholds
    "thresholds": 2,  # the rows
    "devices-by-client": 6,  # the month's snapshot date, the grouped counts, billed seats (as monthly)
}


@pytest.mark.parametrize("name, url", [
    ("monthly", "/api/qbr/metrics/monthly?organization_id={org}"),
    ("quarterly", "/api/qbr/metrics/quarterly?period=2025-Q4&organization_id={org}"),
    ("smartnumbers", "/api/qbr/smartnumbers?period=2025-Q4&organization_id={org}"),
])
def test_metric_reads_do_not_grow_with_organizations_or_months(qbr_reader, metrics, name, url):
    one = _clients(1)
    _fill(metrics, one, MONTHS[:1])
    BillingMapping.objects.create(product_identifier="MANAGED-WS", code="ninja_seats")
    _billed(one[0].name, 0, date(2025, 10, 15))
    few = _queries(qbr_reader, url.format(org=one[0].id))
    many = _clients(MANY)
    _fill(metrics, many, MONTHS)
    for i, org in enumerate(many[1:], start=1):
        _billed(org.name, i, date(2025, 12, 1))
    for org in many:  # thresholds for every SmartNumber of a client
        for threshold in Threshold.objects.filter(organization_id=1):
            threshold.pk, threshold.organization_id = None, org.id
            threshold.save()
    lots = _queries(qbr_reader, url.format(org=many[0].id))
    assert lots == few, f"{name}: {few} queries for one month and organization, {lots} for {MANY} x 3"
    assert lots <= BASELINES[name], f"{name}: {lots} queries, baseline {BASELINES[name]}"


def test_thresholds_list_does_not_grow_with_rows(qbr_reader):
    org = factories.organization("Client")
    Threshold.objects.create(organization=org, metric_name="rhem", direction="lower", green_bound=1, yellow_bound=2)
    few = _queries(qbr_reader, f"/api/qbr/thresholds?organization_id={org.id}")
    lots = _queries(qbr_reader, "/api/qbr/thresholds?organization_id=1")  # every shipped default
    assert Threshold.objects.filter(organization_id=1).count() > 15
    assert lots == few and lots <= BASELINES["thresholds"]


def test_devices_by_client_does_not_grow_with_clients(qbr_reader):
    day = date(2025, 10, 31)
    factories.snapshot(Vendor.NINJA, "ONE-WS1", day=day, org="Client 00")
    BillingMapping.objects.create(product_identifier="MANAGED-WS", code="ninja_seats")
    _billed("Client 00", 0, day)
    few = _queries(qbr_reader, "/api/qbr/metrics/devices-by-client?period=2025-10")
    for i in range(1, MANY):
        for n in range(3):
            factories.snapshot(Vendor.NINJA, f"C{i:02d}-WS{n}", day=day, org=f"Client {i:02d}")
        _billed(f"Client {i:02d}", i, day)
        BillingMapping.objects.create(product_identifier="MANAGED-WS", code="ninja_seats",
                                      organization=factories.organization(f"Client {i:02d}"))
        factories.snapshot(Vendor.NINJA, f"C{i:02d}-SRV", day=day, org=f"Client {i:02d}", node_class="WINDOWS_SERVER")
    lots = _queries(qbr_reader, "/api/qbr/metrics/devices-by-client?period=2025-10")
    assert lots == few and lots <= BASELINES["devices-by-client"]


def _billed(org_name, n, day):
    org = factories.organization(org_name)
    CWAgreementAddition.objects.create(snapshot_date=day, organization=org, company_id=n, company_name=org_name,
                                       agreement_id=n, addition_id=n, product_identifier="MANAGED-WS",
                                       quantity=3, billed_quantity=3, bill_customer=BillCustomer.BILLABLE)


def test_manual_entry_looks_each_organization_up_once(qbr_editor):
    """Many items for one organization: one organization query, not one per item."""
    items = [{"period": "2025-10", "metric_name": name, "metric_value": 1, "organization_id": 1}
             for name in ("employees", "agreements", "mrr", "nrr")]
    with CaptureQueriesContext(connection) as captured:
        response = qbr_editor.post("/api/qbr/metrics/manual", {"metrics": items}, format="json")
    assert response.status_code == 200
    lookups = [sql for sql in _own(captured) if 'FROM "inventory_organization"' in sql]
    assert len(lookups) == 1
