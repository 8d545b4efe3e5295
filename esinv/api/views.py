"""The project's endpoints as DRF viewsets: health (open to orchestrators, no credentials) and `/api/status`."""
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from esinv.api.serializers import HealthSerializer, SystemStatusSerializer
from esinv.auth import PublicAccess
from esinv.errors import RETRY_AFTER_SECONDS
from esinv.health import database_ok
from esinv.status import build_status


def _retry_after(ok: bool) -> dict:
    return {} if ok else {"Retry-After": str(RETRY_AFTER_SECONDS)}


class HealthViewSet(viewsets.ViewSet):
    """Health checks: public, unthrottled, unauthenticated (GET and HEAD)."""

    authentication_classes = []
    permission_classes = [PublicAccess]
    throttle_classes = []

    @extend_schema(responses=HealthSerializer, tags=["health"])
    def show(self, request):
        """The contract's health check: the process answers and the database too."""
        ok, detail = database_ok()
        body = {"status": "healthy" if ok else "unhealthy", "database": detail, "timestamp": timezone.now()}
        return Response(body, status=200 if ok else 503, headers=_retry_after(ok))

    @extend_schema(responses=HealthSerializer, tags=["health"])
    @action(detail=False, methods=["get"], url_path="live", url_name="live")
    def live(self, request):
        """Liveness: the process is up. Never touches the database."""
        return Response({"status": "alive", "timestamp": timezone.now()})

    @extend_schema(responses=HealthSerializer, tags=["health"])
    @action(detail=False, methods=["get"], url_path="ready", url_name="ready")
    def ready(self, request):
        """Readiness: 503 while the database cannot be reached."""
        ok, detail = database_ok()
        return Response(
            {"status": "ready" if ok else "not_ready", "database": detail, "timestamp": timezone.now()},
            status=200 if ok else 503, headers=_retry_after(ok),
        )


class StatusViewSet(viewsets.ViewSet):
    """The dashboard's one-call overview."""

    @extend_schema(tags=["status"], responses=SystemStatusSerializer)
    def show(self, request):
        """Overall status: data freshness per vendor, device counts, collector health (stale jobs reported, never
        cleaned: a read does not mutate), exceptions (latest date)."""
        return Response(build_status())
