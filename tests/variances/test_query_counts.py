"""Query-count baselines of the variances list endpoints (NetBox style): the same number of queries
for one row as for fifty, notes and history included. An N+1 fails here, not in production."""
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inventory.models import Vendor
from tests.factories import snapshot
from variances.models import ExceptionEvent, ExceptionRecord
from variances.services import Action, apply_action, reconcile_day

from .test_api import seed_day

pytestmark = pytest.mark.django_db
DAY = date(2026, 11, 2)

# Recorded baselines: queries on the app's tables per request.
QUERY_BASELINES = {
    # latest run date, the day's exceptions, the previous run date, new/gone since it (one grouped count)
    "/api/variance-report/latest": 4,
    "/api/variance-report/filtered": 4,
    "/api/variance-report/{d}": 4,  # is the date reconciled, the day's exceptions, previous date, new/gone
    "/api/variances/historical/{d}": 4,
    "/api/variances/available-dates": 3,  # distinct dates per vendor (2), runs
    "/api/variances/trends": 2,  # latest run date, runs in range
    "/api/exceptions": 4,  # latest run date, count, page (+organization join), history prefetch
    "/api/exceptions?limit=100&offset=0": 4,  # the same with the older paging
    "/api/exceptions/status-summary": 2,  # latest run date, grouped counts
}


def app_queries(client, path) -> int:
    """Queries on the app's tables (auth, throttling and cache plumbing are the same for every endpoint)."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200, response.content
    return len([q for q in ctx.captured_queries if "variances_" in q["sql"] or "inventory_" in q["sql"]])


@pytest.mark.parametrize("path", QUERY_BASELINES)
def test_query_count_does_not_grow_with_rows(reader, path):
    baseline = QUERY_BASELINES[path]
    seed_day(DAY, extra=3)
    reconcile_day(DAY)
    first = path.replace("{d}", DAY.isoformat())
    reader.get(first)  # warm the API key's last_used_at touch
    small = app_queries(reader, first)
    ExceptionRecord.objects.all().delete()
    later = DAY + timedelta(days=1)
    seed_day(later, extra=40)
    reconcile_day(later)
    large = app_queries(reader, path.replace("{d}", later.isoformat()))
    assert large == small
    assert small == baseline, f"{path}: {small} queries, baseline {baseline}"


def _orphans(day, n, orgs):
    """`n` ThreatLocker-only devices (missing in NinjaOne) spread over `orgs` organizations, reconciled."""
    snapshot(Vendor.NINJA, "ANCHOR", day=day, node_class="MAC")  # NinjaOne has the day; no variance of its own
    for i in range(n):
        snapshot(Vendor.THREATLOCKER, f"ORPHAN-{i}", day=day, org=f"Client {i % orgs}")
    reconcile_day(day)


def _with_history(ids):
    """Notes and audit events on every exception: what the list serializes per row."""
    apply_action(ids, Action.MARK_MANUALLY_FIXED, notes="agent pushed", actor="tech")


def test_exception_list_with_notes_and_history_one_vs_fifty(reader):
    _orphans(DAY, 1, 1)
    _with_history(list(ExceptionRecord.objects.values_list("id", flat=True)))
    reader.get("/api/exceptions")
    one = app_queries(reader, "/api/exceptions")
    assert reader.get("/api/exceptions").json()["results"][0]["history"][-1]["notes"] == "agent pushed"

    ExceptionRecord.objects.all().delete()
    _orphans(DAY + timedelta(days=1), 50, 7)
    _with_history(list(ExceptionRecord.objects.values_list("id", flat=True)))
    assert ExceptionRecord.objects.count() == 50 and ExceptionEvent.objects.count() == 100
    body = reader.get("/api/exceptions", {"page_size": "100"}).json()
    assert len(body["results"]) == 50 and all(len(row["history"]) == 2 for row in body["results"])
    assert len({row["organization"] for row in body["results"]}) == 7
    assert app_queries(reader, "/api/exceptions?page_size=100") == one == QUERY_BASELINES["/api/exceptions"]
    assert app_queries(reader, "/api/exceptions?limit=50&offset=0") == one


def test_report_latest_one_organization_vs_many(reader):
    _orphans(DAY, 1, 1)
    reader.get("/api/variance-report/latest")
    one = app_queries(reader, "/api/variance-report/latest")
    ExceptionRecord.objects.all().delete()
    _orphans(DAY + timedelta(days=1), 60, 30)
    report = reader.get("/api/variance-report/latest").json()
    assert len(report["missing_in_ninja"]["by_organization"]) == 30
    assert app_queries(reader, "/api/variance-report/latest") == one == QUERY_BASELINES[
        "/api/variance-report/latest"]
