"""A bad filter value in an admin list is treated as the admin treats invalid lookups, never a 500.

The admin itself turns an unknown or malformed lookup (`?created_at__gte=garbage`) into a redirect to
the unfiltered list (`?e=1`). A value the database layer cannot turn into SQL, though, only fails when
the list is counted, outside the admin's check: `?created_at__year=99999999999999999999`
(OverflowError), `__year=0` or `10000` and `__iso_year=...` (ValueError: outside the years Python's
dates hold), or a value PostgreSQL refuses (DataError). This middleware answers those, raised while an
admin changelist builds its page from a query string, the admin's way (redirect to `?e=1`), with a
message saying why. Should the list fail even so, a plain 400 page says it. One place for every model
admin, ours and the installed apps' (django-q2, allauth, auth).
"""
import logging

from django.contrib import messages
from django.contrib.admin.views.main import ERROR_FLAG
from django.db import DataError
from django.http import HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string

log = logging.getLogger(__name__)

BAD_FILTER_VALUE_ERRORS = (OverflowError, ValueError, DataError)


def is_admin_changelist(request) -> bool:
    match = getattr(request, "resolver_match", None)
    return bool(match and match.namespace == "admin" and (match.url_name or "").endswith("_changelist"))


def bad_filter_message(exception) -> str:
    return (f"The list cannot be filtered by these values ({exception}); "
            "the filters were removed. Change them and try again.")


def bad_filter_page(request, exception) -> HttpResponse:
    html = render_to_string("pages/error.html", {
        "title": "Bad filter",
        "message": f"This list cannot be shown with these values ({exception}).",
        "back_url": request.path,
        "back_label": "Show the list without filters",
    })
    return HttpResponse(html, status=400)


class AdminBadFilterMiddleware:
    """Redirects to the unfiltered list (`?e=1`) when an admin changelist fails on a query string value."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not (isinstance(exception, BAD_FILTER_VALUE_ERRORS) and request.GET and is_admin_changelist(request)):
            return None
        log.warning("Bad admin filter on %s?%s: %s: %s", request.path, request.META.get("QUERY_STRING", ""),
                    type(exception).__name__, exception)
        if ERROR_FLAG in request.GET:  # already the admin's fallback: no redirect loop
            return bad_filter_page(request, exception)
        messages.error(request, bad_filter_message(exception), fail_silently=True)
        return HttpResponseRedirect(f"{request.path}?{ERROR_FLAG}=1")
