"""Graph rows -> Microsoft 365 snapshot values (plain functions, no HTTP, no database).

Mailbox rule (docs/vendors.md): a user has a mailbox when `mail` is set AND one of its assigned licences
carries an Exchange Online mailbox plan that is not in the assignment's `disabledPlans`. Which plans of a SKU
are mailbox plans is read from the tenant's own `subscribedSkus[].servicePlans` (`servicePlanName`
EXCHANGE_S_* or EXCHANGE_B_*, except EXCHANGE_S_FOUNDATION, which many non-mail SKUs carry and gives no
mailbox). A licence of a SKU the tenant no longer lists gives no mailbox.
"""
from collectors.mapping import storable

SKU_FIELDS = ("sku_id", "sku_part_number", "capability_status", "prepaid_enabled", "prepaid_suspended",
              "prepaid_warning", "consumed_units")
USER_FIELDS = ("user_id", "user_principal_name", "display_name", "user_type", "account_enabled", "has_mailbox",
               "assigned_sku_ids")
LENGTHS = {"sku_id": 36, "sku_part_number": 200, "capability_status": 20, "user_id": 36,
           "user_principal_name": 255, "display_name": 256, "user_type": 20}
NOT_MAILBOX_PLANS = frozenset({"EXCHANGE_S_FOUNDATION"})


def text(value, field: str) -> str:
    return storable(value)[: LENGTHS[field]] if value not in (None, "") else ""


def units(value) -> int:
    """A licence count (Graph sends integers; anything else counts as 0)."""
    if isinstance(value, bool):
        return 0
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return 0


def is_mailbox_plan(plan_name: str) -> bool:
    name = str(plan_name or "").upper()
    return name.startswith(("EXCHANGE_S_", "EXCHANGE_B_")) and name not in NOT_MAILBOX_PLANS


def mailbox_plans(skus: list[dict]) -> dict[str, set[str]]:
    """{skuId (lower case): ids of its Exchange mailbox service plans} from a tenant's subscribedSkus."""
    plans: dict[str, set[str]] = {}
    for sku in skus:
        ids = {str(plan.get("servicePlanId") or "").lower() for plan in sku.get("servicePlans") or []
               if isinstance(plan, dict) and is_mailbox_plan(plan.get("servicePlanName"))}
        plans[str(sku.get("skuId") or "").lower()] = ids - {""}
    return plans


def has_mailbox(user: dict, plans: dict[str, set[str]]) -> bool:
    if not user.get("mail"):
        return False
    for licence in user.get("assignedLicenses") or []:
        if not isinstance(licence, dict):
            continue
        disabled = {str(p).lower() for p in licence.get("disabledPlans") or []}
        if plans.get(str(licence.get("skuId") or "").lower(), set()) - disabled:
            return True
    return False


def sku_values(sku: dict) -> tuple:
    prepaid = sku.get("prepaidUnits") if isinstance(sku.get("prepaidUnits"), dict) else {}
    return (
        # The part number as Microsoft writes it (spaces, `/`, `(` ... kept; only the ends stripped).
        text(str(sku.get("skuId") or "").lower(), "sku_id"), text(sku.get("skuPartNumber"), "sku_part_number").strip(),
        text(sku.get("capabilityStatus"), "capability_status"), units(prepaid.get("enabled")),
        units(prepaid.get("suspended")), units(prepaid.get("warning")), units(sku.get("consumedUnits")),
    )


def user_values(user: dict, plans: dict[str, set[str]]) -> tuple:
    enabled = user.get("accountEnabled")
    skus = sorted({str(lic.get("skuId")).lower() for lic in user.get("assignedLicenses") or []
                   if isinstance(lic, dict) and lic.get("skuId")})
    return (
        text(str(user.get("id") or "").lower(), "user_id"), text(user.get("userPrincipalName"), "user_principal_name"),
        text(user.get("displayName"), "display_name"), text(user.get("userType"), "user_type"),
        enabled if isinstance(enabled, bool) else None, has_mailbox(user, plans), skus,
    )
