from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command

from inventory.models import Snapshot, Vendor
from inventory.retention import dates_to_prune, prune_snapshots
from tests import factories

TODAY = date(2026, 11, 23)


def test_keeps_the_window_and_month_ends():
    days = [date(2025, 9, d) for d in (1, 15, 29)] + [date(2025, 10, 30), date(2025, 10, 31)]
    days += [TODAY - timedelta(days=n) for n in range(3)]
    pruned = dates_to_prune(days, TODAY, keep_days=20)
    # September's last collected day is the 29th (not the calendar's 30th): it stays.
    assert pruned == [date(2025, 9, 1), date(2025, 9, 15), date(2025, 10, 30)]


def test_nothing_inside_the_window_goes():
    days = [TODAY - timedelta(days=n) for n in range(100)]
    assert dates_to_prune(days, TODAY, keep_days=400) == []


def test_cutoff_boundary():
    older, edge, month_end = TODAY - timedelta(days=401), TODAY - timedelta(days=400), date(2025, 10, 31)
    assert (older, edge) == (date(2025, 10, 18), date(2025, 10, 19))
    # The day exactly at the window's edge stays; the one before goes; the month-end stays.
    assert dates_to_prune([older, edge, month_end], TODAY, keep_days=400) == [older]


@pytest.mark.django_db
def test_prune_deletes_in_batches_and_keeps_month_end_per_vendor():
    for day in (date(2025, 8, 10), date(2025, 8, 20), TODAY):
        for i in range(3):
            factories.snapshot(Vendor.NINJA, f"PC-{i}", day=day)
    factories.snapshot(Vendor.THREATLOCKER, "PC-0", day=date(2025, 8, 10))  # TL's only August day: its month-end
    summary = prune_snapshots(TODAY, keep_days=400, batch_size=2)
    assert summary["deleted"] == {Vendor.NINJA: 3, Vendor.THREATLOCKER: 0}
    remaining = set(Snapshot.objects.values_list("vendor_id", "snapshot_date").distinct())
    assert remaining == {
        (Vendor.NINJA, date(2025, 8, 20)), (Vendor.NINJA, TODAY), (Vendor.THREATLOCKER, date(2025, 8, 10)),
    }


@pytest.mark.django_db
def test_command_dry_run_and_guard(capsys):
    factories.snapshot(Vendor.NINJA, "PC-1", day=date(2020, 1, 1))
    factories.snapshot(Vendor.NINJA, "PC-1", day=date(2020, 1, 2))
    call_command("prune_snapshots", "--dry-run")
    assert "Would delete 1 NinjaOne rows" in capsys.readouterr().out
    assert Snapshot.objects.count() == 2
    call_command("prune_snapshots")
    assert Snapshot.objects.count() == 1
    with pytest.raises(CommandError):
        call_command("prune_snapshots", "--keep-days", "5")


@pytest.mark.django_db
def test_weekly_prune_schedule_runs_the_task(settings):
    from django.utils.module_loading import import_string
    from django_q.models import Schedule

    schedule = Schedule.objects.get(name="prune snapshots (weekly)")
    assert schedule.schedule_type == Schedule.WEEKLY and schedule.repeats == -1
    factories.snapshot(Vendor.NINJA, "PC-1", day=date(2020, 1, 1))
    factories.snapshot(Vendor.NINJA, "PC-1", day=date(2020, 1, 2))
    settings.ESINV_SNAPSHOT_RETENTION_DAYS = 400
    summary = import_string(schedule.func)()
    assert summary["deleted"] == {Vendor.NINJA: 1}
