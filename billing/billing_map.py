"""The billing map: which measured quantity each ConnectWise product identifier bills for (docs/billing.md).

Plain functions: the validation of a rule, the rules that apply to a client (`mapping_for`: a client's override
beats the MSP-wide rule), the "not mapped" report (billable products of the latest agreements day with no rule,
measured quantities no rule uses) and the MSP-wide defaults for the simulator's products (`seed_defaults`).
"""
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max, Q, Sum

from billing.billed import unknown_cycle
from billing.measures import (
    M365_SKU_PREFIX,
    M365_USERS,
    NINJA_SEATS,
    NINJA_SERVERS,
    THREATLOCKER_DEVICES,
    is_known_code,
    sku_part,
    split_sku_code,
)
from billing.models import BillCustomer, BillingMapping, CWAgreement, CWAgreementAddition, M365Sku, MeasuredQuantity

# MSP-wide defaults for the products the simulator bills (collectors/simulators/connectwise.py, PRODUCTS).
# ONBOARDING is a no-charge line: nothing to measure, so it has no rule and shows in no report.
DEFAULT_MAP = {
    "MANAGED-WS": (NINJA_SEATS, "Managed workstation (per seat): NinjaOne seats."),
    "MANAGED-SRV": (NINJA_SERVERS, "Managed server: NinjaOne billable servers."),
    "THREATLOCKER": (THREATLOCKER_DEVICES, "ThreatLocker allowlisting (per device)."),
    "BACKUP-M365": (M365_USERS, "Microsoft 365 backup (per user): the client's Microsoft 365 users."),
    # A licence resold through CSP is billed for what the MSP buys: compared with the licences BOUGHT; the bought
    # but unassigned ones are UNUSED_LICENCES (their cost), never also an over-billing.
    "M365-BP": (f"{M365_SKU_PREFIX}SPB", "Microsoft 365 Business Premium (per licence): licences of SPB bought."),
}


def known_part_numbers() -> set[str]:
    """SKU part numbers as Microsoft writes them: the product-name tables' and the latest Microsoft 365 day's."""
    from billing.m365.sku_names import product_names

    day = latest_day(M365Sku)
    seen = M365Sku.objects.filter(snapshot_date=day).values_list("sku_part_number", flat=True) if day else []
    return set(product_names()) | set(seen)


def case_matches(part: str, known: set[str]) -> list[str]:
    """The known part numbers that differ from `part` only in case (part numbers are matched exactly)."""
    wanted = part.casefold()
    return sorted(k for k in known if k != part and k.casefold() == wanted)


def normalise_code(code: str, known: set[str] | None = None) -> str:
    """A SKU code whose part number differs only in case from exactly one known part number, in that spelling
    (`m365_sku:spb` -> `m365_sku:SPB`: Graph reports `SPB`, and codes match exactly); any other code as it is."""
    split = split_sku_code(code or "")
    if split is None:
        return code
    prefix, part = split
    known = known_part_numbers() if known is None else known
    if part in known:
        return code
    matches = case_matches(part, known)
    return f"{prefix}{matches[0]}" if len(matches) == 1 else code


def code_warnings(code: str) -> list[str]:
    """What to tell staff about a valid code without refusing it: a SKU part number that neither the product-name
    tables nor the latest Microsoft 365 day knows (a typo matches nothing; a SKU no tenant holds yet is fine)."""
    split = split_sku_code(code or "")
    if split is None or split[1] in known_part_numbers():
        return []
    return [f"SKU part number {split[1]!r} is in neither Microsoft's product-names table nor any tenant's latest "
            "day: check its spelling (part numbers match exactly); the rule measures nothing until a tenant "
            "reports that SKU."]


def mapping_problems(rule: BillingMapping) -> dict[str, list[str]]:
    """Field -> problems of a rule (empty when valid): a known code, one MSP-wide rule per product, one override
    per client and product (products compared ignoring case)."""
    problems: dict[str, list[str]] = {}
    identifier = (rule.product_identifier or "").strip()
    if not identifier:
        problems["product_identifier"] = ["Enter the product identifier as ConnectWise shows it."]
    elif "\x00" in identifier:
        problems["product_identifier"] = ["The product identifier contains a NUL byte."]
    code = (rule.code or "").strip()
    if not is_known_code(code):
        problems["code"] = [f"Unknown measured quantity {rule.code!r}: use ninja_seats, ninja_endpoints, "
                            "ninja_servers, threatlocker_devices, m365_users, m365_sku:<SKU part number> (licences "
                            "bought) or m365_sku_assigned:<SKU part number> (licences assigned)."]
    elif split_sku_code(code):
        prefix, part = split_sku_code(code)
        known = known_part_numbers()
        matches = [] if part in known else case_matches(part, known)
        if matches:
            spelled = " or ".join(f"{prefix}{m}" for m in matches)
            problems["code"] = [f"SKU part number {part!r} differs only in case from {', '.join(matches)} as "
                                f"Microsoft writes it; codes match exactly: use {spelled}."]
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


@dataclass(frozen=True)
class UnknownCycle:
    organization_id: int | None
    organization_name: str
    company_name: str
    agreement_id: int
    agreement_name: str
    billing_cycle: str


@dataclass
class NotMapped:
    agreements_day: object = None
    measures_day: object = None
    products: list = None
    codes: list = None
    cycles: list = None  # agreements whose billing cycle is unknown: their money is counted as monthly


def latest_day(model):
    return model.objects.aggregate(d=Max("snapshot_date"))["d"]


def not_mapped(agreements_day=None, measures_day=None) -> NotMapped:
    """What the map leaves out, so nothing is skipped silently:

    - billable products (billed quantity > 0) of the latest (or given) agreements day with no active rule for
      their client, unmapped companies included (no client, so no rule can apply);
    - measured quantities (> 0) of the latest (or given) measures day that no active rule for their client uses
      (a Microsoft 365 SKU once, under its bought code, unless a rule uses its bought or its assigned code);
    - agreements of the agreements day whose billing cycle is unknown (their prices are counted as monthly).
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
        listed_skus: dict[tuple[int, str], int] = {}  # (org, part) -> index in codes
        for org_id, name, code, quantity in measured:
            used = {c for c, _ in rules(org_id).values()}
            part = sku_part(code)
            if code in used or (part is not None and part in {sku_part(c) for c in used}):
                continue
            if part is not None:  # one line per SKU: the bought code, else the assigned one
                if (org_id, part) in listed_skus:
                    if code.startswith(M365_SKU_PREFIX):
                        codes[listed_skus[(org_id, part)]] = UnusedCode(org_id, name, code, quantity)
                    continue
                listed_skus[(org_id, part)] = len(codes)
            codes.append(UnusedCode(org_id, name, code, quantity))
    cycles = []
    if agreements_day:
        for row in CWAgreement.objects.filter(snapshot_date=agreements_day).values(
                "organization_id", "organization__name", "company_name", "agreement_id", "name",
                "billing_cycle").order_by("organization__name", "company_name", "agreement_id"):
            if unknown_cycle(row["billing_cycle"]):
                cycles.append(UnknownCycle(row["organization_id"], row["organization__name"] or "",
                                           row["company_name"], row["agreement_id"], row["name"],
                                           row["billing_cycle"]))
    return NotMapped(agreements_day, measures_day, products, codes, cycles)


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
