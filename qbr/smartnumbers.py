"""SmartNumbers: the MSP industry's quarterly KPIs (docs/qbr.md, formulas; docs/domain.md, "QBR numbers").

Plain functions over one quarter's aggregated metrics (flow metrics summed,
stock metrics averaged), keyed by metric name. The rules:

- a missing input (absent or None) makes the KPI null;
- a zero *denominator* makes the KPI null (never a ZeroDivisionError);
- a zero numerator is a real 0 (a quarter with no lost MRR has lost_mrr 0);
- `*_pct` KPIs are percentages (0-100), not ratios;
- values are rounded to 4 decimal places.
"""
from collections.abc import Callable, Mapping
from decimal import Decimal

Number = Decimal | int | float | None
MONTHS_PER_QUARTER = 3
QUARTERS_PER_YEAR = 4
DEFAULT_TECH_HOURS_PER_MONTH = 167
_PLACES = Decimal("0.0001")
_HUNDRED = Decimal(100)


def _d(value: Number) -> Decimal | None:
    if value is None:
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _div(numerator: Number, denominator: Number) -> Decimal | None:
    n, d = _d(numerator), _d(denominator)
    if n is None or d is None or d == 0:
        return None
    return n / d


def _mul(value: Decimal | None, factor: Number) -> Decimal | None:
    return None if value is None else value * _d(factor)


def _add(*values: Number) -> Decimal | None:
    ds = [_d(v) for v in values]
    return None if any(v is None for v in ds) else sum(ds, Decimal(0))


def _sub(a: Number, b: Number) -> Decimal | None:
    a, b = _d(a), _d(b)
    return None if a is None or b is None else a - b


def _per_month(value: Decimal | None) -> Decimal | None:
    return _div(value, MONTHS_PER_QUARTER)


def _pct(value: Decimal | None) -> Decimal | None:
    return _mul(value, _HUNDRED)


def tickets_per_tech_per_month(m: Mapping) -> Decimal | None:
    return _per_month(_div(m.get("reactive_tickets_closed"), m.get("technical_employees")))


def total_close_pct(m: Mapping) -> Decimal | None:
    return _pct(_div(m.get("reactive_tickets_closed"), m.get("reactive_tickets_created")))


def tickets_per_endpoint_per_month(m: Mapping) -> Decimal | None:
    return _per_month(_div(m.get("reactive_tickets_created"), m.get("endpoints_managed")))


def rhem(m: Mapping) -> Decimal | None:
    """Reactive hours per endpoint per month."""
    return _per_month(_div(m.get("total_time_reactive"), m.get("endpoints_managed")))


def avg_resolution_time(m: Mapping) -> Decimal | None:
    """Hours of reactive work per closed ticket."""
    return _div(m.get("total_time_reactive"), m.get("reactive_tickets_closed"))


def reactive_service_pct(m: Mapping, hours_per_tech: Number = DEFAULT_TECH_HOURS_PER_MONTH) -> Decimal | None:
    capacity = _mul(_d(m.get("technical_employees")), hours_per_tech)
    return _pct(_div(_per_month(_d(m.get("total_time_reactive"))), capacity))


def net_profit_pct(m: Mapping) -> Decimal | None:
    return _pct(_div(m.get("net_profit"), m.get("total_revenue")))


def _service_revenue(m: Mapping) -> Decimal | None:
    return _add(m.get("nrr"), m.get("mrr"))


def revenue_from_services_pct(m: Mapping) -> Decimal | None:
    return _pct(_div(_service_revenue(m), m.get("total_revenue")))


def services_from_mrr_pct(m: Mapping) -> Decimal | None:
    return _pct(_div(m.get("mrr"), _service_revenue(m)))


def annual_service_rev_per_employee(m: Mapping) -> Decimal | None:
    return _mul(_div(_service_revenue(m), m.get("employees")), QUARTERS_PER_YEAR)


def annual_service_rev_per_tech(m: Mapping) -> Decimal | None:
    return _mul(_div(_service_revenue(m), m.get("technical_employees")), QUARTERS_PER_YEAR)


def avg_aisp(m: Mapping) -> Decimal | None:
    """Average income per seat per month."""
    return _per_month(_div(m.get("mrr"), m.get("seats_managed")))


def avg_mrr_per_agreement(m: Mapping) -> Decimal | None:
    return _per_month(_div(m.get("mrr"), m.get("agreements")))


def new_mrr_added(m: Mapping) -> Decimal | None:
    return _d(m.get("new_mrr"))


def lost_mrr(m: Mapping) -> Decimal | None:
    return _d(m.get("lost_mrr"))


def net_mrr_gain(m: Mapping) -> Decimal | None:
    return _sub(m.get("new_mrr"), m.get("lost_mrr"))


def dials_per_appointment(m: Mapping) -> Decimal | None:
    return _div(m.get("telemarketing_dials"), m.get("first_time_appointments"))


def sales_call_close_pct(m: Mapping) -> Decimal | None:
    return _pct(_div(m.get("new_agreements"), m.get("first_time_appointments")))


# The seed contract's four KPIs (docs/qbr.md, "The contract's four").


def tickets_per_endpoint(m: Mapping) -> Decimal | None:
    """Reactive tickets created per endpoint per month (the contract's name for it)."""
    return tickets_per_endpoint_per_month(m)


def revenue_per_endpoint(m: Mapping) -> Decimal | None:
    """Total revenue per endpoint per month."""
    return _per_month(_div(m.get("total_revenue"), m.get("endpoints_managed")))


def csat_score(m: Mapping) -> Decimal | None:
    """The quarter's average of the hand-entered CSAT score (1-5)."""
    return _d(m.get("csat_score"))


def first_call_resolution(m: Mapping) -> Decimal | None:
    """% of reactive tickets closed on first contact.

    The ConnectWise figure (tickets closed on first contact / reactive tickets
    closed) when it can be computed, else the hand-entered percentage.
    """
    collected = _pct(_div(m.get("reactive_tickets_closed_first_contact"), m.get("reactive_tickets_closed")))
    return collected if collected is not None else _d(m.get("first_call_resolution_pct"))


SMART_NUMBERS: dict[str, Callable[[Mapping], Decimal | None]] = {
    "tickets_per_tech_per_month": tickets_per_tech_per_month,
    "total_close_pct": total_close_pct,
    "tickets_per_endpoint_per_month": tickets_per_endpoint_per_month,
    "rhem": rhem,
    "avg_resolution_time": avg_resolution_time,
    "reactive_service_pct": reactive_service_pct,
    "net_profit_pct": net_profit_pct,
    "revenue_from_services_pct": revenue_from_services_pct,
    "services_from_mrr_pct": services_from_mrr_pct,
    "annual_service_rev_per_employee": annual_service_rev_per_employee,
    "annual_service_rev_per_tech": annual_service_rev_per_tech,
    "avg_aisp": avg_aisp,
    "avg_mrr_per_agreement": avg_mrr_per_agreement,
    "new_mrr_added": new_mrr_added,
    "lost_mrr": lost_mrr,
    "net_mrr_gain": net_mrr_gain,
    "dials_per_appointment": dials_per_appointment,
    "sales_call_close_pct": sales_call_close_pct,
    "tickets_per_endpoint": tickets_per_endpoint,
    "revenue_per_endpoint": revenue_per_endpoint,
    "csat_score": csat_score,
    "first_call_resolution": first_call_resolution,
}
# The four KPIs the seed contract names (the other eighteen are DESIGN.md's SmartNumbers).
CONTRACT_KPIS = ("tickets_per_endpoint", "revenue_per_endpoint", "csat_score", "first_call_resolution")


def compute_smart_numbers(
    quarter_metrics: Mapping[str, Number], *, hours_per_tech: Number = DEFAULT_TECH_HOURS_PER_MONTH
) -> dict[str, Decimal | None]:
    """Every SmartNumber for one quarter's aggregated metrics, rounded; null where not computable."""
    results = {}
    for name, function in SMART_NUMBERS.items():
        value = (
            function(quarter_metrics, hours_per_tech) if name == "reactive_service_pct" else function(quarter_metrics)
        )
        results[name] = None if value is None else value.quantize(_PLACES)
    return results
