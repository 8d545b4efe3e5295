"""Every string a caller sends is checked for what the database accepts (esinv.inputs): NUL characters, lone
surrogates, bytes that are not UTF-8 and over-long values answer 400 naming the parameter, JSON under /api/ and
a page elsewhere, and nothing is written. PostgreSQL refuses NUL in text (the 500s of issue 15 item 5); these
run on SQLite and again on PostgreSQL in CI."""
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from inventory.models import Vendor
from qbr.models import Threshold
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def devices():
    factories.snapshot(Vendor.NINJA, "ABCD-PC-01")
    factories.snapshot(Vendor.THREATLOCKER, "ABCD-PC-01.corp.local")


def assert_refused(response, field, reason, location):
    assert response.status_code == 400, (response.status_code, response.content[:300])
    body = response.json()
    assert body["success"] is False and body["request_id"] == response["X-Request-ID"]
    error = body["error"]
    assert error["code"] == "invalid_parameter"
    assert error["details"]["field"] == field and error["details"]["reason"] == reason
    assert error["details"]["location"] == location
    assert error["message"].startswith(field)
    return error


# The reviewer's PostgreSQL 500s, and their siblings.
@pytest.mark.parametrize("path, field", [
    ("/api/devices/search?q=ab%00cd", "q"),
    ("/api/variances/export/csv?organization=%00", "organization"),
    ("/api/variances/export/excel?organization=%00", "organization"),
    ("/api/variances/export/pdf?organization=%00", "organization"),
    ("/api/exceptions?hostname=PC%00", "hostname"),
    ("/api/variance-report/filtered?organization=Acme%00", "organization"),
])
def test_nul_in_a_query_parameter_is_400(reader, devices, path, field):
    error = assert_refused(reader.get(path), field, "nul_character", "query")
    assert "NUL" in error["message"]


def test_nul_in_a_path_parameter_is_400(reader):
    error = assert_refused(reader.get("/api/collectors/runs/batch/bch_%00x"), "path", "nul_character", "path")
    assert "NUL" in error["message"]


def test_nul_in_a_parameter_name_is_400(reader):
    assert_refused(reader.get("/api/status?a%00b=1"), "a\\x00b", "nul_character", "query")


@pytest.mark.parametrize("query", ["q=%ED%A0%80abc", "q=abc%FF", "q%C3=abc"])
def test_query_bytes_that_are_not_utf8_are_400(reader, devices, query):
    # Django would quietly read them as U+FFFD; the caller is told instead.
    response = reader.get(f"/api/devices/search?{query}")
    assert response.status_code == 400
    assert response.json()["error"]["details"]["reason"] == "invalid_utf8"


def test_over_long_query_value_is_400_and_the_limit_is_a_setting(reader, devices, settings):
    error = assert_refused(reader.get(f"/api/exceptions?hostname={'A' * 1001}"), "hostname", "too_long", "query")
    assert error["details"]["max_length"] == 1000 and "1001" in error["message"]
    assert reader.get(f"/api/exceptions?hostname={'A' * 1000}").status_code == 200
    settings.ESINV_MAX_PARAM_LENGTH = 50
    assert_refused(reader.get(f"/api/devices/search?q={'A' * 51}"), "q", "too_long", "query")


def test_ordinary_non_ascii_text_is_accepted(reader, devices):
    response = reader.get("/api/devices/search?q=%C3%A9t%C3%A9-PC")  # "été-PC"
    assert response.status_code == 200 and response.json()["query"] == "été-PC"


# JSON bodies: every key and string value, at any depth, named by its path.
# A SmartNumber without a shipped default threshold (qbr.0003), so "nothing written" means no row of it.
THRESHOLD = {"metric_name": "lost_mrr", "direction": "lower", "green": 1, "yellow": 2}
WRITTEN = Threshold.objects.filter(metric_name="lost_mrr")


@pytest.mark.parametrize("notes, reason", [
    ("a\u0000b", "nul_character"),
    ("\ud800", "lone_surrogate"),
    ("x" * 10001, "too_long"),
])
def test_json_strings_the_database_refuses_are_400_and_nothing_is_written(writer, notes, reason):
    body = json.dumps({"thresholds": [THRESHOLD, {**THRESHOLD, "notes": notes}]})  # json.dumps escapes \ud800
    response = writer.generic("POST", "/api/qbr/thresholds", body, content_type="application/json")
    assert_refused(response, "thresholds[1].notes", reason, "body")
    assert not WRITTEN.exists()


def test_json_key_with_a_nul_is_400(writer):
    response = writer.generic("POST", "/api/collectors/run", '{"collec\\u0000tors": ["ninja"]}',
                              content_type="application/json")
    assert_refused(response, "collec\\x00tors", "nul_character", "body")


def test_json_surrogate_in_a_manual_metric_is_400(writer):
    body = '{"period": "2025-10", "metric_name": "employees", "metric_value": 5, "notes": "\\udfff"}'
    response = writer.generic("POST", "/api/qbr/metrics/manual", body, content_type="application/json")
    assert_refused(response, "notes", "lone_surrogate", "body")


def test_form_body_with_a_nul_is_400_and_nothing_is_written(writer):
    response = writer.post("/api/qbr/thresholds", {**THRESHOLD, "notes": "a\x00b"})  # multipart
    assert_refused(response, "notes", "nul_character", "form")
    response = writer.generic("POST", "/api/qbr/thresholds",
                              "metric_name=lost_mrr&direction=lower&green=1&yellow=2&notes=a%00b",
                              content_type="application/x-www-form-urlencoded")
    assert_refused(response, "notes", "nul_character", "form")
    assert not WRITTEN.exists()


def test_form_bytes_that_are_not_utf8_are_400(writer):
    response = writer.generic("POST", "/api/qbr/thresholds", "metric_name=x&notes=%ED%A0%80",
                              content_type="application/x-www-form-urlencoded")
    assert_refused(response, "notes", "invalid_utf8", "form")


def test_a_broken_multipart_body_is_a_malformed_request(writer):
    response = writer.generic("POST", "/api/qbr/thresholds", b"--x\r\n", content_type="multipart/form-data")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_request" and "boundary" in response.json()["error"]["message"]


def test_clean_json_still_goes_through(writer):
    response = writer.post("/api/qbr/thresholds", {**THRESHOLD, "notes": "ça va"}, format="json")
    assert response.status_code == 200, response.content
    assert WRITTEN.get().notes == "ça va"


# Staff pages: the same rule, answered with a 400 page.
@pytest.fixture
def staff_page(staff_user):
    client = Client()
    client.force_login(staff_user)
    return client


@pytest.mark.parametrize("path, field", [
    ("/devices/?q=ab%00cd", "q"),
    ("/variances/?organization=%00", "organization"),
    ("/devices/?q=%ED%A0%80", "q"),
    ("/devices/%00/", "path"),
])
def test_pages_answer_a_400_page(staff_page, devices, path, field):
    response = staff_page.get(path)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "Bad request" in page and f"{field} " in page


def test_the_admin_refuses_a_nul_in_a_form(staff_page):
    response = staff_page.post("/admin/login/", {"username": "a\x00", "password": "x"})
    assert response.status_code == 400 and "username" in response.content.decode()


def test_pages_still_search(staff_page, devices):
    response = staff_page.get("/devices/?q=ABCD")
    assert response.status_code == 200 and "ABCD-PC-01" in response.content.decode()


def test_a_session_cookie_holding_a_nul_is_ignored(staff_user):
    # Cookie values may carry octal escapes ("\000" is a NUL); the session lookup 500ed on PostgreSQL.
    client = Client(raise_request_exception=False)
    cookie = 'sessionid="abcdefgh\\000x"'
    response = client.get("/devices/?q=abc", HTTP_COOKIE=cookie)
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")
    response = client.get("/api/status", HTTP_COOKIE=cookie)
    assert response.status_code == 401 and response.json()["error"]["code"] == "not_authenticated"


def test_a_refusal_carries_cors_headers_for_the_dashboard(reader, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://dashboard.example.com"]
    response = reader.get("/api/devices/search?q=ab%00cd", HTTP_ORIGIN="https://dashboard.example.com")
    assert_refused(response, "q", "nul_character", "query")
    assert response["Access-Control-Allow-Origin"] == "https://dashboard.example.com"


def test_form_bodies_over_the_upload_limit_are_still_413(writer, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = writer.post("/api/qbr/thresholds", {**THRESHOLD, "notes": "x" * 5000})
    assert response.status_code == 413 and response.json()["error"]["code"] == "payload_too_large"


@pytest.mark.parametrize("name, message", [("x" * 101, "at most 100"), ("a\x00b", "NUL"), (" ", "blank")])
def test_create_api_key_refuses_names_the_database_would_not_take(name, message):
    from esinv.models import APIKey

    with pytest.raises(CommandError, match=message):
        call_command("create_api_key", name)
    assert not APIKey.objects.exists()
