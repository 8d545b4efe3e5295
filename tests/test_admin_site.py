"""The admin as a product: the hub's name, exceptions first, sign-in models grouped apart, an exception list that
fits a laptop screen, readable details, no way around the audit trail, thresholds by their human names."""
from datetime import date, timedelta

import pytest
from django.contrib import admin

from esinv.admin_site import SIGN_IN_GROUP, HubAdminSite, order_app_list
from inventory.models import Vendor
from qbr.labels import SMART_NUMBER_LABELS, metric_label
from qbr.models import Threshold
from tests.factories import snapshot
from variances import types as T
from variances.admin import open_days
from variances.admin_details import details_html, duplicate_entries
from variances.models import ExceptionEvent, ExceptionRecord
from variances.services import reconcile_day

DAY = date(2026, 11, 20)
CHANGELIST = "/admin/variances/exceptionrecord/"


@pytest.fixture
def superuser_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("boss", "boss@example.com", "pw-Strong-123")
    client.force_login(user)
    return client


@pytest.fixture
def exceptions(db):
    snapshot(Vendor.THREATLOCKER, "ORPHAN-1", day=DAY)
    snapshot(Vendor.NINJA, "NO-AGENT", day=DAY, org="Globex")
    snapshot(Vendor.THREATLOCKER, "TWICE-1", day=DAY, vendor_device_id="tl-1")
    snapshot(Vendor.THREATLOCKER, "TWICE-1.corp.local", day=DAY, vendor_device_id="tl-2")
    reconcile_day(DAY)
    return {(record.type, record.canonical_key): record for record in ExceptionRecord.objects.all()}


# --- the site ----------------------------------------------------------------------------------------------------

def test_the_project_admin_site_is_the_hubs():
    assert isinstance(admin.site._wrapped if hasattr(admin.site, "_wrapped") else admin.site, HubAdminSite)
    assert admin.site.site_header == "ES Inventory Hub"
    assert admin.site.site_title.startswith("ES Inventory Hub")


@pytest.mark.django_db
def test_index_shows_the_name_exceptions_first_and_sign_in_models_grouped(superuser_client):
    response = superuser_client.get("/admin/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>" in html and "ES Inventory Hub" in html.split("<title>")[1].split("</title>")[0]
    assert 'id="site-name"><a href="/admin/">ES Inventory Hub</a>' in html
    apps = response.context["app_list"]
    labels = [app["app_label"] for app in apps]
    assert labels[0] == "variances"
    assert apps[0]["models"][0]["object_name"] == "ExceptionRecord"
    # allauth's and sites' models under one heading of their own, last; their own apps are not listed apart.
    assert labels[-1] == SIGN_IN_GROUP["app_label"] and apps[-1]["name"] == "Sign-in and accounts"
    assert not {"account", "socialaccount", "sites"} & set(labels)
    grouped = {model["object_name"] for model in apps[-1]["models"]}
    assert {"EmailAddress", "SocialApp", "SocialAccount", "Site"} <= grouped
    assert "Sign-in and accounts" in html
    assert html.index("Exceptions") < html.index("Sign-in and accounts")


@pytest.mark.django_db
def test_a_member_apps_own_page_still_lists_only_it(superuser_client):
    response = superuser_client.get("/admin/sites/")
    assert response.status_code == 200
    assert [app["app_label"] for app in response.context["app_list"]] == ["sites"]


def test_order_app_list_is_a_plain_function():
    def app(label, name, *models):
        return {"app_label": label, "name": name, "app_url": f"/admin/{label}/", "has_module_perms": True,
                "models": [{"object_name": m, "name": m} for m in models]}

    ordered = order_app_list([
        app("sites", "Sites", "Site"), app("zeta", "Zeta", "Z"), app("auth", "Auth", "User", "Group"),
        app("variances", "Variances", "ReconciliationRun", "ExportJob", "ExceptionEvent", "ExceptionRecord"),
        app("account", "Accounts", "EmailAddress"), app("alpha", "Alpha", "A"),
    ])
    assert [a["app_label"] for a in ordered] == ["variances", "auth", "alpha", "zeta", "sign_in"]
    assert [m["object_name"] for m in ordered[0]["models"]] == [
        "ExceptionRecord", "ExceptionEvent", "ExportJob", "ReconciliationRun"]
    assert [m["object_name"] for m in ordered[-1]["models"]] == ["EmailAddress", "Site"]  # allauth, then sites
    assert ordered[-1]["app_url"] == "/admin/account/"
    assert order_app_list([app("auth", "Auth", "User")])[-1]["app_label"] == "auth"  # no group without members


# --- the exception list and page ---------------------------------------------------------------------------------

@pytest.mark.django_db
def test_exception_change_list_has_six_readable_columns(superuser_client, exceptions):
    response = superuser_client.get(CHANGELIST)
    assert response.status_code == 200
    cl = response.context["cl"]
    columns = [c for c in cl.list_display if c != "action_checkbox"]
    assert len(columns) == 6
    html = response.content.decode()
    for header in ("Type", "Device", "Organization", "Status", "First seen", "Days open"):
        assert f">{header}</a>" in html or f">{header}</span>" in html, header
    # The type's label, the hostname as the vendor has it (not the 15-character key), filters on the right.
    assert "Duplicate in ThreatLocker" in html and "TWICE-1" in html
    assert 'id="changelist-filter"' in html
    row = html.split('class="field-type_label"')[1]
    assert "DUPLICATE_TL" not in row.split("</tr>")[0]


def test_days_open_counts_to_today_while_open_and_to_last_seen_once_resolved():
    today = date(2026, 12, 6)
    record = ExceptionRecord(date_found=today - timedelta(days=4), last_seen=today - timedelta(days=1), status="open")
    assert open_days(record, today) == 5
    record.status = "resolved"
    assert open_days(record, today) == 4
    assert open_days(ExceptionRecord(date_found=today, last_seen=today, status="open"), today) == 1


@pytest.mark.django_db
def test_change_list_sorts_by_days_open(superuser_client, exceptions):
    old = exceptions[T.MISSING_NINJA, "orphan-1"]
    ExceptionRecord.objects.filter(pk=old.pk).update(date_found=DAY - timedelta(days=30))
    response = superuser_client.get(CHANGELIST)
    columns = [c for c in response.context["cl"].list_display if c != "action_checkbox"]
    index = columns.index("days_open") + 1  # the checkbox is column 0
    ascending = superuser_client.get(CHANGELIST, {"o": str(index)})  # days open ascending
    longest_last = [r.pk for r in ascending.context["cl"].result_list]
    assert longest_last[-1] == old.pk
    descending = superuser_client.get(CHANGELIST, {"o": f"-{index}"}).context["cl"].result_list
    assert descending[0].pk == old.pk


@pytest.mark.django_db
def test_change_page_shows_details_as_a_table_not_json(superuser_client, exceptions):
    record = exceptions[T.MISSING_NINJA, "orphan-1"]
    html = superuser_client.get(f"{CHANGELIST}{record.pk}/change/").content.decode()
    assert 'class="details-table"' in html
    assert "<th scope=\"row\">ThreatLocker hostname</th><td>ORPHAN-1</td>" in html
    assert '"threatlocker_hostname"' not in html  # no raw JSON
    assert "esinv/admin.css" in html


@pytest.mark.django_db
def test_duplicate_page_shows_a_table_per_copy(superuser_client, exceptions):
    record = exceptions[T.DUPLICATE_TL, "twice-1"]
    html = superuser_client.get(f"{CHANGELIST}{record.pk}/change/").content.decode()
    assert "Copy 1 of 2" in html and "Copy 2 of 2" in html
    assert html.count('class="details-table entry"') == 2


def test_details_table_reads_the_old_and_the_new_duplicate_shapes(settings):
    settings.ESINV_NINJA_CONSOLE_URL = "https://eu.ninjarmm.com/#/deviceDashboard/{id}/overview"
    old = {"hostname": "twice-1", "count": 2, "entries": [
        {"hostname": "TWICE-1", "display_name": "TWICE-1", "organization": "Acme"},
        {"hostname": "TWICE-1", "display_name": "TWICE-1 | old", "organization": None}]}
    entries = duplicate_entries(old)
    assert not entries[0]["vendor_device_id"] and entries[0]["console_url"] is None
    html = str(details_html(old))
    assert html.count("<h4") == 2 and "<th scope=\"row\">Vendor device id</th><td>–</td>" in html
    assert "<th scope=\"row\">Client</th><td>–</td>" in html  # None shows a dash
    new = {"hostname": "twice-1", "count": 2, "entries": [
        {"vendor": "ninja", "vendor_device_id": "12345", "hostname": "TWICE-1", "display_name": "TWICE-1",
         "organization": "Acme", "site": "Head office", "last_contact": "2026-12-05T08:00:00+00:00",
         "os": "Windows 11 Pro", "agent_version": "9.6.1",
         "console_url": "https://eu.ninjarmm.com/#/deviceDashboard/12345/overview", "stale": False},
        {"vendor": "ninja", "vendor_device_id": "999", "hostname": "TWICE-1", "display_name": "TWICE-1",
         "organization": "Acme", "site": "", "last_contact": "2026-10-01T08:00:00+00:00", "os": "",
         "agent_version": "", "console_url": "javascript:alert(1)", "stale": True}]}
    html = str(details_html(new))
    assert "<td>NinjaOne</td>" in html and "<td>12345</td>" in html and "<td>Head office</td>" in html
    assert 'href="https://eu.ninjarmm.com/#/deviceDashboard/12345/overview"' in html
    assert "Copy 2 of 2 (stale: older last contact)" in html and "Copy 1 of 2 (stale" not in html
    assert 'href="javascript' not in html  # only http(s) links
    assert "<th scope=\"row\">Stale copy</th><td>Yes</td>" in html


def test_details_table_escapes_values_and_shows_unknown_keys():
    html = str(details_html({"ninja_note": "<script>x</script>", "extra_thing": {"a": [1, 2]}, "empty": None}))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<th scope=\"row\">Extra thing</th>" in html and "<td>1, 2</td>" in html
    assert "<th scope=\"row\">Empty</th><td>–</td>" in html
    assert str(details_html({})) == '<p class="details-empty">–</p>'
    assert str(details_html(None)) == '<p class="details-empty">–</p>'


# --- the audit trail cannot be bypassed --------------------------------------------------------------------------

@pytest.mark.django_db
def test_exceptions_and_events_cannot_be_deleted_even_by_a_superuser(superuser_client, exceptions):
    record = exceptions[T.MISSING_NINJA, "orphan-1"]
    event = ExceptionEvent.objects.filter(exception=record).first()
    response = superuser_client.get(CHANGELIST)
    assert "delete_selected" not in response.context["cl"].model_admin.get_actions(response.wsgi_request)
    assert 'value="delete_selected"' not in response.content.decode()
    assert 'value="resolve"' in response.content.decode()  # the audited actions stay
    assert superuser_client.post(CHANGELIST, {"action": "delete_selected", "_selected_action": [str(record.pk)],
                                              "post": "yes"}).status_code in (200, 302)
    assert superuser_client.post(f"{CHANGELIST}{record.pk}/delete/", {"post": "yes"}).status_code == 403
    assert ExceptionRecord.objects.filter(pk=record.pk).exists()
    events = "/admin/variances/exceptionevent/"
    page = superuser_client.get(events)
    assert page.status_code == 200 and 'value="delete_selected"' not in page.content.decode()
    assert superuser_client.post(f"{events}{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert superuser_client.get(f"{events}add/").status_code == 403
    assert ExceptionEvent.objects.filter(pk=event.pk).exists()
    change = superuser_client.get(f"{CHANGELIST}{record.pk}/change/").content.decode()
    assert 'class="deletelink"' not in change and "-DELETE" not in change  # no delete link, no inline delete box


# --- QBR thresholds ----------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_thresholds_show_human_names_and_every_bound_is_editable(superuser_client):
    threshold = Threshold.objects.filter(metric_name="rhem").first() or Threshold.objects.create(
        metric_name="rhem", direction="lower", green_bound=1, yellow_bound=2)
    response = superuser_client.get("/admin/qbr/threshold/")
    html = response.content.decode()
    assert SMART_NUMBER_LABELS["rhem"] in html
    for field in ("direction", "green_bound", "yellow_bound"):
        assert f'name="form-0-{field}"' in html
    change = superuser_client.get(f"/admin/qbr/threshold/{threshold.pk}/change/").content.decode()
    assert f'<option value="rhem" selected>{SMART_NUMBER_LABELS["rhem"]} (rhem)</option>' in change
    for field in ("direction", "green_bound", "yellow_bound"):
        assert f'name="{field}"' in change


def test_metric_labels_have_one_place():
    assert metric_label("rhem") == SMART_NUMBER_LABELS["rhem"]
    assert metric_label("seats_managed") == "Seats managed"  # a catalogue metric without a label reads as words


@pytest.mark.django_db
def test_the_qbr_page_uses_the_same_labels():
    from qbr import pages

    assert "SMART_NUMBER_LABELS" not in vars(pages)  # no second copy of the labels
    assert pages.metric_label is metric_label



@pytest.mark.django_db
def test_an_exception_is_named_in_words_on_its_page(superuser_client, exceptions):
    record = exceptions[T.DUPLICATE_TL, "twice-1"]
    assert str(record) == "Duplicate in ThreatLocker: TWICE-1 (Active)"
    html = superuser_client.get(f"{CHANGELIST}{record.pk}/change/").content.decode()
    assert "Duplicate in ThreatLocker: TWICE-1 (Active)" in html and "DUPLICATE_TL twice-1" not in html
