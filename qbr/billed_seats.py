"""Billed seats beside the managed ones, without qbr importing billing.

QBR shows, per client and month, the seats NinjaOne manages (`qbr/devices.py`) and the seats ConnectWise bills.
The billed side belongs to `billing` (agreements and the billing map), a sibling qbr must not import; billing
registers its read function here from its `AppConfig.ready()` (as variances registers device details in
`inventory/device_details.py`).

A provider answers `provider(first_day, last_day) -> BilledSeats | None`: None when no agreements were collected
in those days, else the day it read (the latest agreements day of the range) and the billed seats of every client
that day. One provider at most (the last registered wins); without one, billed seats are absent (None).
"""
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from inventory.models import Organization
from qbr.periods import Month


@dataclass(frozen=True)
class BilledSeats:
    day: date
    by_organization: dict[int, Decimal] = field(default_factory=dict)

    def for_organization(self, organization_id: int | None) -> Decimal:
        """One client's billed seats (0 when it is billed none), or every client's total for the MSP (id 1)."""
        if organization_id is None or organization_id == Organization.MSP_ID:
            return sum(self.by_organization.values(), Decimal(0))
        return self.by_organization.get(organization_id, Decimal(0))


Provider = Callable[[date, date], BilledSeats | None]

_PROVIDER: dict[str, Provider] = {}


def register(provider: Provider) -> None:
    _PROVIDER["billed_seats"] = provider


def billed_seats(month: Month) -> BilledSeats | None:
    """The month's billed seats from the registered provider; None without a provider or agreements."""
    provider = _PROVIDER.get("billed_seats")
    return provider(month.first_day, month.last_day) if provider else None
