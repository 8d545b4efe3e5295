"""The Microsoft 365 collector end to end on the Graph simulator: the batch machinery, rows per tenant and day,
a failing tenant failing its part only, earlier days intact, idempotent re-runs, the run sets."""
from datetime import date

import pytest
from django.db.models import Count

from billing.models import M365Sku, M365Tenant, M365User
from collectors import registry, runs
from collectors.models import RunStatus
from collectors.schedules import daily_collectors

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 20)


def collect(day=DAY, name="microsoft365", confirm_drop=False):
    batch = runs.start_batch([name], run_cross_vendor=False, snapshot_date=day, trigger="command", enqueue=False,
                             confirm_drop=confirm_drop)
    for job in list(batch.jobs.all()):
        runs.run_job(job.job_id)
    batch.refresh_from_db()
    return batch, batch.jobs.get()


def stored(tenant: M365Tenant, day=DAY) -> dict:
    users = M365User.objects.filter(organization=tenant.organization, snapshot_date=day)
    licensed = [u for u in users if u.assigned_sku_ids]
    return {
        "users": users.count(), "licensed": len(licensed), "guests": users.filter(user_type="Guest").count(),
        "disabled_licensed": sum(u.account_enabled is False for u in licensed),
        "mailboxes": users.filter(has_mailbox=True).count(),
        "skus": {s.sku_part_number: (s.prepaid_enabled, s.consumed_units)
                 for s in M365Sku.objects.filter(organization=tenant.organization, snapshot_date=day)},
    }


def planted(graph_data, tenant_id) -> dict:
    facts = graph_data.expected(tenant_id)
    return {key: facts[key] for key in ("users", "licensed", "guests", "disabled_licensed", "mailboxes", "skus")}


def test_registered_but_not_in_the_default_run(settings):
    spec = registry.get("microsoft365")
    assert spec.label == "Microsoft 365" and spec.vendor_id is None
    assert registry.get("m365") is spec and registry.get("O365") is spec
    assert spec not in runs.resolve_names(None) and spec not in runs.resolve_names(["all"])
    settings.ESINV_M365_CLIENT_ID = settings.ESINV_M365_CLIENT_SECRET = ""
    assert "microsoft365" not in daily_collectors()
    settings.ESINV_M365_CLIENT_ID, settings.ESINV_M365_CLIENT_SECRET = "app", "secret"
    assert daily_collectors()[-1] == "microsoft365"


def test_every_tenant_is_stored_for_the_day_with_the_planted_facts(m365, graph_data, tenants):
    batch, job = collect()
    assert batch.status == RunStatus.COMPLETED, batch.message
    assert job.status == RunStatus.COMPLETED and job.progress_percent == 100
    for tenant_id, tenant in tenants.items():
        assert stored(tenant) == planted(graph_data, tenant_id), tenant.organization.name
    total_users = sum(len(t.users) for t in graph_data.tenants)
    assert job.counts["tenants"] == len(tenants) and job.counts["tenants_failed"] == 0
    assert job.counts["users"] == total_users == M365User.objects.count()
    assert job.message == job.counts["summary"] == (
        f"Microsoft 365 {DAY}: {len(tenants)} tenants, {total_users} users, {M365Sku.objects.count()} subscribed SKUs")
    # The planted billing facts are there to be found: licences bought but unassigned, disabled users licensed.
    unused = [(s.prepaid_enabled - s.consumed_units) for s in M365Sku.objects.all()]
    assert sum(unused) == sum(t.facts["unused_main"] for t in graph_data.tenants) > 0
    assert M365User.objects.filter(account_enabled=False).exclude(assigned_sku_ids=[]).count() == \
        sum(t.facts["planted_disabled_licensed"] for t in graph_data.tenants) > 0


def test_a_user_row_keeps_what_the_next_sessions_need(m365, graph_data, tenants):
    collect()
    tenant = graph_data.tenants[0]
    source = tenant.users[0]
    row = M365User.objects.get(user_id=source["id"], snapshot_date=DAY)
    assert row.user_principal_name == source["userPrincipalName"] and row.display_name == source["displayName"]
    assert row.account_enabled is source["accountEnabled"]
    assert row.assigned_sku_ids == sorted(lic["skuId"] for lic in source["assignedLicenses"])
    assert row.organization == tenants[tenant.tenant_id].organization


def test_rerunning_a_day_replaces_it(m365, graph_data, tenants):
    collect()
    before = (M365User.objects.count(), M365Sku.objects.count())
    batch, _ = collect()
    assert batch.status == RunStatus.COMPLETED
    assert (M365User.objects.count(), M365Sku.objects.count()) == before
    assert not M365User.objects.values("organization", "snapshot_date", "user_id").annotate(
        n=Count("id")).filter(n__gt=1).exists()


def test_a_revoked_tenant_fails_its_part_and_keeps_its_previous_day(m365, graph_data, tenants):
    yesterday = date(2026, 11, 19)
    collect(day=yesterday)
    consent, app = graph_data.tenants[1], graph_data.tenants[2]
    m365.revoke(consent.tenant_id, "consent")
    m365.revoke(app.tenant_id, "app")
    batch, job = collect()
    assert batch.status == RunStatus.FAILED and job.status == RunStatus.FAILED
    message = job.message
    assert message.startswith(f"Microsoft 365: 2 of {len(tenants)} tenants failed (their previous days are kept): ")
    assert (f"{consent.organization} (tenant {consent.tenant_id}): Microsoft 365 GET /v1.0/subscribedSkus "
            "page 1 failed: authentication refused (HTTP 403: Authorization_RequestDenied") in job.error
    assert f"{app.organization} (tenant {app.tenant_id}): Microsoft 365 POST token failed" in job.error
    assert "AADSTS700016" in job.error
    assert job.error.endswith(f"The other {len(tenants) - 2} tenants' days were stored.")
    assert job.error.startswith("TenantsFailed: ")
    for tenant_id, tenant in tenants.items():
        today = stored(tenant)
        if tenant_id in (consent.tenant_id, app.tenant_id):
            assert today["users"] == 0 and today["skus"] == {}
            assert stored(tenant, yesterday) == planted(graph_data, tenant_id)  # its previous day is intact
        else:
            assert today == planted(graph_data, tenant_id)


def test_a_failed_run_leaves_the_stored_day_intact(m365, graph_data, tenants, settings):
    collect()
    before = sorted(M365User.objects.values_list("organization_id", "user_id"))
    m365.inject("server_error", count=-1, path="/v1.0/users")
    batch, job = collect()
    assert job.status == RunStatus.FAILED
    assert "server error (HTTP 500" in job.error and "The other 0 tenants' days were stored." in job.error
    assert sorted(M365User.objects.values_list("organization_id", "user_id")) == before


def test_a_sudden_drop_in_users_is_refused_unless_confirmed(m365, graph_data, tenants, settings):
    settings.COLLECTORS_MAX_DROP_PERCENT = 20
    tenant_id = graph_data.tenants[0].tenant_id
    organization = tenants[tenant_id].organization
    earlier = date(2026, 11, 10)
    M365User.objects.bulk_create([
        M365User(snapshot_date=earlier, organization=organization, user_id=f"u{n}", user_principal_name=f"u{n}@x")
        for n in range(len(graph_data.tenants[0].users) * 2)])
    _, job = collect()
    assert job.status == RunStatus.FAILED
    assert f"Microsoft 365 ({organization} (tenant {tenant_id})) returned" in job.error
    assert "50% fewer than the" in job.error and f"of {earlier}" in job.error
    assert stored(tenants[tenant_id])["users"] == 0
    assert "The other 7 tenants' days were stored." in job.error
    assert job.error.startswith("SuddenDrop: ")  # the overview offers "Re-run accepting the drop"
    _, job = collect(confirm_drop=True)
    assert job.status == RunStatus.COMPLETED
    assert stored(tenants[tenant_id]) == planted(graph_data, tenant_id)


def test_disabled_tenants_are_skipped(m365, graph_data, tenants):
    M365Tenant.objects.exclude(tenant_id=graph_data.tenants[0].tenant_id).update(enabled=False)
    _, job = collect()
    assert job.counts["tenants"] == 1
    assert set(M365User.objects.values_list("organization__m365_tenant__tenant_id", flat=True)) == {
        graph_data.tenants[0].tenant_id}


def test_no_tenant_completes_with_a_hint(m365, db):
    _, job = collect()
    assert job.status == RunStatus.COMPLETED
    assert job.message == "Microsoft 365: no enabled tenant (add tenant ids to organizations in the admin)"


def test_missing_credentials_fail_once_naming_the_settings(m365, tenants, settings):
    settings.ESINV_M365_CLIENT_SECRET = ""
    _, job = collect()
    assert job.status == RunStatus.FAILED
    assert job.message == "Microsoft 365 authentication failed: ESINV_M365_CLIENT_SECRET not set"
    assert M365User.objects.count() == 0


def test_the_status_endpoint_reports_the_latest_day(m365, tenants, reader):
    collect()
    states = {c["name"]: c for c in reader.get("/api/collectors/status").json()["collectors"]}
    assert states["microsoft365"]["label"] == "Microsoft 365"
    assert states["microsoft365"]["latest_snapshot_date"] == str(DAY)
    assert states["microsoft365"]["last_job"]["status"] == "completed"


def test_a_job_cancelled_after_the_last_fetch_writes_nothing(m365, graph_data, tenants, monkeypatch):
    # Cancelled once every tenant was read: only the checkpoint before the writes stands between it and the data.
    from billing.m365 import collector
    from collectors.models import CollectorJob

    real, fetched = collector.fetch_tenant, []

    def fetch_then_cancel(client, **kwargs):
        result = real(client, **kwargs)
        fetched.append(client.tenant_id)
        if len(fetched) == len(tenants):
            CollectorJob.objects.filter(name="microsoft365", status=RunStatus.RUNNING).update(
                status=RunStatus.CANCELLED, message="Cancelled by staff")
        return result

    monkeypatch.setattr(collector, "fetch_tenant", fetch_then_cancel)
    _, job = collect()
    assert job.status == RunStatus.CANCELLED and job.message == "Cancelled by staff"
    assert not M365User.objects.exists() and not M365Sku.objects.exists()
