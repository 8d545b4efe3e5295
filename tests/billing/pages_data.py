"""A small billing day for the page and export tests: three clients, money at stake 0 < 40 < 150."""
from datetime import date
from decimal import Decimal

from billing.models import (
    BillCustomer,
    BillingMapping,
    BillingVariance,
    BillingVarianceStatus,
    BillingVarianceType,
    CWAgreementAddition,
    MeasuredQuantity,
)
from tests import factories

DAY = date(2026, 11, 20)


def addition(org, n, product, billed, price):
    return CWAgreementAddition.objects.create(
        snapshot_date=DAY, organization=org, company_name=org.name, agreement_id=n, addition_id=n,
        product_identifier=product, quantity=Decimal(billed), billed_quantity=Decimal(billed),
        unit_price=Decimal(price), bill_customer=BillCustomer.BILLABLE)


def variance(org, kind, subject, code, billed, measured, price, amount, ids, status=BillingVarianceStatus.OPEN):
    return BillingVariance.objects.create(
        variance_type=kind, organization=org, subject=subject, code=code, status=status, date_found=DAY,
        last_seen=DAY, billed=Decimal(billed), measured=Decimal(measured), unit_price=Decimal(price),
        amount=Decimal(amount), ids=ids, ids_total=len(ids))


def billing_day():
    small = factories.organization("Acme Small")
    leaky = factories.organization("Leaky Co")
    over = factories.organization("Overbilled Ltd")
    BillingMapping.objects.create(product_identifier="MANAGED-WS", code="ninja_seats")
    BillingMapping.objects.create(product_identifier="M365-BP", code="m365_sku:SPB")
    addition(small, 1, "MANAGED-WS", 2, "50")
    addition(leaky, 2, "MANAGED-WS", 5, "50")
    addition(leaky, 3, "M365-BP", 3, "20")
    addition(over, 4, "MANAGED-WS", 6, "20")
    keys = ["leaky-ws1", "leaky-ws2", "leaky-ws3", "leaky-ws4", "leaky-ws5", "leaky-ws6", "leaky-ws7", "leaky-ws8"]
    MeasuredQuantity.objects.create(snapshot_date=DAY, organization=small, code="ninja_seats", quantity=2,
                                    detail={"total": 2, "ids": ["small-ws1", "small-ws2"]})
    MeasuredQuantity.objects.create(snapshot_date=DAY, organization=leaky, code="ninja_seats", quantity=8,
                                    detail={"total": 8, "ids": keys})
    MeasuredQuantity.objects.create(snapshot_date=DAY, organization=leaky, code="m365_sku:SPB", quantity=3,
                                    detail={"total": 3, "ids": ["a@leaky.example", "b@leaky.example",
                                                                "c@leaky.example"]})
    MeasuredQuantity.objects.create(snapshot_date=DAY, organization=over, code="ninja_seats", quantity=4,
                                    detail={"total": 4, "ids": ["over-ws1", "over-ws2", "over-ws3", "over-ws4"]})
    under = variance(leaky, BillingVarianceType.UNDER_BILLED, "MANAGED-WS", "ninja_seats", 5, 8, "50", "150", keys)
    overb = variance(over, BillingVarianceType.OVER_BILLED, "MANAGED-WS", "ninja_seats", 6, 4, "20", "40",
                     ["over-ws1", "over-ws2", "over-ws3", "over-ws4"])
    return {"small": small, "leaky": leaky, "over": over, "under": under, "over_variance": overb}


def unused_licences(org, bought=5, assigned=3, cost="20", amount="40", part="SPB"):
    """An UNUSED_LICENCES variance of `org` on DAY: `part` bought vs assigned, money (bought - assigned) x cost."""
    return variance(org, BillingVarianceType.UNUSED_LICENCES, part, f"m365_sku:{part}", bought, assigned, cost,
                    amount, [])
