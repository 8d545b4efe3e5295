"""Which billing variances GET /api/billing/variances selects and in what order (docs/billing.md, "The API").

The sort orders are declared once here (`ORDERINGS`, an `esinv.ordering.Orderings`, as the exceptions' in
`variances.filtersets`): the query serializer's `ordering` choices (400 listing them on an unknown one), the
schema's enum and the ORDER BY come from it. Every order ends with the variance's identity and id, so pages
never overlap or skip a row.
"""
from billing.models import BillingVariance
from esinv.ordering import Orderings

_IDENTITY = ("organization__name", "variance_type", "subject", "id")

ORDERINGS = Orderings(
    {
        "organization": _IDENTITY,
        "type": ("variance_type", "organization__name", "subject", "id"),
        # money at stake a month; variances without money (unknown price, disabled users) last either way
        "amount": ("amount", *_IDENTITY),
        "date_found": ("date_found", *_IDENTITY),
        "last_seen": ("last_seen", *_IDENTITY),
        "status": ("status", *_IDENTITY),
    },
    default="organization",
    nulls_last=frozenset({"amount"}),
)


def variance_queryset():
    # select_related: every row names its organization.
    return BillingVariance.objects.select_related("organization")


def filter_variances(query: dict, queryset=None):
    """Apply the validated filters of `BillingVarianceListQuerySerializer` (`type`: any of the types given), then
    its `ordering`."""
    rows = variance_queryset() if queryset is None else queryset
    if query.get("type"):
        rows = rows.filter(variance_type__in=query["type"])
    if query.get("status"):
        rows = rows.filter(status=query["status"])
    if query.get("organization"):
        rows = rows.filter(organization_id=query["organization"])
    if query.get("date"):
        rows = rows.filter(date_found__lte=query["date"], last_seen__gte=query["date"])
    return ORDERINGS.order(rows, query.get("ordering") or None)
