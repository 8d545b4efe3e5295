"""Admin: "Export selected to CSV / Excel / PDF" on the exceptions list answers with the file."""
import csv
import io

import openpyxl
import pypdf
import pytest

from variances import types as T
from variances.models import ExceptionRecord
from variances.models_exports import ExportJob

from .db_data import CAFE, FORMULA_DISPLAY, seed

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/variances/exceptionrecord/"


@pytest.fixture
def selected(db):
    seed()
    return list(ExceptionRecord.objects.filter(organization__name=CAFE).order_by("id"))


def post(admin_client, action, records):
    return admin_client.post(CHANGELIST, {"action": action, "_selected_action": [r.pk for r in records]})


def test_actions_are_offered(admin_client, selected):
    html = admin_client.get(CHANGELIST).content.decode()
    for label in ("Export selected to CSV", "Export selected to Excel", "Export selected to PDF"):
        assert label in html


def test_export_selected_to_csv(admin_client, selected):
    response = post(admin_client, "export_csv", selected)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="variances_')
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))  # header first
    assert sorted(int(r["id"]) for r in rows) == [r.pk for r in selected] and len(rows) >= 2
    assert {r["organization"] for r in rows} == {CAFE}
    assert "'" + FORMULA_DISPLAY in {r["threatlocker_display_name"] for r in rows}


def test_export_selected_to_excel_and_pdf(admin_client, selected):
    wb = openpyxl.load_workbook(io.BytesIO(post(admin_client, "export_excel", selected).content))
    sheet = wb[T.BY_CODE[T.MISSING_NINJA].label]
    hosts = {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert hosts == {r.canonical_key for r in selected if r.type == T.MISSING_NINJA}
    response = post(admin_client, "export_pdf", selected)
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(response.content)).pages)
    assert "über-pc" in text.lower() and CAFE in text


def test_export_jobs_are_listed_read_only(admin_client, db):
    job = ExportJob.objects.create(format="pdf", requested_by="apikey:reader", row_count=12)
    response = admin_client.get("/admin/variances/exportjob/")
    assert response.status_code == 200 and "apikey:reader" in response.content.decode()
    assert admin_client.get("/admin/variances/exportjob/add/").status_code == 403
    detail = admin_client.get(f"/admin/variances/exportjob/{job.pk}/change/")
    assert detail.status_code == 200 and 'name="status"' not in detail.content.decode()
