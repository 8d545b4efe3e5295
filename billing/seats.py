"""Billed seats per client for QBR (registered into `qbr.billed_seats` from billing's `AppConfig.ready()`).

The billed seats of a client on an agreements day: the billed quantity (`CWAgreementAddition.billed_quantity`,
Billable lines only, an addition effective after the day not yet) of the products the billing map
(`billing_map.mapping_for`: the client's overrides, else the MSP-wide rules) maps to `ninja_seats`. For a range
of days (a QBR month) the latest agreements day in it is read. Three queries whatever the number of clients.
"""
from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Max, Sum

from billing.billed import billed_lines
from billing.billing_map import mappings_for, rule_for
from billing.models import CWAgreementAddition
from qbr.billed_seats import BilledSeats

SEATS_CODE = "ninja_seats"


def seats_by_product(lines, mappings: dict[int, dict]) -> dict[int, Decimal]:
    """{organization id: billed seats} from (organization id, product identifier, billed quantity) rows and each
    client's billing map: only products mapped to `ninja_seats` count; a client with agreements but none gets 0."""
    seats: dict[int, Decimal] = defaultdict(Decimal)
    for org_id, identifier, quantity in lines:
        seats[org_id] += Decimal(0)
        rule = rule_for(mappings.get(org_id, {}), identifier)
        if rule and rule[0] == SEATS_CODE:
            seats[org_id] += quantity or Decimal(0)
    return dict(seats)


def billed_seats(first_day: date, last_day: date) -> BilledSeats | None:
    """Every client's billed seats on the latest agreements day between the two days; None when there is none."""
    day = CWAgreementAddition.objects.filter(snapshot_date__gte=first_day, snapshot_date__lte=last_day).aggregate(
        d=Max("snapshot_date"))["d"]
    if day is None:
        return None
    # Summed per (client, product) in the database: a few rows per client, not one per addition.
    lines = [(row["organization_id"], row["product_identifier"], row["n"]) for row in (
        billed_lines(day).values("organization_id", "product_identifier").annotate(n=Sum("billed_quantity"))
        .order_by())]
    mappings = mappings_for({org_id for org_id, _, _ in lines}) if lines else {}
    return BilledSeats(day=day, by_organization=seats_by_product(lines, mappings))
