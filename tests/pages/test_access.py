"""Every page: anonymous users are sent to sign in; signed-in users get the page with its title."""
from urllib.parse import parse_qs, urlsplit

import pytest

pytestmark = pytest.mark.django_db

PAGES = ["/", "/variances/", "/devices/", "/windows-11/", "/qbr/"]


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_is_sent_to_sign_in_and_back(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/?next=")
    assert path.replace("/", "%2F") in response["Location"]


def microsoft_app(settings):
    settings.SOCIALACCOUNT_PROVIDERS = {"microsoft": {"TENANT": "contoso.example", "APPS": [
        {"client_id": "client-123", "secret": "s3cret", "settings": {"tenant": "contoso.example"}}]}}


def test_sign_in_without_a_microsoft_app_says_so(client):
    html = client.get("/sign-in/").content.decode()
    assert "Microsoft sign-in is not set up" in html and "/api/auth/microsoft/login" not in html
    assert 'href="/accounts/login/?next=%2F"' in html


def test_sign_in_page_offers_microsoft_and_password_with_next(client, settings):
    microsoft_app(settings)
    response = client.get("/sign-in/", {"next": "/variances/?status=all"})
    html = response.content.decode()
    assert response.status_code == 200 and "<title>Sign in · ES Inventory Hub</title>" in html
    assert 'href="/api/auth/microsoft/login?next=%2Fvariances%2F%3Fstatus%3Dall"' in html
    assert 'href="/accounts/login/?next=%2Fvariances%2F%3Fstatus%3Dall"' in html


def test_sign_in_refuses_an_off_site_next(client, settings):
    microsoft_app(settings)
    html = client.get("/sign-in/", {"next": "https://evil.example/"}).content.decode()
    assert "evil.example" not in html and "next=%2F" in html


def test_signed_in_user_is_sent_on_from_sign_in(staff):
    response = staff.get("/sign-in/", {"next": "/devices/"})
    assert response.status_code == 302 and response["Location"] == "/devices/"


@pytest.mark.parametrize("path,title", [
    ("/", "Overview"), ("/variances/", "Variances"), ("/devices/", "Device search"),
    ("/windows-11/", "Windows 11 24H2 readiness"), ("/qbr/", "QBR"),
])
def test_every_page_has_a_title_and_the_navigation(staff, path, title):
    response = staff.get(path)
    html = response.content.decode()
    assert response.status_code == 200
    assert f"<title>{title}" in html and "· ES Inventory Hub</title>" in html
    assert 'name="viewport"' in html and 'href="#main"' in html  # phone width, skip link
    assert 'aria-current="page"' in html


def test_qbr_refuses_a_viewer_outside_the_qbr_group(viewer, settings):
    response = viewer.get("/qbr/")
    html = response.content.decode()
    assert response.status_code == 403
    assert "<title>QBR: not allowed" in html and f"&quot;{settings.QBR_READER_GROUP}&quot; group" in html
    assert "SmartNumbers" not in html


def test_qbr_member_who_is_not_staff_reads_qbr(qbr_member):
    response = qbr_member.get("/qbr/")
    assert response.status_code == 200 and "SmartNumbers" in response.content.decode()


def test_non_staff_see_pages_without_action_buttons(viewer, reconciled):
    overview = viewer.get("/").content.decode()
    assert 'id="run-collectors"' not in overview and "needs a staff account" in overview
    variances = viewer.get("/variances/").content.decode()
    assert 'class="act"' not in variances and "Read-only" in variances


@pytest.mark.parametrize("path", ["/accounts/password/change/", "/accounts/email/"])
def test_pages_needing_a_sign_in_outside_the_dashboard_send_to_the_hubs_sign_in(client, path):
    """LOGIN_URL is the hub's sign-in page (Microsoft or password), not the admin's login form."""
    response = client.get(path)
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == "/sign-in/" and parse_qs(location.query) == {"next": [path]}


def test_a_signed_out_staff_member_comes_back_after_signing_in(client, django_user_model):
    django_user_model.objects.create_user("ops", "ops@example.com", "right-Password-1", is_staff=True)
    sent_to = client.get("/accounts/password/change/")["Location"]
    assert sent_to.startswith("/sign-in/")
    sign_in = client.get(sent_to).content.decode()
    assert 'href="/accounts/login/?next=%2Faccounts%2Fpassword%2Fchange%2F"' in sign_in
    signed_in = client.post("/accounts/login/?next=%2Faccounts%2Fpassword%2Fchange%2F",
                            {"login": "ops", "password": "right-Password-1"})
    assert signed_in.status_code == 302 and signed_in["Location"] == "/accounts/password/change/"
