"""Every HTML page answers only the methods it handles (review16 F13): GET and HEAD (and POST where a form posts),
anything else a 405 page with `Allow`, before any access check. One mechanism: every route of esinv.page_urls is
a `page(...)` wrapped by `esinv.page_access.page_methods`; these tests walk the URL patterns, so a page added
without it fails here."""
import re

import pytest
from django.test import Client
from django.urls import URLPattern

from esinv import page_urls
from esinv.urls import urlpatterns as site_patterns

pytestmark = pytest.mark.django_db

SAMPLES = {"key": "nochi-002062482", "organization_id": "1"}
# The hub's own /accounts/ views (allauth's class-based views answer 405 themselves).
ACCOUNT_PAGES = ["/accounts/signup/", "/accounts/password/reset/", "/accounts/microsoft/login/"]


def concrete(pattern: URLPattern) -> str:
    route = str(pattern.pattern)
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: SAMPLES[m.group(1)], route)


PAGES = [(concrete(p), p) for p in page_urls.urlpatterns]


def test_the_walk_covers_every_page_route():
    paths = {path for path, _ in PAGES}
    assert {"/", "/variances/", "/billing/", "/billing/clients/1/", "/qbr/", "/devices/nochi-002062482/",
            "/devices/", "/windows-11/", "/sign-in/", "/favicon.ico"} <= paths
    for _, pattern in PAGES:
        assert getattr(pattern.callback, "page_methods", None), f"{pattern.pattern} is not a page(...) route"


@pytest.mark.parametrize("who", ["anonymous", "staff"])
@pytest.mark.parametrize("method", ["delete", "put", "patch", "options"])
@pytest.mark.parametrize("path, pattern", PAGES, ids=[p for p, _ in PAGES])
def test_a_method_a_page_does_not_handle_is_a_405_with_allow(staff, who, method, path, pattern):
    client = staff if who == "staff" else Client()
    response = getattr(client, method)(path)
    assert response.status_code == 405, (method, path, response.status_code)
    allowed = [m.strip() for m in response["Allow"].split(",")]
    assert allowed == list(pattern.callback.page_methods) and "GET" in allowed
    if who == "staff":
        assert "Method not allowed" in response.content.decode()


def test_post_is_405_on_read_only_pages_and_reaches_the_variances_form(staff):
    for path in ("/", "/billing/", "/billing/clients/1/", "/qbr/", "/devices/"):
        response = staff.post(path)
        assert response.status_code == 405 and "POST" not in response["Allow"], path
    # The triage list's bulk form still posts (here: no action chosen, a 400 on the page, not a 405).
    assert staff.post("/variances/", {"action": "nope"}).status_code == 400


@pytest.mark.parametrize("path, pattern", PAGES, ids=[p for p, _ in PAGES])
def test_get_and_head_still_answer(staff, path, pattern):
    for method in ("get", "head"):
        response = getattr(staff, method)(path)
        assert response.status_code not in (405, 500), (method, path, response.status_code)


@pytest.mark.parametrize("path", ACCOUNT_PAGES)
def test_the_hubs_account_views_refuse_other_methods_too(path):
    response = Client().delete(path)
    assert response.status_code == 405 and response["Allow"] == "GET, HEAD, POST"
    assert Client().get(path).status_code != 405


def test_the_account_routes_walked_are_the_hubs_own():
    routes = {str(p.pattern) for p in site_patterns if isinstance(p, URLPattern)}
    assert {path.lstrip("/") for path in ACCOUNT_PAGES} <= routes
    for pattern in site_patterns:
        if isinstance(pattern, URLPattern) and str(pattern.pattern).startswith("accounts/"):
            assert getattr(pattern.callback, "page_methods", None), pattern.pattern


ADMIN_PAGES = ["/admin/", "/admin/billing/", "/admin/billing/billingvariance/", "/admin/esinv/apikey/add/",
               "/admin/billing/billingmapping/not-mapped/", "/admin/auth/user/1/change/", "/admin/logout/"]


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_pages_answer_get_and_post_only(admin_client, admin_user, path):
    path = path.replace("/user/1/", f"/user/{admin_user.pk}/")
    for method in ("delete", "put", "patch"):
        response = getattr(admin_client, method)(path)
        assert response.status_code == 405 and response["Allow"] == "GET, HEAD, POST", (method, path)
    assert Client().delete(path).status_code == 405  # before the sign-in check
    if not path.endswith("/logout/"):
        assert admin_client.get(path).status_code == 200, path


def walk(patterns, prefix=""):
    """(route, URLPattern) of every route under `patterns`, nested includes too."""
    from django.urls import URLResolver

    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


def test_every_admin_and_accounts_route_is_wrapped():
    # review16b G6: /admin/login/ and allauth's pages answered OPTIONS/PUT with 200 or 302.
    routes = [(route, p) for route, p in walk(site_patterns) if route.startswith(("admin/", "accounts/"))]
    assert {"admin/login/", "accounts/login/", "accounts/logout/"} <= {route for route, _ in routes}
    unwrapped = [route for route, p in routes if not getattr(p.callback, "page_methods", None)]
    assert unwrapped == []


SIGN_IN_PAGES = ["/admin/login/", "/accounts/login/", "/accounts/logout/", "/accounts/inactive/",
                 "/accounts/confirm-email/", "/accounts/password/reset/key/done/",
                 "/accounts/3rdparty/login/cancelled/", "/accounts/password/reset/key/1-abc/",
                 "/accounts/email/", "/accounts/password/change/"]


@pytest.mark.parametrize("who", ["anonymous", "staff"])
@pytest.mark.parametrize("path", SIGN_IN_PAGES)
def test_sign_in_pages_refuse_other_methods(admin_client, who, path):
    client = admin_client if who == "staff" else Client()
    for method in ("options", "put", "delete"):
        response = getattr(client, method)(path)
        assert response.status_code == 405, (method, path, response.status_code)
        assert response["Allow"] == "GET, HEAD, POST"
    assert client.get(path).status_code not in (405, 500), path
