"""Django's error handlers (wired in esinv/urls.py)."""
import sys

from django.views import defaults

from esinv.errors import database_unavailable
from esinv.middleware import database_unavailable_response


def server_error(request):
    """handler500: an unreachable database is a 503 with Retry-After (JSON under /api/, a page elsewhere),
    not a 500; anything else is Django's usual 500."""
    exception = sys.exc_info()[1]
    if database_unavailable(exception):
        return database_unavailable_response(request, exception)
    return defaults.server_error(request)
