"""`/api/billing/export/csv`, `/excel` and `/pdf`: one row per client and product, read back from the real files; bad
parameters 400; the same permissions as the billing API."""
import csv
import io
import re
import shutil
import subprocess
from decimal import Decimal
from html import unescape

import openpyxl
import pypdf
import pytest
from django.conf import settings
from reportlab.lib.pagesizes import A4
from rest_framework.test import APIClient

from billing import exports
from billing.exports import COLUMNS, money_text, price_text, quantity_text
from billing.measures import code_label
from billing.models import M365ProductName
from tests import factories
from tests.billing.pages_data import DAY, billing_day, unused_licences
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


def csv_text(response) -> str:
    return b"".join(response.streaming_content if response.streaming else [response.content]).decode("utf-8-sig")


def pdf_text(response) -> str:
    return "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(response.content)).pages)


def test_csv_has_the_header_first_and_one_row_per_client_and_product(staff, day):
    unused_licences(day["leaky"])
    response = staff.get("/api/billing/export/csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert f'filename="billing_{DAY.isoformat()}.csv"' in response["Content-Disposition"]
    rows = read_csv(response)
    assert list(rows[0]) == [c.key for c in COLUMNS]
    by_line = {(r["organization"], r["product"]): r for r in rows}
    assert set(by_line) == {("Leaky Co", "MANAGED-WS"), ("Leaky Co", "M365-BP"), ("Leaky Co", "SPB"),
                            ("Overbilled Ltd", "MANAGED-WS"), ("Acme Small", "MANAGED-WS")}
    leak = by_line[("Leaky Co", "MANAGED-WS")]
    assert (leak["billed"], leak["measured"], leak["measured_as"]) == ("5", "8", code_label("ninja_seats"))
    assert (leak["unit_price"], leak["amount"], leak["currency"]) == ("50.00", "150.00", "USD")
    assert (leak["variance_type"], leak["variance_status"]) == ("Under-billed", "Open")
    assert (leak["bought"], leak["assigned"], leak["unit_cost"]) == ("", "", "")
    clean = by_line[("Acme Small", "MANAGED-WS")]
    assert clean["variance_type"] == "" and clean["amount"] == ""
    assert [r["organization"] for r in rows][0] == "Leaky Co"  # most money first, as the report


def test_files_speak_words_not_codes_and_name_the_skus(staff, day):
    """F6/F7: labels instead of internal codes, Microsoft's product names beside SKU part numbers, and for unused
    licences the numbers under bought / assigned (unit cost), in the CSV, the workbook and the PDF."""
    unused_licences(day["leaky"], bought=7, assigned=4, cost="12.5", amount="37.50")
    text = csv_text(staff.get("/api/billing/export/csv"))
    for code in ("ninja_seats", "m365_sku:", "UNDER_BILLED", "OVER_BILLED", "UNUSED_LICENCES", ",open,"):
        assert code not in text, code
    rows = read_csv(staff.get("/api/billing/export/csv"))
    licence = next(r for r in rows if r["product"] == "SPB")
    assert licence["product_name"] == "Microsoft 365 Business Premium"
    assert (licence["bought"], licence["assigned"], licence["unit_cost"], licence["amount"]) == (
        "7", "4", "12.50", "37.50")
    assert (licence["billed"], licence["measured"], licence["unit_price"]) == ("", "", "")
    assert licence["variance_type"] == "Unused licences"
    bp = next(r for r in rows if r["product"] == "M365-BP")
    assert bp["measured_as"] == code_label("m365_sku:SPB") and "Microsoft 365 Business Premium" in bp["measured_as"]

    ws = openpyxl.load_workbook(io.BytesIO(staff.get("/api/billing/export/excel").content))["Billing"]
    values = [list(r) for r in ws.iter_rows(values_only=True)]
    header = values[6]
    lines = [dict(zip(header, r, strict=True)) for r in values[7:]]
    sheet = next(x for x in lines if x["Product"] == "SPB")
    assert (sheet["Product name"], sheet["Bought"], sheet["Assigned"], sheet["Unit cost (USD)"]) == (
        "Microsoft 365 Business Premium", 7, 4, 12.5)
    assert sheet["Billed"] is None and sheet["Variance"] == "Unused licences"
    assert not any(isinstance(v, str) and ("ninja_seats" in v or "m365_sku:" in v) for r in values for v in r)

    text = pdf_text(staff.get("/api/billing/export/pdf"))
    assert "Microsoft 365 licences: bought vs assigned" in text
    assert "Bought" in text and "Assigned" in text and "Unit cost" in text
    assert "Microsoft 365 Business Premium (SPB)" in " ".join(text.split())
    for code in ("ninja_seats", "m365_sku:", "UNDER_BILLED", "UNUSED_LICENCES"):
        assert code not in text, code


def test_money_has_two_decimals_and_the_currency_setting(staff, day, settings):
    settings.ESINV_CURRENCY = "EUR"
    day["under"].unit_price = Decimal("49.5")
    day["under"].save()
    rows = read_csv(staff.get("/api/billing/export/csv"))
    assert {r["currency"] for r in rows} == {"EUR"}
    over = next(r for r in rows if r["organization"] == "Overbilled Ltd")
    assert (over["unit_price"], over["amount"]) == ("20.00", "40.00")
    assert price_text(Decimal("175.0000")) == "175.00" and price_text(Decimal("0.0125")) == "0.0125"
    assert money_text(Decimal("2.005")) == "2.01" and quantity_text(Decimal("56.00")) == "56"
    ws = openpyxl.load_workbook(io.BytesIO(staff.get("/api/billing/export/excel").content))["Billing"]
    assert ws["A3"].value == "Monthly revenue leak (EUR)" and "Money / month (EUR)" in [c.value for c in ws[7]]
    text = " ".join(pdf_text(staff.get("/api/billing/export/pdf")).split())
    assert "Monthly revenue leak: 150.00 EUR" in text and "over-billing: 40.00 EUR" in text


def test_csv_metadata_block_only_when_asked(staff, day):
    plain = csv_text(staff.get("/api/billing/export/csv"))
    assert plain.splitlines()[0] == ",".join(c.key for c in COLUMNS)
    lines = csv_text(staff.get("/api/billing/export/csv?meta=true")).splitlines()
    blank = lines.index("")
    block = dict(line.split(",", 1) for line in lines[:blank])
    assert block["report"] == "Billing report" and block["report_date"] == DAY.isoformat()
    assert (block["currency"], block["monthly_revenue_leak"], block["monthly_over_billing"], block["variances"]) == (
        "USD", "150.00", "40.00", "2")
    assert block["organization"] == ""
    assert lines[blank + 1] == ",".join(c.key for c in COLUMNS)
    assert staff.get("/api/billing/export/csv?meta=maybe").status_code == 400


def test_text_a_spreadsheet_would_evaluate_is_neutralised(staff, day):
    day["small"].name = "=HYPERLINK(1)"
    day["small"].save()
    rows = read_csv(staff.get("/api/billing/export/csv"))
    assert "'=HYPERLINK(1)" in {r["organization"] for r in rows}


def test_excel_holds_the_totals_in_money_format_with_the_header_frozen(staff, day):
    response = staff.get(f"/api/billing/export/excel?date={DAY.isoformat()}")
    assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"]
    ws = openpyxl.load_workbook(io.BytesIO(response.content))["Billing"]
    values = [list(r) for r in ws.iter_rows(values_only=True)]
    assert values[0][:2] == ["Billing report", DAY.isoformat()] and values[1][:2] == ["Client", "All clients"]
    assert values[2][:2] == ["Monthly revenue leak (USD)", 150.0] and values[3][:2] == ["Monthly over-billing (USD)",
                                                                                      40.0]
    assert values[4][:2] == ["Variances", 2]  # the count the CSV metadata and the PDF show
    assert ws["B3"].number_format == ws["B4"].number_format == "#,##0.00"
    header = values[6]
    assert header == [exports._header(c, "USD") for c in exports.EXCEL_COLUMNS]
    assert ws.freeze_panes == "A8"  # rows 1-7 (summary and the header row) stay in view
    lines = [dict(zip(header, r, strict=True)) for r in values[7:]]
    assert len(lines) == 4
    over = next(x for x in lines if x["Client"] == "Overbilled Ltd")
    assert (over["Billed"], over["Measured"], over["Money / month (USD)"]) == (6.0, 4, 40.0)
    assert (over["Variance"], over["Variance status"]) == ("Over-billed", "Open")
    money = header.index("Money / month (USD)") + 1
    price = header.index("Unit price (USD)") + 1
    row = 8 + lines.index(over)
    assert ws.cell(row=row, column=money).number_format == "#,##0.00"
    assert ws.cell(row=row, column=price).number_format == "#,##0.00##"


def test_pdf_names_the_day_the_totals_and_each_line(staff, day):
    day["small"].name = "Ålesund Ärzte & Söhne <GmbH>"
    day["small"].save()
    response = staff.get("/api/billing/export/pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert f'filename="billing_{DAY.isoformat()}.pdf"' in response["Content-Disposition"]
    text = pdf_text(response)
    assert f"Billing report {DAY.isoformat()}: All clients" in text
    assert "Monthly revenue leak: 150.00 USD" in text and "over-billing: 40.00 USD" in text
    assert "variances: 2" in text
    flat = " ".join(text.split())  # cells wrap inside their column
    for name in ("Leaky Co", "Overbilled Ltd", "Ålesund Ärzte & Söhne <GmbH>", "Under-billed", "Over-billed"):
        assert name in flat
    assert text.index("Leaky Co") < text.index("Overbilled Ltd")  # most money first
    empty = staff.get("/api/billing/export/pdf?date=2020-01-01")
    assert "No client has billing data" in pypdf.PdfReader(io.BytesIO(empty.content)).pages[0].extract_text()


def pdf_words(content: bytes, tmp_path) -> list[tuple[str, float, float, float, float]]:
    """(word, x min, y min, x max, y max) of every word on page 1, from `pdftotext -bbox` (poppler)."""
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "billing.pdf"
    path.write_bytes(content)
    html = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-bbox", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    found = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
                       html)
    return [(unescape(w), float(a), float(b), float(c), float(d)) for a, b, c, d, w in found]


@pytest.mark.parametrize("one_client", [False, True], ids=["all", "one-client"])
def test_pdf_table_and_every_header_fit_the_page_frame(staff, day, tmp_path, one_client):
    """F8: every word (the headers included) lies inside the page frame; a 103-character SKU name wraps."""
    long_part = "Microsoft_365_ Business_ Premium_(no Teams)"
    M365ProductName.objects.create(string_id=long_part, display_name="Microsoft 365 Business Premium (no Teams) "
                                   "for frontline workers, education and nonprofit organizations, annual")
    unused_licences(day["leaky"], part=long_part)
    url = "/api/billing/export/pdf" + (f"?organization={day['leaky'].id}" if one_client else "")
    words = pdf_words(staff.get(url).content, tmp_path)
    right = A4[1] - exports.MARGIN  # landscape: the page is A4's height wide
    assert words and max(x1 for _, _, _, x1, _ in words) <= right + 0.5
    assert min(x0 for _, x0, _, _, _ in words) >= exports.MARGIN - 0.5
    texts = [w for w, *_ in words]
    for header in ("Status", "Variance", "Measured", "Bought", "Assigned"):
        assert header in texts, header
    assert "annual" in texts  # the long name is all there, wrapped inside its column


def test_pdf_widths_fill_the_frame():
    for columns in (exports.PDF_BILLING, exports.PDF_LICENCES):
        for one_client in (False, True):
            shown, widths = exports.pdf_widths(columns, one_client)
            assert sum(widths) == pytest.approx(exports.FRAME_WIDTH)
            assert ("organization" in [c[0] for c in shown]) is not one_client


def test_one_clients_files_hold_only_that_client(staff, day):
    """F7: `?organization=<id>` gives one client's lines and totals, naming no other client, in every format."""
    leaky = day["leaky"]
    response = staff.get(f"/api/billing/export/csv?organization={leaky.id}&date={DAY.isoformat()}")
    assert f'filename="billing_{DAY.isoformat()}_leaky-co.csv"' in response["Content-Disposition"]
    rows = read_csv(response)
    assert {r["organization"] for r in rows} == {"Leaky Co"} and len(rows) == 2
    meta = csv_text(staff.get(f"/api/billing/export/csv?organization={leaky.id}&meta=true"))
    assert "organization,Leaky Co" in meta and "monthly_over_billing,0.00" in meta
    ws = openpyxl.load_workbook(io.BytesIO(staff.get(f"/api/billing/export/excel?organization={leaky.id}").content))
    values = [list(r) for r in ws["Billing"].iter_rows(values_only=True)]
    assert values[1][:2] == ["Client", "Leaky Co"] and values[2][1] == 150.0 and values[3][1] == 0.0
    assert values[4][:2] == ["Variances", 1]
    assert not any("Overbilled" in str(v) or "Acme" in str(v) for r in values for v in r)
    text = pdf_text(staff.get(f"/api/billing/export/pdf?organization={leaky.id}"))
    assert f"Billing report {DAY.isoformat()}: Leaky Co" in text and "over-billing: 0.00 USD" in text
    assert "Overbilled" not in text and "Acme" not in text and "Client" not in text.split("\n", 3)[-1]
    quiet = read_csv(staff.get(f"/api/billing/export/csv?organization={day['small'].id}"))
    assert [r["variance_type"] for r in quiet] == [""]
    nothing = factories.organization("Never Billed")
    assert read_csv(staff.get(f"/api/billing/export/csv?organization={nothing.id}")) == []
    empty = pdf_text(staff.get(f"/api/billing/export/pdf?organization={nothing.id}"))
    assert "This client has no billing data" in empty


def test_a_resolved_variance_keeps_its_own_figures_and_is_not_counted(staff, day):
    """review16b G2, G3: a variance resolved by a map change (computed on other figures: another code, billed 6 /
    measured 9) is never printed on the product's current line (billed 6 / measured 4); per-client files count
    open and accepted ones, as the page and the all-client files."""
    from billing.models import BillingVarianceStatus, BillingVarianceType
    from tests.billing.pages_data import variance

    over = day["over"]
    variance(over, BillingVarianceType.UNDER_BILLED, "MANAGED-WS", "ninja_endpoints", 6, 9, "20", "60", [],
             status=BillingVarianceStatus.RESOLVED)
    for query in ("", f"?organization={over.id}"):
        rows = [r for r in read_csv(staff.get(f"/api/billing/export/csv{query}")) if r["organization"] == over.name]
        lines = {(r["billed"], r["measured"], r["measured_as"], r["amount"], r["variance_status"]) for r in rows}
        assert lines == {("6", "4", code_label("ninja_seats"), "40.00", "Open"),
                         ("6", "9", code_label("ninja_endpoints"), "60.00", "Resolved")}
    meta = csv_text(staff.get(f"/api/billing/export/csv?organization={over.id}&meta=true"))
    assert "\nvariances,1\r\n" in meta
    ws = openpyxl.load_workbook(io.BytesIO(staff.get(f"/api/billing/export/excel?organization={over.id}").content))
    assert [list(r) for r in ws["Billing"].iter_rows(values_only=True)][4][:2] == ["Variances", 1]
    assert "variances: 1" in pdf_text(staff.get(f"/api/billing/export/pdf?organization={over.id}"))


@pytest.mark.parametrize("fmt", ["csv", "excel", "pdf"])
@pytest.mark.parametrize("raw", ["abc", "0", "-1", "1.5", "9" * 30, "1\x00", "", " "])
def test_bad_organization_answers_400_naming_the_field(staff, day, fmt, raw):
    response = staff.get(f"/api/billing/export/{fmt}", {"organization": raw})
    if raw.strip() == "":
        assert response.status_code in (200, 400)  # an empty parameter is the parameter left out, or refused
        return
    assert response.status_code == 400, response.content[:200]
    assert "organization" in response.content.decode()


@pytest.mark.parametrize("fmt", ["csv", "excel", "pdf"])
def test_unknown_organization_answers_404(staff, day, fmt):
    response = staff.get(f"/api/billing/export/{fmt}", {"organization": "999999"})
    assert response.status_code == 404 and "999999" in response.content.decode()


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
    assert sum(float(r["amount"] or 0) for r in rows if r["variance_type"] == "Under-billed"
               and r["variance_status"] in ("Open", "Accepted")) == pytest.approx(
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
