"""GET /metrics: guarded, Prometheus text the official parser reads, gauges equal to what the database holds,
request counts by route and status."""
import math
from datetime import date, timedelta

import pytest
from django.utils import timezone
from django_q.models import Failure, OrmQ, Task
from django_q.tasks import async_task
from prometheus_client.parser import text_string_to_metric_families
from rest_framework.test import APIClient

from collectors.models import CollectorBatch, CollectorJob, RunStatus
from inventory.models import Snapshot, Vendor
from notifications.models import Channel, Delivery
from tests import factories as f
from variances import types as T
from variances.models import ExceptionRecord, ExceptionStatus, ReconciliationRun
from variances.services import reconcile_day

pytestmark = pytest.mark.django_db
DAY = date(2026, 11, 23)


def scrape(client) -> dict:
    """{metric family name: {frozenset(labels.items()): value}} from the text format."""
    response = client.get("/metrics")
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain; version=")
    families = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            families.setdefault(sample.name, {})[frozenset(sample.labels.items())] = sample.value
    return families


def labels(**values):
    return frozenset(values.items())


@pytest.fixture
def hub_data():
    for host in ("WS-1", "WS-2", "WS-3"):
        f.snapshot(Vendor.NINJA, host, day=DAY - timedelta(days=1))
    for host in ("WS-1", "WS-2", "WS-3", "WS-4"):
        f.snapshot(Vendor.NINJA, host, day=DAY)
    for host in ("WS-1", "TL-ONLY"):
        f.snapshot(Vendor.THREATLOCKER, host, day=DAY)
    reconcile_day(DAY)
    now = timezone.now()
    batch = CollectorBatch.objects.create(status=RunStatus.COMPLETED, snapshot_date=DAY, started_at=now)
    CollectorJob.objects.create(batch=batch, name="ninja", job_name="ninja-collector", snapshot_date=DAY,
                                status=RunStatus.COMPLETED, started_at=now - timedelta(seconds=3700),
                                ended_at=now - timedelta(seconds=3600))
    CollectorJob.objects.create(batch=batch, name="threatlocker", job_name="threatlocker-collector",
                                snapshot_date=DAY, status=RunStatus.FAILED, started_at=now, ended_at=now)
    Task.objects.create(id="f" * 32, name="broken", func="math.nope", started=now, stopped=now, success=False)
    async_task("math.floor", 1.5)  # queued on the ORM broker, no cluster running
    channel = Channel.objects.create(name="hook", url="http://127.0.0.1:9/", events=["test"])
    Delivery.objects.create(channel=channel, event="test", payload={}, status="failed", attempts=5)


@pytest.fixture
def scraper(read_key):
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=read_key)
    return client


def test_refused_without_a_key_or_an_allowed_address(client_anon, settings):
    settings.ESINV_METRICS_ALLOWED_IPS = ["10.0.0.0/8"]
    response = client_anon.get("/metrics")
    assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")
    client_anon.credentials(HTTP_X_API_KEY="esk_wrong")
    assert client_anon.get("/metrics").status_code == 401


def test_an_allowed_address_scrapes_without_a_key(client_anon, settings):
    settings.ESINV_METRICS_ALLOWED_IPS = ["127.0.0.0/8"]
    assert client_anon.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200
    assert client_anon.get("/metrics", REMOTE_ADDR="192.0.2.9").status_code == 401


def test_gauges_equal_the_database(hub_data, scraper):
    metrics = scrape(scraper)
    devices = metrics["esinv_devices"]
    latest_ninja = Snapshot.objects.filter(vendor_id=Vendor.NINJA, snapshot_date=DAY).count()
    assert devices[labels(vendor="ninja")] == latest_ninja == 4
    assert devices[labels(vendor="threatlocker")] == 2

    open_exceptions = metrics["esinv_open_exceptions"]
    assert set(open_exceptions) == {labels(type=kind.code) for kind in T.KINDS}
    for kind in T.KINDS:
        expected = ExceptionRecord.objects.filter(type=kind.code, status=ExceptionStatus.OPEN).count()
        assert open_exceptions[labels(type=kind.code)] == expected
    assert open_exceptions[labels(type="MISSING_NINJA")] == 1 and sum(open_exceptions.values()) > 1

    age = metrics["esinv_vendor_last_success_age_seconds"]
    assert 3600 <= age[labels(vendor="ninja")] < 3660
    assert age[labels(vendor="threatlocker")] == math.inf  # its only job failed
    assert metrics["esinv_collection_last_duration_seconds"] == {labels(vendor="ninja"): pytest.approx(100)}
    run = ReconciliationRun.objects.get()
    assert metrics["esinv_reconciliation_last_duration_seconds"][labels()] == pytest.approx(run.duration_seconds)
    assert metrics["esinv_tasks_queued"][labels()] == OrmQ.objects.count() == 1
    assert metrics["esinv_tasks_failed"][labels()] == Failure.objects.count() == 1
    assert metrics["esinv_notification_deliveries"] == {
        labels(status="pending"): 0, labels(status="delivered"): 0, labels(status="failed"): 1}


def test_empty_hub_reports_zeros_and_never(scraper):
    metrics = scrape(scraper)
    assert metrics["esinv_devices"] == {labels(vendor="ninja"): 0, labels(vendor="threatlocker"): 0}
    assert set(metrics["esinv_vendor_last_success_age_seconds"].values()) == {math.inf}
    assert math.isnan(metrics["esinv_reconciliation_last_duration_seconds"][labels()])


def test_requests_are_counted_by_route_and_status(scraper, reader):
    def count(metrics, route, status):
        return metrics.get("esinv_http_requests_total", {}).get(labels(method="GET", route=route, status=status), 0)

    before = scrape(scraper)
    for _ in range(3):
        assert reader.get("/api/health").status_code == 200
    assert reader.get("/api/organizations/999999").status_code == 404
    after = scrape(scraper)
    assert count(after, "api/health", "200") - count(before, "api/health", "200") == 3
    # The pattern, not the path: one series for every organization id.
    detail = [dict(key)["route"] for key in after["esinv_http_requests_total"] if dict(key)["status"] == "404"
              and dict(key)["route"].startswith("api/organizations/")]
    assert len(detail) == 1 and "999999" not in detail[0]
    assert count(after, detail[0], "404") - count(before, detail[0], "404") == 1
    histogram = after["esinv_http_request_duration_seconds_count"]
    assert histogram[labels(method="GET", route="api/health", status="200")] >= 3
