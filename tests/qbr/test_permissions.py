"""Who may call the QBR endpoints: anonymous, signed in without group, reader, editor, staff, API keys."""
import pytest
from rest_framework.test import APIClient

from qbr.models import MonthlyMetric

pytestmark = pytest.mark.django_db

READS = [
    "/api/qbr/metrics/monthly",
    "/api/qbr/metrics/quarterly",
    "/api/qbr/metrics/devices-by-client?period=2025-10",
    "/api/qbr/smartnumbers?period=2025-Q4",
    "/api/qbr/thresholds",
]
WRITES = {
    "/api/qbr/metrics/manual": {"period": "2025-10", "metric_name": "employees", "metric_value": 7},
    "/api/qbr/thresholds": {"metric_name": "rhem", "direction": "lower", "green": 1, "yellow": 2},
}


@pytest.mark.parametrize("path", READS)
def test_anonymous_gets_401_json_not_a_redirect(client_anon, path):
    response = client_anon.get(path)
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.parametrize("path", READS)
def test_anonymous_read_setting_does_not_open_qbr(client_anon, settings, path):
    settings.ESINV_ANONYMOUS_READ = True
    assert client_anon.get(path).status_code == 401


@pytest.mark.parametrize("path", READS)
def test_signed_in_without_group_gets_403(qbr_nogroup, path):
    response = qbr_nogroup.get(path)
    assert response.status_code == 403 and response.json()["error"]["code"] == "permission_denied"


@pytest.mark.parametrize("client_name", ["qbr_reader", "qbr_editor", "qbr_staff", "reader", "writer"])
@pytest.mark.parametrize("path", READS)
def test_readers(request, client_name, path):
    assert request.getfixturevalue(client_name).get(path).status_code == 200


@pytest.mark.parametrize("client_name", ["qbr_nogroup", "qbr_reader", "qbr_staff", "reader"])
@pytest.mark.parametrize("path", sorted(WRITES))
def test_non_editors_cannot_write(request, client_name, path):
    response = request.getfixturevalue(client_name).post(path, WRITES[path], format="json")
    assert response.status_code == 403
    assert not MonthlyMetric.objects.exists()


@pytest.mark.parametrize("path", sorted(WRITES))
def test_anonymous_cannot_write(client_anon, path):
    assert client_anon.post(path, WRITES[path], format="json").status_code == 401


@pytest.mark.parametrize("client_name", ["qbr_editor", "writer"])
@pytest.mark.parametrize("path", sorted(WRITES))
def test_editors_and_write_keys_write(request, client_name, path):
    response = request.getfixturevalue(client_name).post(path, WRITES[path], format="json")
    assert response.status_code == 200, response.json()


def test_write_key_entries_are_audited_as_the_key(writer):
    writer.post("/api/qbr/metrics/manual", WRITES["/api/qbr/metrics/manual"], format="json")
    assert MonthlyMetric.objects.get().changes.get().actor == "apikey:writer"


def test_superuser_writes_without_group(django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "pw-Strong-123")
    client = APIClient()
    client.force_login(admin)
    assert client.post("/api/qbr/metrics/manual", WRITES["/api/qbr/metrics/manual"], format="json").status_code == 200


def test_session_writes_need_csrf(qbr_editor_csrf):
    response = qbr_editor_csrf.post("/api/qbr/metrics/manual", WRITES["/api/qbr/metrics/manual"], format="json")
    assert response.status_code == 403 and "CSRF" in response.json()["error"]["message"]
    token = qbr_editor_csrf.get("/api/auth/status").json()["csrf_token"]
    response = qbr_editor_csrf.post(
        "/api/qbr/metrics/manual", WRITES["/api/qbr/metrics/manual"], format="json", HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 200


class TestAuthEndpoints:
    def test_status_anonymous(self, client_anon):
        body = client_anon.get("/api/auth/status").json()
        assert body["authenticated"] is False and body["user"] is None
        assert body["qbr_access"] == {"read": False, "write": False}

    def test_status_signed_in(self, qbr_reader):
        body = qbr_reader.get("/api/auth/status").json()
        assert body["authenticated"] is True
        assert body["user"]["email"] == "qreader@example.com"
        assert body["qbr_access"] == {"read": True, "write": False}

    def test_status_reports_editor_access(self, qbr_editor):
        assert qbr_editor.get("/api/auth/status").json()["qbr_access"] == {"read": True, "write": True}

    def test_logout_needs_csrf_and_ends_the_session(self, qbr_editor_csrf):
        assert qbr_editor_csrf.post("/api/auth/logout").status_code == 403
        token = qbr_editor_csrf.get("/api/auth/status").json()["csrf_token"]
        response = qbr_editor_csrf.post("/api/auth/logout", HTTP_X_CSRFTOKEN=token)
        assert response.status_code == 200 and response.json()["authenticated"] is False
        assert qbr_editor_csrf.get("/api/auth/status").json()["authenticated"] is False
        assert qbr_editor_csrf.get("/api/qbr/thresholds").status_code == 401

    def test_logout_is_idempotent_for_anonymous(self, client_anon):
        assert client_anon.post("/api/auth/logout").status_code == 200

    def test_login_without_configuration_is_503_json(self, client_anon, settings):
        providers = {"microsoft": {"APPS": [{"client_id": "", "secret": "", "settings": {"tenant": "x"}}]}}
        settings.SOCIALACCOUNT_PROVIDERS = providers
        response = client_anon.get("/api/auth/microsoft/login")
        assert response.status_code == 503 and response.json()["error"]["code"] == "not_configured"

    def test_cors_with_credentials_for_the_dashboard_origin(self, qbr_reader, settings):
        settings.CORS_ALLOWED_ORIGINS = ["https://dash.example.com"]
        response = qbr_reader.get("/api/auth/status", HTTP_ORIGIN="https://dash.example.com")
        assert response["Access-Control-Allow-Origin"] == "https://dash.example.com"
        assert response["Access-Control-Allow-Credentials"] == "true"
