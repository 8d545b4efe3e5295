"""Who may do what, over every page and every API operation (read from the OpenAPI schema).

Roles: anonymous, signed in without a group, Viewers, QBR, QBR editors, Billing, a read-only key, a write key,
both again with the billing scope (`create_api_key --billing`), and staff. The policy below is the README's; each
cell asserts a status class: `signin` (401 JSON on the API, a redirect to /sign-in/ on pages), `denied` (403) or
`allowed` (anything else below 500: 2xx, or a 4xx about the request itself such as 400 or 404).
"""
import pytest
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from esinv.models import APIKey
from tests.endpoints import PUBLIC, api_operations

pytestmark = pytest.mark.django_db

PAGES = ["/", "/variances/", "/devices/", "/windows-11/", "/qbr/"]
# Served by the app under /api/ but not part of the schema they serve.
SCHEMA_VIEWS = [("get", "/api/schema/"), ("get", "/api/docs/")]
OPERATIONS = [op for op in api_operations() if op[1] not in PUBLIC] + SCHEMA_VIEWS
ROLES = ["anonymous", "no_group", "viewer", "qbr_reader", "qbr_editor", "billing", "read_key", "write_key",
         "billing_read_key", "billing_write_key", "staff"]
KEYS = {"read_key": (False, False), "write_key": (True, False), "billing_read_key": (False, True),
        "billing_write_key": (True, True)}  # role: (can_write, billing_scope)


def is_qbr(path: str) -> bool:
    return path == "/qbr/" or path.startswith("/api/qbr/")


def is_billing(path: str) -> bool:
    return path.startswith("/api/billing/")


def expected(role: str, method: str, path: str) -> str:
    """The access policy, written out once for the matrix."""
    read = method == "get"
    if role == "anonymous":
        return "signin"
    if role in KEYS:
        if not path.startswith("/api/"):
            return "signin"  # pages are for people; a key is no session
        can_write, billing_scope = KEYS[role]
        if is_billing(path) and not billing_scope:
            return "denied"  # "This API key has no billing scope."
        return "allowed" if read or can_write else "denied"
    qbr_rights = {"staff": (True, False), "qbr_reader": (True, False), "qbr_editor": (True, True)}
    inventory_rights = {"staff": (True, True), "viewer": (True, False)}
    billing_rights = {"staff": (True, True), "billing": (True, False)}
    rights = qbr_rights if is_qbr(path) else billing_rights if is_billing(path) else inventory_rights
    can_read, can_write = rights.get(role, (False, False))
    return "allowed" if (can_read if read else can_write) else "denied"


def person(django_user_model, username, *, staff=False, groups=()):
    user = django_user_model.objects.create_user(username, f"{username}@example.com", "pw-Strong-123",
                                                 is_staff=staff)
    user.groups.set([Group.objects.get(name=name) for name in groups])
    client = APIClient()
    client.force_login(user)
    return client


def key_client(name, *, write=False, billing=False):
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=APIKey.issue(name, can_write=write, billing_scope=billing)[1])
    return client


@pytest.fixture
def clients(db, django_user_model, settings):
    return {
        "anonymous": APIClient(),
        "no_group": person(django_user_model, "nogroup"),
        "viewer": person(django_user_model, "viewer", groups=[settings.ESINV_VIEWER_GROUP]),
        "qbr_reader": person(django_user_model, "qreader", groups=[settings.QBR_READER_GROUP]),
        "qbr_editor": person(django_user_model, "qeditor", groups=[settings.QBR_EDITOR_GROUP]),
        "billing": person(django_user_model, "biller", groups=[settings.BILLING_GROUP]),
        "read_key": key_client("matrix-read"),
        "write_key": key_client("matrix-write", write=True),
        "billing_read_key": key_client("matrix-billing-read", billing=True),
        "billing_write_key": key_client("matrix-billing-write", write=True, billing=True),
        "staff": person(django_user_model, "staffer", staff=True),
    }


def call(client, method, path):
    if method == "get":
        return client.get(path)
    return getattr(client, method)(path, {}, format="json")


def outcome(response, path) -> str:
    assert response.status_code < 500, (path, response.status_code)
    if response.status_code == 401:
        return "signin"
    if response.status_code == 302 and response["Location"].startswith("/sign-in/"):
        return "signin"
    if response.status_code == 403:
        return "denied"
    if response.status_code == 302 and response["Location"] in ("/qbr/", "/billing/"):
        return "denied"  # a QBR-only or Billing-only account's home: sent to its own page, no inventory shown
    return "allowed"


def test_the_matrix_covers_every_kind_of_operation():
    paths = {path for _, path in OPERATIONS}
    assert {"/api/exceptions", "/api/organizations", "/api/variances/export/csv", "/api/qbr/thresholds",
            "/api/billing/report", "/api/billing/variances/1/accept", "/api/billing/clients/1"} <= paths
    assert {method for method, _ in OPERATIONS} >= {"get", "post"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", PAGES)
def test_pages(clients, role, path):
    response = clients[role].get(path)
    assert outcome(response, path) == expected(role, "get", path), response.status_code


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method, path", OPERATIONS)
def test_api(clients, role, method, path):
    response = call(clients[role], method, path)
    assert outcome(response, path) == expected(role, method, path), (response.status_code, response.content[:300])
    if response.status_code in (401, 403):
        body = response.json()
        assert body["success"] is False and body["request_id"]
        code = body["error"]["code"]
        assert code in ("not_authenticated", "permission_denied"), code


@pytest.mark.parametrize("method, path", [op for op in OPERATIONS if op[0] == "get"])
def test_anonymous_read_opens_nothing_to_accounts_without_a_grant(clients, settings, method, path):
    settings.ESINV_ANONYMOUS_READ = True
    response = clients["no_group"].get(path)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


@pytest.mark.parametrize("method, path", [op for op in OPERATIONS if op[0] == "get" and not is_qbr(op[1])])
def test_anonymous_read_opens_no_inventory_to_qbr_only_accounts(clients, settings, method, path):
    settings.ESINV_ANONYMOUS_READ = True
    assert clients["qbr_reader"].get(path).status_code == 403


@pytest.mark.parametrize("path", PAGES)
def test_accounts_without_a_grant_get_the_polite_page(clients, path):
    response = clients["no_group"].get(path)
    html = response.content.decode()
    assert response.status_code == 403
    assert "Your account has no access yet" in html and "Ask an administrator" in html
    assert 'href="/variances/"' not in html and 'href="/qbr/"' not in html  # no navigation to refused pages


def test_qbr_only_accounts_see_only_the_qbr_navigation(clients):
    response = clients["qbr_reader"].get("/devices/")
    html = response.content.decode()
    assert response.status_code == 403 and "inventory data" in html
    assert 'href="/qbr/"' in html and 'href="/variances/"' not in html
