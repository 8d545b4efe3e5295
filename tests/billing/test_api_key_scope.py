"""API keys and billing (review16 F22): a key uses /api/billing/ only when created with the billing scope
(`create_api_key NAME --billing`, `APIKey.billing_scope`, default False); without it every billing endpoint
answers 403 "This API key has no billing scope.", whatever else the key may do. The rule is GrantPermission's
`key_scope` (esinv/grant_permission.py), named once by billing.permissions.BillingAccess."""
from pathlib import Path

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from billing.models import BillingVariance
from esinv.models import APIKey
from inventory.models import Organization

pytestmark = pytest.mark.django_db

NO_SCOPE = "This API key has no billing scope."
BILLING_READS = ["/api/billing/report", "/api/billing/variances", "/api/billing/clients/1",
                 "/api/billing/export/csv", "/api/billing/export/excel", "/api/billing/export/pdf"]


def key_client(*, write=False, billing=False, name="k"):
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=APIKey.issue(name, can_write=write, billing_scope=billing)[1])
    return client


@pytest.fixture
def variance(db):
    from datetime import date

    organization = Organization.objects.create(name="Harbor Foods Services")
    return BillingVariance.objects.create(variance_type="UNDER_BILLED", organization=organization,
                                          subject="MANAGED-WS", code="ninja_seats", date_found=date(2026, 12, 7),
                                          last_seen=date(2026, 12, 7))


def test_keys_have_no_billing_scope_unless_given():
    assert APIKey.issue("plain")[0].billing_scope is False
    assert APIKey._meta.get_field("billing_scope").default is False


@pytest.mark.parametrize("write", [False, True])
@pytest.mark.parametrize("path", BILLING_READS)
def test_a_key_without_the_scope_reads_no_billing(path, write):
    response = key_client(write=write).get(path)
    assert response.status_code == 403
    assert response.json()["error"]["message"] == NO_SCOPE


def test_a_write_key_without_the_scope_changes_no_billing(variance):
    client = key_client(write=True)
    for path, body in ((f"/api/billing/variances/{variance.id}/resolve", {"notes": "x"}),
                       (f"/api/billing/variances/{variance.id}/accept", {}),
                       ("/api/billing/variances/bulk-update", {"action": "resolve", "ids": [variance.id]})):
        response = client.post(path, body, format="json")
        assert response.status_code == 403 and response.json()["error"]["message"] == NO_SCOPE
    variance.refresh_from_db()
    assert variance.status == "open" and not variance.events.exists()
    assert client.get("/api/exceptions").status_code == 200  # the rest of the API as before


@pytest.mark.parametrize("path", BILLING_READS)
def test_a_key_with_the_scope_reads_billing(variance, path):
    path = path.replace("/clients/1", f"/clients/{variance.organization_id}")
    assert key_client(billing=True).get(path).status_code == 200


def test_a_read_key_with_the_scope_still_cannot_write(variance):
    response = key_client(billing=True).post(f"/api/billing/variances/{variance.id}/accept", {}, format="json")
    assert response.status_code == 403 and response.json()["error"]["message"] == "This API key is read-only."


def test_a_write_key_with_the_scope_resolves_with_its_name_in_the_audit(variance):
    client = key_client(write=True, billing=True, name="automation")
    response = client.post(f"/api/billing/variances/{variance.id}/resolve", {"notes": "done"}, format="json")
    assert response.status_code == 200
    assert response.json()["variance"]["events"][-1]["actor"] == "apikey:automation"


def test_create_api_key_billing_flag(capsys):
    call_command("create_api_key", "wallboard")
    call_command("create_api_key", "bookkeeping", "--billing")
    call_command("create_api_key", "billing-bot", "--write", "--billing")
    err = capsys.readouterr().err
    keys = {k.name: (k.can_write, k.billing_scope) for k in APIKey.objects.all()}
    assert keys == {"wallboard": (False, False), "bookkeeping": (False, True), "billing-bot": (True, True)}
    assert "no billing scope" in err and "with the billing scope" in err


def test_the_admin_shows_and_sets_the_scope(admin_client):
    APIKey.issue("scoped", billing_scope=True)
    listing = admin_client.get("/admin/esinv/apikey/").content.decode()
    assert "billing scope" in listing.lower()
    form = admin_client.get("/admin/esinv/apikey/add/").content.decode()
    assert 'name="billing_scope"' in form
    response = admin_client.post("/admin/esinv/apikey/add/", {"name": "from-admin", "billing_scope": "on"})
    assert response.status_code == 302
    assert APIKey.objects.get(name="from-admin").billing_scope is True
    assert admin_client.get("/admin/esinv/apikey/?billing_scope__exact=1").status_code == 200


def test_bin_fuzz_gives_its_key_the_billing_scope():
    script = (Path(__file__).resolve().parents[2] / "bin" / "fuzz").read_text()
    lines = [line for line in script.splitlines() if "create_api_key" in line and not line.lstrip().startswith("#")]
    assert lines and all("--write" in line and "--billing" in line for line in lines)
