"""Billing reads for the API: the report of a day, one client's products with 12 months of history (plain
functions over the stored rows; docs/billing.md)."""
import calendar
from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Max, Q

from billing.billing_map import mapping_for, mappings_for, rule_for
from billing.measures import latest_measured_day, unmeasured_sources
from billing.models import (
    BillingVariance,
    BillingVarianceStatus,
    BillingVarianceType,
    CWAgreementAddition,
    M365Sku,
    M365User,
    MeasuredQuantity,
)
from billing.variances import billed_by_client, billed_for
from inventory.models import Organization

ACTIVE = (BillingVarianceStatus.OPEN, BillingVarianceStatus.ACCEPTED)


def latest_day() -> date | None:
    """The default day of the report and the pages: the latest day with measured quantities (the latest day
    reconciled). A newer day holding only agreements (or whose measures failed) is not it: `day_status` says so."""
    return latest_measured_day()


def newest_collected_day() -> date | None:
    """The newest day any billing source stored (agreements, Microsoft 365, measures)."""
    days = [model.objects.aggregate(d=Max("snapshot_date"))["d"]
            for model in (MeasuredQuantity, CWAgreementAddition, M365Sku, M365User)]
    days = [d for d in days if d]
    return max(days) if days else None


def day_status(day: date | None, *, requested: bool = False) -> dict:
    """What the report of `day` cannot show, in words for the page: `newest` (a newer collected day without
    measures: the day, and why when a collection of it failed), `unmeasured` (sources not measured on `day`:
    their variances are listed as last seen), `measured` (whether `day` has measures at all). The sources are
    `billing.measures.Unmeasured` (str() is the sentence the page shows)."""
    status = {"day": day, "measured": False, "newest": None, "newest_unmeasured": [], "unmeasured": []}
    if day is not None:
        status["measured"] = MeasuredQuantity.objects.filter(snapshot_date=day).exists()
        status["unmeasured"] = unmeasured_sources(day)
    newest = newest_collected_day()
    if not requested and newest is not None and (day is None or newest > day):
        status["newest"] = newest
        status["newest_unmeasured"] = unmeasured_sources(newest)
    return status


def variances_on(day: date):
    """Variances present on `day`: found on or before it and last seen on or after it, or not resolved (still
    open or accepted: not seen since because their source was not measured, e.g. a failed Microsoft 365 tenant;
    shown with the numbers of their last sighting)."""
    return BillingVariance.objects.filter(Q(last_seen__gte=day) | Q(status__in=ACTIVE), date_found__lte=day) \
        .select_related("organization")


def variance_dict(v: BillingVariance) -> dict:
    return {"id": v.id, "type": v.variance_type, "organization_id": v.organization_id,
            "organization": v.organization.name, "subject": v.subject, "code": v.code, "status": v.status,
            "date_found": v.date_found, "last_seen": v.last_seen, "billed": v.billed, "measured": v.measured,
            "tolerance": v.tolerance, "unit_price": v.unit_price, "amount": v.amount, "ids": v.ids,
            "ids_total": v.ids_total, "cycle_note": v.cycle_note,
            "resolution": v.resolution, "resolved_at": v.resolved_at,
            "resolved_by": v.resolved_by, "notes": v.notes}


def products_of(billed: dict, mapping: dict, measured: dict) -> list[dict]:
    """A client's billed products (Billable lines of the day) with the mapped measured quantity (plain data:
    {product: Billed}, {product: (code, tolerance)}, {code: quantity})."""
    rows = []
    for product, line in sorted(billed.items()):
        rule = rule_for(mapping, product)
        code = rule[0] if rule else None
        rows.append({"product": product, "code": code, "billed": line.quantity, "unit_price": line.unit_price,
                     "measured": measured.get(code) if code else None, "mapped": rule is not None})
    return rows


def billing_report(day: date | None) -> dict:
    """Per client: billed vs measured per product and the variances present on `day`; totals of the monthly
    revenue leak (UNDER_BILLED) and over-billing (OVER_BILLED) of the active (open or accepted) ones."""
    if day is None:
        return {"date": None, "clients": [], "totals": {"monthly_revenue_leak": Decimal(0),
                                                         "monthly_over_billing": Decimal(0), "variances": 0}}
    variances = defaultdict(list)
    for v in variances_on(day).order_by("organization__name", "variance_type", "subject"):
        variances[v.organization_id].append(v)
    org_ids = set(variances) | set(CWAgreementAddition.objects.filter(snapshot_date=day, organization__isnull=False)
                                   .values_list("organization_id", flat=True))
    names = dict(Organization.objects.filter(id__in=org_ids).values_list("id", "name"))
    billed = billed_by_client(day)
    mappings = mappings_for(org_ids)
    measured = defaultdict(dict)
    for org_id, code, quantity in MeasuredQuantity.objects.filter(snapshot_date=day, organization_id__in=org_ids) \
            .values_list("organization_id", "code", "quantity").order_by():
        measured[org_id][code] = quantity
    clients, leak, over = [], Decimal(0), Decimal(0)
    for org_id in sorted(org_ids, key=lambda i: names.get(i, "").casefold()):
        rows = variances.get(org_id, [])
        client_leak = sum((v.amount or 0 for v in rows if v.variance_type == BillingVarianceType.UNDER_BILLED
                           and v.status in ACTIVE), Decimal(0))
        client_over = sum((v.amount or 0 for v in rows if v.variance_type == BillingVarianceType.OVER_BILLED
                           and v.status in ACTIVE), Decimal(0))
        leak, over = leak + client_leak, over + client_over
        clients.append({"organization_id": org_id, "organization": names.get(org_id, ""),
                        "products": products_of(billed.get(org_id, {}), mappings[org_id], measured[org_id]),
                        "variances": [variance_dict(v) for v in rows],
                        "monthly_revenue_leak": client_leak, "monthly_over_billing": client_over})
    clients.sort(key=lambda c: -(c["monthly_revenue_leak"] + c["monthly_over_billing"]))
    return {"date": day, "clients": clients,
            "totals": {"monthly_revenue_leak": leak, "monthly_over_billing": over,
                       "variances": active_count(clients)}}


def active_count(clients: list[dict]) -> int:
    """The variance count of a report's clients: what the page lists, open and accepted ones (resolved ones are in
    `variances` of the API and in the exports, not counted). The report, the page and every export count so."""
    return sum(1 for c in clients for v in c["variances"] if v["status"] in ACTIVE)


def month_ends(day: date, months: int = 12) -> list[tuple[str, date, date]]:
    """(YYYY-MM, first day, last day) of the `months` months ending with `day`'s, oldest first."""
    out, year, month = [], day.year, day.month
    for _ in range(months):
        if year < 1:  # before year 1 (a client asked about 0001-03-01): no such months
            break
        last = date(year, month, calendar.monthrange(year, month)[1])
        out.append((f"{year:04d}-{month:02d}", date(year, month, 1), min(last, day)))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out[::-1]


def client_detail(organization: Organization, day: date | None) -> dict:
    """Every product of the client (billed or mapped and measured): billed vs measured on `day` and the month-end
    values of both over the 12 months ending with `day`'s (the month's last stored day, null when none)."""
    if day is None:
        return {"organization_id": organization.id, "organization": organization.name, "date": None,
                "products": [], "variances": []}
    mapping = mapping_for(organization.id)
    months = month_ends(day)
    start = months[0][1]
    billed_days = defaultdict(lambda: defaultdict(Decimal))
    for snap, product, quantity in (CWAgreementAddition.objects.filter(
            organization_id=organization.id, snapshot_date__range=(start, day), bill_customer="Billable")
            .filter(Q(effective_date__isnull=True) | Q(effective_date__lte=models_day("snapshot_date")))
            .values_list("snapshot_date", "product_identifier", "billed_quantity")):
        billed_days[product][snap] += quantity
    measured_days = defaultdict(dict)
    for snap, code, quantity in MeasuredQuantity.objects.filter(
            organization_id=organization.id, snapshot_date__range=(start, day)).values_list(
            "snapshot_date", "code", "quantity"):
        measured_days[code][snap] = quantity

    def month_end(values: dict, first: date, last: date):
        days = [d for d in values if first <= d <= last]
        return values[max(days)] if days else None

    lines = billed_for(organization.id, day)  # the day's lines: quantity and monthly unit price, as the report
    products = []
    for product in sorted(set(billed_days) | set(mapping)):
        rule = rule_for(mapping, product)
        code = rule[0] if rule else None
        if product not in billed_days and not measured_days.get(code):
            continue
        history = [{"month": label, "billed": month_end(billed_days.get(product, {}), first, last),
                    "measured": month_end(measured_days.get(code, {}), first, last) if code else None}
                   for label, first, last in months]
        line = lines.get(product)
        products.append({"product": product, "code": code, "mapped": rule is not None,
                         "billed": billed_days.get(product, {}).get(day),
                         "unit_price": line.unit_price if line else None,
                         "measured": measured_days.get(code, {}).get(day) if code else None, "history": history})
    variances = [variance_dict(v) for v in variances_on(day).filter(organization=organization)
                 .order_by("variance_type", "subject")]
    return {"organization_id": organization.id, "organization": organization.name, "date": day,
            "products": products, "variances": variances}


def models_day(name):
    from django.db.models import F

    return F(name)
