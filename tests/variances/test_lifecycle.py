"""Reconciliation against the database: persistence, identity across days, staff actions."""
from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command

from esinv.errors import BadRequest, Conflict
from inventory.models import OrganizationAlias, Vendor
from inventory.org_matching import OrganizationResolver
from tests.factories import organization, snapshot
from variances import types as T
from variances.models import EventAction, ExceptionEvent, ExceptionRecord, ReconciliationRun
from variances.services import Action, NoReportDate, apply_action, reconcile_day

pytestmark = pytest.mark.django_db

D1 = date(2026, 11, 20)
D2, D3, D4 = D1 + timedelta(1), D1 + timedelta(2), D1 + timedelta(3)
N, TL = Vendor.NINJA, Vendor.THREATLOCKER


def both(hostname, day, **kw):
    snapshot(N, hostname, day=day, **kw)
    snapshot(TL, hostname, day=day)


@pytest.fixture
def days():
    """A matched, variance-free device on D1..D4 so both vendors have every day."""
    for day in (D1, D2, D3, D4):
        both("STEADY", day)


def record(type_, key):
    return ExceptionRecord.objects.get(type=type_, canonical_key=key)


def actions(rec):
    return list(rec.events.order_by("at", "id").values_list("action", flat=True))


def test_no_common_date_is_a_clear_error():
    with pytest.raises(NoReportDate):
        reconcile_day()
    snapshot(N, "A1", day=D1)
    snapshot(TL, "A1", day=D2)
    with pytest.raises(NoReportDate):
        reconcile_day()
    with pytest.raises(NoReportDate):
        reconcile_day(D1)


def test_default_date_is_the_latest_date_both_vendors_have():
    for day in (D1, D2):
        both("A1", day)
    snapshot(N, "A1", day=D3)  # ThreatLocker has not collected D3 yet
    assert reconcile_day().report_date == D2


def test_a_day_with_every_rule_and_its_run_summary():
    acme = organization("Acme Corp")
    OrganizationAlias.objects.create(organization=acme, alias="ACME Corporation")
    tl_acme = OrganizationResolver(TL).resolve("tl-guid-1", "ACME Corporation")  # alias: same client
    globex = organization("Globex")
    snapshot(N, "NOCHI-002062482", day=D1, display_name="NOCHI-002062482753 | SPARE - was Maintenance (at ES)")
    snapshot(TL, "NOCHI-002062482753.local", day=D1, display_name="NOCHI-002062482753 | Maintenance")
    snapshot(N, "WS-OK", day=D1, org=acme)
    snapshot(TL, "ws-ok.acme.local", day=D1, organization_id=tl_acme, display_name="ws-ok")
    snapshot(N, "WS-MOVED", day=D1, org=acme)
    snapshot(TL, "WS-MOVED", day=D1, org=globex)
    snapshot(N, "NO-AGENT", day=D1)
    snapshot(N, "NO-AGENT-MAC", day=D1, node_class="MAC")
    snapshot(TL, "ORPHAN", day=D1)
    snapshot(N, "DUPN", day=D1)
    snapshot(N, "dupn.local", day=D1)
    snapshot(TL, "DUPN", day=D1)
    snapshot(TL, "DUPT", day=D1)
    snapshot(TL, "DUPT", day=D1)
    snapshot(N, "DUPT", day=D1)

    run = reconcile_day(D1)

    expected = {
        (T.SPARE_MISMATCH, "nochi-002062482"), (T.DISPLAY_NAME_MISMATCH, "nochi-002062482"),
        (T.SITE_MISMATCH, "ws-moved"), (T.MISSING_THREATLOCKER, "no-agent"), (T.MISSING_NINJA, "orphan"),
        (T.DUPLICATE_NINJA, "dupn"), (T.DUPLICATE_TL, "dupt"),
    }
    assert set(ExceptionRecord.objects.values_list("type", "canonical_key")) == expected
    assert run.total == run.created_count == 7 and run.counts[T.SPARE_MISMATCH] == 1
    assert (run.ninja_devices, run.threatlocker_devices) == (8, 7)
    assert run.duration_seconds >= 0 and sorted(run.rules) == sorted(T.BY_CODE)
    spare = record(T.SPARE_MISMATCH, "nochi-002062482")
    assert spare.details["threatlocker_hostname"] == "NOCHI-002062482753"
    assert spare.hostname == "NOCHI-002062482"
    assert actions(spare) == [EventAction.CREATED]
    assert record(T.SITE_MISMATCH, "ws-moved").organization_id == acme.id


def test_rule_switched_off_in_settings_reports_nothing(days, settings):
    snapshot(TL, "ORPHAN", day=D1)
    snapshot(N, "NO-AGENT", day=D1)
    settings.ESINV_RULE_MISSING_NINJA = False
    reconcile_day(D1)
    assert set(ExceptionRecord.objects.values_list("type", flat=True)) == {T.MISSING_THREATLOCKER}


def test_lifecycle_found_refreshed_auto_resolved_and_found_again():
    snapshot(TL, "ORPHAN", day=D1)
    snapshot(N, "KEEP", day=D1)
    reconcile_day(D1)
    snapshot(TL, "ORPHAN", day=D2)
    snapshot(N, "KEEP", day=D2)
    run2 = reconcile_day(D2)
    orphan = record(T.MISSING_NINJA, "orphan")
    assert (orphan.date_found, orphan.last_seen, orphan.status) == (D1, D2, "open")
    assert (run2.created_count, run2.refreshed_count, run2.resolved_count) == (0, 2, 0)

    snapshot(N, "ORPHAN", day=D3)  # NinjaOne agent installed; ThreatLocker still there
    snapshot(TL, "ORPHAN", day=D3)
    snapshot(N, "KEEP", day=D3)
    snapshot(TL, "KEEP", day=D3)  # and KEEP got its ThreatLocker agent
    run3 = reconcile_day(D3)
    orphan.refresh_from_db()
    assert (orphan.status, orphan.variance_status, orphan.resolution) == ("resolved", "resolved", "auto")
    assert orphan.last_seen == D2 and orphan.resolved_on == D3 and orphan.resolved_by == "reconcile"
    assert actions(orphan) == [EventAction.CREATED, EventAction.AUTO_RESOLVED]
    assert run3.resolved_count == 2 and run3.total == 0

    snapshot(TL, "ORPHAN", day=D4)  # the NinjaOne agent vanished again: a new exception, same identity
    snapshot(N, "KEEP", day=D4)
    snapshot(TL, "KEEP", day=D4)
    reconcile_day(D4)
    rows = ExceptionRecord.objects.filter(type=T.MISSING_NINJA, canonical_key="orphan").order_by("id")
    assert [(r.status, r.date_found) for r in rows] == [("resolved", D1), ("open", D4)]


def test_manually_fixed_then_verified_by_the_next_run(days):
    snapshot(TL, "ORPHAN", day=D1)
    snapshot(N, "X", day=D1, node_class="MAC")
    reconcile_day(D1)
    orphan = record(T.MISSING_NINJA, "orphan")
    apply_action([orphan.id], Action.MARK_MANUALLY_FIXED, notes="Installed agent", actor="tech")
    reconcile_day(D1)  # re-running the same day cannot verify anything: no new data
    orphan.refresh_from_db()
    assert orphan.variance_status == "manually_fixed" and orphan.status == "open"

    snapshot(N, "ORPHAN", day=D2)
    snapshot(TL, "ORPHAN", day=D2)
    run = reconcile_day(D2)
    orphan.refresh_from_db()
    assert (orphan.status, orphan.variance_status, orphan.resolution) == (
        "resolved", "collector_verified", "collector_verified")
    assert run.verified_count == 1
    assert actions(orphan) == [EventAction.CREATED, EventAction.MANUALLY_FIXED, EventAction.FIX_VERIFIED]
    assert "Installed agent" in orphan.notes


def test_manually_fixed_but_still_there_is_reopened_with_the_failed_fix_recorded(days):
    snapshot(TL, "ORPHAN", day=D1)
    reconcile_day(D1)
    orphan = record(T.MISSING_NINJA, "orphan")
    apply_action([orphan.id], Action.MARK_MANUALLY_FIXED, notes="Should be fine", actor="tech")
    snapshot(TL, "ORPHAN", day=D2)
    run = reconcile_day(D2)
    orphan.refresh_from_db()
    assert (orphan.status, orphan.variance_status, orphan.failed_fix_count) == ("open", "active", 1)
    assert run.reopened_count == 1
    fix_failed = orphan.events.get(action=EventAction.FIX_FAILED)
    assert (fix_failed.from_status, fix_failed.to_status, fix_failed.actor) == ("manually_fixed", "active", "reconcile")


def test_rerunning_a_day_keeps_notes_and_identity(days):
    snapshot(TL, "ORPHAN", day=D1)
    snapshot(TL, "OTHER", day=D1)
    reconcile_day(D1)
    orphan = record(T.MISSING_NINJA, "orphan")
    ExceptionRecord.objects.filter(pk=orphan.pk).update(notes="Called the client")  # edited in the admin
    apply_action([record(T.MISSING_NINJA, "other").id], Action.RESOLVE, notes="Lab machine", actor="tech")
    reconcile_day(D1)
    reconcile_day(D1)
    assert ExceptionRecord.objects.count() == 2
    orphan.refresh_from_db()
    assert orphan.notes == "Called the client" and orphan.date_found == D1
    assert ExceptionEvent.objects.filter(action=EventAction.CREATED).count() == 2
    assert ReconciliationRun.objects.filter(report_date=D1).count() == 3


def test_staff_resolved_variance_stays_resolved_while_it_persists(days):
    snapshot(TL, "LAB", day=D1)
    reconcile_day(D1)
    lab = record(T.MISSING_NINJA, "lab")
    apply_action([lab.id], Action.RESOLVE, notes="Lab, never in NinjaOne", actor="tech")
    snapshot(TL, "LAB", day=D2)
    reconcile_day(D2)
    assert ExceptionRecord.objects.filter(canonical_key="lab").count() == 1
    lab.refresh_from_db()
    assert (lab.status, lab.resolution, lab.last_seen) == ("resolved", "manual", D2)


def test_an_older_day_never_moves_last_seen_back_nor_resolves_later_findings():
    snapshot(TL, "ORPHAN", day=D1)
    snapshot(N, "ORPHAN", day=D2)
    snapshot(TL, "ORPHAN", day=D2)
    snapshot(TL, "LATE", day=D2)
    snapshot(TL, "LATE", day=D1)
    snapshot(N, "LATE", day=D1)
    reconcile_day(D1)
    reconcile_day(D2)
    reconcile_day(D1)  # history re-run
    late = record(T.MISSING_NINJA, "late")
    assert (late.status, late.last_seen) == ("open", D2)


def test_actions_are_all_or_nothing(days):
    snapshot(TL, "A1", day=D1)
    snapshot(TL, "A2", day=D1)
    reconcile_day(D1)
    a1, a2 = record(T.MISSING_NINJA, "a1"), record(T.MISSING_NINJA, "a2")
    apply_action([a1.id], Action.RESOLVE, actor="tech")
    with pytest.raises(Conflict) as conflict:
        apply_action([a2.id, a1.id], Action.RESOLVE, actor="tech")
    assert [r["ok"] for r in conflict.value.details["results"]] == [True, False]
    a2.refresh_from_db()
    assert a2.status == "open"
    with pytest.raises(BadRequest) as unknown:
        apply_action([a2.id, 999999], Action.RESOLVE, actor="tech")
    assert unknown.value.details["unknown_ids"] == [999999]


def test_reconcile_command(days, capsys):
    snapshot(TL, "ORPHAN", day=D1)
    call_command("reconcile", "--date", D1.isoformat())
    assert "MISSING_NINJA=1" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("reconcile", "--date", "2025-13-40")
    with pytest.raises(CommandError):
        call_command("reconcile", "--date", "2020-01-01")
