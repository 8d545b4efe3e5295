"""The reviewer's reproductions of 500s: each must be a 4xx JSON error now."""
import json
from datetime import date

import pytest
from django.test import override_settings

from inventory.models import Vendor
from tests import factories

pytestmark = pytest.mark.django_db

JSON_POSTS = [
    "/api/collectors/run", "/api/exceptions/bulk-update", "/api/exceptions/1/resolve",
    "/api/exceptions/1/mark-manually-fixed", "/api/qbr/metrics/manual", "/api/qbr/thresholds",
]


def assert_json_error(response, status):
    assert response.status_code == status, (response.status_code, response.content[:200])
    body = response.json()
    assert body["success"] is False and body["error"]["code"] and body["request_id"] == response["X-Request-ID"]
    return body


@pytest.mark.parametrize("path", JSON_POSTS)
def test_deeply_nested_json_is_400(writer, path):
    body = "[" * 5000 + "]" * 5000
    response = writer.generic("POST", path, body, content_type="application/json")
    assert_json_error(response, 400)


def test_too_many_query_parameters_is_400(reader):
    query = "&".join(["a=1"] * 1500)
    assert_json_error(reader.get(f"/api/status?{query}"), 400)
    assert_json_error(reader.get(f"/api/exceptions?{'&'.join(['type=x'] * 1200)}"), 400)


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_body_over_the_limit_is_413(writer):
    body = json.dumps({"action": "resolve", "ids": [1], "notes": "x" * 5000})
    response = writer.post("/api/exceptions/bulk-update", body, content_type="application/json")
    body_json = assert_json_error(response, 413)
    assert body_json["error"]["code"] == "payload_too_large"


@pytest.mark.parametrize("query", ["page=%C2%B2", "page=" + "9" * 5000, "page_size=%C2%B2"])
@pytest.mark.parametrize("path", ["/api/organizations", "/api/exceptions", "/api/windows-11-24h2/incompatible"])
def test_unicode_and_huge_page_numbers_are_400(reader, path, query):
    assert_json_error(reader.get(f"{path}?{query}"), 400)


@pytest.mark.parametrize("value", ["%C2%B2", "9" * 30, "9" * 5000])
def test_unicode_and_huge_organization_ids(reader, value):
    for path in ("/api/windows-11-24h2/compatible", "/api/windows-11-24h2/incompatible",
                 "/api/windows-11-24h2/not-assessed", "/api/windows-11-24h2/already-on-24h2"):
        assert_json_error(reader.get(f"{path}?organization_id={value}"), 400)
    # On exceptions and exports an organization may be a name: no such name, no rows, never a 500;
    # longer than ESINV_MAX_PARAM_LENGTH (1000) it is refused before any query (tests/test_input_text.py).
    expected = 400 if len(value) > 1000 else 200
    assert reader.get(f"/api/exceptions?organization={value}").status_code == expected
    assert reader.get(f"/api/variances/export/csv?organization={value}").status_code in (200, 400, 404)


def test_bulk_update_ids_beyond_64_bits_are_400(writer):
    body = assert_json_error(writer.post("/api/exceptions/bulk-update",
                                         {"action": "resolve", "ids": [2**63]}, format="json"), 400)
    assert body["error"]["code"] == "validation_error"


def test_unknown_bulk_ids_have_a_400_code(writer):
    today = date(2026, 11, 23)
    factories.snapshot(Vendor.NINJA, "PC-1", day=today)
    factories.snapshot(Vendor.THREATLOCKER, "PC-1", day=today)
    body = assert_json_error(writer.post("/api/exceptions/bulk-update",
                                         {"action": "resolve", "ids": [424242]}, format="json"), 400)
    assert body["error"]["code"] == "unknown_ids"


def test_trends_with_an_end_date_in_year_one(reader):
    response = reader.get("/api/variances/trends?end_date=0001-01-01")
    assert response.status_code == 200
    assert response.json()["start_date"] == "0001-01-01"


@pytest.mark.parametrize("value", ["1e999999999", "9999999999999.99999", "1_000", "１２"])
def test_qbr_numbers_that_overflow_or_are_not_plain_decimals(writer, value):
    body = assert_json_error(writer.post("/api/qbr/metrics/manual", {
        "period": "2025-10", "metric_name": "employees", "metric_value": value}, format="json"), 400)
    assert "metric_value" in json.dumps(body["error"])


def test_full_width_digits_are_not_a_period(reader):
    assert_json_error(reader.get("/api/qbr/metrics/monthly?period=２０２５-01"), 400)


def test_api_without_trailing_slash_is_json(reader, settings):
    settings.DEBUG = True  # Django's debug 404 page would list every URL pattern
    assert_json_error(reader.get("/api"), 404)


def test_bad_host_header_is_json(reader):
    assert_json_error(reader.get("/api/status", HTTP_HOST="evil.example.com"), 400)


def test_head_on_health_and_status(reader, client_anon):
    assert client_anon.head("/api/health").status_code == 200
    assert client_anon.head("/api/health/live").status_code == 200
    assert reader.head("/api/status").status_code == 200


def test_cors_headers_survive_the_json_rewrite(reader, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://dashboard.example.com"]
    response = reader.get("/api/nope", HTTP_ORIGIN="https://dashboard.example.com")
    assert_json_error(response, 404)
    assert response["Access-Control-Allow-Origin"] == "https://dashboard.example.com"
