"""The Microsoft 365 collector (`microsoft365`): per client tenant, subscribed SKUs and users, one day each.

For every enabled `M365Tenant` (organization by organization): a client-credentials token for that tenant,
`subscribedSkus`, then every page of `users`. A tenant's day is accepted only when its whole fetch succeeded
(every `@odata.nextLink` followed) and its user count did not fall more than COLLECTORS_MAX_DROP_PERCENT below
its previous day (unless the run confirms the drop); accepted days are then written, each tenant's in its own
transaction (billing/m365/writer.py).

A tenant that fails (consent revoked: the token or Graph answers 400/401/403; retries exhausted; a refused day)
fails ITS part: nothing of it is written, so its previous days stay, and the other tenants' days are stored.
The job then ends `failed` (the run vocabulary has no "partial") with a message naming each failed client and
saying how many tenants were stored.
"""
import logging

from billing.m365 import mapping
from billing.m365.graph_client import GraphClient
from billing.m365.writer import check_day, write_tenant_day
from billing.models import M365Tenant
from collectors.clients.base import VendorError
from collectors.completeness import SuddenDrop
from collectors.context import JobAborted, RunContext
from collectors.prefetch import prefetched

log = logging.getLogger(__name__)
VENDOR = "Microsoft 365"


class TenantsFailed(VendorError):
    """Some tenants failed; the others' days were stored."""

    def __init__(self, message: str):
        self.vendor, self.call, self.cause, self.status = VENDOR, "collection", message, None
        Exception.__init__(self, message)


def tenant_label(tenant: M365Tenant) -> str:
    return f"{tenant.organization.name} (tenant {tenant.tenant_id})"


def fetch_tenant(client: GraphClient, *, on_page=lambda users: None, beat=lambda: None) -> tuple[list, list]:
    """(SKU rows, user rows) of one tenant, mapped (mapping.SKU_FIELDS / USER_FIELDS order); no database."""
    skus = client.subscribed_skus()
    plans = mapping.mailbox_plans(skus)
    sku_rows = {}
    for sku in skus:
        row = mapping.sku_values(sku)
        sku_rows[row[0]] = row
    users: dict[str, tuple] = {}
    for page in prefetched(client.user_pages(), on_wait=beat):
        for user in page:
            row = mapping.user_values(user, plans)
            if not row[0]:
                raise VendorError(VENDOR, "GET /v1.0/users", "malformed answer: a user has no id")
            users[row[0]] = row
        on_page(len(users))
    return list(sku_rows.values()), list(users.values())


def failure_message(failures: list[str], stored: int, total: int) -> str:
    kept = "its previous days are kept" if len(failures) == 1 else "their previous days are kept"
    return (f"Microsoft 365: {len(failures)} of {total} tenants failed ({kept}): " + "; ".join(failures)
            + f". The other {stored} tenants' days were stored.")


def run(ctx: RunContext) -> dict:
    tenants = list(M365Tenant.objects.filter(enabled=True).select_related("organization")
                   .order_by("organization__name", "id"))
    if not tenants:
        return {"tenants": 0, "tenants_failed": 0, "skus": 0, "users": 0, "http_calls": 0,
                "summary": "Microsoft 365: no enabled tenant (add tenant ids to organizations in the admin)"}
    probe = GraphClient(tenants[0].tenant_id)  # a bad URL or page size fails the job once, not per tenant
    missing = [name for name, given in (("ESINV_M365_CLIENT_ID", probe._client_id),
                                        ("ESINV_M365_CLIENT_SECRET", probe._client_secret)) if not given]
    if missing:
        raise VendorError(VENDOR, "authentication", f"{', '.join(missing)} not set")
    probe.close()

    fetched, failures, calls, drops = [], [], 0, 0
    total = len(tenants)
    for index, tenant in enumerate(tenants):
        label = tenant_label(tenant)
        base = 2 + 88 * index / total
        ctx.progress(base, f"Microsoft 365: {tenant.organization.name} ({index + 1} of {total})")
        client = GraphClient(tenant.tenant_id, sleep=ctx.sleep)
        try:
            skus, users = fetch_tenant(
                client, beat=ctx.beat,
                on_page=lambda n, name=tenant.organization.name, base=base: ctx.progress(
                    base, f"Microsoft 365: {name}: {n} users read"))
            check_day(label, tenant.organization_id, ctx.snapshot_date, len(users), confirm_drop=ctx.confirm_drop)
            fetched.append((tenant, skus, users))
        except JobAborted:
            raise
        except VendorError as exc:
            log.warning("Microsoft 365 tenant %s failed: %s", label, exc)
            failures.append(f"{label}: {exc}")
            drops += isinstance(exc, SuddenDrop)
        except Exception as exc:  # one tenant's surprise must not lose the others' days
            log.exception("Microsoft 365 tenant %s crashed", label)
            failures.append(f"{label}: {exc.__class__.__name__}: {exc}")
        finally:
            calls += client.calls
            client.close()

    ctx.checkpoint(92, f"Microsoft 365: writing {len(fetched)} tenants for {ctx.snapshot_date}")
    skus_written = users_written = 0
    for tenant, skus, users in fetched:
        written = write_tenant_day(tenant.organization_id, ctx.snapshot_date, skus, users)
        skus_written += written["skus"]
        users_written += written["users"]
    if failures and drops == len(failures):
        # Only sudden drops: a SuddenDrop, so the overview and the admin offer the re-run accepting the drop.
        raise SuddenDrop(VENDOR, failure_message(failures, len(fetched), total))
    if failures:
        raise TenantsFailed(failure_message(failures, len(fetched), total))
    summary = (f"Microsoft 365 {ctx.snapshot_date}: {total} tenants, {users_written} users, "
               f"{skus_written} subscribed SKUs")
    log.info(summary)
    return {"tenants": total, "tenants_failed": 0, "skus": skus_written, "users": users_written,
            "http_calls": calls, "summary": summary}
