"""What ConnectWise bills a client on a day: the one rule for which agreement additions count.

The additions of that day's agreements snapshot that are mapped to a client, `Billable`, in effect on the day
(effective date on or before it, or none) and not cancelled by it. QBR's billed seats and the billing variances
both read through `billed_lines`.
"""
from datetime import date

from django.db.models import Q

from billing.models import BillCustomer, CWAgreementAddition


def billed_lines(day: date, organization_id: int | None = None):
    """The day's billable additions in effect (a queryset; one client's with `organization_id`)."""
    rows = (CWAgreementAddition.objects.filter(snapshot_date=day, bill_customer=BillCustomer.BILLABLE,
                                               organization__isnull=False)
            .filter(Q(effective_date__isnull=True) | Q(effective_date__lte=day))
            .filter(Q(cancelled_date__isnull=True) | Q(cancelled_date__gt=day)).order_by())
    if organization_id is not None:
        rows = rows.filter(organization_id=organization_id)
    return rows
