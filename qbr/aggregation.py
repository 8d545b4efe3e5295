"""Quarterly aggregation of monthly metric values (plain functions).

Flow metrics are summed over the months that have a value, stock metrics are
averaged over them (catalogue.py says which is which; a name outside the
catalogue is treated as a stock). Each result names the months it includes,
so a quarter with a month missing is visible, not silently smaller.
"""
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from qbr.catalogue import Aggregation, definition


@dataclass(frozen=True)
class MonthValue:
    period: str  # YYYY-MM
    metric_name: str
    vendor_id: int | None
    value: Decimal
    data_source: str = "collected"


@dataclass(frozen=True)
class QuarterValue:
    metric_name: str
    vendor_id: int | None
    aggregation: str  # an Aggregation (qbr.catalogue)
    value: Decimal
    months: tuple[str, ...]
    data_sources: tuple[str, ...]


def _aggregation(metric_name: str) -> str:
    known = definition(metric_name)
    return known.aggregation if known is not None else Aggregation.AVERAGE


def _combine(metric_name: str, values: list[Decimal]) -> Decimal:
    total = sum(values, Decimal(0))
    return total if _aggregation(metric_name) == Aggregation.SUM else total / len(values)


def aggregate_quarter(values: Iterable[MonthValue]) -> list[QuarterValue]:
    """One aggregated value per (metric, vendor), sorted by metric name then vendor."""
    groups: dict[tuple, list[MonthValue]] = defaultdict(list)
    for v in values:
        groups[(v.metric_name, v.vendor_id)].append(v)
    results = []
    for (name, vendor_id), rows in groups.items():
        results.append(
            QuarterValue(
                metric_name=name,
                vendor_id=vendor_id,
                aggregation=_aggregation(name),
                value=_combine(name, [r.value for r in rows]),
                months=tuple(sorted({r.period for r in rows})),
                data_sources=tuple(sorted({r.data_source for r in rows})),
            )
        )
    return sorted(results, key=lambda q: (q.metric_name, q.vendor_id or 0))


def quarter_inputs(values: Iterable[MonthValue]) -> dict[str, Decimal]:
    """One number per metric for the SmartNumbers.

    Within a month the vendors' values of a metric add up (two PSAs' tickets);
    across the quarter's months the metric is summed or averaged as above.
    """
    per_month: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for v in values:
        per_month[v.metric_name][v.period] += v.value
    return {name: _combine(name, list(months.values())) for name, months in per_month.items()}
