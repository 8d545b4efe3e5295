"""The ThreatLocker collector: child organizations and computers."""
from django.conf import settings

from collectors.clients.base import VendorError
from collectors.clients.threatlocker import ListingChanged, ListingShort, ThreatLockerClient
from collectors.completeness import IncompleteDay, incomplete_message
from collectors.context import RunContext
from collectors.mapping import storable, threatlocker_row
from collectors.prefetch import prefetched
from collectors.writer import collect_day
from inventory.models import Vendor
from inventory.org_matching import OrganizationResolver


def fetch_rows(client: ThreatLockerClient, ctx: RunContext) -> tuple[list[dict], dict]:
    ctx.progress(2, "ThreatLocker: reading organizations")
    resolver = OrganizationResolver(Vendor.THREATLOCKER)
    our_org: dict[tuple[str, str], int | None] = {}

    def resolve(vendor_org_id, name):
        key = (str(vendor_org_id or ""), name)
        if key not in our_org:
            our_org[key] = resolver.resolve(vendor_org_id or None, name)
        return our_org[key]

    children = client.child_organizations()
    for org in children:
        resolve(storable(org.get("organizationId")), storable(org.get("displayName") or org.get("name")))

    restarts = 0
    while True:
        rows: dict[str, dict] = {}
        skipped = 0
        try:
            for page in prefetched(client.computer_pages(), on_wait=ctx.beat):
                total = page[0].get("totalRows") if isinstance(page[0], dict) else None
                for computer in page:
                    if not isinstance(computer, dict) or computer.get("isDeleted"):
                        skipped += 1
                        continue
                    organization_id = resolve(storable(computer.get("organizationId")),
                                              storable(computer.get("organization")))
                    row = threatlocker_row(computer, organization_id=organization_id)
                    if row is None:
                        skipped += 1
                        continue
                    rows[row["vendor_device_id"]] = row
                done = len(rows) + skipped
                percent = 5 + 80 * min(1.0, done / total) if total else 5 + 80 * (1 - 1 / (1 + done / 1000))
                ctx.progress(percent, f"ThreatLocker: {len(rows)} computers read" + (f" of {total}" if total else ""))
            break
        except ListingChanged as exc:
            restarts += 1
            if restarts > settings.THREATLOCKER_MAX_RESTARTS and isinstance(exc, ListingShort):
                raise IncompleteDay(client.vendor, incomplete_message(
                    client.vendor, "computers", exc.read, exc.total) + f" (read {restarts} times)") from None
            if restarts > settings.THREATLOCKER_MAX_RESTARTS:
                raise VendorError(
                    client.vendor, "POST Computer/ComputerGetByAllParameters",
                    f"the computer listing kept changing while it was paged ({exc}); gave up after {restarts} tries",
                ) from None
            ctx.progress(5, f"ThreatLocker: listing changed while paging ({exc}); starting over", force=True)
    counts = {"organizations": len(children), "devices": len(rows), "skipped": skipped, "listing_restarts": restarts}
    return list(rows.values()), counts


def run(ctx: RunContext) -> dict:
    return collect_day(ctx, ThreatLockerClient(sleep=ctx.sleep), fetch_rows, Vendor.THREATLOCKER, "computers")
