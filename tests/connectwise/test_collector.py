"""The ConnectWise collector end to end: batch machinery, QBR metrics written, manual values kept,
failures leaving earlier metrics intact, the API and the `collect` command."""
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from collectors import registry, runs
from collectors.clients.base import VendorError
from collectors.models import CollectorJob, RunStatus
from qbr.models import DataSource, MetricChange, MonthlyMetric
from qbr.services import record_manual_metric

pytestmark = pytest.mark.django_db

OCT = (datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC))
SEP = (datetime(2026, 9, 1, tzinfo=UTC), OCT[0])
NAMES = ("reactive_tickets_created", "reactive_tickets_closed", "total_time_reactive")


def collect(day=date(2026, 10, 20), name="connectwise"):
    batch = runs.start_batch([name], run_cross_vendor=False, snapshot_date=day, trigger="command", enqueue=False)
    for job in list(batch.jobs.all()):
        runs.run_job(job.job_id)
    batch.refresh_from_db()
    return batch, batch.jobs.get()


def metrics(period="2026-10") -> dict:
    return {m.metric_name: m for m in MonthlyMetric.objects.filter(period=period, vendor_id=2, organization_id=1)}


def expected_values(cw_data, bounds, boards=("Help Desk",), statuses=()):
    found = cw_data.expected(*bounds, boards, statuses)
    return {"reactive_tickets_created": Decimal(found["created"]), "reactive_tickets_closed": Decimal(found["closed"]),
            "total_time_reactive": found["hours"].quantize(Decimal("0.01"))}


def test_registered_with_aliases():
    spec = registry.get("connectwise")
    assert spec.vendor_id == 2 and spec.job_name == "connectwise-collector"
    assert registry.get("CW") is spec and registry.get("psa") is spec
    assert runs.resolve_names(["cw", "connectwise"]) == [spec]


def test_a_run_writes_the_three_collected_metrics(cw, cw_data):
    batch, job = collect()
    assert batch.status == RunStatus.COMPLETED, batch.message
    assert job.status == RunStatus.COMPLETED and job.progress_percent == 100 and job.vendor_id == 2
    rows = metrics()
    assert {name: rows[name].metric_value for name in NAMES} == expected_values(cw_data, OCT)
    assert {rows[name].data_source for name in NAMES} == {DataSource.COLLECTED}
    assert rows["total_time_reactive"].notes == "ConnectWise Manage (boards: Help Desk; statuses: all)"
    assert rows["total_time_reactive"].updated_by == "collector:connectwise"
    assert job.counts["period"] == "2026-10" and job.counts["written"] == 3 and job.counts["kept_manual"] == []
    assert job.counts["summary"].startswith("ConnectWise 2026-10: ")
    assert job.counts["http_calls"] >= 4
    assert MetricChange.objects.filter(metric__in=rows.values(), action=MetricChange.Action.CREATED).count() == 3
    # A second run with the same data changes nothing and audits nothing new.
    _, again = collect()
    assert again.counts["written"] == 0 and MetricChange.objects.count() == 3


def test_progress_is_reported_and_ends_with_the_write(cw):
    from collectors.context import RunContext
    from qbr.connectwise.collector import run

    seen = []
    counts = run(RunContext(date(2026, 10, 20), on_progress=lambda percent, message: seen.append((percent, message))))
    percents = [p for p, _ in seen]
    assert percents == sorted(percents) and len(seen) >= 4
    assert seen[0][1] == "ConnectWise: counting reactive tickets entered in 2026-10"
    assert seen[-1] == (95, "ConnectWise: writing QBR metrics for 2026-10")
    assert counts["written"] == 3 and set(metrics()) == set(NAMES)


def test_statuses_and_boards_from_settings(cw, cw_data, settings):
    settings.QBR_CW_REACTIVE_BOARDS = ["Help Desk", 'Escalations "Tier 2"']
    settings.QBR_CW_REACTIVE_STATUSES = ["Closed", "Completed"]
    collect()
    rows = metrics()
    wanted = expected_values(cw_data, OCT, settings.QBR_CW_REACTIVE_BOARDS, settings.QBR_CW_REACTIVE_STATUSES)
    assert {name: rows[name].metric_value for name in NAMES} == wanted
    assert wanted != expected_values(cw_data, OCT)  # the settings made a difference


def test_on_the_first_of_a_month_the_previous_month_is_finalised(cw, cw_data):
    _, job = collect(day=date(2026, 10, 1))
    assert job.counts["period"] == "2026-09"
    assert {n: m.metric_value for n, m in metrics("2026-09").items()} == expected_values(cw_data, SEP)
    assert metrics("2026-10") == {}


def test_a_manual_value_is_not_overwritten(cw, cw_data):
    record_manual_metric("2026-10", 1, 2, "reactive_tickets_created", 999, "counted by hand", actor="alice")
    _, job = collect()
    rows = metrics()
    assert rows["reactive_tickets_created"].metric_value == 999
    assert rows["reactive_tickets_created"].data_source == DataSource.MANUAL
    assert rows["reactive_tickets_closed"].data_source == DataSource.COLLECTED
    assert job.counts["kept_manual"] == ["reactive_tickets_created"]
    assert "manual values kept: reactive_tickets_created" in job.counts["summary"]
    assert MetricChange.objects.filter(metric=rows["reactive_tickets_created"],
                                       action=MetricChange.Action.KEPT_MANUAL).exists()


def test_a_failed_run_leaves_earlier_metrics_intact(cw, cw_data):
    collect()
    before = {n: (m.metric_value, m.updated_at) for n, m in metrics().items()}
    cw.inject("server_error", count=-1, path="time/entries")
    batch, job = collect()
    assert batch.status == RunStatus.FAILED and job.status == RunStatus.FAILED
    assert job.message == ("ConnectWise GET time/entries (2026-10) page 1 failed: server error "
                           "(HTTP 500: Internal server error); gave up after 4 attempts")
    assert job.error.startswith("VendorError: server error (HTTP 500")
    assert {n: (m.metric_value, m.updated_at) for n, m in metrics().items()} == before


def test_bad_keys_fail_the_job_without_the_keys(cw, settings):
    settings.CONNECTWISE_PRIVATE_KEY = "not-the-private-key-123"
    batch, job = collect()
    assert job.status == RunStatus.FAILED and MonthlyMetric.objects.count() == 0
    assert job.message.startswith("ConnectWise GET service/tickets/count (entered in 2026-10) failed: "
                                  "authentication refused (HTTP 401")
    assert "not-the-private-key-123" not in job.message + job.error + batch.message
    assert job.error.startswith("VendorAuthError: ")


def test_a_partial_failure_writes_nothing(cw, monkeypatch):
    # The counts and time entries are read, the ticket lookup fails: nothing is written half-way.
    from collectors.clients.connectwise import ConnectWiseClient

    def failing(self, conditions, *, call="GET service/tickets"):
        raise VendorError("ConnectWise", call, "server error (HTTP 502); gave up after 4 attempts")

    monkeypatch.setattr(ConnectWiseClient, "ticket_ids", failing)
    _, job = collect()
    assert job.status == RunStatus.FAILED
    assert job.message.startswith("ConnectWise GET service/tickets (reactive among time entries, 2026-10) failed")
    assert MonthlyMetric.objects.count() == 0
    assert cw.requests["/v4_6_release/apis/3.0/time/entries"] > 0


def test_api_run_by_name(cw, cw_data, writer):
    response = writer.post("/api/collectors/run", {"collectors": ["connectwise"], "run_cross_vendor": False,
                                                         "snapshot_date": "2026-10-20"},
                           format="json")
    assert response.status_code == 202, response.content
    job = CollectorJob.objects.get(batch__batch_id=response.json()["batch_id"])
    assert job.name == "connectwise" and job.status == RunStatus.QUEUED
    runs.run_job(job.job_id)  # what the worker does with the queued task
    assert metrics()["reactive_tickets_closed"].metric_value == expected_values(cw_data, OCT)[
        "reactive_tickets_closed"]


def test_collect_command(cw, cw_data, capsys):
    call_command("collect", "--vendor", "cw", "--date", "2026-10-20", "--no-cross-vendor")
    assert metrics()["reactive_tickets_created"].metric_value == expected_values(cw_data, OCT)[
        "reactive_tickets_created"]
    cw.inject("unauthorized", count=-1)
    with pytest.raises(CommandError, match="ConnectWise GET service/tickets/count .* authentication refused"):
        call_command("collect", "--vendor", "connectwise", "--date", "2026-10-20", "--no-cross-vendor")


def test_job_message_is_the_collectors_own_summary(cw):
    _, job = collect()
    assert job.message == job.counts["summary"] and "devices collected" not in job.message


def test_a_connectwise_only_batch_does_not_reconcile(cw):
    batch = runs.start_batch(["connectwise"], run_cross_vendor=True, snapshot_date=date(2026, 10, 20),
                             trigger="command", enqueue=False)
    runs.run_job(batch.jobs.get().job_id)
    batch.refresh_from_db()
    assert batch.status == RunStatus.COMPLETED
    assert batch.cross_vendor_status == "skipped" and "no inventory collector" in batch.cross_vendor_message


def test_a_connectwise_failure_does_not_block_inventory_reconciliation(cw, settings, monkeypatch):
    from variances import collection

    calls = []
    monkeypatch.setattr(collection, "reconcile_batch", lambda batch: calls.append(batch.pk) or ("completed", "ok"))
    batch = runs.start_batch(["ninja", "connectwise"], run_cross_vendor=True, snapshot_date=date(2026, 10, 20),
                             trigger="command", enqueue=False)
    ninja = batch.jobs.get(name="ninja")
    CollectorJob.objects.filter(pk=ninja.pk).update(status=RunStatus.COMPLETED)  # as if NinjaOne had succeeded
    settings.CONNECTWISE_PRIVATE_KEY = "wrong"
    runs.run_job(batch.jobs.get(name="connectwise").job_id)
    batch.refresh_from_db()
    assert batch.status == RunStatus.FAILED  # the batch reports the ConnectWise failure ...
    assert calls == [batch.pk] and batch.cross_vendor_status == "completed"  # ... and still reconciled


def test_daily_schedule_for_connectwise_only_when_configured(settings):
    from collectors.schedules import daily_collectors

    settings.CONNECTWISE_BASE_URL = ""
    assert "connectwise" not in daily_collectors()
    settings.CONNECTWISE_BASE_URL = "https://cw.example.com/v4_6_release/apis/3.0/"
    # billing's agreements collector reads the same ConnectWise: it joins the daily batch with it.
    assert daily_collectors() == ("ninja", "threatlocker", "connectwise", "connectwise_agreements")
    settings.ESINV_CW_AGREEMENTS_DAILY = False
    assert daily_collectors() == ("ninja", "threatlocker", "connectwise")
