"""The billing map: which measured quantity each ConnectWise product identifier bills for (docs/billing.md).

Plain functions: the validation of a rule, the rules that apply to a client (`mapping_for`: a client's override
beats the MSP-wide rule), the "not mapped" report (billable products of the latest agreements day with no rule,
measured quantities no rule uses) and the MSP-wide defaults for the simulator's products (`seed_defaults`).
"""
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max, Q, Sum

from billing.measures import (
    M365_USERS,
    NINJA_SEATS,
    NINJA_SERVERS,
    THREATLOCKER_DEVICES,
    is_known_code,
)
from billing.models import BillCustomer, BillingMapping, CWAgreementAddition, MeasuredQuantity

# MSP-wide defaults for the products the simulator bills (collectors/simulators/connectwise.py, PRODUCTS).
# ONBOARDING is a no-charge line: nothing to measure, so it has no rule and shows in no report.
DEFAULT_MAP = {
    "MANAGED-WS": (NINJA_SEATS, "Managed workstation (per seat): NinjaOne seats."),
    "MANAGED-SRV": (NINJA_SERVERS, "Managed server: NinjaOne billable servers."),
    "THREATLOCKER": (THREATLOCKER_DEVICES, "ThreatLocker allowlisting (per device)."),
    "BACKUP-M365": (M365_USERS, "Microsoft 365 backup (per user): the client's Microsoft 365 users."),
}


def mapping_problems(rule: BillingMapping) -> dict[str, list[str]]:
    """Field -> problems of a rule (empty when valid): a known code, one MSP-wide rule per product, one override
    per client and product (products compared ignoring case)."""
    problems: dict[str, list[str]] = {}
    identifier = (rule.product_identifier or "").strip()
    if not identifier:
        problems["product_identifier"] = ["Enter the product identifier as ConnectWise shows it."]
    elif "\x00" in identifier:
        problems["product_identifier"] = ["The product identifier contains a NUL byte."]
    if not is_known_code((rule.code or "").strip()):
        problems["code"] = [f"Unknown measured quantity {rule.code!r}: use ninja_seats, ninja_endpoints, "
                            "ninja_servers, threatlocker_devices, m365_users or m365_sku:<SKU part number>."]
    if identifier and "product_identifier" not in problems:
        same = BillingMapping.objects.filter(product_identifier__iexact=identifier,
                                             organization_id=rule.organization_id)
        if rule.pk:
            same = same.exclude(pk=rule.pk)
        if same.exists():
            scope = "an MSP-wide rule" if rule.organization_id is None else "an override for this client"
            problems["product_identifier"] = [f"{identifier} already has {scope}."]
    return problems


def mapping_for(organization_id: int) -> dict[str, tuple[str, Decimal]]:
    """{product identifier: (code, tolerance)} of the active rules that apply to a client: its overrides, else
    the MSP-wide rules. Product identifiers as the rules spell them; match them ignoring case (`rule_for`)."""
    rules = BillingMapping.objects.filter(Q(organization_id=organization_id) | Q(organization__isnull=True),
                                          active=True)
    return merge_rules(rules)


def merge_rules(rules) -> dict[str, tuple[str, Decimal]]:
    """One client's map from its active rules (MSP-wide and its own): the client's overrides replace the MSP-wide
    rule of the same product (ignoring case)."""
    found: dict[str, tuple[str, Decimal]] = {}
    seen: dict[str, str] = {}
    for rule in sorted(rules, key=lambda r: r.organization_id is not None):
        key = rule.product_identifier.casefold()
        if key in seen:
            found.pop(seen[key])
        seen[key] = rule.product_identifier
        found[rule.product_identifier] = (rule.code, rule.tolerance)
    return found


def mappings_for(organization_ids) -> dict[int, dict[str, tuple[str, Decimal]]]:
    """`mapping_for` of many clients in one query."""
    ids = set(organization_ids)
    rules = list(BillingMapping.objects.filter(Q(organization_id__in=ids) | Q(organization__isnull=True),
                                               active=True))
    wide = [r for r in rules if r.organization_id is None]
    own: dict[int, list] = {}
    for rule in rules:
        if rule.organization_id is not None:
            own.setdefault(rule.organization_id, []).append(rule)
    return {org: merge_rules(wide + own.get(org, [])) for org in ids}


def rule_for(mapping: dict[str, tuple[str, Decimal]], product_identifier: str) -> tuple[str, Decimal] | None:
    wanted = (product_identifier or "").casefold()
    return next((value for key, value in mapping.items() if key.casefold() == wanted), None)


@dataclass(frozen=True)
class UnmappedProduct:
    organization_id: int | None
    organization_name: str
    company_name: str
    product_identifier: str
    billed_quantity: Decimal


@dataclass(frozen=True)
class UnusedCode:
    organization_id: int
    organization_name: str
    code: str
    quantity: int


@dataclass
class NotMapped:
    agreements_day: object = None
    measures_day: object = None
    products: list = None
    codes: list = None


def latest_day(model):
    return model.objects.aggregate(d=Max("snapshot_date"))["d"]


def not_mapped(agreements_day=None, measures_day=None) -> NotMapped:
    """What the map leaves out, so nothing is skipped silently:

    - billable products (billed quantity > 0) of the latest (or given) agreements day with no active rule for
      their client, unmapped companies included (no client, so no rule can apply);
    - measured quantities (> 0) of the latest (or given) measures day that no active rule for their client uses.
    """
    agreements_day = agreements_day or latest_day(CWAgreementAddition)
    measures_day = measures_day or latest_day(MeasuredQuantity)
    maps: dict[int, dict] = {}

    def rules(org_id):
        if org_id not in maps:
            maps[org_id] = mapping_for(org_id)
        return maps[org_id]

    products = []
    if agreements_day:
        billed = (CWAgreementAddition.objects.filter(snapshot_date=agreements_day,
                                                     bill_customer=BillCustomer.BILLABLE, billed_quantity__gt=0)
                  .values("organization_id", "organization__name", "company_name", "product_identifier")
                  .annotate(n=Sum("billed_quantity")).order_by("organization__name", "company_name",
                                                               "product_identifier"))
        for row in billed:
            org_id = row["organization_id"]
            if org_id is not None and rule_for(rules(org_id), row["product_identifier"]):
                continue
            products.append(UnmappedProduct(org_id, row["organization__name"] or "", row["company_name"],
                                            row["product_identifier"], row["n"]))
    codes = []
    if measures_day:
        measured = MeasuredQuantity.objects.filter(snapshot_date=measures_day, quantity__gt=0).values_list(
            "organization_id", "organization__name", "code", "quantity").order_by("organization__name", "code")
        for org_id, name, code, quantity in measured:
            if code not in {c for c, _ in rules(org_id).values()}:
                codes.append(UnusedCode(org_id, name, code, quantity))
    return NotMapped(agreements_day, measures_day, products, codes)


def rules_changed() -> None:
    """Call after saving or deleting billing map rules (the admin does; so does `seed_defaults`): once the
    transaction commits, the latest measured day is reconciled again (`measures.reconcile_latest_day`, well under
    a second for 1,000 clients per bench/billing_reconcile.py), so the report (which reads the live map) and the
    stored variances agree at once instead of at the next batch."""
    from django.db import transaction

    from billing.measures import reconcile_latest_day

    transaction.on_commit(reconcile_latest_day)


def seed_defaults(*, user=None) -> tuple[list[str], list[str]]:
    """Create the MSP-wide defaults (DEFAULT_MAP) that have no MSP-wide rule yet; (created, kept) identifiers.
    An existing rule is never changed."""
    created, kept = [], []
    for identifier, (code, notes) in DEFAULT_MAP.items():
        if BillingMapping.objects.filter(organization__isnull=True, product_identifier__iexact=identifier).exists():
            kept.append(identifier)
            continue
        BillingMapping.objects.create(product_identifier=identifier, code=code, notes=notes, updated_by=user)
        created.append(identifier)
    if created:
        rules_changed()
    return created, kept
