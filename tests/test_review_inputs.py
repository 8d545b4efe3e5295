"""Bad input an independent review found answered wrongly: too many fields, a boolean filter that ignored
`maybe`, the Microsoft callback blaming the state when sign-in is not configured."""
import pytest

from inventory.models import Organization

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/status", "/api/exceptions", "/api/variances/export/excel"])
def test_too_many_query_parameters_is_a_400_naming_the_limit(reader, settings, path):
    settings.DEBUG = True  # the debug 500 page used to read request.GET again and crash
    query = "&".join(f"p{i}=1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    response = reader.get(f"{path}?{query}")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "too_many_fields"
    assert str(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS) in error["message"]


def test_too_many_query_parameters_on_a_page_is_a_400_page(staff_client, settings):
    query = "&".join(f"p{i}=1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    response = staff_client.get(f"/variances/?{query}")
    assert response.status_code == 400
    assert b"Too many parameters" in response.content


def test_too_many_form_fields_is_a_400(writer, settings):
    body = "&".join(f"f{i}=1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    response = writer.post("/api/exceptions/bulk-update", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "too_many_fields"


def test_organizations_boolean_filter_refuses_maybe(reader):
    Organization.objects.create(name="Internal IT", is_internal=True)
    Organization.objects.create(name="Client Co", is_internal=False)
    internal = {o["name"] for o in reader.get("/api/organizations?is_internal=true").json()["results"]}
    external = {o["name"] for o in reader.get("/api/organizations?is_internal=false").json()["results"]}
    assert "Internal IT" in internal and "Client Co" not in internal
    assert "Client Co" in external and "Internal IT" not in external
    response = reader.get("/api/organizations?is_internal=maybe")
    assert response.status_code == 400
    assert "is_internal" in response.content.decode()


@pytest.mark.parametrize("query", ["", "?code=abc&state=xyz", "?error=access_denied"])
def test_microsoft_callback_without_configuration_says_so(client, settings, query):
    settings.MICROSOFT_CLIENT_ID = ""
    response = client.get(f"/api/auth/microsoft/callback{query}")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "not_configured"
