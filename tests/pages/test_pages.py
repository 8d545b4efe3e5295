"""The pages with data: numbers from the same read functions as the API, filters, actions wiring."""
from decimal import Decimal

import pytest
from django.utils import timezone

from collectors.models import CollectorBatch, CollectorJob
from esinv.status import build_status
from variances.models import ExceptionRecord

pytestmark = pytest.mark.django_db


def test_overview_shows_the_status_numbers(staff, reconciled, client_anon, read_key):
    api = client_anon.get("/api/status", HTTP_X_API_KEY=read_key).json()
    html = staff.get("/").content.decode()
    for label, count in api["device_counts"].items():
        assert f'data-testid="devices-{label}">{count}<' in html
    assert f'data-testid="total-exceptions">{api["total_exceptions"]}<' in html
    assert api["total_exceptions"] == 2
    assert "Missing in ThreatLocker" in html and "Missing in NinjaOne" in html
    assert '<svg class="chart line-chart"' in html
    assert '<table class="bar-chart"' in html and '<td class="bar"><svg' in html


def test_overview_lists_runs_with_the_vendor_error_and_follows_a_running_batch(staff, reconciled):
    failed = CollectorBatch.objects.create(status="failed", snapshot_date=reconciled, message="1 job failed")
    CollectorJob.objects.create(batch=failed, name="ninja", job_name="ninja-collector", status="failed",
                                snapshot_date=reconciled,
                                message="NinjaOne GET /v2/organizations failed: server error (HTTP 500)")
    now = timezone.now()
    running = CollectorBatch.objects.create(status="running", snapshot_date=reconciled, active_slot=1, started_at=now)
    CollectorJob.objects.create(batch=running, name="threatlocker", job_name="threatlocker-collector",
                                status="running", snapshot_date=reconciled, started_at=now, heartbeat_at=now)
    html = staff.get("/").content.decode()
    assert "NinjaOne GET /v2/organizations failed: server error (HTTP 500)" in html
    assert f'data-running-batch="{running.batch_id}"' in html


def test_overview_offers_a_rerun_accepting_the_drop_only_for_a_refused_drop(staff, reconciled):
    batch = CollectorBatch.objects.create(status="failed", snapshot_date=reconciled, message="1 job failed")
    for name, error in (("threatlocker", "SuddenDrop: ThreatLocker returned 10 computers, 95% fewer ..."),
                        ("ninja", "VendorError: server error")):
        CollectorJob.objects.create(batch=batch, name=name, job_name=f"{name}-collector", status="failed",
                                    snapshot_date=reconciled, message=error.split(": ", 1)[1], error=error)
    html = staff.get("/").content.decode()
    assert html.count('class="rerun-drop"') == 1
    assert f'data-collector="threatlocker" data-date="{reconciled:%Y-%m-%d}">Re-run accepting the drop' in html


def test_variances_default_to_unresolved_grouped_by_organization(staff, reconciled):
    html = staff.get("/variances/").content.decode()
    assert 'data-testid="match-count">2<' in html
    assert "Acme Corp" in html and "Beta LLC" in html
    assert 'data-hostname="ws-notl"' in html and 'data-hostname="ws-noninja"' in html
    assert 'data-copy="WS-NONINJA"' in html  # ThreatLocker hostname, copyable
    assert html.count('class="act" data-action="resolve"') == 2


def test_variances_filters_and_export_links_carry_the_filters(staff, reconciled):
    html = staff.get("/variances/", {"type": "MISSING_NINJA", "status": "all"}).content.decode()
    assert 'data-testid="match-count">1<' in html and 'data-hostname="ws-noninja"' in html
    assert 'data-hostname="ws-notl"' not in html
    assert ('href="/api/variances/export/csv?variance_type=missing_in_ninja&amp;date=latest'
            '&amp;include_resolved=true"') in html
    assert 'href="/api/variances/export/pdf?' in html and 'href="/api/variances/export/excel?' in html


def test_variances_resolved_row_leaves_the_unresolved_list_and_shows_its_history(staff, reconciled):
    from variances.services import Action, apply_action

    record = ExceptionRecord.objects.get(canonical_key="ws-notl")
    apply_action([record.id], Action.RESOLVE, notes="Agent installed by Sam", actor="tech")
    assert 'data-hostname="ws-notl"' not in staff.get("/variances/").content.decode()
    html = staff.get("/variances/", {"status": "resolved"}).content.decode()
    assert 'data-hostname="ws-notl"' in html and "Agent installed by Sam" in html


def test_variances_bad_filter_is_a_400_page_not_a_500(staff, reconciled):
    response = staff.get("/variances/", {"type": "NOPE"})
    assert response.status_code == 400 and "Unknown exception type" in response.content.decode()
    response = staff.get("/variances/", {"date": "2020-01-01"})
    assert response.status_code == 404 and "No variance report for 2020-01-01" in response.content.decode()
    response = staff.get("/variances/", {"date": "yesterday"})
    assert response.status_code == 400


def test_device_search_shows_both_hostnames_and_the_exceptions(staff, reconciled):
    html = staff.get("/devices/", {"q": "ws-"}).content.decode()
    assert "3 devices" in html
    assert 'data-copy="WS-BOTH"' in html  # both vendors' clean hostnames
    assert "Missing in ThreatLocker" in html and "not in ThreatLocker" in html
    assert "Missing in NinjaOne" in html and "not in NinjaOne" in html


def test_windows11_rate_chart_and_remediation(staff, win11_fleet):
    html = staff.get("/windows-11/").content.decode()
    assert 'data-testid="win11-rate">50.0%<' in html
    assert '<table class="bar-chart"' in html and '<td class="bar"><svg' in html
    assert "OLD-TPM" in html and "OLD-RAM" in html and "Beta LLC" in html
    assert "Add RAM to at least 4 GB" in html


def test_qbr_smartnumbers_colour_and_devices_by_client(qbr_member, reconciled):
    from qbr.models import Threshold
    from qbr.services import record_collected_metric, record_manual_metric

    record_collected_metric("2026-10", 1, 1, "endpoints_managed", Decimal(100))
    record_collected_metric("2026-10", 1, 2, "reactive_tickets_created", Decimal(90))
    record_manual_metric("2026-11", 1, None, "employees", Decimal(12), actor="test")
    Threshold.objects.update_or_create(organization_id=1, metric_name="tickets_per_endpoint_per_month", defaults=dict(
        direction="lower", green_bound=Decimal("0.25"), yellow_bound=Decimal("0.5")))
    html = qbr_member.get("/qbr/", {"quarter": "2026-Q4", "month": "2026-11"}).content.decode()
    assert '<li class="sn yellow" data-metric="tickets_per_endpoint_per_month">' in html
    # The contract's name for it, against the shipped default (green up to 1.0): 90 / 100 / 3 = 0.3.
    assert '<li class="sn green" data-metric="tickets_per_endpoint">' in html
    assert 'class="source manual"' in html and 'class="source collected"' in html
    assert "Devices by client, 2026-11" in html and 'data-testid="total-seats">' in html


@pytest.mark.parametrize("query, words", [
    ({"quarter": "2026-Q9"}, "2026-Q9"),
    ({"quarter": "Q1-2026"}, "Q1-2026"),
    ({"quarter": "2026-Q4", "month": "2026-13"}, "2026-13"),
    ({"quarter": "2026-Q4", "month": "Nov"}, "Nov"),
])
def test_qbr_page_answers_400_for_a_malformed_period(qbr_member, query, words):
    response = qbr_member.get("/qbr/", query)
    html = response.content.decode()
    assert response.status_code == 400 and words in html and "SmartNumbers" not in html


def test_qbr_page_month_of_another_quarter_shows_the_asked_quarter(qbr_member):
    # The picker sends the old month when only the quarter is changed: the quarter asked for wins.
    response = qbr_member.get("/qbr/", {"quarter": "2025-Q3", "month": "2025-11"})
    html = response.content.decode()
    assert response.status_code == 200 and "QBR 2025-Q3" in html and "Devices by client, 2025-09" in html


def test_status_function_and_page_agree(staff, reconciled):
    status = build_status()
    html = staff.get("/").content.decode()
    assert f'data-testid="total-exceptions">{status["total_exceptions"]}<' in html


def test_variances_and_devices_pages_use_a_fixed_number_of_queries(staff, reconciled):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from inventory.models import Vendor
    from tests import factories
    from variances.services import reconcile_day

    def count(path, params):
        with CaptureQueriesContext(connection) as queries:
            assert staff.get(path, params).status_code == 200
        return len(queries)

    before = (count("/variances/", {"status": "all"}), count("/devices/", {"q": "ws-"}))
    for i in range(12):
        factories.snapshot(Vendor.NINJA, f"WS-EXTRA-{i}", day=reconciled, org=f"Org {i % 4}")
    reconcile_day(reconciled)
    after = (count("/variances/", {"status": "all"}), count("/devices/", {"q": "ws-"}))
    assert after == before
