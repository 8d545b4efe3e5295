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
    assert (body["status"], body["resolution"], body["resolved_by"]) == ("resolved", "manual", "staffer")
    assert body["notes"].startswith("[") and body["notes"].endswith(" staffer] Fixed in CW")  # stamped
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


# --- ordering and repeated parameters (review16 F11) ------------------------------------------------------------
def amounts(rows):
    return [None if v["amount"] is None else float(v["amount"]) for v in rows]


def test_variances_order_by_money_at_stake_with_nulls_last_either_way(collected, biller):
    total = BillingVariance.objects.count()
    most = biller.get("/api/billing/variances?ordering=-amount&page_size=1000").json()["results"]
    least = biller.get("/api/billing/variances?ordering=amount&page_size=1000").json()["results"]
    assert len(most) == len(least) == total
    for rows, descending in ((most, True), (least, False)):
        money = amounts(rows)
        known = [a for a in money if a is not None]
        assert None in money and known, "the collected day has variances with and without money"
        assert money == known + [None] * (len(money) - len(known))  # every null after every amount
        assert known == sorted(known, reverse=descending)
    assert most[0]["type"] == "UNDER_BILLED" or float(most[0]["amount"]) >= float(least[0]["amount"])


@pytest.mark.parametrize("ordering, key", [
    ("organization", lambda v: v["organization"]),
    ("-organization", lambda v: v["organization"]),
    ("type", lambda v: v["type"]),
    ("-date_found", lambda v: v["date_found"]),
    ("last_seen", lambda v: v["last_seen"]),
    ("status", lambda v: v["status"]),
])
def test_each_variance_ordering_sorts_the_whole_list(collected, staff, ordering, key):
    first = BillingVariance.objects.order_by("id").first()
    staff.post(f"/api/billing/variances/{first.id}/resolve", {"notes": "x"}, format="json")  # two statuses
    rows = staff.get(f"/api/billing/variances?ordering={ordering}&page_size=1000").json()["results"]
    assert len(rows) == BillingVariance.objects.count()
    assert [key(v) for v in rows] == sorted((key(v) for v in rows), reverse=ordering.startswith("-"))
    if ordering in ("organization", "-organization"):
        assert len({v["organization"] for v in rows}) > 1


def test_variance_pages_in_any_order_neither_overlap_nor_skip(collected, biller):
    total = BillingVariance.objects.count()
    seen = []
    for page in range(1, total // 3 + 2):
        response = biller.get(f"/api/billing/variances?ordering=-amount&page_size=3&page={page}")
        if response.status_code == 404:
            break
        seen += [v["id"] for v in response.json()["results"]]
    assert sorted(seen) == sorted(BillingVariance.objects.values_list("id", flat=True))


@pytest.mark.parametrize("raw", ["nope", "--amount", "amount,type", "id", "-", "organization__name", "%E2%82%AC"])
def test_an_unknown_ordering_is_a_400_listing_the_allowed_ones(db, staff, raw):
    response = staff.get(f"/api/billing/variances?ordering={raw}")
    assert response.status_code == 400
    details = response.json()["error"]["details"]
    assert details["field"] == "ordering"
    assert {"amount", "-amount", "organization", "date_found", "last_seen", "type"} <= set(details["allowed"])


def test_several_types_are_all_honoured_repeated_or_as_a_comma_list(collected, biller):
    both = {"UNDER_BILLED", "OVER_BILLED"}
    expected = BillingVariance.objects.filter(variance_type__in=both).count()
    for query in ("type=UNDER_BILLED&type=OVER_BILLED", "type=OVER_BILLED&type=UNDER_BILLED",
                  "type=UNDER_BILLED,OVER_BILLED", "type=UNDER_BILLED&type=OVER_BILLED&type=UNDER_BILLED"):
        rows = biller.get(f"/api/billing/variances?{query}&page_size=1000").json()["results"]
        assert len(rows) == expected and {v["type"] for v in rows} == both, query
    assert biller.get("/api/billing/variances?type=").json()["count"] == BillingVariance.objects.count()
    refused = biller.get("/api/billing/variances?type=UNDER_BILLED&type=NOPE")
    assert refused.status_code == 400 and refused.json()["error"]["details"]["field"] == "type"
    assert "OVER_BILLED" in refused.json()["error"]["details"]["allowed"]


@pytest.mark.parametrize("path, field", [
    ("/api/billing/variances?date=2026-11-20&date=2026-11-19", "date"),
    ("/api/billing/variances?status=open&status=resolved", "status"),
    ("/api/billing/variances?organization=1&organization=2", "organization"),
    ("/api/billing/variances?ordering=amount&ordering=-amount", "ordering"),
    ("/api/billing/variances?page=1&page=2", "page"),
    ("/api/billing/variances?page_size=5&page_size=10", "page_size"),
    ("/api/billing/report?date=2026-11-20&date=2026-11-19", "date"),
    ("/api/billing/clients/1?date=2026-11-20&date=2026-11-19", "date"),
    ("/api/billing/export/csv?date=2026-11-20&date=2026-11-19", "date"),
    ("/api/billing/export/excel?date=2026-11-20&date=2026-11-20", "date"),
    ("/api/billing/export/pdf?date=2026-11-20&date=", "date"),
])
def test_a_single_valued_parameter_given_twice_is_a_400_naming_it(db, staff, path, field):
    response = staff.get(path)
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["details"]["field"] == field and "once" in error["message"]


def test_the_schema_states_the_orderings_and_several_types(db, staff):
    from billing.filtersets import ORDERINGS

    schema = staff.get("/api/schema/?format=json").json()
    params = {p["name"]: p for p in schema["paths"]["/api/billing/variances"]["get"]["parameters"]}
    assert set(params["ordering"]["schema"]["enum"]) >= set(ORDERINGS.values)
    assert params["type"]["schema"]["type"] == "array"
    assert set(params["type"]["schema"]["items"]["enum"]) == {"UNDER_BILLED", "OVER_BILLED", "UNUSED_LICENCES",
                                                              "DISABLED_USER_LICENSED"}


# --- actions as the device exceptions' (review16 F12) -----------------------------------------------------------
def events_of(variance_id):
    return list(BillingVariance.objects.get(id=variance_id).events.values_list("action", flat=True))


def test_accepting_an_accepted_variance_is_a_409_that_writes_nothing(collected, staff):
    vid = BillingVariance.objects.filter(status="open").order_by("id").first().id
    url = f"/api/billing/variances/{vid}/accept"
    assert staff.post(url, {"notes": "Agreed minimum"}, format="json").status_code == 200
    before = (events_of(vid), BillingVariance.objects.get(id=vid).notes)
    for body in ({"notes": "again"}, {}, None):
        again = staff.post(url, body, format="json")
        assert again.status_code == 409, again.content
        assert "already accepted" in again.json()["error"]["message"].lower()
        assert again.json()["error"]["details"]["ids"] == [vid]
    assert (events_of(vid), BillingVariance.objects.get(id=vid).notes) == before
    assert events_of(vid).count("accepted") == 1


def test_notes_are_optional_as_for_device_exceptions_and_never_wiped(collected, staff):
    vid = BillingVariance.objects.filter(status="open").order_by("id").first().id
    accepted = staff.post(f"/api/billing/variances/{vid}/accept", {}, format="json")  # no notes: allowed
    assert accepted.status_code == 200 and accepted.json()["variance"]["status"] == "accepted"
    assert accepted.json()["variance"]["notes"] == ""
    staff.post(f"/api/billing/variances/{vid}/resolve", {"notes": "Invoice fixed"}, format="json")
    variance = BillingVariance.objects.get(id=vid)
    assert variance.status == "resolved" and variance.notes.endswith("staffer] Invoice fixed")
    again = staff.post(f"/api/billing/variances/{vid}/resolve", {}, format="json")
    assert again.status_code == 409 and "already resolved" in again.json()["error"]["message"].lower()
    refused = staff.post(f"/api/billing/variances/{vid}/accept", {"notes": "n"}, format="json")
    assert refused.status_code == 409 and "already resolved" in refused.json()["error"]["message"].lower()
    assert BillingVariance.objects.get(id=vid).notes == variance.notes  # a refused action wrote nothing
    assert events_of(vid) == ["found", "accepted", "resolved"]


def test_notes_accumulate_stamped_like_the_device_exceptions(collected, staff):
    vid = BillingVariance.objects.filter(status="open").order_by("id").first().id
    staff.post(f"/api/billing/variances/{vid}/accept", {"notes": "Agreed minimum"}, format="json")
    staff.post(f"/api/billing/variances/{vid}/resolve", {"notes": "Invoice fixed"}, format="json")
    lines = BillingVariance.objects.get(id=vid).notes.splitlines()
    assert [line.split("] ", 1)[1] for line in lines] == ["Agreed minimum", "Invoice fixed"]
    assert all(line.startswith("[") and " staffer]" in line for line in lines)


def test_bulk_accept_with_an_accepted_one_changes_nothing(collected, staff):
    opened = list(BillingVariance.objects.filter(status="open").order_by("id").values_list("id", flat=True)[:3])
    staff.post(f"/api/billing/variances/{opened[0]}/accept", {"notes": "ok"}, format="json")
    events_before = {i: events_of(i) for i in opened}
    response = staff.post("/api/billing/variances/bulk-update",
                          {"action": "accept", "ids": opened, "notes": "all"}, format="json")
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["details"]["ids"] == [opened[0]]
    assert [(r["id"], r["ok"], r["error"]) for r in error["details"]["results"]] == [
        (opened[0], False, "already accepted"), (opened[1], True, None), (opened[2], True, None)]
    assert {i: events_of(i) for i in opened} == events_before
    assert list(BillingVariance.objects.filter(id__in=opened).order_by("id").values_list("status", flat=True)) == [
        "accepted", "open", "open"]
    # resolve takes open and accepted ones alike
    resolved = staff.post("/api/billing/variances/bulk-update",
                          {"action": "resolve", "ids": opened + [opened[1]], "notes": "done"}, format="json")
    assert resolved.status_code == 200 and resolved.json()["updated"] == 3
    assert [r["from_status"] for r in resolved.json()["results"]] == ["accepted", "open", "open"]
