"""Assess-and-store runs, the database lock, the command and the django-q task."""
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from inventory.models import CpuOverride, Windows11Assessment, Windows11Run
from inventory.windows11.service import AssessmentAlreadyRunning, NoNinjaData, run_assessment, start_run
from tests.windows11.conftest import DAY, ninja_windows

pytestmark = pytest.mark.django_db


def by_host():
    return {a.hostname: a for a in Windows11Assessment.objects.all()}


def test_run_assesses_only_latest_ninja_windows_workstations(fleet):
    summary = run_assessment(trigger="test")
    stored = by_host()
    assert set(stored) == {"GOOD-1", "GOOD-2", "ON-24H2", "OLD-TPM", "OLD-CPU", "NO-SCRIPT"}
    assert {h: a.status for h, a in stored.items()} == {
        "GOOD-1": "compatible", "GOOD-2": "compatible", "ON-24H2": "compatible", "OLD-TPM": "incompatible",
        "OLD-CPU": "incompatible", "NO-SCRIPT": "not_assessed"}
    run = summary.run
    assert {h: a.category for h, a in stored.items()} == {
        "GOOD-1": "compatible", "GOOD-2": "compatible", "ON-24H2": "already_on_24h2", "OLD-TPM": "incompatible",
        "OLD-CPU": "incompatible", "NO-SCRIPT": "not_assessed"}
    assert (run.status, run.total_devices, run.compatible_devices, run.incompatible_devices,
            run.not_assessed_devices, run.already_on_24h2_devices) == ("completed", 6, 2, 2, 1, 1)
    assert run.hardware_compatible_devices == 3 and run.on_24h2_unsupported_devices == 0
    assert run.snapshot_date == DAY and run.finished_at and run.duration_seconds is not None
    assert "Compatibility rate: 50.0%" in summary.output()


def test_stored_row_copies_device_facts_and_explains(fleet):
    run_assessment()
    old = by_host()["OLD-CPU"]
    source = fleet[4]
    assert old.device_id == source.device_id and old.vendor_device_id == source.vendor_device_id
    assert old.organization.name == "Beta LLC"
    assert (old.cpu_model, old.system_manufacturer, old.system_model) == (
        "Intel(R) Core(TM) i7-7700K CPU @ 4.20GHz", "Dell Inc.", "Latitude 5490")
    assert old.last_contact == source.last_contact and old.snapshot_date == DAY and old.assessment_date
    assert [d["requirement"] for d in old.deficiencies] == ["cpu_supported", "memory"]
    assert old.deficiency_codes == "|cpu_supported|memory|"
    assert (old.cpu_verdict, old.cpu_rule) == ("unsupported", "generation-rule:intel-core-before-8th-gen")
    assert (by_host()["GOOD-1"].cpu_verdict, by_host()["GOOD-1"].cpu_rule) == ("supported", "microsoft-list")
    assert "tpm_2" in old.passed_requirements
    missing = by_host()["NO-SCRIPT"]
    assert [m["requirement"] for m in missing.missing_facts] == ["tpm_2", "secure_boot"]
    assert missing.missing_facts[0]["facts"] == ["tpm_present", "tpm_enabled", "tpm_version"]
    assert missing.missing_codes == "|tpm_2|secure_boot|"
    assert by_host()["ON-24H2"].already_on_24h2


def test_rerun_replaces_the_set_and_overrides_apply(fleet):
    run_assessment()
    first_ids = set(Windows11Assessment.objects.values_list("id", flat=True))
    CpuOverride.objects.create(pattern="i7-7700K", match_type="contains", supported=True, note="vendor confirmed")
    second = run_assessment()
    assert Windows11Assessment.objects.count() == 6
    assert not first_ids & set(Windows11Assessment.objects.values_list("id", flat=True))
    assert set(Windows11Assessment.objects.values_list("run_id", flat=True)) == {second.run.pk}
    old = by_host()["OLD-CPU"]
    assert old.cpu_rule.startswith("override:") and old.deficiency_codes == "|memory|"


def test_no_ninja_data_is_a_clear_error_and_takes_no_lock(db):
    with pytest.raises(NoNinjaData, match="NinjaOne"):
        run_assessment()
    assert not Windows11Run.objects.exists()


def test_lock_lives_in_the_database(fleet):
    held = start_run("test")
    with pytest.raises(AssessmentAlreadyRunning) as exc:
        run_assessment()
    assert exc.value.run.pk == held.pk
    held.status = Windows11Run.COMPLETED
    held.save()
    assert run_assessment().run.status == "completed"


def test_stale_running_run_is_released(fleet, settings):
    settings.ESINV_WIN11_RUN_STALE_MINUTES = 15
    dead = start_run("test")
    Windows11Run.objects.filter(pk=dead.pk).update(started_at=timezone.now() - timedelta(minutes=16))
    assert run_assessment().run.status == "completed"
    dead.refresh_from_db()
    assert dead.status == "failed" and "Abandoned" in dead.message


def test_failure_marks_the_run_failed_and_keeps_previous_results(fleet, monkeypatch):
    run_assessment()
    import inventory.windows11.service as service

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(service, "build_assessments", boom)
    with pytest.raises(RuntimeError):
        run_assessment()
    failed = Windows11Run.objects.order_by("-id").first()
    assert failed.status == "failed" and "disk full" in failed.message
    assert Windows11Assessment.objects.count() == 6
    assert not Windows11Run.objects.filter(status="running").exists()


def test_management_command(fleet):
    out = StringIO()
    call_command("assess_windows11", stdout=out)
    assert "Total devices assessed: 6" in out.getvalue()
    assert Windows11Run.objects.get().trigger == "command"


def test_management_command_without_data(db):
    with pytest.raises(CommandError, match="No NinjaOne snapshot"):
        call_command("assess_windows11")


TASK_PATH = "inventory.windows11.tasks.assess_windows11"


def test_task_path_resolves_and_runs_through_django_q(fleet, settings):
    from django_q.models import Task
    from django_q.tasks import async_task, result

    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": True}
    task_id = async_task(TASK_PATH, sync=True)
    assert Task.objects.get(id=task_id).success, Task.objects.get(id=task_id).result
    outcome = result(task_id)
    assert outcome["status"] == "success" and outcome["total_devices"] == 6
    assert Windows11Assessment.objects.count() == 6
    assert Windows11Run.objects.get().trigger == "schedule"


def test_task_skips_while_another_run_holds_the_lock(fleet):
    from inventory.windows11.tasks import assess_windows11

    start_run("api")
    assert assess_windows11()["status"] == "skipped"
    assert not Windows11Assessment.objects.exists()


def test_task_is_callable_without_arguments_as_a_schedule_would(fleet):
    import pydoc

    func = pydoc.locate(TASK_PATH)
    assert callable(func)
    assert func()["compatible_devices"] == 2
    ninja_windows("LATE-1", day=DAY + timedelta(days=1))
    assert func()["total_devices"] == 1


def test_schedule_made_by_the_ninja_collector_runs_this_task(fleet, monkeypatch):
    """End to end: the collector's follow-up schedule, fired by django-q's scheduler, stores assessments."""
    from django_q.conf import Conf
    from django_q.models import Schedule
    from django_q.scheduler import scheduler

    from inventory.windows11.scheduling import schedule_windows11_assessment

    schedule = schedule_windows11_assessment(now=timezone.now() - timedelta(hours=1))  # due 15 minutes ago
    assert schedule.func == TASK_PATH
    monkeypatch.setattr(Conf, "SYNC", True)
    scheduler()
    assert Windows11Assessment.objects.count() == 6
    assert Windows11Run.objects.get().trigger == "schedule"
    # A one-off: spent (deleted or at zero repeats), so it does not run again.
    assert not Schedule.objects.filter(pk=schedule.pk).exclude(repeats=0).exists()


def test_first_run_loads_the_shipped_microsoft_lists_and_a_refresh_survives(fleet):
    from inventory.models import SupportedProcessor
    from inventory.windows11.list_store import replace_entries
    from inventory.windows11.microsoft_list import ListEntry, read_shipped_entries

    assert not SupportedProcessor.objects.exists()
    run_assessment()
    assert SupportedProcessor.objects.count() == len(read_shipped_entries())
    # A refreshed Intel list without the i5-8250U: the part falls back to the generation rule.
    replace_entries([ListEntry("Intel", "Core(TM) i7", "i7-7700K", "refresh.csv", "2026-01-01")])
    run_assessment()
    assert by_host()["GOOD-1"].cpu_rule == "generation-rule:intel-core-8th-gen-plus"
    assert (by_host()["OLD-CPU"].cpu_verdict, by_host()["OLD-CPU"].cpu_rule) == ("supported", "microsoft-list")
    assert SupportedProcessor.objects.filter(manufacturer="AMD").exists()  # other manufacturers untouched
