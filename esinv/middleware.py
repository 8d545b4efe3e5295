"""Request IDs on every response, and JSON errors for everything under /api/."""
import logging
import re
import uuid

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation

from esinv.errors import STATUS_CODES, error_response
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

