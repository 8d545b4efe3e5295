"""The ConnectWise agreements collector (`connectwise_agreements`): active agreements and their additions, daily.

Through the one ConnectWise client (`collectors.clients.connectwise`, the QBR collector's, same settings):

1. `GET finance/agreements/count?conditions=agreementStatus="Active"`, then every page of
   `GET finance/agreements?conditions=agreementStatus="Active"`; the rows read must equal the count (else the
   listing changed under us or a page came back short: `IncompleteDay`);
2. per agreement, every page of `GET finance/agreements/{id}/additions?conditions=cancelledDate=null`.

Each agreement's company maps onto an organization like the other vendors' organizations (a known ConnectWise
company id, else the name or an alias; `inventory.org_matching`), but an unmatched company creates nothing:
ConnectWise also lists prospects and suppliers, so its rows are kept with no organization and the company's name
(staff add an alias and the next run maps it). An agreement flagged cancelled and an addition whose
`cancelledDate` is on or before the day are left out even if the server returns them.

The day is accepted only when the whole fetch succeeded and neither the agreements nor the additions fell more
than COLLECTORS_MAX_DROP_PERCENT below the previous stored day (unless the run confirms the drop); then, after a
checkpoint, the day's rows replace the stored day in one transaction (billing/agreements/writer.py). A failure
anywhere writes nothing, so the previous days stay as they were.
"""
import logging

from billing.agreements import mapping
from billing.agreements.writer import VENDOR, check_day, write_day
from collectors.clients.base import VendorError
from collectors.clients.connectwise import ConnectWiseClient
from collectors.completeness import IncompleteDay, incomplete_message
from collectors.context import RunContext
from inventory.models import Vendor
from inventory.org_matching import OrganizationResolver

log = logging.getLogger(__name__)
ACTIVE = 'agreementStatus="Active"'
NOT_CANCELLED = "cancelledDate=null"


def fetch(client: ConnectWiseClient, ctx: RunContext) -> tuple[list[tuple], list[tuple], dict]:
    """(agreement rows, addition rows, counts) for the context's day; writes nothing but company mappings."""
    day = ctx.snapshot_date
    ctx.progress(2, "ConnectWise: counting active agreements")
    expected = client.count("finance/agreements", ACTIVE, call="GET finance/agreements/count (active)")
    listed: dict[int, dict] = {}
    for page in client.agreement_pages(ACTIVE, call="GET finance/agreements (active)"):
        for agreement in page:
            agreement_id = mapping.integer(agreement.get("id"))
            if agreement_id is None:
                raise VendorError(VENDOR, "GET finance/agreements", "malformed answer: an agreement has no id")
            listed[agreement_id] = agreement
        ctx.progress(5, f"ConnectWise: {len(listed)} of {expected} agreements read")
    reason = incomplete_message(f"{VENDOR} agreements", "active agreements", len(listed), expected)
    if reason:
        raise IncompleteDay(VENDOR, reason)

    resolver = OrganizationResolver(Vendor.CONNECTWISE)
    organizations: dict[tuple, int | None] = {}
    agreements, additions = [], []
    skipped_agreements = cancelled = unmapped = 0
    for index, agreement in enumerate(listed.values()):
        if not mapping.agreement_active(agreement):
            skipped_agreements += 1
            continue
        values = mapping.agreement_values(agreement)
        company_id, _, company_name = values[:3]
        key = (company_id, company_name)
        if key not in organizations:
            organizations[key] = resolver.resolve(company_id, company_name, create=False)
            unmapped += organizations[key] is None
        organization_id = organizations[key]
        agreements.append((organization_id, *values))
        agreement_id = values[3]
        seen = set()
        for page in client.addition_pages(agreement_id, NOT_CANCELLED,
                                          call=f"GET finance/agreements/{agreement_id}/additions"):
            for addition in page:
                if not mapping.addition_current(addition, day):
                    cancelled += 1
                    continue
                row = mapping.addition_values(addition, agreement_id)
                if row[1] is None:
                    raise VendorError(VENDOR, f"GET finance/agreements/{agreement_id}/additions",
                                      "malformed answer: an addition has no id")
                if row[1] not in seen:
                    seen.add(row[1])
                    additions.append((organization_id, company_id, company_name, *row))
        ctx.progress(8 + 80 * (index + 1) / len(listed),
                     f"ConnectWise: additions of {index + 1} of {len(listed)} agreements ({len(additions)} read)")
    counts = {"agreements": len(agreements), "additions": len(additions), "companies": len(organizations),
              "companies_unmapped": unmapped, "agreements_skipped": skipped_agreements,
              "additions_cancelled": cancelled}
    return agreements, additions, counts


def run(ctx: RunContext) -> dict:
    """Registered as `connectwise_agreements`: the day's active agreements and additions, or nothing."""
    client = ConnectWiseClient(sleep=ctx.sleep)
    try:
        agreements, additions, counts = fetch(client, ctx)
    finally:
        client.close()
    check_day(ctx.snapshot_date, len(agreements), len(additions), confirm_drop=ctx.confirm_drop)
    ctx.checkpoint(92, f"ConnectWise: writing {len(agreements)} agreements for {ctx.snapshot_date}")
    counts.update(write_day(ctx.snapshot_date, agreements, additions))
    counts["http_calls"] = client.calls
    counts["summary"] = (
        f"ConnectWise agreements {ctx.snapshot_date}: {counts['agreements']} active agreements, "
        f"{counts['additions']} additions, {counts['companies']} companies"
        + (f" ({counts['companies_unmapped']} not mapped to an organization)" if counts["companies_unmapped"] else ""))
    log.info(counts["summary"])
    return counts
