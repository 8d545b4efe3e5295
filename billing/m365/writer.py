"""Writing one client's Microsoft 365 day: the tenant's SKUs and users for the date replaced in one transaction.

Called only once the tenant's whole fetch succeeded and passed `check_day`, so a failed or refused tenant never
reaches it and its previous rows stay; re-running a day replaces it (idempotent). Rows go through the one
bulk-insert helper (`esinv.bulk.insert_rows`).
"""
from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import Max

from billing.m365.mapping import SKU_FIELDS, USER_FIELDS
from billing.models import M365Sku, M365User
from collectors.completeness import SuddenDrop, drop_message
from esinv.bulk import insert_rows, prepared


def latest_day() -> date | None:
    """The latest day any client's Microsoft 365 snapshot was stored (the collector status reports it)."""
    return M365Sku.objects.aggregate(last=Max("snapshot_date"))["last"]


def previous_day(organization_id: int, day: date) -> tuple[date | None, int]:
    """(the client's latest stored day before `day`, its user count)."""
    before = M365User.objects.filter(organization_id=organization_id, snapshot_date__lt=day).aggregate(
        last=Max("snapshot_date"))["last"]
    if before is None:
        return None, 0
    return before, M365User.objects.filter(organization_id=organization_id, snapshot_date=before).count()


def check_day(label: str, organization_id: int, day: date, users: int, *, confirm_drop: bool = False):
    """Refuse a day whose user count fell more than COLLECTORS_MAX_DROP_PERCENT below the previous day's."""
    if confirm_drop:
        return
    before, count = previous_day(organization_id, day)
    reason = drop_message(f"Microsoft 365 ({label})", "users", users, count, before,
                          settings.COLLECTORS_MAX_DROP_PERCENT)
    if reason:
        raise SuddenDrop("Microsoft 365", reason)


def write_tenant_day(organization_id: int, day: date, skus: list[tuple], users: list[tuple]) -> dict:
    """Replace the client's SKUs and users of `day` with these rows (values in SKU_FIELDS / USER_FIELDS order)."""
    with transaction.atomic():
        M365Sku.objects.filter(organization_id=organization_id, snapshot_date=day).delete()
        M365User.objects.filter(organization_id=organization_id, snapshot_date=day).delete()
        head = (prepared(M365Sku, "snapshot_date", day), organization_id)
        insert_rows(M365Sku, ("snapshot_date", "organization", *SKU_FIELDS), (head + row for row in skus),
                    adapted=(0,))
        insert_rows(M365User, ("snapshot_date", "organization", *USER_FIELDS), (head + row for row in users),
                    adapted=(0,))
    return {"skus": len(skus), "users": len(users)}
