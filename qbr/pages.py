"""Dashboard page of the quarterly business review (`/qbr/`): QBR readers only (group, staff or superuser).

Quarter picker, SmartNumbers with their green/yellow/red status, devices by client
for a month of the quarter, and the monthly metrics with their source.
"""
from django.conf import settings
from django.db.models import Max
from django.shortcuts import render
from django.utils import timezone

from esinv.page_access import requires
from inventory.models import Organization
from qbr.aggregation import MonthValue
from qbr.catalogue import CATALOGUE
from qbr.devices import device_counts
from qbr.labels import metric_label
from qbr.models import MonthlyMetric
from qbr.periods import Month, Quarter, parse_month, parse_quarter
from qbr.scorecard import score_quarter

QUARTERS_OFFERED = 8


def recent_quarters(today, count: int = QUARTERS_OFFERED) -> list[Quarter]:
    """The current quarter and the ones before it, newest first."""
    quarter = Month.of(today).quarter
    quarters = []
    for _ in range(count):
        quarters.append(quarter)
        quarter = Quarter(quarter.year - 1, 4) if quarter.number == 1 else Quarter(quarter.year, quarter.number - 1)
    return quarters


class BadPeriod(ValueError):
    """A `quarter` or `month` the page cannot show: answered with a 400 page naming it."""


def pick_quarter(raw: str, organization_id: int, today) -> Quarter:
    """The requested quarter; without one the latest with metrics, else the current one. Malformed: BadPeriod."""
    if raw.strip():
        try:
            return parse_quarter(raw)
        except ValueError as exc:
            raise BadPeriod(f"quarter: {exc}") from None
    latest = MonthlyMetric.objects.filter(organization_id=organization_id).aggregate(p=Max("period"))["p"]
    return parse_month(latest).quarter if latest else Month.of(today).quarter


def pick_month(raw: str, quarter: Quarter, today) -> Month:
    """The requested month of the quarter; else (none, or a month of another quarter: the picker sends the
    previous quarter's month when only the quarter was changed) its last month that has begun.
    Malformed: BadPeriod."""
    months = quarter.months
    if raw.strip():
        try:
            month = parse_month(raw)
        except ValueError as exc:
            raise BadPeriod(f"month: {exc}") from None
        if month in months:
            return month
    started = [m for m in months if m.first_day <= today]
    return started[-1] if started else months[0]


def smart_number_rows(organization_id: int, values: list[MonthValue]) -> list[dict]:
    _, scored = score_quarter(organization_id, values)
    return [
        {"name": n.name, "label": metric_label(n.name), "value": n.value,
         "status": n.status or "none", "threshold": n.threshold}
        for n in scored
    ]


def _refusal() -> str:
    return (f'The QBR pages are for members of the "{settings.QBR_READER_GROUP}" group. '
            "Ask an administrator to add your account to it.")


@requires("qbr_read", _refusal, title="QBR: not allowed")
def qbr(request):
    today = timezone.localdate()
    organization_id = Organization.MSP_ID
    try:
        quarter = pick_quarter(request.GET.get("quarter", ""), organization_id, today)
        month = pick_month(request.GET.get("month", ""), quarter, today)
    except BadPeriod as exc:
        # Never silently another quarter: say what was wrong (as the other pages' 400s do).
        return render(request, "pages/error.html", {"title": "Not a period", "message": str(exc)}, status=400)
    # Only the columns the page shows; a quarter is a few dozen rows.
    metrics = list(MonthlyMetric.objects.filter(
        organization_id=organization_id, period__in=[str(m) for m in quarter.months],
    ).only("period", "metric_name", "vendor_id", "metric_value", "data_source", "notes", "updated_by")
        .order_by("metric_name", "period", "vendor_id"))
    values = [MonthValue(m.period, m.metric_name, m.vendor_id, m.metric_value, m.data_source) for m in metrics]
    periods = [str(m) for m in quarter.months]
    table = {}
    for m in metrics:
        entry = table.setdefault((m.metric_name, m.vendor_id), {
            "name": m.metric_name, "unit": CATALOGUE[m.metric_name].unit if m.metric_name in CATALOGUE else "",
            "cells": {p: None for p in periods}})
        entry["cells"][m.period] = m
    quarters = recent_quarters(today)
    if quarter not in quarters:
        quarters.insert(0, quarter)
    return render(request, "pages/qbr.html", {
        "title": f"QBR {quarter}",
        "nav": "qbr",
        "quarter": quarter,
        "quarters": quarters,
        "month": month,
        "months": quarter.months,
        "periods": periods,
        "smart_numbers": smart_number_rows(organization_id, values),
        "has_metrics": bool(metrics),
        "metric_rows": [{**row, "cells": [row["cells"][p] for p in periods]} for row in table.values()],
        "devices": device_counts(month, organization_id),
    })
