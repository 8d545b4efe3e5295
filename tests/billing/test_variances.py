"""Billing variances end to end: NinjaOne, ThreatLocker, Microsoft 365 and ConnectWise agreements collected on the
simulators of one MSP, the map seeded, the variances the simulators planted found with their money figures, stable
across days, closed by a fix and reopened when it comes back; accept/resolve with notes and audit."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command

from billing import actions as A
from billing import variances as V
from billing.models import (
    BillingVariance,
    BillingVarianceEvent,
    CWAgreementAddition,
    M365Sku,
    M365User,
)
from collectors import runs
from collectors.models import RunStatus
from collectors.simulators import install_aliases

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 20)
NEXT = DAY + timedelta(days=1)


def collect(day=DAY):
    batch = runs.start_batch(["ninja", "threatlocker", "microsoft365", "connectwise_agreements"],
                             run_cross_vendor=False, snapshot_date=day, trigger="command", enqueue=False)
    for job in list(batch.jobs.order_by("id")):
        runs.run_job(job.job_id)
    batch.refresh_from_db()
    assert batch.status == RunStatus.COMPLETED, batch.message
    return batch


@pytest.fixture
def collected(inventory_sims, m365, cw, tenants, msp):
    install_aliases(msp)
    call_command("seed_billing_map", verbosity=0)
    return collect()


def planted(cw_agreements_data, graph_data, tenants) -> dict:
    """(type, organization name, subject) -> (billed, measured, amount) of every variance the simulators planted."""
    facts = cw_agreements_data.billing_facts
    want = {}
    for kind, rows in (("UNDER_BILLED", facts["under_billed"]),
                       ("OVER_BILLED", facts["over_billed"])):
        for row in rows:
            diff = abs(row["measured"] - row["billed"])
            want[(kind, row["company"], row["product"])] = (
                Decimal(row["billed"]), Decimal(row["measured"]),
                (Decimal(diff) * Decimal(str(row["unit_price"]))).quantize(Decimal("0.01")))
    licences = facts["licences"]  # clients billed a licence product (M365-BP for SPB): their unused cost money
    for tenant_id, tenant in tenants.items():
        expected = graph_data.expected(tenant_id)
        name = tenant.organization.name
        if expected["unused_main"]:
            bought, consumed = expected["skus"][expected["main_sku"]]
            assert bought - consumed == expected["unused_main"]
            line = licences.get(name)
            cost = None
            if line and line["sku"] == expected["main_sku"]:
                cost = (Decimal(bought - consumed) * Decimal(line["unit_cost"])).quantize(Decimal("0.01"))
            want[("UNUSED_LICENCES", name, expected["main_sku"])] = (Decimal(bought), Decimal(consumed), cost)
        if expected["disabled_licensed"]:
            want[("DISABLED_USER_LICENSED", name, "")] = (None, Decimal(expected["disabled_licensed"]), None)
    return want


def found() -> dict:
    return {(v.variance_type, v.organization.name, v.subject): (v.billed, v.measured, v.amount)
            for v in BillingVariance.objects.select_related("organization").filter(status="open")}


def test_exactly_the_planted_variances_with_their_money(collected, cw_agreements_data, graph_data, tenants):
    want = planted(cw_agreements_data, graph_data, tenants)
    kinds = {key[0] for key in want}
    assert {"UNDER_BILLED", "OVER_BILLED", "UNUSED_LICENCES", "DISABLED_USER_LICENSED"} <= kinds
    assert found() == want
    under = BillingVariance.objects.get(variance_type="UNDER_BILLED", subject="MANAGED-WS")
    assert under.measured - under.billed == 3 and under.amount == 3 * under.unit_price
    assert under.code == "ninja_seats" and len(under.ids) == under.ids_total == int(under.measured)
    over = BillingVariance.objects.get(variance_type="OVER_BILLED", subject="MANAGED-WS")
    assert over.billed - over.measured == 2 and over.amount == 2 * over.unit_price
    disabled = BillingVariance.objects.filter(variance_type="DISABLED_USER_LICENSED").first()
    assert set(disabled.ids) == set(M365User.objects.filter(
        organization=disabled.organization, snapshot_date=DAY, account_enabled=False)
        .exclude(assigned_sku_ids=[]).values_list("user_principal_name", flat=True))
    assert BillingVarianceEvent.objects.filter(action="found").count() == len(want)


def test_licences_billed_for_what_the_msp_buys(collected, cw_agreements_data, graph_data, tenants):
    """M365-BP (SPB licences, 26.00 a month, cost 22.00) billed for the licences BOUGHT (`m365_sku:SPB`): the
    planted client billed 2 fewer is under-billed 2 x 26.00; bought-but-unassigned licences are UNUSED_LICENCES
    at unit cost only, never also over-billed (one licence is never in both money totals)."""
    from billing.reports import billing_report

    licences = cw_agreements_data.billing_facts["licences"]
    assert len(licences) >= 3  # several SPB tenants carry the licence product
    short = [name for name, line in licences.items() if line["billed"] < line["bought"]]
    assert len(short) == 1
    under = BillingVariance.objects.get(variance_type="UNDER_BILLED", subject="M365-BP")
    assert (under.organization.name, under.code, under.billed, under.measured, under.unit_price, under.amount) == (
        short[0], "m365_sku:SPB", Decimal(licences[short[0]]["bought"] - 2), Decimal(licences[short[0]]["bought"]),
        Decimal("26.0000"), Decimal("52.00"))
    assert not BillingVariance.objects.filter(variance_type="OVER_BILLED", subject="M365-BP").exists()
    unused = {v.organization.name: v for v in BillingVariance.objects.filter(variance_type="UNUSED_LICENCES",
                                                                               subject="SPB")}
    priced = {name: line for name, line in licences.items() if line["bought"] > line["assigned"]}
    assert priced and set(priced) <= set(unused)
    for name, line in priced.items():
        assert unused[name].unit_price == Decimal("22.0000")
        assert unused[name].amount == (line["bought"] - line["assigned"]) * Decimal("22.00"), name
    # The day's totals: the seat leak plus the licence leak; the over-billing is the seats' alone.
    seats_under = BillingVariance.objects.get(variance_type="UNDER_BILLED", subject="MANAGED-WS")
    seats_over = BillingVariance.objects.get(variance_type="OVER_BILLED", subject="MANAGED-WS")
    totals = billing_report(DAY)["totals"]
    assert totals["monthly_revenue_leak"] == seats_under.amount + Decimal("52.00")
    assert totals["monthly_over_billing"] == seats_over.amount


def test_a_licence_product_billed_per_assigned_licence(collected, cw_agreements_data):
    """The map chooses: M365-BP -> m365_sku_assigned:SPB compares the bill with licences ASSIGNED."""
    from billing.models import BillingMapping

    BillingMapping.objects.filter(product_identifier="M365-BP").update(code="m365_sku_assigned:SPB")
    V.reconcile_billing(DAY)
    licences = cw_agreements_data.billing_facts["licences"]
    found_now = {v.organization.name: (v.variance_type, v.billed, v.measured) for v in BillingVariance.objects.filter(
        subject="M365-BP", status="open")}
    want = {}
    for name, line in licences.items():
        if line["billed"] > line["assigned"]:
            want[name] = ("OVER_BILLED", Decimal(line["billed"]), Decimal(line["assigned"]))
        elif line["billed"] < line["assigned"]:
            want[name] = ("UNDER_BILLED", Decimal(line["billed"]), Decimal(line["assigned"]))
    assert want and found_now == want


def test_stable_across_days_and_idempotent(collected, cw_agreements_data, graph_data, tenants):
    first = dict(BillingVariance.objects.values_list("id", "date_found"))
    V.reconcile_billing(DAY)  # re-running a day changes nothing
    collect(NEXT)
    rows = BillingVariance.objects.all()
    assert dict(rows.values_list("id", "date_found")) == first
    assert set(rows.values_list("last_seen", flat=True)) == {NEXT}
    assert found() == planted(cw_agreements_data, graph_data, tenants)
    assert BillingVarianceEvent.objects.count() == len(first)  # only the "found" events


def fix_under_billing(day):
    """Bill the under-billed client what it has (staff fixed the agreement)."""
    under = BillingVariance.objects.get(variance_type="UNDER_BILLED", subject="MANAGED-WS")
    line = CWAgreementAddition.objects.get(snapshot_date=day, organization=under.organization,
                                           product_identifier="MANAGED-WS")
    line.billed_quantity += 3
    line.save()
    return under


def copy_day(day, to):
    """The stored snapshots of `day` again for `to` (a day where nothing changed), then measured and reconciled."""
    from billing.measures import measure_day
    from billing.models import CWAgreement
    from inventory.models import Snapshot

    for model in (Snapshot, CWAgreement, CWAgreementAddition, M365Sku, M365User):
        rows = list(model.objects.filter(snapshot_date=day))
        for row in rows:
            row.pk = None
            row.snapshot_date = to
        model.objects.bulk_create(rows)
    measure_day(to)
    V.reconcile_billing(to)


def test_a_fix_closes_it_and_its_return_reopens_it(collected):
    copy_day(DAY, NEXT)
    under = fix_under_billing(NEXT)
    V.reconcile_billing(NEXT)
    under.refresh_from_db()
    assert (under.status, under.resolution) == ("resolved", "auto")
    assert under.events.filter(action="auto_resolved", to_status="resolved").exists()
    assert BillingVariance.objects.filter(status="open").count() == len(found())
    V.reconcile_billing(DAY)  # re-running the older day (where it was present) does not bring it back
    under.refresh_from_db()
    assert under.status == "resolved"
    later = NEXT + timedelta(days=1)
    copy_day(DAY, later)  # the old (under-billed) quantities come back
    under.refresh_from_db()
    assert under.status == "open" and under.last_seen == later and under.date_found == DAY
    assert list(under.events.values_list("action", flat=True)) == ["found", "auto_resolved", "reopened"]


def test_a_back_filled_earlier_day_moves_date_found_back_and_its_report_lists_them(collected):
    """review16b G1: reconciling a day before the variances' first day (a missed day collected later) must not
    show the gap on the product line beside "0 variances": the same variances found that day are found then."""
    from billing.reports import billing_report

    before = DAY - timedelta(days=1)
    latest = billing_report(DAY)["totals"]
    copy_day(DAY, before)  # the same data on the day before, reconciled after DAY
    under = BillingVariance.objects.get(variance_type="UNDER_BILLED", subject="MANAGED-WS")
    assert (under.date_found, under.last_seen, under.status) == (before, DAY, "open")
    event = under.events.get(action="found_earlier")
    assert event.report_date == before and str(DAY) in event.notes
    assert set(BillingVariance.objects.values_list("date_found", flat=True)) == {before}
    report = billing_report(before)
    assert report["totals"] == latest and latest["variances"] > 0
    V.reconcile_billing(before)  # idempotent: no second event
    assert under.events.filter(action="found_earlier").count() == 1


def test_resolve_and_accept_with_notes_and_audit(collected, django_user_model):
    staff = django_user_model.objects.create_user("ann", is_staff=True)
    over = BillingVariance.objects.get(variance_type="OVER_BILLED", subject="MANAGED-WS")
    under = BillingVariance.objects.get(variance_type="UNDER_BILLED", subject="MANAGED-WS")
    A.apply_action([over.id], A.Action.ACCEPT, notes="Agreed minimum", actor="ann", user=staff)
    A.apply_action([under.id], A.Action.RESOLVE, notes="Invoice corrected", actor="ann", user=staff)
    V.reconcile_billing(DAY)  # a re-run of the day keeps what staff wrote
    over.refresh_from_db()
    under.refresh_from_db()
    assert (over.status, under.status, under.resolution) == ("accepted", "resolved", "manual")
    assert over.notes.endswith(" ann] Agreed minimum")
    event = under.events.get(action="resolved")
    assert (event.actor, event.user, event.from_status, event.to_status, event.notes) == (
        "ann", staff, "open", "resolved", "Invoice corrected")
    # Next day, same numbers: the accepted one stays accepted; the resolved one is there again: reopened.
    copy_day(DAY, NEXT)
    over.refresh_from_db()
    under.refresh_from_db()
    assert over.status == "accepted" and under.status == "open"
    # The accepted one's numbers change: reopened with the change recorded.
    line = CWAgreementAddition.objects.get(snapshot_date=NEXT, organization=over.organization,
                                           product_identifier="MANAGED-WS")
    line.billed_quantity += 1
    line.save()
    V.reconcile_billing(NEXT)
    over.refresh_from_db()
    assert over.status == "open" and over.billed - over.measured == 3
    assert "Numbers changed" in over.events.get(action="reopened").notes
    with pytest.raises(A.ActionRefused):
        A.apply_action([under.id, 10**9], A.Action.RESOLVE, notes="", actor="ann")
    under.refresh_from_db()
    assert under.status == "open"  # all or nothing


def test_a_day_without_agreements_leaves_billing_variances_alone(collected):
    CWAgreementAddition.objects.filter(snapshot_date=DAY).delete()
    from billing.models import CWAgreement

    CWAgreement.objects.filter(snapshot_date=DAY).delete()
    V.reconcile_billing(DAY)
    assert BillingVariance.objects.filter(variance_type="UNDER_BILLED", status="open").exists()


def test_a_client_whose_data_is_missing_that_day_closes_nothing(collected):
    """NinjaOne not collected on the next day (no seats measured) and one tenant's Microsoft 365 day missing:
    their variances stay open instead of being resolved as gone."""
    from billing.measures import measure_day
    from inventory.models import Snapshot, Vendor

    copy_day(DAY, NEXT)
    Snapshot.objects.filter(snapshot_date=NEXT, vendor_id=Vendor.NINJA).delete()
    disabled = BillingVariance.objects.filter(variance_type="DISABLED_USER_LICENSED").first()
    M365User.objects.filter(snapshot_date=NEXT, organization=disabled.organization).delete()
    M365Sku.objects.filter(snapshot_date=NEXT, organization=disabled.organization).delete()
    measure_day(NEXT)
    V.reconcile_billing(NEXT)
    assert BillingVariance.objects.get(variance_type="UNDER_BILLED", subject="MANAGED-WS").status == "open"
    assert BillingVariance.objects.get(variance_type="OVER_BILLED", subject="MANAGED-WS").status == "open"
    disabled.refresh_from_db()
    assert disabled.status == "open"
    assert not BillingVariance.objects.filter(status="resolved").exists()


def test_the_tolerance_absorbs_a_difference(collected):
    from billing.models import BillingMapping

    BillingMapping.objects.filter(product_identifier__in=["MANAGED-WS", "M365-BP"]).update(tolerance=3)
    V.reconcile_billing(DAY)
    assert not BillingVariance.objects.filter(variance_type__in=["UNDER_BILLED", "OVER_BILLED"],
                                              status="open").exists()


def test_the_command_and_the_admin(collected, admin_client):
    from io import StringIO

    out = StringIO()
    call_command("measure_billing", "--date", DAY.isoformat(), stdout=out)
    assert "Billing variances of 2026-11-20: 0 found, 0 reopened, 0 resolved automatically" in out.getvalue()
    variance = BillingVariance.objects.get(variance_type="UNDER_BILLED", subject="MANAGED-WS")
    listing = admin_client.get("/admin/billing/billingvariance/?variance_type__exact=UNDER_BILLED")
    assert listing.status_code == 200 and variance.organization.name in listing.content.decode()
    page = admin_client.get(f"/admin/billing/billingvariance/{variance.id}/change/")
    assert page.status_code == 200 and "found" in page.content.decode()


def collect_failing(day):
    """The daily batch's four collectors for `day`, run even though one of them fails."""
    batch = runs.start_batch(["ninja", "threatlocker", "microsoft365", "connectwise_agreements"],
                             run_cross_vendor=False, snapshot_date=day, trigger="command", enqueue=False)
    for job in list(batch.jobs.order_by("id")):
        runs.run_job(job.job_id)
    batch.refresh_from_db()
    assert batch.status == RunStatus.FAILED, batch.message
    return batch


def change_the_map():
    """Staff change the map between the days (no re-reconciliation: .update()): MANAGED-WS gets a tolerance of 3
    (the planted under-billing of 3 and over-billing of 2 are gone on the next measured day) and MANAGED-SRV is
    compared with NinjaOne endpoints (an under-billing appears for each client with workstations)."""
    from billing.models import BillingMapping

    BillingMapping.objects.filter(product_identifier="MANAGED-WS").update(tolerance=3)
    BillingMapping.objects.filter(product_identifier="MANAGED-SRV").update(code="ninja_endpoints")


def test_a_revoked_tenant_stops_nothing_but_its_own_microsoft_365_variances(collected, m365, graph_data, tenants,
                                                                              caplog):
    """F16: one tenant's consent is revoked; the daily batch fails (its microsoft365 job), yet every other client
    is measured and reconciled (found, refreshed, closed as usual) and the revoked client's Microsoft 365
    variances are neither closed nor invented nor refreshed."""
    from billing.measures import unmeasured_sources
    from billing.models import MeasuredQuantity
    from billing.reports import billing_report, day_status

    revoked = next(t for tid, t in tenants.items() if graph_data.expected(tid)["disabled_licensed"])
    org = revoked.organization
    own_m365 = {v.id: (v.status, v.last_seen) for v in BillingVariance.objects.filter(
        organization=org, variance_type__in=["UNUSED_LICENCES", "DISABLED_USER_LICENSED"])}
    assert own_m365
    others_m365 = set(BillingVariance.objects.filter(variance_type__in=["UNUSED_LICENCES", "DISABLED_USER_LICENSED"])
                      .exclude(organization=org).values_list("id", flat=True))
    assert others_m365
    change_the_map()
    m365.revoke(revoked.tenant_id, "consent")
    with caplog.at_level("WARNING", logger="billing.measures"):
        batch = collect_failing(NEXT)
    job = batch.jobs.get(name="microsoft365")
    assert job.status == RunStatus.FAILED and org.name in job.message  # the failed job ends failed, named
    assert org.name in caplog.text and "did not measure" in caplog.text
    # Measured: everything but the revoked client's Microsoft 365 quantities.
    codes = set(MeasuredQuantity.objects.filter(snapshot_date=NEXT, organization=org).values_list("code", flat=True))
    assert "ninja_seats" in codes and not {c for c in codes if c.startswith("m365")}
    assert [(m.source, org.name in m.detail) for m in unmeasured_sources(NEXT)] == [("m365", True)]
    # Closed as usual: the planted under- and over-billing are within the new tolerance.
    assert set(BillingVariance.objects.filter(variance_type__in=["UNDER_BILLED", "OVER_BILLED"],
                                              subject="MANAGED-WS").values_list("status", "resolution")) == {
        ("resolved", "auto")}
    # Found as usual: servers now compared with endpoints.
    new = BillingVariance.objects.filter(subject="MANAGED-SRV", date_found=NEXT, status="open")
    assert new.exists() and set(new.values_list("code", flat=True)) == {"ninja_endpoints"}
    # Refreshed as usual: the other clients' Microsoft 365 variances were seen on NEXT.
    assert set(BillingVariance.objects.filter(id__in=others_m365).values_list("status", "last_seen")) == {
        ("open", NEXT)}
    # The revoked client's: untouched, and nothing of its Microsoft 365 invented on NEXT.
    assert {v.id: (v.status, v.last_seen) for v in BillingVariance.objects.filter(id__in=own_m365)} == own_m365
    assert not BillingVariance.objects.filter(organization=org, date_found=NEXT).exclude(
        subject="MANAGED-SRV").exists()
    assert not BillingVariance.objects.filter(organization=org, code__startswith="m365", date_found=NEXT).exists()
    # The report of NEXT still lists them (open, as last seen) and says what was not measured.
    listed = {v["id"] for c in billing_report(NEXT)["clients"] for v in c["variances"]}
    assert set(own_m365) <= listed
    assert any(org.name in str(line) for line in day_status(NEXT)["unmeasured"])
    # So does the API, with the failed collection's message.
    from billing.api.serializers import BillingUnmeasuredSerializer

    [source] = BillingUnmeasuredSerializer(day_status(NEXT)["unmeasured"], many=True).data
    assert source["source"] == "m365" and org.name in source["detail"] and org.name in source["reason"]


def test_a_failed_ninja_job_closes_and_invents_nothing_from_ninja(collected, monkeypatch):
    """F16: NinjaOne fails on NEXT (its previous day is kept): no NinjaOne measures that day, so no variance on a
    NinjaOne code is closed (they would, measured, under the new tolerance), refreshed or invented (0 seats would
    make every client over-billed); the other sources are reconciled."""
    from billing.models import MeasuredQuantity

    ninja_open = {v.id: v.last_seen for v in BillingVariance.objects.filter(code__startswith="ninja_",
                                                                             status="open")}
    assert ninja_open
    change_the_map()
    monkeypatch.setattr("collectors.ninja_collector.run", lambda context: 1 / 0)
    collect_failing(NEXT)
    assert not MeasuredQuantity.objects.filter(snapshot_date=NEXT, code__startswith="ninja_").exists()
    assert MeasuredQuantity.objects.filter(snapshot_date=NEXT, code="threatlocker_devices").exists()
    rows = BillingVariance.objects.filter(id__in=ninja_open)
    assert {v.id: (v.status, v.last_seen) for v in rows} == {i: ("open", DAY) for i in ninja_open}
    assert not BillingVariance.objects.filter(date_found=NEXT).exists()
    assert not BillingVariance.objects.filter(status="resolved").exists()
    # The Microsoft 365 kinds were reconciled on NEXT.
    assert BillingVariance.objects.filter(variance_type="DISABLED_USER_LICENSED", last_seen=NEXT).exists()


def test_a_map_rule_saved_or_deleted_in_the_admin_re_reconciles_the_latest_day(
        collected, admin_client, django_capture_on_commit_callbacks):
    """F19: an override added in the admin (MANAGED-WS measured as NinjaOne endpoints for the over-billed client):
    the report (live map) and the stored variances agree at once, without a new batch; deleting it puts both
    back."""
    from billing.models import BillingMapping, MeasuredQuantity
    from billing.reports import billing_report

    over = BillingVariance.objects.get(variance_type="OVER_BILLED", subject="MANAGED-WS")
    org = over.organization
    endpoints = MeasuredQuantity.objects.get(snapshot_date=DAY, organization=org, code="ninja_endpoints").quantity
    assert endpoints > over.billed  # measured as endpoints, the client is under-billed

    def stored_and_reported():
        client = next(c for c in billing_report(DAY)["clients"] if c["organization_id"] == org.id)
        line = next(p for p in client["products"] if p["product"] == "MANAGED-WS")
        open_ws = {(v.variance_type, v.code, v.measured) for v in BillingVariance.objects.filter(
            organization=org, subject="MANAGED-WS", status__in=["open", "accepted"])}
        return (line["code"], line["measured"]), open_ws

    with django_capture_on_commit_callbacks(execute=True):
        answer = admin_client.post("/admin/billing/billingmapping/add/", {
            "product_identifier": "MANAGED-WS", "code": "ninja_endpoints", "organization": org.id,
            "tolerance": "0", "active": "on"})
    assert answer.status_code == 302
    assert stored_and_reported() == (("ninja_endpoints", endpoints),
                                     {("UNDER_BILLED", "ninja_endpoints", Decimal(endpoints))})
    over.refresh_from_db()
    assert (over.status, over.resolution) == ("resolved", "auto")
    rule = BillingMapping.objects.get(organization=org)
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.post(f"/admin/billing/billingmapping/{rule.id}/delete/", {"post": "yes"}).status_code \
            == 302
    line, open_ws = stored_and_reported()
    assert line[0] == "ninja_seats" and open_ws == {("OVER_BILLED", "ninja_seats", line[1])}
