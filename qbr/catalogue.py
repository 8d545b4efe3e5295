"""The metrics QBR knows: how each aggregates over a quarter and where it comes from.

*Flow* metrics happen during a month (tickets, hours, revenue): a quarter sums
them. *Stock* metrics are a level at a point in time (seats, employees,
agreements): a quarter averages the months that have a value.
"""
from dataclasses import dataclass

from esinv.choices import ChoiceSet

FLOW = "flow"
STOCK = "stock"


class Aggregation(ChoiceSet):
    """How a quarter combines a metric's months: flow metrics are summed, stock metrics averaged."""

    SUM = "sum"
    AVERAGE = "average"
    CHOICES = [(SUM, "Sum of the months (flow)"), (AVERAGE, "Average of the months present (stock)")]

NINJA = 1  # inventory.models.Vendor.NINJA (no model import in plain modules)
CONNECTWISE = 2  # inventory.models.Vendor.CONNECTWISE


@dataclass(frozen=True)
class MetricDefinition:
    name: str
    kind: str  # FLOW or STOCK
    unit: str
    description: str
    source_vendor_id: int | None = None  # the vendor a collector reads it from; None = manual only
    allow_negative: bool = False
    minimum: int | None = None  # inclusive bounds a value must respect (a CSAT score is 1-5), None = open
    maximum: int | None = None

    @property
    def aggregation(self) -> str:
        return Aggregation.SUM if self.kind == FLOW else Aggregation.AVERAGE

    @property
    def collected(self) -> bool:
        return self.source_vendor_id is not None


_DEFINITIONS = [
    # Collected from NinjaOne (month-end snapshot) by `collect_qbr`.
    MetricDefinition("seats_managed", STOCK, "count", "Billable workstations (month-end NinjaOne snapshot).", NINJA),
    MetricDefinition("endpoints_managed", STOCK, "count", "Billable workstations + servers (month-end).", NINJA),
    # Collected from ConnectWise Manage (reactive boards/statuses in settings).
    MetricDefinition("reactive_tickets_created", FLOW, "count", "Reactive tickets entered in the month.", CONNECTWISE),
    MetricDefinition("reactive_tickets_closed", FLOW, "count", "Reactive tickets closed in the month.", CONNECTWISE),
    MetricDefinition("total_time_reactive", FLOW, "hours", "Hours logged on reactive tickets.", CONNECTWISE),
    MetricDefinition(
        "reactive_tickets_closed_first_contact", FLOW, "count",
        "Reactive tickets of the month closed on first contact (the ConnectWise figure behind first_call_resolution).",
        CONNECTWISE,
    ),
    # Entered by hand (API or admin).
    MetricDefinition("employees", STOCK, "count", "Employees (head count)."),
    MetricDefinition("technical_employees", STOCK, "count", "Technical employees (technicians, engineers)."),
    MetricDefinition("agreements", STOCK, "count", "Managed-service agreements in force."),
    MetricDefinition("total_revenue", FLOW, "currency", "All revenue."),
    MetricDefinition("mrr", FLOW, "currency", "Monthly recurring (service) revenue."),
    MetricDefinition("nrr", FLOW, "currency", "Non-recurring service revenue (projects, T&M)."),
    MetricDefinition("product_revenue", FLOW, "currency", "Hardware/software resale revenue."),
    MetricDefinition("total_expenses", FLOW, "currency", "All expenses."),
    MetricDefinition("net_profit", FLOW, "currency", "Net profit (may be negative).", allow_negative=True),
    MetricDefinition("new_mrr", FLOW, "currency", "MRR added by new agreements."),
    MetricDefinition("lost_mrr", FLOW, "currency", "MRR lost to cancelled agreements."),
    MetricDefinition("telemarketing_dials", FLOW, "count", "Outbound sales dials."),
    MetricDefinition("first_time_appointments", FLOW, "count", "First-time sales appointments."),
    MetricDefinition("new_agreements", FLOW, "count", "New agreements signed."),
    MetricDefinition("csat_score", STOCK, "score", "Customer satisfaction score (survey average, 1-5).",
                     minimum=1, maximum=5),
    MetricDefinition(
        "first_call_resolution_pct", STOCK, "percent",
        "Share of reactive tickets closed on first contact, entered by hand when ConnectWise does not report it.",
        minimum=0, maximum=100,
    ),
]

CATALOGUE: dict[str, MetricDefinition] = {d.name: d for d in _DEFINITIONS}


def definition(name: str) -> MetricDefinition | None:
    return CATALOGUE.get(name)
