"""The demo's QBR numbers (`manage.py demo_qbr`): sample manual metrics, ConnectWise and seats, thresholds.

Plain data and plain functions first (the sample values are a pure function of
the month and, for clients, of the organization's name), then the writes:

- sample manual metrics, entered as the actor "demo" through
  `qbr.services.record_manual_metrics` (audited like any hand entry). A value
  someone else wrote (staff through the page, the API or the admin) is never
  replaced: only missing values and the demo's own are written, so running
  again gives the same numbers and never duplicates;
- ConnectWise Manage ticket metrics per month, read by the existing collector
  (`qbr.connectwise.collector.collect_month` and `write_metrics`) from
  whatever CONNECTWISE_BASE_URL points at (bin/demo: the bundled simulator);
- seats and endpoints from the NinjaOne snapshots (`qbr.services.collect_month`;
  a month without a snapshot gets none);
- the default thresholds of migration qbr.0003, where missing.
"""
import zlib
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import import_module

from django.apps import apps as django_apps

from collectors.clients.connectwise import ConnectWiseClient
from inventory.models import Organization, Snapshot, Vendor
from qbr.catalogue import CATALOGUE
from qbr.connectwise.collector import ReactiveFilter, collect_month, configured_zone, write_metrics
from qbr.models import MonthlyMetric, Threshold
from qbr.periods import Month, Quarter
from qbr.services import ManualEntry, record_manual_metrics
from qbr.services import collect_month as collect_seats_month

ACTOR = "demo"
NOTE = "Demo sample value (manage.py demo_qbr)."
MAX_QUARTERS = 20

# The MSP (organization 1) in a typical month: about 2,000 endpoints, 24 staff of whom 14 technicians.
# Revenue and sales figures move a little from month to month (SEASON, by month of the year).
MSP_BASE = {
    "employees": Decimal(24),
    "technical_employees": Decimal(14),
    "agreements": Decimal(45),
    "mrr": Decimal(200_000),
    "nrr": Decimal(35_000),
    "product_revenue": Decimal(25_000),
    "new_mrr": Decimal(4_000),
    "lost_mrr": Decimal(1_500),
    "telemarketing_dials": Decimal(900),
    "first_time_appointments": Decimal(12),
    "new_agreements": Decimal(3),
    "csat_score": Decimal("4.6"),
    "first_call_resolution_pct": Decimal(68),
}
EXPENSE_RATIO = Decimal("0.87")  # total_expenses = 87 % of total_revenue; net_profit the rest
# Percent change by month of the year (January first): quiet summers, busy year ends.
SEASON = (-2, 0, 3, 1, 0, -4, -6, -3, 2, 4, 5, 1)
# Monthly MRR growth, compounded from January 2026 (earlier months a little smaller).
MRR_GROWTH = Decimal("0.005")
GROWTH_EPOCH = Month(2026, 1)
STOCK_FIXED = ("employees", "technical_employees", "agreements")  # head counts do not follow the season
CLIENT_METRICS = ("csat_score", "first_call_resolution_pct")


def _months_since_epoch(month: Month) -> int:
    return (month.year - GROWTH_EPOCH.year) * 12 + month.month - GROWTH_EPOCH.month


def _clamp(name: str, value: Decimal) -> Decimal:
    d = CATALOGUE[name]
    if d.minimum is not None:
        value = max(Decimal(d.minimum), value)
    if d.maximum is not None:
        value = min(Decimal(d.maximum), value)
    return value


def msp_sample(month: Month) -> dict[str, Decimal]:
    """The MSP's manual metrics for a month (every value in the catalogue's bounds)."""
    season = Decimal(100 + SEASON[month.month - 1]) / 100
    growth = (1 + MRR_GROWTH) ** _months_since_epoch(month)
    values = {}
    for name, base in MSP_BASE.items():
        if name in STOCK_FIXED:
            value = base
        elif name == "mrr":
            value = (base * growth).quantize(Decimal(1))
        elif name == "csat_score":
            value = (base + Decimal(SEASON[month.month - 1]) / 50).quantize(Decimal("0.01"))
        elif name == "first_call_resolution_pct":
            value = (base + SEASON[month.month - 1]).quantize(Decimal("0.1"))
        else:  # revenue, sales activity: with the season
            value = (base * season).quantize(Decimal(1))
        values[name] = _clamp(name, value)
    values["total_revenue"] = values["mrr"] + values["nrr"] + values["product_revenue"]
    values["total_expenses"] = (values["total_revenue"] * EXPENSE_RATIO).quantize(Decimal(1))
    values["net_profit"] = values["total_revenue"] - values["total_expenses"]
    return values


def client_sample(name: str, month: Month) -> dict[str, Decimal]:
    """A client's satisfaction and first-call resolution: steady per client (from its name), varying by month."""
    seed = zlib.crc32(name.lower().encode())  # stable across runs (unlike hash())
    wiggle = (seed >> 4) % 5 - 2 + SEASON[month.month - 1] // 3  # -4..+3
    csat = Decimal("3.9") + Decimal(seed % 9) / 10 + Decimal(wiggle) / 20
    fcr = Decimal(55 + seed % 25 + wiggle)
    return {"csat_score": _clamp("csat_score", csat.quantize(Decimal("0.01"))),
            "first_call_resolution_pct": _clamp("first_call_resolution_pct", fcr)}


def demo_months(today, quarters: int) -> list[Month]:
    """The months of the last `quarters` quarters (the current one included) that have begun, oldest first."""
    if not 1 <= quarters <= MAX_QUARTERS:
        raise ValueError(f"quarters must be 1-{MAX_QUARTERS}, not {quarters}")
    quarter = Month.of(today).quarter
    chosen = []
    for _ in range(quarters):
        chosen = quarter.months + chosen
        quarter = Quarter(quarter.year - 1, 4) if quarter.number == 1 else Quarter(quarter.year, quarter.number - 1)
    return [m for m in chosen if m.first_day <= today]


def sample_entries(months: list[Month], clients: list[tuple[int, str]]) -> list[ManualEntry]:
    """Every sample value: the MSP's for each month, then each client's (organization id, name)."""
    entries = []
    for month in months:
        for name, value in msp_sample(month).items():
            entries.append(ManualEntry(str(month), Organization.MSP_ID, None, name, value, NOTE))
        for organization_id, org_name in clients:
            for name, value in client_sample(org_name, month).items():
                entries.append(ManualEntry(str(month), organization_id, None, name, value, NOTE))
    return entries


# --- the writes ------------------------------------------------------------------
@dataclass
class ManualOutcome:
    written: int = 0  # created or changed
    unchanged: int = 0
    kept: list[str] = field(default_factory=list)  # "2026-10 mrr (org 1)": someone else's value, left alone


def demo_clients() -> list[tuple[int, str]]:
    """The client organizations (not the MSP, not internal ones) as (id, name)."""
    return list(Organization.objects.exclude(pk=Organization.MSP_ID).exclude(is_internal=True)
                .order_by("name").values_list("id", "name"))


def enter_sample_metrics(months: list[Month], clients: list[tuple[int, str]] | None = None) -> ManualOutcome:
    """Write the sample values that are missing or the demo's own; leave everybody else's."""
    clients = demo_clients() if clients is None else clients
    entries = sample_entries(months, clients)
    owners = {
        (period, org, name): updated_by
        for period, org, name, updated_by in MonthlyMetric.objects.filter(
            period__in=[str(m) for m in months], vendor__isnull=True,
            organization_id__in={e.organization_id for e in entries},
            metric_name__in={e.metric_name for e in entries},
        ).values_list("period", "organization_id", "metric_name", "updated_by")
    }
    outcome = ManualOutcome()
    mine = []
    for e in entries:
        owner = owners.get((e.period, e.organization_id, e.metric_name))
        if owner is not None and owner != ACTOR:
            outcome.kept.append(f"{e.period} {e.metric_name} (organization {e.organization_id})")
        else:
            mine.append(e)
    for write in record_manual_metrics(mine, actor=ACTOR):
        if write.changed:
            outcome.written += 1
        else:
            outcome.unchanged += 1
    return outcome


def ensure_default_thresholds() -> int:
    """Create the shipped default thresholds (migration qbr.0003's table) that are missing; returns how many."""
    migration = import_module("qbr.migrations.0003_contract_kpis_and_default_thresholds")
    before = Threshold.objects.filter(organization_id=Organization.MSP_ID).count()
    migration.add_defaults(django_apps, None)  # the migration's own function: one list of defaults
    return Threshold.objects.filter(organization_id=Organization.MSP_ID).count() - before


def collect_connectwise(months: list[Month], *, progress=lambda text: None) -> list[dict]:
    """The ConnectWise metrics of each month through the collector, written as it writes them (vendor 2, org 1).

    Raises the collector's VendorError when ConnectWise is not configured or does not answer.
    """
    reactive, zone = ReactiveFilter.from_settings(), configured_zone()
    client = ConnectWiseClient()
    results = []
    try:
        for month in months:
            result = collect_month(client, month, reactive, zone=zone)
            result.update(write_metrics(result, reactive))
            progress(f"ConnectWise {month}: {result['reactive_tickets_created']} reactive tickets created, "
                     f"{result['reactive_tickets_closed']} closed, {result['total_time_reactive']} h "
                     f"({result['written']} values written"
                     + (f"; manual values kept: {', '.join(result['kept_manual'])}" if result["kept_manual"] else "")
                     + ")")
            results.append(result)
    finally:
        client.close()
    return results


def collect_seats(months: list[Month], *, progress=lambda text: None) -> list[dict]:
    """Seats and endpoints of each month that has a NinjaOne snapshot (qbr.services.collect_month)."""
    results = []
    for month in months:
        if not Snapshot.objects.filter(vendor_id=Vendor.NINJA,
                                       snapshot_date__range=(month.first_day, month.last_day)).exists():
            continue  # nothing to count (and no warning in the demo's output for it)
        summary = collect_seats_month(month)
        if summary["snapshot_date"] is not None:
            progress(f"NinjaOne {month}: snapshot {summary['snapshot_date']}, {summary['total_seats']} seats, "
                     f"{summary['total_endpoints']} endpoints ({summary['written']} values written)")
            results.append(summary)
    return results
