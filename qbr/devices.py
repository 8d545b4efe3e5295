"""Seats and endpoints per client from a month's NinjaOne snapshot.

The snapshot used is the month's last day, or the latest day in that month
that has one. Billing is recomputed with the organization's *current*
`is_internal` flag (an organization flagged internal today is never billable,
whatever it was when the snapshot was taken), through the shared rules in
`inventory.classification`.
"""
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Max

from inventory.classification import billing_status_for, counts_as_endpoint, counts_as_seat
from inventory.models import Organization, Snapshot, Vendor
from qbr.billed_seats import billed_seats
from qbr.periods import Month

UNASSIGNED = "(no organization)"


@dataclass(frozen=True)
class DeviceGroup:
    """Snapshot rows of one client that share a class and spare flag."""

    organization_id: int | None
    organization_name: str
    is_internal: bool
    device_class: str
    is_spare: bool
    count: int


@dataclass
class ClientCount:
    organization_id: int | None
    client_name: str
    seats: int = 0
    endpoints: int = 0
    billed_seats: Decimal | None = None  # None: no agreements collected in the month


@dataclass
class DeviceCounts:
    snapshot_date: date | None
    clients: list[ClientCount] = field(default_factory=list)
    agreements_date: date | None = None  # the agreements day billed seats come from (None: none collected)
    total_billed_seats: Decimal | None = None  # every billed client's (or the one client's), listed or not

    @property
    def total_seats(self) -> int:
        return sum(c.seats for c in self.clients)

    @property
    def total_endpoints(self) -> int:
        return sum(c.endpoints for c in self.clients)


def count_by_client(groups: Iterable[DeviceGroup]) -> list[ClientCount]:
    """Clients with at least one billable endpoint, most endpoints first."""
    clients: dict[int | None, ClientCount] = {}
    for g in groups:
        status = billing_status_for(g.device_class, g.is_spare, g.is_internal)
        seats = g.count if counts_as_seat(g.device_class, status) else 0
        endpoints = g.count if counts_as_endpoint(g.device_class, status) else 0
        client = clients.setdefault(g.organization_id, ClientCount(g.organization_id, g.organization_name))
        client.seats += seats
        client.endpoints += endpoints
    billable = [c for c in clients.values() if c.endpoints > 0]
    return sorted(billable, key=lambda c: (-c.endpoints, -c.seats, c.client_name.casefold()))


def month_snapshot_date(month: Month) -> date | None:
    """The NinjaOne snapshot day QBR uses for a month: its last day, else the latest in it."""
    # One indexed MAX over (vendor, snapshot_date) within the month.
    return Snapshot.objects.filter(
        vendor_id=Vendor.NINJA, snapshot_date__gte=month.first_day, snapshot_date__lte=month.last_day
    ).aggregate(d=Max("snapshot_date"))["d"]


def with_billed_seats(counts: DeviceCounts, month: Month, organization_id: int | None) -> DeviceCounts:
    """Each client's billed seats (and the total) beside its managed ones, from the provider billing registers
    (`qbr/billed_seats.py`); left None when no agreements were collected in the month."""
    billed = billed_seats(month)
    if billed is None:
        return counts
    counts.agreements_date = billed.day
    counts.total_billed_seats = billed.for_organization(organization_id)
    for client in counts.clients:
        client.billed_seats = billed.for_organization(client.organization_id) if client.organization_id else None
    return counts


def device_counts(month: Month, organization_id: int | None = None) -> DeviceCounts:
    """Seats/endpoints per client for a month, with billed seats; `organization_id` other than the MSP's narrows
    to one client."""
    return with_billed_seats(_managed_counts(month, organization_id), month, organization_id)


def _managed_counts(month: Month, organization_id: int | None) -> DeviceCounts:
    day = month_snapshot_date(month)
    if day is None:
        return DeviceCounts(snapshot_date=None)
    rows = Snapshot.objects.filter(vendor_id=Vendor.NINJA, snapshot_date=day)
    if organization_id is not None and organization_id != Organization.MSP_ID:
        rows = rows.filter(organization_id=organization_id)
    # Grouped in the database: one row per (client, class, spare), not per device;
    # the organization's name and current internal flag come along in the join.
    grouped = rows.values(
        "organization_id", "organization__name", "organization__is_internal", "device_class", "is_spare"
    ).annotate(n=Count("id")).order_by()
    groups = [
        DeviceGroup(
            organization_id=g["organization_id"],
            organization_name=g["organization__name"] or UNASSIGNED,
            is_internal=bool(g["organization__is_internal"]),
            device_class=g["device_class"],
            is_spare=g["is_spare"],
            count=g["n"],
        )
        for g in grouped
    ]
    return DeviceCounts(snapshot_date=day, clients=count_by_client(groups))
