"""The inventory, collectors and project endpoints: DRF viewsets on routers, their paths unchanged, their
request validation (bodies that are not JSON objects, the Windows 11 page size)."""
import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator
from rest_framework.viewsets import ViewSetMixin

from inventory.windows11.service import run_assessment
from tests.windows11.conftest import fleet  # noqa: F401  (a fixture)

OWNED = ("inventory.", "collectors.", "esinv.")
PATHS = {
    "/api/devices/search", "/api/organizations", "/api/organizations/{id}", "/api/vendors", "/api/vendors/{id}",
    "/api/windows-11-24h2/status", "/api/windows-11-24h2/incompatible", "/api/windows-11-24h2/compatible",
    "/api/windows-11-24h2/not-assessed", "/api/windows-11-24h2/already-on-24h2",
    "/api/windows-11-24h2/export/excel", "/api/windows-11-24h2/export/pdf", "/api/windows-11-24h2/run",
    "/api/collectors/run", "/api/collectors/runs/batch/{batch_id}", "/api/collectors/status",
    "/api/collectors/history", "/api/collectors/progress", "/api/collectors/cleanup-stale",
    "/api/health", "/api/health/live", "/api/health/ready", "/api/status",
}


def api_views(patterns=None, prefix=""):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            yield from api_views(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern) and (prefix + str(entry.pattern)).lstrip("^").startswith("api/"):
            yield prefix + str(entry.pattern), entry.callback


def test_every_owned_endpoint_is_a_viewset_on_a_router():
    owned = [(route, view) for route, view in api_views()
             if getattr(view, "cls", None) and view.cls.__module__.startswith(OWNED)]
    assert len(owned) >= 15
    not_viewsets = [route for route, view in owned if not issubclass(view.cls, ViewSetMixin)]
    assert not_viewsets == []


def test_paths_are_the_documented_ones():
    paths = set(SchemaGenerator().get_schema(request=None, public=True)["paths"])
    assert PATHS <= paths
    assert not {path + "/" for path in PATHS} & paths  # no trailing slash appeared


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/health", "/api/health/live", "/api/health/ready"])
def test_health_stays_public_and_answers_head(client_anon, path):
    assert client_anon.get(path).status_code == 200
    assert client_anon.head(path).status_code == 200


# --- bodies that are not JSON objects ------------------------------------------------------------------------

NOT_OBJECTS = ["[1]", '"run"', "3", "null", "true"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/windows-11-24h2/run", "/api/collectors/cleanup-stale"])
class TestBodies:
    def test_malformed_json_is_400(self, writer, path):
        response = writer.post(path, "{", content_type="application/json")
        assert response.status_code == 400 and response.json()["error"]["code"] == "malformed_request"

    @pytest.mark.parametrize("body", NOT_OBJECTS)
    def test_a_body_that_is_not_an_object_is_400(self, writer, path, body):
        response = writer.post(path, body, content_type="application/json")
        assert response.status_code == 400
        error = response.json()["error"]
        assert error["code"] == "invalid_parameter" and error["details"]["field"] == "body"

    def test_a_text_body_is_415(self, writer, path):
        response = writer.post(path, "run please", content_type="text/plain")
        assert response.status_code == 415 and response.json()["error"]["code"] == "unsupported_media_type"

    @pytest.mark.parametrize("body", [None, "{}"])
    def test_no_body_or_an_object_is_accepted(self, writer, path, body):
        response = writer.post(path, body, content_type="application/json") if body else writer.post(path)
        # Accepted: the run answers 409 without NinjaOne data (it ran), the cleanup 200.
        assert (response.status_code, response.json().get("error", {}).get("code")) in (
            (200, None), (409, "no_ninja_data"))


# --- Windows 11 page size ------------------------------------------------------------------------------------

WIN11_LISTS = ["incompatible", "compatible", "not-assessed", "already-on-24h2"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", WIN11_LISTS)
def test_a_whole_msp_fits_one_page(reader, path):
    body = reader.get(f"/api/windows-11-24h2/{path}", {"page_size": 10000}).json()
    assert body["page_size"] == 10000


@pytest.mark.django_db
@pytest.mark.parametrize("size", ["10001", "0", "-1", "abc", "1.5", "²", "99999999999999999999"])
@pytest.mark.parametrize("path", WIN11_LISTS)
def test_page_size_beyond_the_maximum_or_not_a_whole_number_is_400(reader, path, size):
    response = reader.get(f"/api/windows-11-24h2/{path}", {"page_size": size})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_parameter" and error["details"]["field"] == "page_size"
    assert "10000" in error["message"]


@pytest.mark.django_db
def test_the_maximum_is_a_setting(reader, settings):
    settings.ESINV_WIN11_MAX_PAGE_SIZE = 50
    assert reader.get("/api/windows-11-24h2/compatible", {"page_size": 50}).status_code == 200
    assert reader.get("/api/windows-11-24h2/compatible", {"page_size": 51}).status_code == 400


def test_other_lists_keep_their_own_maximum(reader, settings):
    assert settings.ESINV_MAX_PAGE_SIZE < 10000
    response = reader.get("/api/organizations", {"page_size": 10000})
    assert response.status_code == 400 and response.json()["error"]["details"]["field"] == "page_size"


def test_without_page_size_every_device_is_listed(reader, fleet):  # noqa: F811
    """The contract's dashboard calls the lists without paging parameters and expects every device."""
    run_assessment()
    body = reader.get("/api/windows-11-24h2/incompatible").json()
    assert body["count"] == len(body["results"]) == 2 and body["total_pages"] == 1
    assert body["page_size"] == 10000


def test_the_schema_says_the_maximum():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path in WIN11_LISTS:
        parameters = {p["name"]: p for p in schema["paths"][f"/api/windows-11-24h2/{path}"]["get"]["parameters"]}
        assert parameters["page_size"]["schema"]["maximum"] == 10000
        assert parameters["page_size"]["schema"]["minimum"] == 1
