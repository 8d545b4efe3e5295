"""Query-count baselines of the list endpoints of inventory, collectors and the project (as NetBox does).

Each endpoint is measured with little data and with much more; its own queries (the request's auth and throttle
plumbing subtracted) must equal the baseline both times, so an N+1 fails here. A change that adds a query on
purpose updates the baseline, with the reason next to it.
"""
from datetime import date

import pytest
from django.conf import settings
from django.db import connection

from collectors import runs
from inventory.models import Vendor
from inventory.windows11.service import run_assessment
from tests import factories
from tests.windows11.conftest import fleet, ninja_windows  # noqa: F401  (fleet is a fixture)

pytestmark = pytest.mark.django_db


def _plumbing(sql: str) -> bool:
    """The throttle's database cache (its reads, writes, counts and the occasional cull or expired-row delete) and
    the API key's last-used stamp (written at most once a minute): their number varies with the clock, not with
    the endpoint, so they are not counted (once they made a count of -4 on a slow PostgreSQL run)."""
    text = sql.lower()
    return settings.CACHES["default"]["LOCATION"].lower() in text or (
        text.lstrip().startswith("update") and "last_used_at" in text)


def queries(client, path: str) -> int:
    """Counted by an execute wrapper, not from `connection.queries_log`: that log is a bounded deque that other
    code may clear, which once gave a negative count. Plumbing queries (`_plumbing`) are left out."""
    executed = []

    def count(execute, sql, params, many, context):
        if not _plumbing(sql):
            executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(path)
    assert response.status_code == 200, response.content
    return len(executed)


@pytest.fixture
def own(reader):
    """The number of queries `path` costs beyond the plumbing every authenticated request pays."""
    reader.get("/api/vendors")  # warm the key's last-used stamp and the throttle row
    plumbing = queries(reader, "/api/vendors") - 1  # the vendor list itself is one query

    def measure(path: str) -> int:
        return queries(reader, path) - plumbing

    return measure


# --- device search ------------------------------------------------------------------------------------------

def test_device_search_does_not_grow_with_matches(own, reader):
    factories.snapshot(Vendor.NINJA, "ACME-PC-01", org="Acme Corp")
    factories.snapshot(Vendor.THREATLOCKER, "ACME-PC-01", org="Acme Corp")
    one = own("/api/devices/search?q=acme-pc")
    for i in range(40):
        factories.snapshot(Vendor.NINJA, f"BULK-{i:02d}", org=f"Org {i}")
        factories.snapshot(Vendor.THREATLOCKER, f"BULK-{i:02d}", org=f"Org {i}")
    assert reader.get("/api/devices/search?q=bulk").json()["count"] == 40
    many = own("/api/devices/search?q=bulk")
    assert one == many == 3  # the two vendors' latest dates, one search


# --- Windows 11 lists -----------------------------------------------------------------------------------------

WIN11_BASE = "/api/windows-11-24h2"
WIN11_QUERIES = {
    "status": 3,  # one aggregate (counts, by-deficiency counts, last assessment) + the last run + org GROUP BY
    "incompatible": 4,  # count + page (organization joined) + last assessment + organization groups
    "compatible": 3,  # count + page + last assessment
    "not-assessed": 4,
    "already-on-24h2": 4,
}


@pytest.mark.parametrize("path", list(WIN11_QUERIES))
def test_windows11_lists_do_not_grow_with_devices(own, fleet, path):  # noqa: F811
    run_assessment()
    small = own(f"{WIN11_BASE}/{path}")
    for i in range(15):
        ninja_windows(f"MORE-{i}", org=f"Org {i}", tpm_version="1.2" if i % 2 else "2.0",
                      memory_bytes=None if i % 3 else 1)
    run_assessment()
    large = own(f"{WIN11_BASE}/{path}")
    assert small == large == WIN11_QUERIES[path]


# --- collectors ----------------------------------------------------------------------------------------------

def _batches(count: int):
    for _ in range(count):
        batch = runs.start_batch(["ninja", "threatlocker"], snapshot_date=date(2026, 11, 23), enqueue=False)
        for job in batch.jobs.all():
            runs.cancel_job(job)


def test_collectors_history_does_not_grow_with_batches(own):
    _batches(1)
    one = own("/api/collectors/history?limit=100")
    _batches(12)
    many = own("/api/collectors/history?limit=100")
    assert one == many == 2  # the batches + their jobs (one prefetch)


COLLECTOR_STATUS_QUERIES = {
    # the running batch (none) 1, the last batch and its jobs 2; per registered collector (ninja, threatlocker,
    # connectwise, microsoft365, connectwise_agreements) its last job, last success and latest snapshot date 3 x 5;
    # the stale jobs (one query, the silent batches a subquery) 1. (The worker's stats are a cache read: not
    # counted, see _plumbing.)
    "/api/collectors/status": 19,
    # the running batch (none) 1, the latest batch and its jobs 2, a recent heartbeat 1, the stale jobs 1 (the
    # worker's stats: a cache read, not counted).
    "/api/collectors/progress": 5,
}


@pytest.mark.parametrize("path", list(COLLECTOR_STATUS_QUERIES))
def test_collectors_status_and_progress_do_not_grow_with_batches(own, path):
    _batches(1)
    one = own(path)
    _batches(12)
    assert own(path) == one == COLLECTOR_STATUS_QUERIES[path]


def test_status_does_not_grow_with_devices_or_batches(own):
    factories.snapshot(Vendor.NINJA, "ACME-PC-01", org="Acme Corp")
    factories.snapshot(Vendor.THREATLOCKER, "ACME-PC-01", org="Acme Corp")
    _batches(1)
    one = own("/api/status")
    for i in range(20):
        factories.snapshot(Vendor.NINJA, f"BULK-{i:02d}", org=f"Org {i}")
        factories.snapshot(Vendor.THREATLOCKER, f"BULK-{i:02d}", org=f"Org {i}")
    _batches(5)
    # vendor labels, latest dates, device counts, collector health, exception summary: per vendor, not per row
    assert own("/api/status") == one == 11
