"""Error format, request ids, pagination and throttling."""
import pytest

from inventory.models import Organization

pytestmark = pytest.mark.django_db


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["success"] is False
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    assert "details" in body["error"]
    assert body["request_id"] == response["X-Request-ID"]
    return body


def test_unknown_api_url_is_json_404(reader):
    body = assert_error(reader.get("/api/no-such-thing"), 404, "not_found")
    assert "/api/no-such-thing" in body["error"]["message"]


def test_unknown_url_is_json_404_even_with_debug(reader, settings):
    settings.DEBUG = True
    assert_error(reader.get("/api/nope/deeper"), 404, "not_found")


def test_wrong_method_is_json_405(writer):
    assert_error(writer.delete("/api/devices/search?q=abc"), 405, "method_not_allowed")


def test_unknown_object_is_json_404(reader):
    assert_error(reader.get("/api/organizations/999999"), 404, "not_found")


def test_non_numeric_id_is_404_not_500(reader):
    assert_error(reader.get("/api/organizations/abc"), 404, "not_found")


def test_unhandled_error_is_json_500_without_traceback(reader, monkeypatch):
    from inventory.api import views

    def boom(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(views, "search_devices", boom)
    response = reader.get("/api/devices/search?q=abc")
    body = assert_error(response, 500, "internal_error")
    assert "secret internals" not in response.content.decode()
    assert body["error"]["details"]["request_id"] == response["X-Request-ID"]


def test_request_id_echoed_when_well_formed(reader):
    response = reader.get("/api/health", HTTP_X_REQUEST_ID="abc-123.x")
    assert response["X-Request-ID"] == "abc-123.x"


def test_request_id_generated_when_missing_or_malformed(reader):
    generated = reader.get("/api/health")["X-Request-ID"]
    assert len(generated) == 32
    malformed = reader.get("/api/health", HTTP_X_REQUEST_ID="bad id\nwith newline")["X-Request-ID"]
    assert malformed != "bad id\nwith newline" and len(malformed) == 32


def test_request_id_on_non_api_pages_too(client):
    assert client.get("/")["X-Request-ID"]


class TestPagination:
    @pytest.fixture(autouse=True)
    def organizations(self, db):
        Organization.objects.bulk_create(Organization(name=f"Client {i:03d}") for i in range(25))

    def test_metadata(self, reader):
        body = reader.get("/api/organizations?page_size=10&page=2").json()
        assert body["count"] == 26  # 25 + the MSP
        assert (body["page"], body["page_size"], body["total_pages"]) == (2, 10, 3)
        assert len(body["results"]) == 10
        assert "page=3" in body["next"] and "page_size=10" in body["next"]
        assert body["previous"]

    def test_last_page_has_no_next(self, reader):
        body = reader.get("/api/organizations?page_size=10&page=3").json()
        assert len(body["results"]) == 6 and body["next"] is None

    @pytest.mark.parametrize("query", ["page=0", "page=-1", "page=abc", "page_size=0", "page_size=x", "page_size=5000"])
    def test_bad_paging_is_400(self, reader, query):
        body = assert_error(reader.get(f"/api/organizations?{query}"), 400, "invalid_parameter")
        assert body["error"]["details"]["field"] in ("page", "page_size")

    def test_page_past_the_end_is_404(self, reader):
        assert_error(reader.get("/api/organizations?page=99"), 404, "not_found")


class TestThrottling:
    def test_headers_and_429(self, reader, settings):
        settings.ESINV_THROTTLE_RATE = "3/min"
        remaining = []
        for _ in range(3):
            response = reader.get("/api/vendors")
            assert response.status_code == 200
            assert response["X-RateLimit-Limit"] == "3"
            remaining.append(int(response["X-RateLimit-Remaining"]))
        assert remaining == [2, 1, 0]
        refused = reader.get("/api/vendors")
        body = assert_error(refused, 429, "throttled")
        assert int(refused["Retry-After"]) >= 1
        assert refused["X-RateLimit-Remaining"] == "0"
        assert body["error"]["details"]["retry_after_seconds"] >= 1

    def test_anonymous_callers_counted_by_address(self, client_anon, settings):
        settings.ESINV_ANONYMOUS_READ = True
        settings.ESINV_THROTTLE_ANON_RATE = "2/min"
        assert client_anon.get("/api/vendors").status_code == 200
        assert client_anon.get("/api/vendors").status_code == 200
        assert client_anon.get("/api/vendors").status_code == 429
        other = client_anon.get("/api/vendors", REMOTE_ADDR="10.9.9.9")
        assert other.status_code == 200

    def test_health_is_never_throttled(self, client_anon, settings):
        settings.ESINV_THROTTLE_ANON_RATE = "1/min"
        assert all(client_anon.get("/api/health/live").status_code == 200 for _ in range(5))
