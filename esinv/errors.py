"""One JSON error shape for the whole API.

    {"success": false,
     "error": {"code": "...", "message": "...", "details": {...}},
     "request_id": "..."}

Views raise `APIError` (or one of its named subclasses) for domain errors; DRF's
own exceptions are translated by `api_exception_handler`; anything Django
answers outside DRF under /api/ (unknown URLs, unhandled exceptions) is
rewritten by `esinv.middleware.APIErrorMiddleware`.
"""
import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db.utils import InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

log = logging.getLogger(__name__)

# Stable codes by HTTP status for errors that carry no code of their own.
STATUS_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "throttled",
    500: "internal_error",
    502: "bad_gateway",
    503: "service_unavailable",
}

# Seconds a client is told to wait (Retry-After) while the database is unavailable.
RETRY_AFTER_SECONDS = 30


def database_unavailable(exc: BaseException | None) -> bool:
    """The database could not be reached, dropped the connection or is overloaded (locked, out of
    connections): nothing the caller did, so 503 and try again, never 500."""
    return isinstance(exc, (OperationalError, InterfaceError))


_DRF_CODES = {
    exceptions.ParseError: "malformed_request",
    exceptions.ValidationError: "validation_error",
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "throttled",
}


class APIError(exceptions.APIException):
    """A domain error with a stable code, a message and optional details."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, details=None, status_code: int | None = None):
        super().__init__(detail=message)
        self.error_code = code or self.default_code
        self.details = details or {}
        if status_code is not None:
            self.status_code = status_code


class BadRequest(APIError):
    status_code = 400
    default_code = "bad_request"


class NotFound(APIError):
    status_code = 404
    default_code = "not_found"


class Conflict(APIError):
    status_code = 409
    default_code = "conflict"


def request_id_of(request) -> str | None:
    django_request = getattr(request, "_request", request)
    return getattr(django_request, "request_id", None)


def error_body(code: str, message: str, details=None, request_id: str | None = None) -> dict:
    return {
        "success": False,
        "error": {"code": code, "message": message, "details": details or {}},
        "request_id": request_id,
    }


def error_response(request, status_code: int, code: str, message: str, details=None) -> JsonResponse:
    return JsonResponse(error_body(code, message, details, request_id_of(request)), status=status_code)


def _validation_message(detail) -> str:
    """A one-line summary of a DRF ValidationError's detail tree."""
    if isinstance(detail, dict):
        for field, value in detail.items():
            inner = _validation_message(value)
            return inner if field == "non_field_errors" else f"{field}: {inner}"
        return "Invalid input."
    if isinstance(detail, list) and detail:
        return _validation_message(detail[0])
    return str(detail)


# 5xx answers the hub gives on purpose (a feature not set up): logged as warnings, not errors.
EXPECTED_5XX_CODES = frozenset({"not_configured"})


def api_exception_handler(exc, context):
    """DRF exception handler: every error becomes the JSON error shape."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or "Not found.")
    elif isinstance(exc, RequestDataTooBig):
        exc = APIError("The request body is too large.", code="payload_too_large", status_code=413)
    elif isinstance(exc, SuspiciousOperation):
        exc = APIError(f"The request was refused: {exc}", code="bad_request", status_code=400)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)

    response = drf_exception_handler(exc, context)
    request = context.get("request")
    if response is None:
        # Not an API exception: let it propagate so the middleware logs it and
        # answers 500 in the same shape.
        return None

    if isinstance(exc, APIError):
        code, message, details = exc.error_code, str(exc.detail), exc.details
    elif isinstance(exc, exceptions.ValidationError):
        code, message = "validation_error", _validation_message(exc.detail)
        details = exc.detail if isinstance(exc.detail, dict) else {"errors": exc.detail}
    else:
        code = _DRF_CODES.get(type(exc)) or STATUS_CODES.get(response.status_code, "error")
        message = str(exc.detail) if hasattr(exc, "detail") else str(exc)
        details = {}
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            details = {"retry_after_seconds": int(exc.wait) + (0 if exc.wait == int(exc.wait) else 1)}

    headers = {k: v for k, v in response.items() if k in ("Retry-After", "WWW-Authenticate", "Allow")}
    answer = Response(
        error_body(code, message, details, request_id_of(request) if request else None),
        status=response.status_code,
        headers=headers,
    )
    if code in EXPECTED_5XX_CODES:
        # A deliberate answer about the setup, not a fault: a warning, not Django's "Service Unavailable" error
        # line that anyone could make by calling the URL.
        answer._has_been_logged = True
        log.warning("%s: %s", code, message)
    return answer
