"""What ConnectWise bills a client on a day: the one rule for which agreement additions count, and what a line's
price is worth per month.

The additions of that day's agreements snapshot that are mapped to a client, `Billable`, in effect on the day
(effective date on or before it, or none) and not cancelled by it. QBR's billed seats and the billing variances
both read through `billed_lines`.

Money is MONTHLY: an addition's unit price (and cost) is per its agreement's billing cycle (ConnectWise
`billingCycle.name`), so it is divided by the cycle's months (`cycle_months`, `monthly_price`). A cycle the hub
does not know (or none) is counted as monthly and flagged (`unknown_cycle`), never silently.
"""
import re
from datetime import date
from decimal import Decimal

from django.db.models import OuterRef, Q, Subquery

from billing.models import BillCustomer, CWAgreement, CWAgreementAddition

# ConnectWise billing cycle names (System > Setup Tables > Billing Cycle; the defaults and their usual
# spellings), compared ignoring case, spaces, hyphens and underscores -> months per billing.
CYCLE_MONTHS = {
    "monthly": 1, "month": 1,
    "quarterly": 3, "quarter": 3,
    "semiannual": 6, "semiannually": 6, "halfyearly": 6, "biannual": 6, "biannually": 6,
    "annual": 12, "annually": 12, "yearly": 12, "year": 12,
}
PRICE_PLACES = Decimal("0.0001")


def _cycle_key(name) -> str:
    return re.sub(r"[\s\-_]+", "", str(name or "")).casefold()


def cycle_months(name) -> int | None:
    """Months per billing of a ConnectWise billing cycle name (Monthly 1, Quarterly 3, Semi-Annual 6, Annual 12);
    None when the name is unknown or empty."""
    return CYCLE_MONTHS.get(_cycle_key(name))


def unknown_cycle(name) -> bool:
    return cycle_months(name) is None


def monthly_price(price, cycle) -> Decimal:
    """A price per billing cycle as a price per month (4 places, the price columns'); an unknown cycle counts as
    monthly (the caller flags it: `unknown_cycle`)."""
    months = cycle_months(cycle) or 1
    return (Decimal(price or 0) / months).quantize(PRICE_PLACES)


def cycle_note(cycles) -> str:
    """The flag for lines whose cycle is unknown: "" when every cycle is known."""
    unknown = sorted({str(c or "").strip() for c in cycles if unknown_cycle(c)})
    if not unknown:
        return ""
    names = ", ".join(f'"{c}"' if c else "none" for c in unknown)
    return f"Billing cycle not known ({names}): counted as monthly."


def billed_lines(day: date, organization_id: int | None = None):
    """The day's billable additions in effect (a queryset; one client's with `organization_id`)."""
    rows = (CWAgreementAddition.objects.filter(snapshot_date=day, bill_customer=BillCustomer.BILLABLE,
                                               organization__isnull=False)
            .filter(Q(effective_date__isnull=True) | Q(effective_date__lte=day))
            .filter(Q(cancelled_date__isnull=True) | Q(cancelled_date__gt=day)).order_by())
    if organization_id is not None:
        rows = rows.filter(organization_id=organization_id)
    return rows


def with_cycle(rows):
    """Additions annotated with `billing_cycle`: their agreement's cycle that day (None when no agreement row)."""
    return rows.annotate(billing_cycle=Subquery(CWAgreement.objects.filter(
        snapshot_date=OuterRef("snapshot_date"), agreement_id=OuterRef("agreement_id")).values("billing_cycle")[:1]))
