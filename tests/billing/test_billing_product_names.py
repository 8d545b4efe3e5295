"""F6: the billing API's variances and report lines carry a read-only `product_name` (Microsoft's product name
of a SKU part number, imported names first; the identifier itself when no table knows it), read once per
response."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing.models import M365ProductName
from tests.billing.pages_data import DAY, billing_day, unused_licences
from tests.billing.test_billing_api import person

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(django_user_model):
    return person(django_user_model, "staffer", staff=True)


def test_variances_and_report_lines_name_their_product(staff):
    day = billing_day()
    licence = unused_licences(day["leaky"])
    rows = {v["id"]: v for v in staff.get("/api/billing/variances?page_size=100").json()["results"]}
    assert rows[licence.id]["product_name"] == "Microsoft 365 Business Premium"
    assert rows[licence.id]["subject"] == "SPB"
    assert rows[day["under"].id]["product_name"] == "MANAGED-WS"  # not a SKU: the identifier itself
    detail = staff.get(f"/api/billing/variances/{licence.id}").json()
    assert detail["product_name"] == "Microsoft 365 Business Premium"
    report = staff.get(f"/api/billing/report?date={DAY.isoformat()}").json()
    leaky = next(c for c in report["clients"] if c["organization"] == "Leaky Co")
    assert {p["product"]: p["product_name"] for p in leaky["products"]} == {"M365-BP": "M365-BP",
                                                                            "MANAGED-WS": "MANAGED-WS"}
    assert next(v for v in leaky["variances"] if v["id"] == licence.id)["product_name"] == \
        "Microsoft 365 Business Premium"
    client = staff.get(f"/api/billing/clients/{day['leaky'].id}?date={DAY.isoformat()}").json()
    assert next(v for v in client["variances"] if v["id"] == licence.id)["product_name"] == \
        "Microsoft 365 Business Premium"
    M365ProductName.objects.create(string_id="SPB", display_name="Business Premium (imported)")
    rows = {v["id"]: v for v in staff.get("/api/billing/variances?page_size=100").json()["results"]}
    assert rows[licence.id]["product_name"] == "Business Premium (imported)"


def test_names_are_read_once_per_response(staff):
    day = billing_day()
    unused_licences(day["leaky"])

    def name_queries():
        with CaptureQueriesContext(connection) as queries:
            assert staff.get("/api/billing/variances?page_size=100").status_code == 200
        return sum("m365productname" in q["sql"].lower() for q in queries.captured_queries)

    before = name_queries()
    for number, org in enumerate((day["over"], day["small"]), start=1):
        unused_licences(org, part=f"SKU{number}")
    assert name_queries() == before == 1
