"""GET /api/variances/export/csv|excel|pdf over real reconciled data, read back with real parsers.

Expected rows and numbers are derived from GET /api/variance-report/{date} for the same filters, so
the test holds the exports to the API (and fails if either drifts).
"""
import csv
import io
import itertools
import re

import openpyxl
import pypdf
import pytest

from inventory.models import Organization
from variances import types as T
from variances.exports.catalogue import TITLES
from variances.models import ExceptionRecord

from .db_data import CAFE, D1, D2, FORMULA_DISPLAY, seed

pytestmark = pytest.mark.django_db
URL = "/api/variances/export/"


@pytest.fixture
def data(db):
    seed()


def read_csv(response):
    """(metadata, rows): the metadata block when asked for (`meta=true`), else {} and the header first."""
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    if not text.startswith("report,"):
        return {}, list(csv.DictReader(io.StringIO(text, newline="")))
    reader = csv.reader(io.StringIO(text, newline=""))
    meta = dict(iter(lambda: next(reader), []))
    header = next(reader)
    return meta, [dict(zip(header, record, strict=True)) for record in reader]


def api_rows(reader, day, *, include_resolved, variance_type="all", organization=None):
    """The variance report's device rows for these filters: {id: (api_name, organization, resolved)}."""
    report = reader.get(f"/api/variance-report/{day.isoformat()}").json()
    rows = {}
    for kind in T.KINDS:
        if variance_type != "all" and T.kind_for(variance_type) is not kind:
            continue
        for org, devices in report[kind.api_name]["by_organization"].items():
            if organization is not None and org != organization:
                continue
            for device in devices:
                if include_resolved or not device["resolved"]:
                    rows[device["id"]] = (kind.api_name, org, device["resolved"])
    return rows


def api_counts(rows):
    counts = dict.fromkeys((kind.api_name for kind in T.KINDS), 0)
    for api_name, _, _ in rows.values():
        counts[api_name] += 1
    return counts


TYPES = ["all", "missing_in_ninja", "MISSING_THREATLOCKER", "threatlocker_duplicates", "spare_mismatches"]
RESOLVED = ["false", "true"]
ORGS = [None, "cafe", "globex-id"]
DATES = ["latest", "d1"]


@pytest.mark.parametrize("include_resolved", RESOLVED)
@pytest.mark.parametrize("date_param", DATES)
def test_csv_rows_and_summary_match_the_api_for_every_filter(reader, data, include_resolved, date_param):
    globex = Organization.objects.get(name="Globex")
    day = D2 if date_param == "latest" else D1
    for variance_type, org in itertools.product(TYPES, ORGS):
        params = {"date": date_param if date_param == "latest" else D1.isoformat(),
                  "include_resolved": include_resolved, "variance_type": variance_type, "meta": "true"}
        org_name = None
        if org == "cafe":
            params["organization"], org_name = CAFE.upper(), CAFE  # names match case-insensitively
        elif org == "globex-id":
            params["organization"], org_name = str(globex.id), "Globex"
        response = reader.get(URL + "csv", params)
        assert response.status_code == 200, (params, response.getvalue()[:300])
        assert response.streaming and response["Content-Type"].startswith("text/csv")
        meta, rows = read_csv(response)
        expected = api_rows(reader, day, include_resolved=include_resolved == "true",
                            variance_type=variance_type, organization=org_name)
        assert {int(r["id"]) for r in rows} == set(expected), params
        assert all(r["organization"] == expected[int(r["id"])][1] for r in rows)
        assert all((r["status"] == "resolved") == expected[int(r["id"])][2] for r in rows)
        counts = api_counts(expected)
        assert {name: int(meta[f"count_{name}"]) for name in counts} == counts, params
        assert int(meta["total_exceptions"]) == len(expected)
        assert meta["report_date"] == day.isoformat()
        assert meta["filter_include_resolved"] == include_resolved
        assert meta["filter_variance_type"] == (T.kind_for(variance_type).api_name if variance_type != "all" else "all")
        assert meta["filter_organization"] == (org_name or "")


def test_filters_are_not_vacuous(reader, data):
    """The combinations above really differ: resolved rows, types and organizations all filter something."""
    everything = api_rows(reader, D2, include_resolved=True)
    assert len(everything) > len(api_rows(reader, D2, include_resolved=False)) > 0
    assert len({name for name, _, _ in everything.values()}) >= 4
    assert {CAFE, "Globex", "Acme Corp"} <= {org for _, org, _ in everything.values()}
    # GONE-1 was only present on D1 (and auto-resolved by the D2 run)
    _, rows = read_csv(reader.get(URL + "csv", {"date": D1.isoformat(), "include_resolved": "true"}))
    assert "gone-1" in {r["hostname"] for r in rows}
    _, rows = read_csv(reader.get(URL + "csv", {"include_resolved": "true"}))
    assert "gone-1" not in {r["hostname"] for r in rows}


def test_csv_carries_status_dates_notes_and_the_resolver(reader, data):
    meta, rows = read_csv(reader.get(URL + "csv", {"include_resolved": "yes", "meta": "true"}))
    orphan = next(r for r in rows if r["hostname"] == "orphan-a")
    assert orphan["status"] == "resolved" and orphan["variance_status"] == "resolved"
    assert orphan["resolved_by"] == "tester" and orphan["resolved_at"].startswith(D2.isoformat()[:4])
    assert orphan["notes"].endswith("tester] -accepted: lab machine")
    assert orphan["date_found"] == D1.isoformat() and orphan["last_seen"] == D2.isoformat()
    assert orphan["type"] == "MISSING_NINJA" and orphan["variance_type"] == "missing_in_ninja"
    assert meta["data_status"] == "current"
    _, open_rows = read_csv(reader.get(URL + "csv"))
    assert "orphan-a" not in {r["hostname"] for r in open_rows}


def test_csv_neutralises_formulas_and_keeps_non_ascii(reader, data):
    ExceptionRecord.objects.filter(canonical_key="über-pc").update(notes="@SUM(A1:A9) — ça va")
    response = reader.get(URL + "csv", {"organization": CAFE})
    _, rows = read_csv(response)
    by_host = {r["hostname"]: r for r in rows}
    assert by_host["evil-pc"]["threatlocker_display_name"] == "'" + FORMULA_DISPLAY
    assert by_host["über-pc"]["threatlocker_display_name"] == "Über-PC | Empfang"
    assert by_host["über-pc"]["notes"] == "'@SUM(A1:A9) — ça va"
    assert {r["organization"] for r in rows} == {CAFE}
    # the filename is ASCII: accents folded, other letters dropped
    expected = f"variances_{D2.isoformat()}_all_cafe-muller-strae.csv"
    assert response["Content-Disposition"] == f'attachment; filename="{expected}"'


def test_content_disposition_carries_date_and_type(reader, data):
    response = reader.get(URL + "excel", {"date": D1.isoformat(), "variance_type": "MISSING_NINJA"})
    assert response["Content-Disposition"] == f'attachment; filename="variances_{D1.isoformat()}_missing_in_ninja.xlsx"'
    response = reader.get(URL + "csv", HTTP_ACCEPT="text/csv")  # a client asking for CSV is not a 406
    assert response.status_code == 200


def workbook(response):
    assert response.status_code == 200, response.getvalue()[:300]
    return openpyxl.load_workbook(io.BytesIO(response.getvalue()))


def sheet_records(ws):
    header, *rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(header, row, strict=True)) for row in rows]


@pytest.mark.parametrize("params", [
    {}, {"include_resolved": "1"}, {"variance_type": "threatlocker_duplicates", "include_resolved": "true"},
    {"organization": "globex", "date": "d1"},
])
def test_excel_rows_and_summary_match_the_api(reader, data, params):
    params = {**params}
    day = D1 if params.get("date") == "d1" else D2
    if "date" in params:
        params["date"] = day.isoformat()
    wb = workbook(reader.get(URL + "excel", params))
    expected = api_rows(reader, day, include_resolved=params.get("include_resolved") in ("1", "true"),
                        variance_type=params.get("variance_type", "all"),
                        organization="Globex" if params.get("organization") else None)
    ids = set()
    for kind in T.KINDS:
        if kind.label in wb.sheetnames:
            ids |= {row["ID"] for row in sheet_records(wb[kind.label])}
    assert ids == set(expected)
    assert len(sheet_records(wb["Devices by organization"])) == len(expected)
    summary = {row[0]: row[1:] for row in wb["Summary"].iter_rows(values_only=True) if row and row[0]}
    for kind in T.KINDS:
        assert summary[kind.label][:2] == (kind.api_name, api_counts(expected)[kind.api_name])


def test_excel_keeps_formula_text_and_non_ascii(reader, data):
    wb = workbook(reader.get(URL + "excel", {"organization": CAFE}))
    rows = {r["Hostname"]: r for r in sheet_records(wb[T.BY_CODE[T.MISSING_NINJA].label])}
    assert rows["evil-pc"]["ThreatLocker display name"] == FORMULA_DISPLAY  # stored as text, not a formula
    cell = next(c for row in wb[T.BY_CODE[T.MISSING_NINJA].label].iter_rows() for c in row
                if c.value == FORMULA_DISPLAY)
    assert cell.data_type == "s"
    assert rows["über-pc"]["Organization"] == CAFE


def pdf_text(response):
    assert response.status_code == 200, response.getvalue()[:300]
    assert response["Content-Type"] == "application/pdf"
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(response.getvalue())).pages]


def test_pdf_summary_numbers_and_rows_match_the_api(reader, data):
    pages = pdf_text(reader.get(URL + "pdf", {"include_resolved": "true"}))
    expected = api_rows(reader, D2, include_resolved=True)
    counts = api_counts(expected)
    first = re.sub(r"[ \t]+", " ", pages[0])
    for name, n in counts.items():
        assert re.search(rf"{re.escape(TITLES[T.kind_for(name).code])}\s*{n}\b", first), (name, n)
        assert name not in first  # plain words, no internal codes
    assert D2.isoformat() in first and "Trend, last 30 days" in first
    detail = "\n".join(pages[1:])
    for hostname in ("orphan-a", "no-agent", "evil-pc", "über-pc", "dup-pc"):
        assert hostname in detail.lower()
    assert CAFE in detail


def test_pdf_with_filters_leaves_the_others_out(reader, data):
    pages = pdf_text(reader.get(URL + "pdf", {"variance_type": "missing_in_threatlocker"}))
    detail = "\n".join(pages[1:]).lower()
    assert "no-agent" in detail and "orphan-a" not in detail and "dup-pc" not in detail


# --- errors ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["csv", "excel", "pdf"])
@pytest.mark.parametrize("params, field, valid", [
    ({"variance_type": "bogus"}, "variance_type", "missing_in_ninja"),
    ({"include_resolved": "maybe"}, "include_resolved", "yes"),
    ({"organization": "No Such Client"}, "organization", "Globex"),
    ({"date": "yesterday"}, "date", "latest"),
    ({"meta": "sometimes"}, "meta", "true"),
])
def test_invalid_values_are_400_with_the_valid_values(reader, data, fmt, params, field, valid):
    response = reader.get(URL + fmt, params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["details"]["field"] == field
    assert valid in error["details"]["valid_values"]


def test_variance_type_400_lists_all_and_every_type(reader, data):
    details = reader.get(URL + "csv", {"variance_type": "x"}).json()["error"]["details"]
    assert details["valid_values"] == ["all", *(kind.api_name for kind in T.KINDS)]


@pytest.mark.parametrize("fmt", ["csv", "excel", "pdf"])
def test_unreconciled_date_is_404(reader, data, fmt):
    response = reader.get(URL + fmt, {"date": "2020-01-01"})
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_no_data_at_all_gives_an_empty_valid_file(reader, db):
    meta, rows = read_csv(reader.get(URL + "csv", {"meta": "true"}))
    assert rows == [] and meta["total_exceptions"] == "0" and meta["report_date"] == ""
    body = b"".join(reader.get(URL + "csv").streaming_content).decode("utf-8-sig")
    assert body.startswith("id,type,") and body.count("\r\n") == 1  # the header alone
    assert meta["data_status"] == "out_of_sync"
    response = reader.get(URL + "excel")
    assert 'filename="variances_latest_all.xlsx"' in response["Content-Disposition"]
    assert workbook(response).sheetnames == ["Summary", "Devices by organization"]
    assert pdf_text(reader.get(URL + "pdf"))


def test_empty_parameters_mean_the_defaults(reader, data):
    """The staff dashboard links with every parameter present, possibly empty."""
    response = reader.get(URL + "csv?date=&include_resolved=&variance_type=&organization=&meta=")
    meta, rows = read_csv(response)
    assert meta == {}  # meta= empty: the default, no metadata block
    assert {int(r["id"]) for r in rows} == set(api_rows(reader, D2, include_resolved=False))
    meta, _ = read_csv(reader.get(URL + "csv?date=&include_resolved=&variance_type=&organization=&meta=true"))
    assert meta["filter_date"] == "latest" and meta["filter_variance_type"] == "all"
