"""The admin is a product surface: list, filters, search, actions with notes, read-only history."""
from datetime import date

import pytest

from inventory.models import Vendor
from tests.factories import snapshot
from variances import types as T
from variances.models import ExceptionEvent, ExceptionRecord, ReconciliationRun
from variances.services import reconcile_day

pytestmark = pytest.mark.django_db
DAY = date(2026, 11, 20)
CHANGELIST = "/admin/variances/exceptionrecord/"


@pytest.fixture
def exceptions(db):
    snapshot(Vendor.THREATLOCKER, "ORPHAN-1", day=DAY)
    snapshot(Vendor.THREATLOCKER, "ORPHAN-2", day=DAY)
    snapshot(Vendor.NINJA, "NO-AGENT", day=DAY, org="Globex")
    reconcile_day(DAY)
    return list(ExceptionRecord.objects.order_by("canonical_key"))


def test_changelist_filters_and_search(admin_client, exceptions):
    response = admin_client.get(CHANGELIST)
    assert response.status_code == 200
    html = response.content.decode()
    for label in ("By type", "By status", "By organization", "By last seen"):
        assert label in html
    found = admin_client.get(CHANGELIST, {"q": "orphan-2"}).context["cl"].result_list
    assert [r.canonical_key for r in found] == ["orphan-2"]
    by_type = admin_client.get(CHANGELIST, {"type__exact": T.MISSING_THREATLOCKER}).context["cl"].result_list
    assert [r.canonical_key for r in by_type] == ["no-agent"]


@pytest.mark.parametrize("action, expected", [("resolve", ("resolved", "resolved")),
                                              ("mark_manually_fixed", ("open", "manually_fixed"))])
def test_actions_ask_for_notes_then_apply(admin_client, admin_user, exceptions, action, expected):
    ids = [str(r.id) for r in exceptions[:2]]
    first = admin_client.post(CHANGELIST, {"action": action, "_selected_action": ids})
    assert first.status_code == 200 and b'name="notes"' in first.content  # the intermediate form
    assert ExceptionRecord.objects.filter(status="open").count() == 3  # nothing changed yet
    done = admin_client.post(CHANGELIST, {"action": action, "_selected_action": ids, "apply": "1",
                                          "notes": "Checked with client"})
    assert done.status_code == 302
    for record in ExceptionRecord.objects.filter(id__in=ids):
        assert (record.status, record.variance_status) == expected
        assert "Checked with client" in record.notes
        event = record.events.latest("id")
        assert event.actor == admin_user.username and event.user == admin_user and event.notes == "Checked with client"


def test_action_skips_what_it_cannot_apply_to(admin_client, exceptions):
    ExceptionRecord.objects.filter(id=exceptions[0].id).update(status="resolved", variance_status="resolved")
    ids = [str(r.id) for r in exceptions]
    admin_client.post(CHANGELIST, {"action": "resolve", "_selected_action": ids, "apply": "1", "notes": ""})
    assert ExceptionRecord.objects.filter(status="open").count() == 0
    assert not ExceptionEvent.objects.filter(exception_id=exceptions[0].id, action="resolved").exists()


def test_change_page_shows_history_read_only(admin_client, exceptions):
    response = admin_client.get(f"{CHANGELIST}{exceptions[0].id}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Found on 2026-11-20" in html and 'name="notes"' in html and 'name="status"' not in html


def test_runs_are_read_only(admin_client, exceptions):
    run = ReconciliationRun.objects.get()
    assert admin_client.get("/admin/variances/reconciliationrun/").status_code == 200
    assert admin_client.get(f"/admin/variances/reconciliationrun/{run.id}/change/").status_code == 200
    assert admin_client.get("/admin/variances/reconciliationrun/add/").status_code == 403
