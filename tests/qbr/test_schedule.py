"""The monthly collection schedule and its task."""
from datetime import UTC, date, datetime

import pytest
from django.core.management import call_command
from django_q.models import Schedule

from qbr.models import MonthlyMetric
from qbr.schedules import ensure_schedule, next_run_after
from qbr.tasks import SCHEDULE_NAME, collect_previous_month
from tests import factories


def test_next_run_is_the_next_configured_day():
    assert next_run_after(datetime(2025, 10, 15, 9, tzinfo=UTC), 1, 6) == datetime(2025, 11, 1, 6, tzinfo=UTC)
    assert next_run_after(datetime(2025, 12, 1, 5, tzinfo=UTC), 1, 6) == datetime(2025, 12, 1, 6, tzinfo=UTC)
    assert next_run_after(datetime(2025, 12, 1, 6, tzinfo=UTC), 1, 6) == datetime(2026, 1, 1, 6, tzinfo=UTC)


@pytest.mark.django_db
class TestSchedule:
    def test_the_migration_created_one_monthly_schedule(self):
        schedule = Schedule.objects.get(name=SCHEDULE_NAME)
        assert schedule.schedule_type == Schedule.MONTHLY and schedule.func == "qbr.tasks.collect_previous_month"

    def test_ensure_is_idempotent_and_the_command_calls_it(self):
        ensure_schedule()
        call_command("collect_qbr", "--schedule-only")
        assert Schedule.objects.filter(name=SCHEDULE_NAME).count() == 1

    def test_disabled_setting_removes_it(self, settings):
        settings.QBR_SCHEDULE_ENABLED = False
        ensure_schedule()
        assert not Schedule.objects.filter(name=SCHEDULE_NAME).exists()

    def test_task_collects_the_month_that_ended(self):
        factories.snapshot(1, "WS1", day=date(2025, 10, 31))
        summary = collect_previous_month(today=date(2025, 11, 1))
        assert summary["period"] == "2025-10" and summary["snapshot_date"] == "2025-10-31"
        assert MonthlyMetric.objects.get(organization_id=1, metric_name="seats_managed").metric_value == 1
