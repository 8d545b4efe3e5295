"""Who may call what: anonymous, read-only key, write key, session users."""
import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from esinv.models import APIKey, hash_key
from tests.endpoints import PUBLIC, api_operations

pytestmark = pytest.mark.django_db

OPERATIONS = api_operations()
PROTECTED = [(m, p) for m, p in OPERATIONS if p not in PUBLIC]
WRITES = [(m, p) for m, p in PROTECTED if m != "get"]
READS = [(m, p) for m, p in PROTECTED if m == "get"]


def test_matrix_is_not_empty():
    assert ("get", "/api/devices/search") in OPERATIONS
    assert len(PROTECTED) >= 4


@pytest.mark.parametrize("method, path", PROTECTED)
def test_anonymous_is_refused_everywhere_but_health(client_anon, method, path):
    response = getattr(client_anon, method)(path, {}, format="json") if method != "get" else client_anon.get(path)
    assert response.status_code == 401, (method, path, response.status_code)
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.parametrize("method, path", WRITES)
def test_read_only_key_cannot_write(reader, method, path):
    response = getattr(reader, method)(path, {}, format="json")
    assert response.status_code == 403, (method, path, response.status_code)
    assert response.json()["error"]["code"] == "permission_denied"


@pytest.mark.parametrize("method, path", WRITES)
def test_anonymous_read_setting_does_not_open_writes(client_anon, settings, method, path):
    settings.ESINV_ANONYMOUS_READ = True
    response = getattr(client_anon, method)(path, {}, format="json")
    assert response.status_code in (401, 403)


def test_anonymous_read_setting_opens_gets(client_anon, settings):
    settings.ESINV_ANONYMOUS_READ = True
    assert client_anon.get("/api/vendors").status_code == 200


@pytest.mark.parametrize("method, path", [op for op in READS if "{" not in op[1]
                                          and not op[1].startswith("/api/billing/")])  # a scope of its own
def test_read_key_is_not_refused_on_reads(reader, method, path):
    response = reader.get(path)
    assert response.status_code not in (401, 403), (path, response.status_code)


def test_both_header_forms(read_key):
    for headers in ({"HTTP_X_API_KEY": read_key}, {"HTTP_AUTHORIZATION": f"Bearer {read_key}"}):
        client = APIClient()
        client.credentials(**headers)
        assert client.get("/api/vendors").status_code == 200


def test_wrong_and_revoked_keys_are_401(read_key):
    client = APIClient()
    client.credentials(HTTP_X_API_KEY="esk_wrong")
    assert client.get("/api/vendors").json()["error"]["code"] == "authentication_failed"
    APIKey.objects.get(key_hash=hash_key(read_key)).revoke()
    client.credentials(HTTP_X_API_KEY=read_key)
    assert client.get("/api/vendors").status_code == 401


def test_keys_are_stored_hashed(read_key):
    stored = APIKey.objects.get(name="reader")
    assert read_key not in (stored.key_hash, stored.prefix) and stored.key_hash == hash_key(read_key)
    assert read_key.startswith(stored.prefix)


def test_key_use_is_recorded(reader):
    reader.get("/api/vendors")
    assert APIKey.objects.get(name="reader").last_used_at is not None


def test_session_user_reads(staff_client):
    assert staff_client.get("/api/vendors").status_code == 200


def test_session_write_needs_csrf(staff_client):
    # Without the CSRF token a session POST is refused before the view runs.
    response = staff_client.post("/api/organizations", {}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["error"]["message"]


def test_non_staff_viewer_reads_but_cannot_write(db, django_user_model, settings):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user("viewer", password="x-Strong-123")
    user.groups.add(Group.objects.get(name=settings.ESINV_VIEWER_GROUP))
    client = APIClient()
    client.force_login(user)
    assert client.get("/api/vendors").status_code == 200
    if WRITES:
        method, path = WRITES[0]
        assert getattr(client, method)(path, {}, format="json").status_code == 403


class TestCreateApiKeyCommand:
    def test_prints_key_once_and_stores_hash(self, capsys):
        call_command("create_api_key", "dashboard")
        raw = capsys.readouterr().out.strip()
        key = APIKey.objects.get(name="dashboard")
        assert key.key_hash == hash_key(raw) and not key.can_write
        client = APIClient()
        client.credentials(HTTP_X_API_KEY=raw)
        assert client.get("/api/vendors").status_code == 200

    def test_write_flag(self, capsys):
        call_command("create_api_key", "ops", "--write")
        assert APIKey.objects.get(name="ops").can_write

    def test_duplicate_name_is_an_error(self):
        from django.core.management.base import CommandError

        call_command("create_api_key", "dup")
        with pytest.raises(CommandError, match="already exists"):
            call_command("create_api_key", "dup")
