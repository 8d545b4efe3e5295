"""The Microsoft sign-in round trip against a local fake identity platform, and the sign-in rules."""
import http.client
from urllib.parse import urlparse

import pytest
from django.test import Client

from qbr.sign_in import email_from_graph, sign_in_refusal
from tests.qbr.fake_microsoft import FakeMicrosoft

TENANT = "contoso-tenant-id"
PROFILE = {
    "id": "00000000-aaaa-bbbb-cccc-000000000001",
    "displayName": "Ada Lovelace",
    "givenName": "Ada",
    "surname": "Lovelace",
    "mail": "Ada@Contoso.example",
    "userPrincipalName": "ada@contoso.onmicrosoft.example",
    "mailNickname": "ada",
}


def _configure(settings, fake, *, tenant=TENANT, domains=("contoso.example",)):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "microsoft": {
            "TENANT": tenant,
            "APPS": [{
                "client_id": "client-123",
                "secret": "s3cret",
                "settings": {"tenant": tenant, "login_url": fake.base_url, "graph_url": fake.base_url},
            }],
        }
    }
    settings.QBR_ALLOWED_EMAIL_DOMAINS = list(domains)


@pytest.fixture
def no_proxy(monkeypatch):
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


def _fake(profile=PROFILE, tenant=TENANT):
    return FakeMicrosoft(tenant=tenant, client_id="client-123", secret="s3cret", profile=profile)


def _authorize(location: str) -> str:
    """The browser at Microsoft: follow the authorize URL, return where it sends us back."""
    url = urlparse(location)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=5)
    connection.request("GET", f"{url.path}?{url.query}")
    response = connection.getresponse()
    assert response.status == 302, response.read()
    back = response.getheader("Location")
    connection.close()
    return back


def _sign_in(client, fake, next_url="/after-login"):
    start = client.get(f"/api/auth/microsoft/login?next={next_url}")
    assert start.status_code == 302
    location = start["Location"]
    assert location.startswith(f"{fake.base_url}/{TENANT}/oauth2/v2.0/authorize?")
    callback = urlparse(_authorize(location))
    # The redirect URI the Entra app registers (the contract's); the fake checks the code exchange uses it too.
    assert callback.path == "/api/auth/microsoft/callback"
    assert f"{callback.scheme}://{callback.netloc}" == "http://testserver"
    return client.get(f"{callback.path}?{callback.query}")


@pytest.mark.django_db
class TestRoundTrip:
    def test_authorize_code_exchange_graph_profile_session(self, settings, no_proxy):
        with _fake() as fake:
            _configure(settings, fake)
            client = Client()
            assert client.get("/api/auth/status").json()["authenticated"] is False
            finish = _sign_in(client, fake)
            assert finish.status_code == 302 and finish["Location"] == "/after-login"
            assert fake.calls == [
                f"GET /{TENANT}/oauth2/v2.0/authorize", f"POST /{TENANT}/oauth2/v2.0/token", "GET /v1.0/me",
            ]
        status = client.get("/api/auth/status").json()
        assert status["authenticated"] is True
        assert status["user"]["email"] == "ada@contoso.example" and status["user"]["name"] == "Ada Lovelace"
        # Signed in, but no QBR group yet: 403, not 401.
        assert status["qbr_access"] == {"read": False, "write": False}
        assert client.get("/api/qbr/thresholds").status_code == 403

    def test_an_uninvited_microsoft_user_is_in_no_group_and_sees_nothing(self, settings, no_proxy,
                                                                           django_user_model):
        with _fake() as fake:
            _configure(settings, fake)
            client = Client()
            _sign_in(client, fake)
        user = django_user_model.objects.get(email="ada@contoso.example")
        assert not user.groups.exists() and not user.is_staff and not user.is_superuser
        settings.ESINV_ANONYMOUS_READ = True  # opens reads to anonymous callers, never to ungranted accounts
        for path in ("/api/exceptions", "/api/organizations", "/api/variances/export/csv", "/api/status"):
            response = client.get(path)
            assert response.status_code == 403, path
            assert response.json()["error"]["code"] == "permission_denied"
        for path in ("/", "/variances/", "/devices/", "/windows-11/", "/qbr/"):
            page = client.get(path)
            assert page.status_code == 403 and "Your account has no access yet" in page.content.decode()

    def test_group_membership_opens_qbr(self, settings, no_proxy, django_user_model):
        from django.contrib.auth.models import Group

        with _fake() as fake:
            _configure(settings, fake)
            client = Client()
            _sign_in(client, fake)
        user = django_user_model.objects.get(email="ada@contoso.example")
        user.groups.add(Group.objects.get(name="QBR"))
        assert client.get("/api/qbr/thresholds").status_code == 200

    def test_second_sign_in_reuses_the_user(self, settings, no_proxy, django_user_model):
        with _fake() as fake:
            _configure(settings, fake)
            _sign_in(Client(), fake)
            _sign_in(Client(), fake)
        assert django_user_model.objects.filter(email="ada@contoso.example").count() == 1

    def test_user_principal_name_when_mail_is_empty(self, settings, no_proxy):
        profile = {**PROFILE, "mail": None, "userPrincipalName": "ada@contoso.example"}
        with _fake(profile) as fake:
            _configure(settings, fake)
            client = Client()
            _sign_in(client, fake)
        assert client.get("/api/auth/status").json()["user"]["email"] == "ada@contoso.example"

    def test_other_domains_are_refused(self, settings, no_proxy, django_user_model):
        with _fake({**PROFILE, "mail": "eve@elsewhere.example"}) as fake:
            _configure(settings, fake)
            client = Client()
            finish = _sign_in(client, fake)
        assert finish.status_code == 403 and finish.json()["error"]["code"] == "sign_in_refused"
        assert client.get("/api/auth/status").json()["authenticated"] is False
        assert not django_user_model.objects.exists()  # no account is created for another domain

    def test_multi_tenant_without_domain_list_fails_closed(self, settings, no_proxy):
        with _fake(tenant="organizations") as fake:
            _configure(settings, fake, tenant="organizations", domains=())
            client = Client()
            start = client.get("/api/auth/microsoft/login")
            callback = urlparse(_authorize(start["Location"]))
            finish = client.get(f"{callback.path}?{callback.query}")
        assert finish.status_code == 403
        assert client.get("/api/auth/status").json()["authenticated"] is False

    def test_a_forged_state_signs_nobody_in(self, settings, no_proxy):
        with _fake() as fake:
            _configure(settings, fake)
            victim = Client()
            attacker = Client()
            attacker_start = attacker.get("/api/auth/microsoft/login")
            callback = urlparse(_authorize(attacker_start["Location"]))
            victim.get(f"{callback.path}?{callback.query}")
        assert victim.get("/api/auth/status").json()["authenticated"] is False

    def test_allauths_own_callback_still_completes_its_own_flow(self, settings, no_proxy):
        with _fake() as fake:
            _configure(settings, fake)
            client = Client()
            start = client.post("/accounts/microsoft/login/", {"next": "/after-login"})
            assert start.status_code == 302
            callback = urlparse(_authorize(start["Location"]))
            assert callback.path == "/accounts/microsoft/login/callback/"
            finish = client.get(f"{callback.path}?{callback.query}")
        assert finish.status_code == 302 and finish["Location"] == "/after-login"
        assert client.get("/api/auth/status").json()["authenticated"] is True

    @pytest.mark.parametrize("query, code", [
        ("", "sign_in_failed"),
        ("?code=abc&state=never-issued", "sign_in_failed"),
        ("?error=access_denied&state=never-issued", "sign_in_failed"),
    ])
    def test_a_bad_callback_is_a_json_400(self, settings, no_proxy, query, code):
        with _fake() as fake:
            _configure(settings, fake)
            response = Client().get(f"/api/auth/microsoft/callback{query}")
        assert response.status_code == 400 and response.json()["error"]["code"] == code
        assert fake.calls == []  # nothing was exchanged

    def test_cancelling_at_microsoft_is_a_json_400(self, settings, no_proxy):
        with _fake() as fake:
            _configure(settings, fake)
            client = Client()
            start = urlparse(client.get("/api/auth/microsoft/login")["Location"])
            state = dict(p.split("=", 1) for p in start.query.split("&"))["state"]
            response = client.get(f"/api/auth/microsoft/callback?error=access_denied&state={state}")
        assert response.status_code == 400 and response.json()["error"]["code"] == "sign_in_cancelled"
        assert client.get("/api/auth/status").json()["authenticated"] is False

    def test_a_code_microsoft_refuses_signs_nobody_in(self, settings, no_proxy):
        with _fake() as fake:
            _configure(settings, fake)
            client = Client()
            start = urlparse(client.get("/api/auth/microsoft/login")["Location"])
            state = dict(p.split("=", 1) for p in start.query.split("&"))["state"]
            response = client.get(f"/api/auth/microsoft/callback?code=forged&state={state}")
        assert response.status_code == 400 and response.json()["error"]["code"] == "sign_in_failed"
        assert client.get("/api/auth/status").json()["authenticated"] is False

    def test_not_configured_is_503(self, settings):
        settings.SOCIALACCOUNT_PROVIDERS = {"microsoft": {"APPS": [{"client_id": "", "secret": ""}]}}
        response = Client().get("/api/auth/microsoft/login")
        assert response.status_code == 503 and response.json()["error"]["code"] == "not_configured"

    def test_unsafe_next_is_replaced(self, settings, no_proxy):
        with _fake() as fake:
            _configure(settings, fake)
            settings.QBR_LOGIN_REDIRECT_URL = "/qbr-home"
            finish = _sign_in(Client(), fake, next_url="https://evil.example/")
        assert finish["Location"] == "/qbr-home"


class TestSignInRules:
    def test_email_from_graph(self):
        assert email_from_graph({"mail": "A@B.example", "userPrincipalName": "x@y"}) == "a@b.example"
        assert email_from_graph({"mail": None, "userPrincipalName": "U@B.example"}) == "u@b.example"
        assert email_from_graph({}) == ""

    @pytest.mark.parametrize(
        "email, domains, tenant, allowed",
        [
            ("a@contoso.example", ["contoso.example"], "organizations", True),
            ("a@CONTOSO.example", ["contoso.example"], "organizations", True),
            ("a@other.example", ["contoso.example"], "tenant-guid", False),
            ("a@other.example", [], "tenant-guid", True),
            ("a@other.example", [], "common", False),
            ("a@other.example", [], "organizations", False),
            ("", ["contoso.example"], "tenant-guid", False),
        ],
    )
    def test_refusal(self, email, domains, tenant, allowed):
        assert (sign_in_refusal(email, allowed_domains=domains, tenant=tenant) is None) is allowed
