"""A favicon on every page, and `/favicon.ico` answered (no 404 in any browser console)."""
import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static

pytestmark = pytest.mark.django_db

ICON = "esinv/favicon.svg"


def test_the_icon_is_a_static_svg():
    path = finders.find(ICON)
    assert path, f"static/{ICON} is missing"
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    assert text.lstrip().startswith("<svg") and 'xmlns="http://www.w3.org/2000/svg"' in text


@pytest.mark.parametrize("signed_in", [False, True])
def test_favicon_ico_redirects_to_the_svg_for_anyone(client, staff_user, signed_in):
    if signed_in:
        client.force_login(staff_user)
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == static(ICON)
    assert "max-age=86400" in response["Cache-Control"]
    served = client.get(response["Location"])
    assert served.status_code == 200 and served["Content-Type"].startswith("image/svg+xml")


@pytest.mark.parametrize("path, signed_in", [
    ("/sign-in/", False),          # the hub's base.html, signed out
    ("/", True),                   # and signed in
    ("/accounts/login/", False),   # allauth's pages in the hub's layout
    ("/admin/login/", False),      # the admin's base_site.html
    ("/admin/", True),
    ("/admin/variances/exceptionrecord/", True),
])
def test_pages_link_the_icon(client, django_user_model, path, signed_in):
    if signed_in:
        client.force_login(django_user_model.objects.create_superuser("boss", "boss@example.com", "pw-Strong-123"))
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<link rel="icon" href="{static(ICON)}" type="image/svg+xml">' in html
    if path.startswith("/admin/"):
        assert 'id="site-name"' in html and "ES Inventory Hub" in html  # the admin's header is kept
