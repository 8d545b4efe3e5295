"""ConnectWise agreements: the mapping rules (plain functions, no HTTP, no database) and the simulator's data."""
from datetime import date
from decimal import Decimal

import pytest

from billing.agreements import mapping
from collectors.simulators.connectwise import UNMAPPED_COMPANY, measured_counts

DAY = date(2026, 11, 20)
ADDITION = {"id": 90001, "product": {"id": 501, "identifier": "MANAGED-WS"}, "description": "Managed workstation",
            "quantity": 30, "lessIncluded": 5, "unitPrice": 95.0, "unitCost": 31.5, "billCustomer": "Billable",
            "effectiveDate": "2024-01-01T00:00:00Z", "cancelledDate": None, "agreementId": 701}


@pytest.mark.parametrize("quantity, less, bill, expected", [
    (30, 5, "Billable", 25), (30, 0, "Billable", 30), (3, 5, "Billable", 0),  # never below zero
    (30, 0, "DoNotBill", 0), (30, 0, "NoCharge", 0), (30, 0, "", 0), (Decimal("2.5"), 0, "Billable", Decimal("2.5")),
])
def test_the_billed_quantity_is_quantity_less_included_for_billable_lines(quantity, less, bill, expected):
    assert mapping.billed_quantity(Decimal(quantity), Decimal(less), bill) == Decimal(expected)


def test_an_addition_maps_to_its_values():
    values = dict(zip(mapping.ADDITION_FIELDS, mapping.addition_values(ADDITION, 701), strict=True))
    assert values == {
        "agreement_id": 701, "addition_id": 90001, "product_id": 501, "product_identifier": "MANAGED-WS",
        "description": "Managed workstation", "quantity": Decimal("30.00"), "less_included": Decimal("5.00"),
        "billed_quantity": Decimal("25.00"), "unit_price": Decimal("95.0000"), "unit_cost": Decimal("31.5000"),
        "bill_customer": "Billable", "effective_date": date(2024, 1, 1), "cancelled_date": None}


def test_odd_vendor_values_are_stored_safely():
    odd = {"id": "90002", "product": "MANAGED-WS", "description": "A\x00B" + "x" * 400, "quantity": "NaN",
           "lessIncluded": True, "unitPrice": "1e30", "billCustomer": "billable", "effectiveDate": "2024-02-03",
           "cancelledDate": "not a date"}
    values = dict(zip(mapping.ADDITION_FIELDS, mapping.addition_values(odd, 701), strict=True))
    assert values["addition_id"] == 90002 and values["product_identifier"] == "" and values["product_id"] is None
    assert values["description"].startswith("AB") and len(values["description"]) == 255
    assert values["quantity"] == 0 and values["less_included"] == 0
    assert values["unit_price"] == Decimal("9999999999.9999")  # clamped to the column
    assert values["bill_customer"] == "Billable" and values["effective_date"] == date(2024, 2, 3)
    assert values["cancelled_date"] is None


@pytest.mark.parametrize("cancelled, current", [
    (None, True), ("2026-11-19T00:00:00Z", False), ("2026-11-20T00:00:00Z", False), ("2026-11-30T00:00:00Z", True),
])
def test_an_addition_cancelled_on_or_before_the_day_is_not_current(cancelled, current):
    assert mapping.addition_current({**ADDITION, "cancelledDate": cancelled}, DAY) is current


@pytest.mark.parametrize("agreement, active", [
    ({"agreementStatus": "Active", "cancelledFlag": False}, True), ({"agreementStatus": "active"}, True),
    ({"agreementStatus": "Active", "cancelledFlag": True}, False), ({"agreementStatus": "Expired"}, False),
])
def test_only_active_uncancelled_agreements_count(agreement, active):
    assert mapping.agreement_active(agreement) is active


def test_an_agreement_maps_to_its_values_with_either_reference_shape():
    agreement = {"id": 701, "name": "Cedar - Managed Services", "type": {"id": 1, "name": "Managed Services"},
                 "company": {"id": 19001, "identifier": "CLG1", "name": "Cedar Law Group"},
                 "agreementStatus": "Active", "startDate": "2024-01-01T00:00:00Z", "endDate": None,
                 "cancelledFlag": False, "billingCycle": {"id": 1, "name": "Monthly"}}
    values = dict(zip(mapping.AGREEMENT_FIELDS, mapping.agreement_values(agreement), strict=True))
    assert values == {"company_id": 19001, "company_identifier": "CLG1", "company_name": "Cedar Law Group",
                      "agreement_id": 701, "name": "Cedar - Managed Services", "agreement_type": "Managed Services",
                      "status": "Active", "start_date": date(2024, 1, 1), "end_date": None, "billing_cycle": "Monthly"}
    flat = mapping.agreement_values({**agreement, "type": "Managed Services", "billingCycle": "Monthly"})
    assert flat[5] == "Managed Services" and flat[9] == "Monthly"


def test_the_simulated_agreements_bill_what_the_msp_has_except_the_planted_facts(msp, cw_agreements_data):
    data, facts = cw_agreements_data, cw_agreements_data.billing_facts
    customers = [c for c in msp.clients if not c.internal]
    names = {a["company"]["name"] for a in data.active_agreements()}
    assert len(names) == len(customers) + 1 and UNMAPPED_COMPANY in names
    measured = measured_counts(msp)
    assert facts["measured"] == {c.ninja_name: measured[c.index] for c in customers}
    (under, licences), (over,) = facts["under_billed"], facts["over_billed"]
    assert under["product"] == "MANAGED-WS" and licences["product"] == "M365-BP"
    assert under["measured"] - under["billed"] == 3 and over["billed"] - over["measured"] == 2
    assert licences["measured"] - licences["billed"] == 2 and licences["company"] not in (under["company"],
                                                                                           over["company"])
    assert under["company"] != over["company"]
    # The served rows agree with the facts: billed seats of the under-billed client's current lines.
    seats = sum(a["quantity"] - a["lessIncluded"] for a in data.current_additions()
                if a["product"]["identifier"] == "MANAGED-WS" and a["billCustomer"] == "Billable"
                and next(g for g in data.agreements if g["id"] == a["agreementId"])["company"]["name"].casefold()
                .split() == under["company"].casefold().split())
    assert seats == under["billed"]


def test_the_simulated_licence_lines_bill_the_licences_bought(msp, graph_data, cw_agreements_data):
    """M365-BP is billed to every client whose tenant has SPB, for the licences it bought, but one (2 fewer)."""
    facts = cw_agreements_data.billing_facts["licences"]
    with_spb = {t.organization: graph_data.expected(t.tenant_id)["skus"]["SPB"] for t in graph_data.tenants
                if "SPB" in graph_data.expected(t.tenant_id)["skus"]}
    assert set(facts) == set(with_spb) and len(facts) >= 3
    for name, (bought, assigned) in with_spb.items():
        line = facts[name]
        assert (line["bought"], line["assigned"], line["unit_price"], line["unit_cost"]) == (
            bought, assigned, "26.00", "22.00")
        assert line["billed"] == (bought - 2 if name == cw_agreements_data.billing_facts["under_billed"][1]["company"]
                                  else bought)
    served = {}
    for addition in cw_agreements_data.current_additions():
        if addition["product"]["identifier"] == "M365-BP":
            company = next(g for g in cw_agreements_data.agreements if g["id"] == addition["agreementId"])
            served[" ".join(company["company"]["name"].casefold().split())] = addition["quantity"]
    assert served == {" ".join(n.casefold().split()): line["billed"] for n, line in facts.items()}


def test_the_simulator_serves_agreements_paged_with_conditions(cw):
    import requests

    from collectors.clients.connectwise import ConnectWiseClient

    client = ConnectWiseClient(page_size=4)
    active = [row for page in client.agreement_pages() for row in page]
    assert len(active) == len(cw.dataset.active_agreements()) == client.count("finance/agreements",
                                                                            'agreementStatus="Active"')
    first = active[0]["id"]
    lines = [row for page in client.addition_pages(first) for row in page]
    assert {row["agreementId"] for row in lines} == {first} and all(r["cancelledDate"] is None for r in lines)
    companies, _ = client.request_json("GET", "company/companies", params={"pageSize": 1000})
    assert UNMAPPED_COMPANY in {c["name"] for c in companies}
    headers = client.auth_headers()
    missing = requests.get(cw.url + "finance/agreements/1/additions", headers=headers, timeout=5)
    bad = requests.get(cw.url + "finance/agreements", params={"conditions": "nope=1"}, headers=headers, timeout=5)
    assert (missing.status_code, bad.status_code) == (404, 400)
    client.close()
