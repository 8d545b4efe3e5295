"""The billing API: report, variances (filters, paging, resolve, accept, bulk-update), clients; permissions
(anonymous 401, no role 403, QBR-only 403, Billing group read only, staff write) and bad input 400/404."""
from datetime import date

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from rest_framework.test import APIClient

from billing.models import BillingVariance
from collectors import runs
from collectors.models import RunStatus
from collectors.simulators import install_aliases

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 20)


@pytest.fixture
def collected(inventory_sims, m365, cw, tenants, msp):
    install_aliases(msp)
    call_command("seed_billing_map", verbosity=0)
    batch = runs.start_batch(["ninja", "threatlocker", "microsoft365", "connectwise_agreements"],
                             run_cross_vendor=False, snapshot_date=DAY, trigger="command", enqueue=False)
    for job in list(batch.jobs.order_by("id")):
        runs.run_job(job.job_id)
    batch.refresh_from_db()
    assert batch.status == RunStatus.COMPLETED
    return batch


def person(django_user_model, name, *, staff=False, groups=()):
    user = django_user_model.objects.create_user(name, f"{name}@example.com", "pw-Strong-123", is_staff=staff)
    user.groups.set([Group.objects.get(name=g) for g in groups])
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def staff(django_user_model):
    return person(django_user_model, "staffer", staff=True)


@pytest.fixture
def biller(django_user_model):
    return person(django_user_model, "biller", groups=[settings.BILLING_GROUP])


def test_report_by_client_with_money_totals(collected, staff, cw_agreements_data):
    body = staff.get("/api/billing/report").json()
    assert body["date"] == DAY.isoformat()
    facts = cw_agreements_data.billing_facts
    under, over = facts["under_billed"][0], facts["over_billed"][0]
    licences = facts["under_billed"][1]  # M365-BP: 2 SPB licences bought but not billed
    assert (licences["product"], licences["measured"] - licences["billed"]) == ("M365-BP", 2)
    assert float(body["totals"]["monthly_revenue_leak"]) == pytest.approx(
        3 * float(under["unit_price"]) + 2 * float(licences["unit_price"]))
    assert float(body["totals"]["monthly_over_billing"]) == pytest.approx(2 * float(over["unit_price"]))
    clients = {c["organization"]: c for c in body["clients"]}
    seats = {p["product"]: p for p in clients[under["company"]]["products"]}["MANAGED-WS"]
    assert (float(seats["billed"]), seats["measured"], seats["code"]) == (under["billed"], under["measured"],
                                                                          "ninja_seats")
    assert body["clients"][0]["organization"] in (under["company"], over["company"])  # most money first
    assert body["totals"]["variances"] == BillingVariance.objects.count()
    assert staff.get("/api/billing/report?date=2026-11-20").json() == body
    empty = staff.get("/api/billing/report?date=2020-01-01").json()
    assert empty["clients"] == [] and float(empty["totals"]["monthly_revenue_leak"]) == 0


def test_the_report_reads_a_fixed_number_of_queries_whatever_the_clients(collected, django_assert_max_num_queries):
    from billing.reports import billing_report

    assert len(billing_report(DAY)["clients"]) >= 8
    with django_assert_max_num_queries(6):  # variances, clients, names, billed, rules, measures: no N+1
        billing_report(DAY)


def test_variance_list_filters_and_paging(collected, biller):
    body = biller.get("/api/billing/variances").json()
    assert body["count"] == BillingVariance.objects.count() and body["page"] == 1
    under = biller.get("/api/billing/variances?type=UNDER_BILLED").json()["results"]
    # Seats (MANAGED-WS) and Microsoft 365 licences (M365-BP) under-billed, as the simulators planted.
    assert sorted((v["type"], v["subject"]) for v in under) == [("UNDER_BILLED", "M365-BP"),
                                                                ("UNDER_BILLED", "MANAGED-WS")]
    assert all(float(v["amount"]) > 0 and v["cycle_note"] == "" for v in under)
    org = under[0]["organization_id"]
    mine = biller.get(f"/api/billing/variances?organization={org}&status=open&date=2026-11-20").json()
    assert mine["results"] and {v["organization_id"] for v in mine["results"]} == {org}
    assert biller.get("/api/billing/variances?date=2026-11-19").json()["count"] == 0
    page = biller.get("/api/billing/variances?page_size=2&page=2").json()
    assert page["page"] == 2 and len(page["results"]) == 2
    detail = biller.get(f"/api/billing/variances/{under[0]['id']}").json()
    assert detail["events"][0]["action"] == "found"


def test_resolve_accept_and_bulk_with_notes_and_audit(collected, staff, biller):
    ids = list(BillingVariance.objects.order_by("id").values_list("id", flat=True))
    response = staff.post(f"/api/billing/variances/{ids[0]}/resolve", {"notes": "Fixed in CW"}, format="json")
    assert response.status_code == 200
    body = response.json()["variance"]
    assert (body["status"], body["resolution"], body["notes"], body["resolved_by"]) == (
        "resolved", "manual", "Fixed in CW", "staffer")
    assert body["events"][-1]["actor"] == "staffer" and body["events"][-1]["to_status"] == "resolved"
    again = staff.post(f"/api/billing/variances/{ids[0]}/resolve", {"notes": "x"}, format="json")
    assert again.status_code == 409
    accepted = staff.post(f"/api/billing/variances/{ids[1]}/accept", {"notes": "Agreed"}, format="json").json()
    assert accepted["variance"]["status"] == "accepted"
    bulk = staff.post("/api/billing/variances/bulk-update", {"action": "resolve", "ids": ids[2:4], "notes": "n"},
                      format="json").json()
    assert bulk["updated"] == 2 and {r["to_status"] for r in bulk["results"]} == {"resolved"}
    assert biller.post(f"/api/billing/variances/{ids[4]}/accept", {}, format="json").status_code == 403
    assert BillingVariance.objects.get(id=ids[4]).status == "open"


def test_client_detail_with_twelve_months(collected, staff, cw_agreements_data):
    under = BillingVariance.objects.get(variance_type="UNDER_BILLED", subject="MANAGED-WS")
    body = staff.get(f"/api/billing/clients/{under.organization_id}").json()
    products = {p["product"]: p for p in body["products"]}
    seats = products["MANAGED-WS"]
    # Each product's monthly unit price, as the report gives it (was always null).
    report = staff.get("/api/billing/report").json()
    line = next(p for c in report["clients"] if c["organization_id"] == under.organization_id
                for p in c["products"] if p["product"] == "MANAGED-WS")
    assert seats["unit_price"] == line["unit_price"] == "95.0000" == f"{under.unit_price:.4f}"
    assert float(seats["billed"]) == float(under.billed) and seats["measured"] == int(under.measured)
    assert len(seats["history"]) == 12 and seats["history"][-1]["month"] == "2026-11"
    assert float(seats["history"][-1]["billed"]) == float(under.billed)
    assert seats["history"][0]["billed"] is None
    assert any(v["type"] == "UNDER_BILLED" for v in body["variances"])
    for edge in ("0001-01-01", "9999-12-31"):  # calendar edges answer, never a 500
        assert staff.get(f"/api/billing/clients/{under.organization_id}?date={edge}").status_code == 200
        assert staff.get(f"/api/billing/report?date={edge}").status_code == 200


@pytest.mark.parametrize("who, method, path, status", [
    ("anonymous", "get", "/api/billing/report", 401),
    ("no_role", "get", "/api/billing/report", 403),
    ("qbr", "get", "/api/billing/variances", 403),
    ("viewer", "get", "/api/billing/clients/1", 403),
    ("billing", "get", "/api/billing/report", 200),
    ("billing", "get", "/api/billing/variances", 200),
    ("billing", "post", "/api/billing/variances/bulk-update", 403),
    ("staff", "get", "/api/billing/report", 200),
])
def test_permissions(db, django_user_model, who, method, path, status):
    clients = {
        "anonymous": lambda: APIClient(),
        "no_role": lambda: person(django_user_model, "n"),
        "qbr": lambda: person(django_user_model, "q", groups=[settings.QBR_READER_GROUP]),
        "viewer": lambda: person(django_user_model, "v", groups=[settings.ESINV_VIEWER_GROUP]),
        "billing": lambda: person(django_user_model, "b", groups=[settings.BILLING_GROUP]),
        "staff": lambda: person(django_user_model, "s", staff=True),
    }
    client = clients[who]()
    response = client.get(path) if method == "get" else client.post(path, {"action": "resolve", "ids": [1]},
                                                                      format="json")
    assert response.status_code == status


@pytest.mark.parametrize("method, path, body, status, field", [
    ("get", "/api/billing/report?date=2026-13-01", None, 400, "date"),
    ("get", "/api/billing/report?date=2026-11-20%00", None, 400, "date"),
    ("get", "/api/billing/variances?type=NOPE", None, 400, "type"),
    ("get", "/api/billing/variances?status=%00", None, 400, "status"),
    ("get", "/api/billing/variances?organization=abc", None, 400, "organization"),
    ("get", "/api/billing/variances?organization=99999999999999999999999", None, 400, "organization"),
    ("get", "/api/billing/variances?date=yesterday", None, 400, "date"),
    ("get", "/api/billing/variances?page=0", None, 400, "page"),
    ("get", "/api/billing/variances/999999", None, 404, None),
    ("get", "/api/billing/variances/abc", None, 404, None),
    ("get", "/api/billing/clients/999999", None, 404, None),
    ("get", "/api/billing/clients/1%00", None, 400, "path"),
    ("post", "/api/billing/variances/999999/resolve", {"notes": "x"}, 404, None),
    ("post", "/api/billing/variances/1/accept", {"notes": 5}, 400, "notes"),
    ("post", "/api/billing/variances/1/accept", {"notes": "a\x00b"}, 400, "notes"),
    ("post", "/api/billing/variances/bulk-update", {"action": "delete", "ids": [1]}, 400, "action"),
    ("post", "/api/billing/variances/bulk-update", {"action": "resolve", "ids": []}, 400, "ids"),
    ("post", "/api/billing/variances/bulk-update", {"action": "resolve", "ids": ["1"]}, 400, "ids"),
    ("post", "/api/billing/variances/bulk-update", {"action": "resolve", "ids": [999999]}, 404, "ids"),
    ("post", "/api/billing/variances/bulk-update", [1, 2], 400, "body"),
])
def test_bad_input_is_a_json_4xx_naming_the_field(db, staff, method, path, body, status, field):
    response = staff.get(path) if method == "get" else staff.post(path, body, format="json")
    assert response.status_code == status, response.content
    error = response.json()["error"]
    if field:
        assert error["details"]["field"] == field, error
