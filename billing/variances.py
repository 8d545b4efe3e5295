"""Billing variances: billed (ConnectWise additions) vs measured (MeasuredQuantity), and Microsoft 365 waste
(docs/billing.md, "Billing variances").

Two parts:

- plain functions over plain data: `billed_for` (one client's billed quantities of a day), `find_variances` (the
  engine: billed, measured, the map, SKUs and disabled users in; `Finding`s out; no database);
- `reconcile_billing(day)`: loads the day, runs the engine and applies the lifecycle to `BillingVariance` rows
  in one transaction (idempotent per day);
- the staff actions (resolve, accept) live in `billing.actions`; both audit through `audit_event`.

| type | identity subject | rule | money (monthly) |
| --- | --- | --- | --- |
| UNDER_BILLED | product identifier | measured > billed + tolerance | (measured - billed) x unit price |
| OVER_BILLED | product identifier | billed > measured + tolerance | (billed - measured) x unit price |
| UNUSED_LICENCES | SKU part number | bought > assigned | (bought - assigned) x unit cost, null if unknown |
| DISABLED_USER_LICENSED | (empty) | disabled accounts holding a licence | null |

Unit prices and costs are per MONTH: an addition's price divided by its agreement's billing cycle in months
(billing/billed.py `monthly_price`); a cycle the hub does not know counts as monthly and the variance says so
(`cycle_note`). A licence product is compared with the quantity its rule names (`m365_sku:<part>` bought, or
`m365_sku_assigned:<part>` assigned); the unused licences' cost is UNUSED_LICENCES alone.
"""
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from billing.billed import billed_lines, cycle_note, monthly_price, with_cycle
from billing.billing_map import mappings_for, rule_for
from billing.measures import M365_USERS, sku_assigned_code, sku_code, sku_part
from billing.models import (
    BillingVariance,
    BillingVarianceEvent,
    BillingVarianceStatus,
    BillingVarianceType,
    CWAgreementAddition,
    M365Sku,
    M365User,
    MeasuredQuantity,
)

log = logging.getLogger(__name__)

T = BillingVarianceType
S = BillingVarianceStatus
ACTOR = "reconcile"
CENT = Decimal("0.01")
IDS_KEPT = 200

# One table of kinds: the source the kind needs (a day without that source leaves its variances untouched) and
# what its money figure means. The engine, the models' choices, the filters and the docs follow it.
TYPES = {
    T.UNDER_BILLED: {"source": "agreements", "money": "monthly revenue leak"},
    T.OVER_BILLED: {"source": "agreements", "money": "monthly over-charge"},
    T.UNUSED_LICENCES: {"source": "m365", "money": "monthly cost of unused licences"},
    T.DISABLED_USER_LICENSED: {"source": "m365", "money": None},
}


@dataclass(frozen=True)
class Billed:
    quantity: Decimal
    unit_price: Decimal  # per month
    unit_cost: Decimal  # per month
    cycle_note: str = ""  # set when a line's billing cycle is unknown (counted as monthly)


@dataclass
class Finding:
    variance_type: str
    organization_id: int
    subject: str
    code: str = ""
    billed: Decimal | None = None
    measured: Decimal | None = None
    tolerance: Decimal = Decimal(0)
    unit_price: Decimal | None = None
    amount: Decimal | None = None
    ids: list = field(default_factory=list)
    ids_total: int = 0
    cycle_note: str = ""

    @property
    def key(self) -> tuple[str, int, str]:
        return (self.variance_type, self.organization_id, self.subject)


def money(quantity: Decimal, price: Decimal | None) -> Decimal | None:
    if price is None:
        return None
    return (Decimal(quantity) * Decimal(price)).quantize(CENT, rounding=ROUND_HALF_UP)


# --- billed quantities ---------------------------------------------------------------------------------------
def fold_billed(rows) -> dict[str, Billed]:
    """(product identifier, billed quantity, unit price, unit cost[, billing cycle]) rows -> per product: the
    summed quantity and the quantity-weighted MONTHLY unit price and cost (the line's own when one line; the plain
    mean when all are 0). Without a cycle a row is monthly; an unknown cycle counts as monthly and is flagged."""
    lines: dict[str, list] = defaultdict(list)
    cycles: dict[str, list] = defaultdict(list)
    for product, quantity, price, cost, *cycle in rows:
        cycle = cycle[0] if cycle else "Monthly"
        cycles[product].append(cycle)
        lines[product].append((Decimal(quantity or 0), monthly_price(price, cycle), monthly_price(cost, cycle)))
    found = {}
    for product, items in lines.items():
        total = sum(q for q, _, _ in items)
        if total:
            price = sum(q * p for q, p, _ in items) / total
            cost = sum(q * c for q, _, c in items) / total
        else:
            price = sum(p for _, p, _ in items) / len(items)
            cost = sum(c for _, _, c in items) / len(items)
        found[product] = Billed(total, price.quantize(Decimal("0.0001")), cost.quantize(Decimal("0.0001")),
                                cycle_note(cycles[product]))
    return found


def billed_for(organization_id: int, day: date) -> dict[str, Billed]:
    """A client's billed quantities of `day` per product identifier: the billable additions of that day's
    agreements snapshot in effect on the day (effective date on or before it, not cancelled by it)."""
    return fold_billed(with_cycle(billed_lines(day, organization_id)).values_list(
        "product_identifier", "billed_quantity", "unit_price", "unit_cost", "billing_cycle"))


def billed_by_client(day: date) -> dict[int, dict[str, Billed]]:
    """`billed_for` of every client of the day in one query: {organization id: {product: Billed}}."""
    by_org: dict[int, list] = defaultdict(list)
    for row in with_cycle(billed_lines(day)).values_list("organization_id", "product_identifier", "billed_quantity",
                                                         "unit_price", "unit_cost", "billing_cycle"):
        by_org[row[0]].append(row[1:])
    return {org: fold_billed(rows) for org, rows in by_org.items()}



# --- the engine (plain data) ---------------------------------------------------------------------------------
def find_variances(*, billed: dict, measured: dict, mappings: dict, skus: dict, disabled: dict,
                   sku_costs: dict | None = None) -> list[Finding]:
    """Every billing variance of one day.

    billed: {org: {product: Billed}}; measured: {org: {code: (quantity, ids, total)}}; mappings: {org: {product:
    (code, tolerance)}}; skus: {org: [(part number, bought, assigned)]}; disabled: {org: [user principal names]};
    sku_costs: {org: {part number: (monthly unit cost, cycle note)}} (from additions mapped to that SKU)."""
    found: list[Finding] = []
    sku_costs = sku_costs or {}
    for org, products in billed.items():
        rules = mappings.get(org, {})
        for product, line in sorted(products.items()):
            rule = rule_for(rules, product)
            if rule is None:  # not mapped: billing_map.not_mapped() reports it
                continue
            code, tolerance = rule
            if code not in measured.get(org, {}):  # nothing measured for the client under that code that day
                continue
            quantity, ids, total = measured[org][code]
            quantity, tolerance = Decimal(quantity), Decimal(tolerance or 0)
            if quantity > line.quantity + tolerance:
                kind, diff = T.UNDER_BILLED, quantity - line.quantity
            elif line.quantity > quantity + tolerance:
                kind, diff = T.OVER_BILLED, line.quantity - quantity
            else:
                continue
            found.append(Finding(kind, org, product, code, line.quantity, quantity, tolerance, line.unit_price,
                                 money(diff, line.unit_price), list(ids), total, line.cycle_note))
    for org, rows in skus.items():
        for part, bought, assigned in sorted(rows):
            if bought > assigned:
                cost, note = sku_costs.get(org, {}).get(part, (None, ""))
                _, ids, total = measured.get(org, {}).get(sku_assigned_code(part), (assigned, [], assigned))
                found.append(Finding(T.UNUSED_LICENCES, org, part, sku_code(part), Decimal(bought),
                                     Decimal(assigned), Decimal(0), cost,
                                     money(Decimal(bought - assigned), cost), list(ids), total, note))
    for org, users in disabled.items():
        if users:
            users = sorted(users)
            found.append(Finding(T.DISABLED_USER_LICENSED, org, "", "", None, Decimal(len(users)), Decimal(0),
                                 None, None, users[:IDS_KEPT], len(users)))
    return found


# --- loading a day -------------------------------------------------------------------------------------------
def load_day(day: date) -> tuple[dict, set[str]]:
    """The engine's inputs for `day` and the sources present that day ("agreements", "m365")."""
    sources = set()
    billed = billed_by_client(day)
    if CWAgreementAddition.objects.filter(snapshot_date=day).exists():
        sources.add("agreements")
    measured: dict[int, dict] = defaultdict(dict)
    for org, code, quantity, detail in MeasuredQuantity.objects.filter(snapshot_date=day).values_list(
            "organization_id", "code", "quantity", "detail").order_by():
        detail = detail or {}
        measured[org][code] = (quantity, detail.get("ids", []), detail.get("total", quantity))
    skus: dict[int, list] = defaultdict(list)
    for org, part, bought, assigned in M365Sku.objects.filter(snapshot_date=day).values_list(
            "organization_id", "sku_part_number", "prepaid_enabled", "consumed_units").order_by():
        skus[org].append((part, bought, assigned))
    disabled: dict[int, list] = defaultdict(list)
    for org, upn, sku_ids in M365User.objects.filter(snapshot_date=day, account_enabled=False).values_list(
            "organization_id", "user_principal_name", "assigned_sku_ids").order_by():
        if sku_ids:
            disabled[org].append(upn)
    if skus or M365User.objects.filter(snapshot_date=day).exists():
        sources.add("m365")
    mappings = mappings_for(billed)
    sku_costs = _sku_costs(billed, mappings)
    return {"billed": billed, "measured": dict(measured), "mappings": mappings, "skus": dict(skus),
            "disabled": dict(disabled), "sku_costs": sku_costs}, sources


def _sku_costs(billed: dict, mappings: dict) -> dict:
    """{org: {SKU part number: (monthly unit cost, cycle note)}} from the client's billed products mapped to one of
    the SKU's codes (`m365_sku:<part>` bought or `m365_sku_assigned:<part>` assigned)."""
    costs: dict[int, dict] = {}
    for org, products in billed.items():
        for product, line in products.items():
            rule = rule_for(mappings.get(org, {}), product)
            part = sku_part(rule[0]) if rule else None
            if part is not None and line.unit_cost:
                costs.setdefault(org, {})[part] = (line.unit_cost, line.cycle_note)
    return costs


def checkable(variance_type: str, organization_id: int, code: str, measured: dict, sources: set[str]) -> bool:
    """Whether `day`'s data can tell that a variance is gone: under/over-billing needs the agreements day and the
    client's measured quantity of its code; the Microsoft 365 kinds need the client's Microsoft 365 day (a tenant
    that failed to collect, or NinjaOne not collected that day, closes nothing)."""
    if TYPES[variance_type]["source"] == "agreements":
        return "agreements" in sources and code in measured.get(organization_id, {})
    return M365_USERS in measured.get(organization_id, {})


# --- the lifecycle -------------------------------------------------------------------------------------------
def audit_event(variance, action, to_status, *, day=None, actor=ACTOR, user=None, notes="", from_status=None,
                now=None):
    """A `BillingVarianceEvent` (unsaved) of `action` on `variance`: the reconciliation's and the staff actions'."""
    return BillingVarianceEvent(variance=variance, at=now or timezone.now(), report_date=day, action=action,
                                actor=actor, user=user, from_status=variance.status if from_status is None
                                else from_status, to_status=to_status, notes=notes)


def _numbers_changed(variance: BillingVariance, finding: Finding) -> bool:
    return (variance.accepted_billed, variance.accepted_measured) != (finding.billed, finding.measured)


def _copy(variance: BillingVariance, finding: Finding) -> None:
    for name in ("code", "billed", "measured", "tolerance", "unit_price", "amount", "ids", "ids_total",
                 "cycle_note"):
        setattr(variance, name, getattr(finding, name))


def _auto_resolved_on(variance: BillingVariance, day: date) -> bool:
    """Resolved automatically by a reconciliation of `day` itself, the day it was last seen (a re-run after the
    billing map changed): found again on that day, it comes back. A staff resolution, or one made by a later
    day, stays."""
    if variance.resolution != "auto" or variance.last_seen != day:
        return False
    last = variance.events.filter(action="auto_resolved").order_by("-at", "-id").values_list(
        "report_date", flat=True).first()
    return last == day


@transaction.atomic
def reconcile_billing(day: date) -> dict:
    """Compute `day`'s billing variances and apply the lifecycle (one transaction; idempotent per day):
    new ones open; one found on a day before its `date_found` (a back-filled day) has `date_found` moved back
    to that day (event `found_earlier`), so the day's report lists it; present ones refresh (a resolved one seen
    on a later day than its last reopens; an accepted one reopens when its billed or measured numbers changed);
    open or accepted ones gone on a day not older than their last sighting resolve automatically, when the day's
    data can tell (`checkable`). Kinds whose source has no data that day are left alone."""
    inputs, sources = load_day(day)
    findings = {f.key: f for f in find_variances(**inputs)}
    kinds = [kind for kind, info in TYPES.items() if info["source"] in sources]
    now = timezone.now()
    events: list[BillingVarianceEvent] = []
    counts = {"found": 0, "found_earlier": 0, "reopened": 0, "auto_resolved": 0, "open": 0}
    existing = {(v.variance_type, v.organization_id, v.subject): v
                for v in BillingVariance.objects.select_for_update().filter(variance_type__in=kinds)}
    for key, finding in findings.items():
        if finding.variance_type not in kinds:
            continue
        variance = existing.get(key)
        if variance is None:
            variance = BillingVariance(variance_type=finding.variance_type, organization_id=finding.organization_id,
                                       subject=finding.subject, status=S.OPEN, date_found=day, last_seen=day)
            _copy(variance, finding)
            variance.save()
            events.append(audit_event(variance, "found", S.OPEN, day=day, from_status="", now=now))
            counts["found"] += 1
            continue
        if day < variance.date_found:  # a back-filled day before its first sighting: found that day
            events.append(audit_event(variance, "found_earlier", variance.status, day=day, now=now,
                                 notes=f"Found on {day}, before its date_found {variance.date_found} (a back-filled "
                                       "day): date_found moved back."))
            variance.date_found = day
            variance.save(update_fields=["date_found"])
            counts["found_earlier"] += 1
        if day < variance.last_seen:  # an older day: the later sighting decides
            continue
        if variance.status == S.RESOLVED and (day > variance.last_seen or _auto_resolved_on(variance, day)):
            events.append(audit_event(variance, "reopened", S.OPEN, day=day, now=now,
                                 notes="Seen again after it was resolved."))
            variance.status, variance.resolution = S.OPEN, ""
            counts["reopened"] += 1
        elif variance.status == S.ACCEPTED and _numbers_changed(variance, finding):
            events.append(audit_event(variance, "reopened", S.OPEN, day=day, now=now,
                                 notes=f"Numbers changed since accepted: billed {variance.accepted_billed} -> "
                                       f"{finding.billed}, measured {variance.accepted_measured} -> "
                                       f"{finding.measured}."))
            variance.status = S.OPEN
            counts["reopened"] += 1
        if variance.status != S.RESOLVED:
            _copy(variance, finding)
            variance.last_seen = day
        variance.save()
    for key, variance in existing.items():
        if key in findings or variance.status == S.RESOLVED or variance.last_seen > day:
            continue
        if not checkable(variance.variance_type, variance.organization_id, variance.code, inputs["measured"],
                         sources):
            continue
        events.append(audit_event(variance, "auto_resolved", S.RESOLVED, day=day, now=now,
                             notes="The condition is gone."))
        variance.status, variance.resolution, variance.resolved_at, variance.resolved_by = (
            S.RESOLVED, "auto", now, ACTOR)
        variance.save()
        counts["auto_resolved"] += 1
    BillingVarianceEvent.objects.bulk_create(events)
    counts["open"] = BillingVariance.objects.filter(status=S.OPEN).count()
    log.info("billing variances of %s: %s", day, counts)
    return counts
