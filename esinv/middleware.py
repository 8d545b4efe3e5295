"""Request IDs on every response, JSON errors for everything under /api/, and one check of every string a
caller sends (esinv.inputs)."""
import logging
import re
import uuid

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent
from django.http import HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.template.loader import render_to_string

from esinv import inputs
from esinv.errors import (
    RETRY_AFTER_SECONDS,
    STATUS_CODES,
    APIError,
    database_unavailable,
    error_response,
)
from esinv.request_context import set_request_id

log = logging.getLogger("esinv.request")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")
API_PREFIX = "/api/"


def is_api_path(path: str) -> bool:
    return path == "/api" or path.startswith(API_PREFIX)


class RequestIDMiddleware:
    """Echo a well-formed caller `X-Request-ID`, else make one; set it on the response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        # Left set after the response: Django's own `django.request` log line is written after the
        # middleware returns, and the next request on this thread sets its own.
        set_request_id(request.request_id)
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        rate_limit = getattr(request, "rate_limit", None)
        if rate_limit is not None:
            limit, remaining, reset = rate_limit
            response["X-RateLimit-Limit"] = str(limit)
            response["X-RateLimit-Remaining"] = str(remaining)
            response["X-RateLimit-Reset"] = str(reset)
        return response


_KEPT_HEADERS = {"allow", "retry-after", "www-authenticate", "vary"}


def _is_json(response) -> bool:
    return response.get("Content-Type", "").startswith("application/json")


class APIErrorMiddleware:
    """Under /api/, answer errors Django produced outside DRF as JSON.

    Unknown URLs (404 pages), 405s from plain views and unhandled exceptions
    (logged with their traceback, answered 500 without it) all get the one
    error shape, whatever DEBUG says.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not is_api_path(request.path) or response.status_code < 400 or _is_json(response):
            return response
        code = STATUS_CODES.get(response.status_code, "error")
        if response.status_code == 404:
            message = f"No API endpoint at {request.path}."
        elif response.status_code == 405:
            message = f"Method {request.method} is not allowed on {request.path}."
        else:
            message = response.reason_phrase
        new = error_response(request, response.status_code, code, message)
        for header, value in response.items():
            # Keep what the inner layers said about the request (CORS, Allow, Retry-After ...).
            if header.lower() in _KEPT_HEADERS or header.lower().startswith("access-control-"):
                new[header] = value
        return new

    def process_exception(self, request, exception):
        if not is_api_path(request.path):
            return None
        if database_unavailable(exception):
            return database_unavailable_response(request, exception)
        if isinstance(exception, RequestDataTooBig):
            return error_response(request, 413, "payload_too_large", "The request body is too large.")
        if isinstance(exception, SuspiciousOperation):  # too many fields, bad headers ...: the caller's fault
            log.warning("Refused %s %s: %s", request.method, request.path, exception)
            return error_response(request, 400, "bad_request", f"The request was refused: {exception}")
        log.exception("Unhandled error on %s %s", request.method, request.path)
        return error_response(
            request, 500, "internal_error", "The server hit an unexpected error; it has been logged.",
            {"request_id": getattr(request, "request_id", None)},
        )



def error_page(status: int, title: str, message: str, *, headers=None) -> HttpResponse:
    """A plain error page for the staff pages. Rendered without the request: no session or user lookup,
    so it also works while the database is down."""
    html = render_to_string("pages/error.html", {"title": title, "message": message})
    return HttpResponse(html, status=status, headers=headers)


def database_unavailable_response(request, exception) -> HttpResponse:
    """The database cannot be reached (or refused the connection): 503 with Retry-After, like the ready probe.

    JSON (`service_unavailable`) under /api/, a page elsewhere. Logged with the traceback: a bug that raises
    OperationalError (SQLite's "no such table") is still visible in the log.
    """
    log.error("Database unavailable on %s %s: %s", request.method, request.path, exception,
              exc_info=(type(exception), exception, exception.__traceback__))
    message = "The database is unavailable; try again shortly."
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if is_api_path(request.path):
        response = error_response(request, 503, "service_unavailable", message,
                                  {"retry_after_seconds": RETRY_AFTER_SECONDS})
        response["Retry-After"] = headers["Retry-After"]
        return response
    return error_page(503, "Service unavailable", message, headers=headers)


def refused_input_response(request, error: APIError) -> HttpResponse:
    log.warning("Refused input on %s %s: %s", request.method, request.path.encode("unicode_escape").decode(),
                error.detail)
    if is_api_path(request.path):
        return error_response(request, error.status_code, error.error_code, str(error.detail), error.details)
    return error_page(error.status_code, "Bad request", str(error.detail))


_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class InputCheckMiddleware:
    """Refuse, before any view runs, a URL path, query string or form body holding text the database would
    refuse (NUL, lone surrogates, invalid UTF-8) or that is longer than any field (esinv.inputs); drop such a
    cookie. JSON bodies are checked by esinv.parsers.JSONParser with the same rule."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            self.check(request)
        except APIError as error:
            return refused_input_response(request, error)
        except TooManyFieldsSent:
            # Answered here, before a view (or Django's debug page) reads request.GET/POST again.
            return refused_input_response(request, APIError(
                f"Too many parameters: at most {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS} query or form fields.",
                code="too_many_fields"))
        except RequestDataTooBig:
            if not is_api_path(request.path):
                raise
            return error_response(request, 413, "payload_too_large", "The request body is too large.")
        except MultiPartParserError as exc:
            if not is_api_path(request.path):
                raise
            return error_response(request, 400, "malformed_request", f"Multipart form parse error - {exc}")
        return self.get_response(request)

    def check(self, request):
        # A cookie is not something the caller can easily fix: one the database would refuse (a session id
        # with a NUL, quoted as "\000") is dropped, so the request goes on as if it had none.
        for name, value in list(request.COOKIES.items()):
            if inputs.database_refuses(name) or inputs.database_refuses(value):
                log.warning("Dropped cookie %s on %s %s: text the database refuses", inputs.shown(name),
                            request.method, request.path)
                del request.COOKIES[name]
        inputs.check_path(request.path_info)
        inputs.check_raw_query(request.META.get("QUERY_STRING", ""))
        limit = inputs.max_param_length()
        inputs.check_pairs(((name, value) for name, values in request.GET.lists() for value in values),
                           "query", max_length=limit)
        if request.method in ("POST", "PUT", "PATCH") and request.content_type in _FORM_TYPES:
            if request.content_type == "application/x-www-form-urlencoded":
                inputs.check_raw_query(request.body, "form")
            inputs.check_pairs(((name, value) for name, values in request.POST.lists() for value in values),
                               "form", max_length=inputs.max_text_length())
