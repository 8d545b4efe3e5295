"""`/api/billing/export/csv`, `/excel` and `/pdf`: one row per client and product, read back from the real files; bad
parameters 400; the same permissions as the billing API."""
import csv
import io

import openpyxl
import pypdf
import pytest
from django.conf import settings
from rest_framework.test import APIClient

from billing.exports import COLUMNS
from tests.billing.pages_data import DAY, billing_day
from tests.billing.test_billing_api import collected, person  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def day(db):
    return billing_day()


@pytest.fixture
def staff(django_user_model):
    return person(django_user_model, "staffer", staff=True)


def read_csv(response) -> list[dict]:
    text = b"".join(response.streaming_content if response.streaming else [response.content]).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_has_the_header_first_and_one_row_per_client_and_product(staff, day):
    response = staff.get("/api/billing/export/csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert f'filename="billing_{DAY.isoformat()}.csv"' in response["Content-Disposition"]
    rows = read_csv(response)
    assert list(rows[0]) == [c.key for c in COLUMNS]
    by_line = {(r["organization"], r["product"]): r for r in rows}
    assert set(by_line) == {("Leaky Co", "MANAGED-WS"), ("Leaky Co", "M365-BP"), ("Overbilled Ltd", "MANAGED-WS"),
                            ("Acme Small", "MANAGED-WS")}
    leak = by_line[("Leaky Co", "MANAGED-WS")]
    assert (leak["billed"], leak["measured"], leak["code"]) == ("5.00", "8", "ninja_seats")
    assert (float(leak["unit_price"]), float(leak["amount"])) == (50.0, 150.0)
    assert (leak["variance_type"], leak["variance_status"]) == ("UNDER_BILLED", "open")
    clean = by_line[("Acme Small", "MANAGED-WS")]
    assert clean["variance_type"] == "" and clean["amount"] == ""
    assert [r["organization"] for r in rows][0] == "Leaky Co"  # most money first, as the report


def test_text_a_spreadsheet_would_evaluate_is_neutralised(staff, day):
    day["small"].name = "=HYPERLINK(1)"
    day["small"].save()
    rows = read_csv(staff.get("/api/billing/export/csv"))
    assert "'=HYPERLINK(1)" in {r["organization"] for r in rows}


def test_excel_holds_the_totals_and_the_same_lines(staff, day):
    response = staff.get(f"/api/billing/export/excel?date={DAY.isoformat()}")
    assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"]
    ws = openpyxl.load_workbook(io.BytesIO(response.content))["Billing"]
    values = [list(r) for r in ws.iter_rows(values_only=True)]
    assert values[0][:2] == ["Billing report", DAY.isoformat()]
    assert values[1][:2] == ["Monthly revenue leak", 150.0] and values[2][:2] == ["Monthly over-billing", 40.0]
    header = values[4]
    assert header == [c.header for c in COLUMNS]
    lines = [dict(zip(header, r, strict=True)) for r in values[5:]]
    assert len(lines) == 4
    over = next(x for x in lines if x["Client"] == "Overbilled Ltd")
    assert (over["Billed"], over["Measured"], over["Money / month"]) == (6.0, 4, 40.0)
    assert (over["Variance type"], over["Variance status"]) == ("Over-billed", "Open")


def test_pdf_names_the_day_the_totals_and_each_line(staff, day):
    day["small"].name = "Ålesund Ärzte & Söhne <GmbH>"
    day["small"].save()
    response = staff.get("/api/billing/export/pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert f'filename="billing_{DAY.isoformat()}.pdf"' in response["Content-Disposition"]
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(response.content)).pages)
    assert f"Billing report {DAY.isoformat()}" in text
    assert "Monthly revenue leak: 150.00" in text and "over-billing: 40.00" in text
    for name in ("Leaky Co", "Overbilled Ltd", "Ålesund Ärzte & Söhne <GmbH>", "Under-billed", "Over-billed"):
        assert name in text
    assert text.index("Leaky Co") < text.index("Overbilled Ltd")  # most money first
    empty = staff.get("/api/billing/export/pdf?date=2020-01-01")
    assert "No client has billing data" in pypdf.PdfReader(io.BytesIO(empty.content)).pages[0].extract_text()


def test_a_day_without_data_gives_just_the_header(staff, day):
    rows = read_csv(staff.get("/api/billing/export/csv?date=2020-01-01"))
    assert rows == []


@pytest.mark.parametrize("fmt", ["csv", "excel", "pdf"])
@pytest.mark.parametrize("raw", ["2026-02-30", "nope", "99999-01-01", "2026-11-20\x00"])
def test_bad_parameters_answer_400_naming_the_field(staff, day, fmt, raw):
    response = staff.get(f"/api/billing/export/{fmt}", {"date": raw})
    assert response.status_code == 400
    assert "date" in response.content.decode()


def test_permissions(day, django_user_model):
    assert APIClient().get("/api/billing/export/csv").status_code in (401, 403)
    assert person(django_user_model, "nobody").get("/api/billing/export/csv").status_code == 403
    assert person(django_user_model, "qbr", groups=[settings.QBR_READER_GROUP]).get(
        "/api/billing/export/excel").status_code == 403
    assert person(django_user_model, "viewer", groups=["Viewers"]).get("/api/billing/export/pdf").status_code == 403
    assert person(django_user_model, "biller", groups=[settings.BILLING_GROUP]).get(
        "/api/billing/export/csv").status_code == 200


@pytest.mark.usefixtures("collected")
def test_pages_and_files_over_the_collected_simulators(staff):
    """The real collectors' day: every client of the report is a page card and has its lines in the CSV; the
    under-billed client's page links the devices behind its seats."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from billing.models import BillingVariance, BillingVarianceType

    report = staff.get("/api/billing/report").json()
    rows = read_csv(staff.get("/api/billing/export/csv"))
    assert {r["organization"] for r in rows} >= {c["organization"] for c in report["clients"] if c["products"]}
    assert sum(float(r["amount"] or 0) for r in rows if r["variance_type"] == "UNDER_BILLED"
               and r["variance_status"] in ("open", "accepted")) == pytest.approx(
        float(report["totals"]["monthly_revenue_leak"]))
    page = Client()
    page.force_login(get_user_model().objects.get(username="staffer"))
    html = page.get("/billing/").content.decode()
    assert html.count('data-testid="billing-client"') == len(report["clients"])
    under = BillingVariance.objects.get(variance_type=BillingVarianceType.UNDER_BILLED, subject="MANAGED-WS")
    client_html = page.get(f"/billing/clients/{under.organization_id}/").content.decode()
    assert under.ids and all(f'href="/devices/{key}/"' in client_html for key in under.ids[:5])
    # The under-billed licences' users are users, not device links.
    licences = BillingVariance.objects.get(variance_type=BillingVarianceType.UNDER_BILLED, subject="M365-BP")
    client_html = page.get(f"/billing/clients/{licences.organization_id}/").content.decode()
    assert licences.ids and licences.ids[0] in client_html and f'href="/devices/{licences.ids[0]}/"' not in client_html
