"""What the second independent review found (2026-12-06): admin forms that crashed on a value that is no id,
OPTIONS on the API docs, forged log lines, an error-level log line anyone could cause, a QBR value keeping the
previous entry's note, and a QBR-only account landing on a refusal."""
import logging

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from esinv.admin_widgets import SafeAutocompleteMixin
from esinv.logplain import PlainFormatter, escape_controls
from inventory.models import Organization, OrganizationAlias

pytestmark = pytest.mark.django_db
GUID = "4f2504e0-4f89-11d3-9a0c-0305e82c3301"


@pytest.fixture
def admin_client(db):
    user = get_user_model().objects.create_superuser("root", "root@example.com", "pw-Strong-123")
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("value", ["x", "99999999999999999999999", "-1", "١٢"])
@pytest.mark.parametrize("path, fields", [
    ("/admin/billing/m365tenant/add/", {"tenant_id": GUID, "enabled": "on"}),
    ("/admin/inventory/organizationalias/add/", {"alias": "zzz"}),
])
def test_an_organization_that_is_no_id_is_a_form_error_not_a_500(admin_client, path, fields, value):
    response = admin_client.post(path, {**fields, "organization": value})
    assert response.status_code == 200  # the form again, with its error
    assert "Select a valid choice" in response.content.decode()
    assert not OrganizationAlias.objects.exists()


def test_a_real_organization_is_still_shown_again_with_the_other_errors(admin_client):
    acme = Organization.objects.create(name="Acme Corp")
    response = admin_client.post("/admin/inventory/organizationalias/add/", {"alias": "", "organization": acme.pk})
    assert response.status_code == 200
    assert "Acme Corp" in response.content.decode()  # the chosen organization kept in the widget


def test_every_admin_with_autocomplete_uses_the_safe_widget():
    unsafe = [type(model_admin).__name__ for model_admin in admin.site._registry.values()
              if model_admin.autocomplete_fields and not isinstance(model_admin, SafeAutocompleteMixin)]
    assert unsafe == []


@pytest.mark.parametrize("method", ["options", "put", "delete"])
def test_the_api_docs_answer_other_methods_with_405(writer, method):
    response = getattr(writer, method)("/api/docs/")
    assert response.status_code == 405
    assert writer.get("/api/docs/").status_code == 200


def test_control_characters_in_a_message_cannot_start_a_new_log_line():
    assert escape_controls("/x\n2026 ERROR forged\r\x00\u2028") == "/x\\n2026 ERROR forged\\r\\x00\\u2028"
    record = logging.LogRecord("esinv.request", logging.WARNING, __file__, 1, "GET %s", ("/a%0A\nb\x00",), None)
    line = PlainFormatter("%(levelname)s %(message)s").format(record)
    assert line == "WARNING GET /a%0A\\nb\\x00" and "\n" not in line


def test_microsoft_sign_in_not_configured_is_a_warning_not_an_error(client_anon, caplog, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {}
    settings.MICROSOFT_CLIENT_ID = ""
    caplog.set_level(logging.INFO)
    response = client_anon.get("/api/auth/microsoft/login")
    assert response.status_code == 503 and response.json()["error"]["code"] == "not_configured"
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert any("not_configured" in r.getMessage() and r.levelno == logging.WARNING for r in caplog.records)


def test_a_new_value_without_notes_drops_the_previous_entrys_note(db):
    from qbr.models import MonthlyMetric
    from qbr.services import record_manual_metric

    org = Organization.objects.create(name="Acme Corp")
    record_manual_metric("2026-10", org.pk, None, "employees", 7, "Demo sample value", actor="demo")
    record_manual_metric("2026-10", org.pk, None, "employees", 7, None, actor="tech")  # same value: kept
    assert MonthlyMetric.objects.get().notes == "Demo sample value"
    record_manual_metric("2026-10", org.pk, None, "employees", 9, None, actor="tech")
    metric = MonthlyMetric.objects.get()
    assert (metric.metric_value, metric.notes, metric.updated_by) == (9, "", "tech")


def test_a_qbr_only_account_is_sent_from_the_overview_to_the_qbr_page(settings):
    user = get_user_model().objects.create_user("amy", "amy@example.com", "pw-Strong-123")
    user.groups.add(Group.objects.get_or_create(name=settings.QBR_READER_GROUP)[0])
    client = Client()
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/qbr/"
    assert client.get("/variances/").status_code == 403  # the inventory pages still refuse
