"""GET /metrics: Prometheus text format, for an API key or an address in ESINV_METRICS_ALLOWED_IPS."""
import ipaddress
import os

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.http import require_safe
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest, multiprocess
from rest_framework import exceptions

from esinv import lockout
from esinv.auth import APIKeyAuthentication
from esinv.metrics.hub import HubCollector
from esinv.metrics.requests import REGISTRY as REQUEST_REGISTRY


def address_allowed(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(net, strict=False) for net in settings.ESINV_METRICS_ALLOWED_IPS)


def _refusal(request):
    """None when the caller may scrape, else the plain-text answer."""
    if address_allowed(lockout.client_address(request)):
        return None
    try:
        if APIKeyAuthentication().authenticate(request) is not None:
            return None
    except exceptions.Throttled as exc:
        response = HttpResponse(f"{exc.detail}\n", status=429, content_type="text/plain")
        response["Retry-After"] = str(int(exc.wait or 60))
        return response
    except exceptions.AuthenticationFailed as exc:
        return HttpResponse(f"{exc.detail}\n", status=401, content_type="text/plain")
    response = HttpResponse("Send an API key (X-API-Key or Authorization: Bearer).\n", status=401,
                            content_type="text/plain")
    response["WWW-Authenticate"] = 'Bearer realm="metrics"'
    return response


@require_safe
def metrics(request):
    refusal = _refusal(request)
    if refusal is not None:
        return refusal
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):  # every gunicorn worker's request metrics, summed
        multiprocess.MultiProcessCollector(registry)
        collectors = [HubCollector()]
    else:
        collectors = [REQUEST_REGISTRY, HubCollector()]
    for collector in collectors:
        registry.register(collector)
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
