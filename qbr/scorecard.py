"""A quarter's SmartNumbers scored against an organization's thresholds (read by the API and the QBR page)."""
from dataclasses import dataclass

from django.conf import settings

from qbr.aggregation import MonthValue, quarter_inputs
from qbr.models import Threshold
from qbr.smartnumbers import compute_smart_numbers
from qbr.thresholds import threshold_status


@dataclass(frozen=True)
class ScoredNumber:
    name: str
    value: object  # Decimal or None when its inputs are missing or a divisor is zero
    threshold: Threshold | None
    status: str | None  # green / yellow / red, None without a threshold


def score_quarter(organization_id: int, values: list[MonthValue]) -> tuple[dict, list[ScoredNumber]]:
    """The quarter's aggregated inputs and every SmartNumber with its threshold status (one threshold query)."""
    inputs = quarter_inputs(values)
    numbers = compute_smart_numbers(inputs, hours_per_tech=settings.QBR_TECH_HOURS_PER_MONTH)
    thresholds = {t.metric_name: t for t in Threshold.objects.filter(organization_id=organization_id,
                                                                     metric_name__in=numbers)}
    scored = []
    for name, value in numbers.items():
        t = thresholds.get(name)
        status = None
        if t:
            status = threshold_status(value, green=t.green_bound, yellow=t.yellow_bound, direction=t.direction)
        scored.append(ScoredNumber(name, value, t, status))
    return inputs, scored
