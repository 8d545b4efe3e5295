"""The admin: assessments filterable by status, deficiency and organization; overrides editable; runs read-only."""
import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from inventory.models import CpuOverride, Windows11Assessment
from inventory.windows11.service import run_assessment

pytestmark = pytest.mark.django_db
URL = "/admin/inventory/"


@pytest.fixture
def admin_client(db):
    user = get_user_model().objects.create_superuser("boss", "boss@example.com", "pw-Strong-123")
    client = Client()
    client.force_login(user)
    return client


def _hosts(response):
    return sorted(a.hostname for a in response.context["cl"].result_list)


def test_assessment_filters(admin_client, fleet):
    run_assessment()
    page = admin_client.get(f"{URL}windows11assessment/")
    assert page.status_code == 200 and len(page.context["cl"].result_list) == 6
    assert _hosts(admin_client.get(f"{URL}windows11assessment/", {"status": "incompatible"})) == ["OLD-CPU", "OLD-TPM"]
    assert _hosts(admin_client.get(f"{URL}windows11assessment/", {"deficiency": "memory"})) == ["OLD-CPU"]
    assert _hosts(admin_client.get(f"{URL}windows11assessment/", {"missing": "secure_boot"})) == ["NO-SCRIPT"]
    beta = Windows11Assessment.objects.get(hostname="GOOD-2").organization_id
    assert _hosts(admin_client.get(f"{URL}windows11assessment/", {"organization__id__exact": beta})) == [
        "GOOD-2", "OLD-CPU"]
    detail = admin_client.get(f"{URL}windows11assessment/{Windows11Assessment.objects.first().pk}/change/")
    assert detail.status_code == 200


def test_assessments_and_runs_are_read_only(admin_client, fleet):
    run_assessment()
    assert admin_client.get(f"{URL}windows11assessment/add/").status_code == 403
    assert admin_client.get(f"{URL}windows11run/add/").status_code == 403
    assert admin_client.get(f"{URL}windows11run/").status_code == 200


def test_override_is_editable_and_validated(admin_client, fleet):
    run_assessment()
    response = admin_client.post(f"{URL}cpuoverride/add/", {
        "pattern": "i7-7700K", "match_type": "contains", "supported": "on", "note": "vendor letter"}, follow=True)
    assert response.status_code == 200
    override = CpuOverride.objects.get()
    assert override.supported and override.source == "manual"
    assert any("Matches 1 CPU" in str(m) for m in response.context["messages"])
    bad = admin_client.post(f"{URL}cpuoverride/add/", {"pattern": "([", "match_type": "regex", "supported": "on"})
    assert bad.status_code == 200 and "Not a valid regular expression" in bad.content.decode()
    admin_client.post(f"{URL}cpuoverride/", {"action": "mark_unsupported", "_selected_action": [override.pk]})
    override.refresh_from_db()
    assert override.supported is False
