"""Who may see a server-rendered page, and with which methods: the decorators every app's pages use
(docs/dashboard.md).

`page_methods` is applied to every page route by `esinv.page_urls.page` (and, by `with_page_methods`, to every
/accounts/ route in esinv/urls.py and every admin route in esinv/admin_site.py): a method a page does not handle
(PUT, PATCH, DELETE, OPTIONS, or POST on a read-only page) is a 405 page with `Allow`, before any access check.

Shared plumbing (the apps import it); the pages themselves live in each app and the overview in esinv/pages.py.
"""
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLResolver

from esinv.access import user_access

SIGN_IN_PATH = settings.LOGIN_URL  # the hub's sign-in page (esinv/page_urls.py)


READ_METHODS = ("GET", "HEAD")


def method_not_allowed(request, allowed) -> HttpResponse:
    """A 405 page naming what the page answers, with the `Allow` header."""
    response = render(request, "pages/error.html", {
        "title": "Method not allowed",
        "message": f"This page answers {', '.join(allowed)}, not {request.method[:20]}.",
    }, status=405)
    response["Allow"] = ", ".join(allowed)
    return response


def page_methods(*methods: str):
    """Page decorator: the HTTP methods the view handles (default GET and HEAD); any other is a 405 page with
    `Allow`. The wrapper carries `page_methods` (tests check that every page route has it)."""
    allowed = tuple(methods or READ_METHODS)

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method not in allowed:
                return method_not_allowed(request, allowed)
            return view(request, *args, **kwargs)

        wrapper.page_methods = allowed
        return wrapper

    return decorate


def with_page_methods(patterns, *methods: str):
    """`patterns` (nested includes too) with every route not yet wrapped by `page_methods` wrapped by it: how the
    admin's own routes (its sign-in page) and allauth's /accounts/ pages answer 405 with `Allow` as every other
    page. Changes the patterns in place and returns them (for `include(...)`)."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            with_page_methods(pattern.url_patterns, *methods)
        elif not getattr(pattern.callback, "page_methods", None):
            pattern.callback = page_methods(*methods)(pattern.callback)
    return patterns


def requires(grant: str, refusal, *, title: str = "Not allowed"):
    """Page decorator: anonymous visitors go to the sign-in page (and come back afterwards); signed-in
    users need `grant` (an attribute of esinv.access.Access). Accounts granted nothing yet get the
    polite no-access page, others without this grant a refusal (`refusal`: text, or a function of
    nothing giving it); both answer 403."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect(f"{SIGN_IN_PATH}?{urlencode({'next': request.get_full_path()})}")
            access = user_access(request.user)
            if not access.anything:
                return no_access(request)
            if not getattr(access, grant):
                return refused(request, refusal() if callable(refusal) else refusal, title=title)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


# The overview, variances, devices and Windows 11 pages show client inventory data.
inventory_page = requires(
    "inventory_read",
    "This page shows client inventory data, which your account may not see. "
    "Ask an administrator if you need it.",
)


# The billing pages show what clients are billed (staff and the "Billing" group; QBR-only users and viewers: 403).
billing_page = requires(
    "billing_read",
    lambda: f'The billing pages are for staff and members of the "{settings.BILLING_GROUP}" group. '
            "Ask an administrator if you need them.",
    title="Billing: not allowed",
)


def no_access(request):
    """Signed in, but granted nothing yet (a new Microsoft sign-in, an invited account without a group)."""
    return render(request, "pages/no_access.html", {"title": "No access yet"}, status=403)


def refused(request, message: str, *, title: str = "Not allowed"):
    """A clear refusal page (403) instead of a blank or an error."""
    return render(request, "pages/refused.html", {"title": title, "message": message}, status=403)
