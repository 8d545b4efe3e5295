"""Health endpoints: open to orchestrators, no credentials needed."""
from django.db import connection
from django.db.utils import DatabaseError
from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view, authentication_classes, permission_classes, throttle_classes
from rest_framework.response import Response

from esinv.auth import PublicAccess
from esinv.errors import RETRY_AFTER_SECONDS

_health_schema = inline_serializer(
    "Health", {"status": serializers.CharField(), "timestamp": serializers.DateTimeField()}
)


def database_ok() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True, "ok"
    except DatabaseError as exc:  # the server is down or refuses us
        return False, f"database unreachable: {exc.__class__.__name__}"


def _retry_after(ok: bool) -> dict:
    return {} if ok else {"Retry-After": str(RETRY_AFTER_SECONDS)}


def _public(view):
    view = throttle_classes([])(view)
    view = permission_classes([PublicAccess])(view)
    return authentication_classes([])(view)


@extend_schema(responses=_health_schema, tags=["health"])
@api_view(["GET", "HEAD"])
@_public
def health(request):
    """The contract's health check: the process answers and the database too."""
    ok, detail = database_ok()
    body = {"status": "healthy" if ok else "unhealthy", "database": detail, "timestamp": timezone.now()}
    return Response(body, status=200 if ok else 503, headers=_retry_after(ok))


@extend_schema(responses=_health_schema, tags=["health"])
@api_view(["GET", "HEAD"])
@_public
def live(request):
    """Liveness: the process is up. Never touches the database."""
    return Response({"status": "alive", "timestamp": timezone.now()})


@extend_schema(responses=_health_schema, tags=["health"])
@api_view(["GET", "HEAD"])
@_public
def ready(request):
    """Readiness: 503 while the database cannot be reached."""
    ok, detail = database_ok()
    return Response(
        {"status": "ready" if ok else "not_ready", "database": detail, "timestamp": timezone.now()},
        status=200 if ok else 503, headers=_retry_after(ok),
    )
