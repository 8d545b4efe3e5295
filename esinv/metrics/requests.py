"""Request counts and latencies by route and status.

Under gunicorn, deploy/web sets PROMETHEUS_MULTIPROC_DIR: prometheus-client then keeps these values in files
that every worker writes and the scrape sums (`multiprocess.MultiProcessCollector`), so a scrape answered by
any worker reports all of them. Without it (runserver, tests) they live in this process's `REGISTRY`.
"""
import logging
import time

from prometheus_client import CollectorRegistry, Counter, Histogram

REGISTRY = CollectorRegistry(auto_describe=True)
REQUESTS = Counter("esinv_http_requests", "HTTP requests answered, by route pattern and status.",
                   ["method", "route", "status"], registry=REGISTRY)
LATENCY = Histogram("esinv_http_request_duration_seconds", "Time to answer an HTTP request, by route and status.",
                    ["method", "route", "status"], registry=REGISTRY,
                    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60))
_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
log = logging.getLogger("esinv.request")


def route_of(request) -> str:
    """The URL pattern that answered (`api/exceptions/<int:pk>`), never the raw path (unbounded label values)."""
    match = getattr(request, "resolver_match", None)
    if match is not None and match.route:
        return match.route
    if request.path.startswith("/static/"):
        return "static"
    return "unmatched"


class RequestMetricsMiddleware:
    """Outermost: counts and times every response (static files and refusals too) and logs one line for it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed = time.perf_counter() - started
        method = request.method if request.method in _METHODS else "other"
        route, status = route_of(request), str(response.status_code)
        REQUESTS.labels(method, route, status).inc()
        LATENCY.labels(method, route, status).observe(elapsed)
        log.info("%s %s %s %.0fms", request.method, request.path, status, elapsed * 1000,
                 extra={"method": request.method, "path": request.path, "route": route,
                        "status": response.status_code, "duration_ms": round(elapsed * 1000, 1)})
        return response
