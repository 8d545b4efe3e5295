"""Which exceptions a filter selects and in what order: GET /api/exceptions, bulk-update's `filter`, the
/variances/ triage page.

The status vocabulary is defined here once (docs/variances.md, "Status vocabulary"); every endpoint,
filter and page that accepts a status reads `STATUS_FILTERS`. Each parser raises a 400 naming its
parameter; `filter_exceptions` applies parsed filters to a queryset. The sort orders are defined here
once too (`ORDERINGS`, `parse_ordering`, `order_exceptions`), for the API's `ordering` and the page's links.
"""
import datetime
from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Prefetch, Q

from esinv.errors import BadRequest
from esinv.ordering import Orderings
from esinv.params import is_plain_int, parse_date
from variances import dates
from variances import types as T
from variances.models import ExceptionEvent, ExceptionRecord, ExceptionStatus, VarianceStatus

# Every status word the hub accepts, and what it selects. Two fields carry status:
#   status           open | resolved                        (the lifecycle: is anything left to do?)
#   variance_status  active | manually_fixed | collector_verified | resolved   (how it got there)
# `open` = not resolved = variance_status active or manually_fixed; `active` = open and not marked
# manually fixed. `unresolved` is another spelling of `open` (and `resolved=false` of the list's).
STATUS_FILTERS: dict[str, Q] = {
    ExceptionStatus.OPEN: Q(status=ExceptionStatus.OPEN),
    ExceptionStatus.RESOLVED: Q(status=ExceptionStatus.RESOLVED),
    VarianceStatus.ACTIVE: Q(status=ExceptionStatus.OPEN, variance_status=VarianceStatus.ACTIVE),
    VarianceStatus.MANUALLY_FIXED: Q(status=ExceptionStatus.OPEN, variance_status=VarianceStatus.MANUALLY_FIXED),
    VarianceStatus.COLLECTOR_VERIFIED: Q(variance_status=VarianceStatus.COLLECTOR_VERIFIED),
}
STATUS_ALIASES = {"unresolved": ExceptionStatus.OPEN}
STATUS_VALUES = sorted([*STATUS_FILTERS, *STATUS_ALIASES])
# Which statuses `resolved=true|false` is compatible with (the list's older parameter).
RESOLVED_STATUSES = {True: {ExceptionStatus.RESOLVED, VarianceStatus.COLLECTOR_VERIFIED},
                     False: {ExceptionStatus.OPEN, VarianceStatus.ACTIVE, VarianceStatus.MANUALLY_FIXED}}


def parse_status(raw: str | None) -> str | None:
    """A status word (any case) -> its canonical name; blank -> None; anything else -> 400."""
    value = (raw or "").strip().lower()
    if not value:
        return None
    value = STATUS_ALIASES.get(value, value)
    if value not in STATUS_FILTERS:
        raise BadRequest(f"Unknown status {raw!r}.", code="invalid_parameter",
                         details={"field": "status", "value": raw, "allowed": STATUS_VALUES})
    return value


def parse_types(raw: str | None, field: str = "type") -> list[str] | None:
    """A comma list of type codes or API names -> type codes, without repeats; blank parts are ignored (as
    billing's `QueryChoicesField`); nothing left -> None; an unknown one -> 400."""
    if raw is None or not raw.strip():
        return None
    codes = []
    for part in raw.split(","):
        if not part.strip():
            continue
        kind = T.kind_for(part)
        if kind is None:
            raise BadRequest(f"Unknown exception type {part.strip()!r}.", code="invalid_parameter",
                             details={"field": field, "value": part.strip(),
                                      "allowed": [k.code for k in T.KINDS] + [k.api_name for k in T.KINDS]})
        codes.append(kind.code)
    return list(dict.fromkeys(codes)) or None


@dataclass(frozen=True)
class ExceptionFilter:
    """Parsed filters (None / empty: not filtered)."""

    types: tuple[str, ...] | None = None
    status: str | None = None
    organization: str = ""
    hostname: str = ""
    date: datetime.date | None = None
    resolved: bool | None = None
    new_since: datetime.date | None = None  # first seen (date_found) on or after it
    last_seen_before: datetime.date | None = None  # last seen before it (gone by then)

    @classmethod
    def parse(cls, params: Mapping) -> "ExceptionFilter":
        """From raw strings (a query string, bulk-update's `filter`, the page's form)."""
        types = parse_types(params.get("type"))
        return cls(types=tuple(types) if types else None, status=parse_status(params.get("status")),
                   organization=(params.get("organization") or "").strip(),
                   hostname=(params.get("hostname") or "").strip(), date=parse_date(params.get("date"), "date"),
                   new_since=parse_date(params.get("new_since"), "new_since"),
                   last_seen_before=parse_date(params.get("last_seen_before"), "last_seen_before"))


def exception_queryset():
    # The organization name is on every row (select_related: no query per row);
    # the history is one prefetch query per page, not one per exception.
    return ExceptionRecord.objects.select_related("organization").prefetch_related(
        Prefetch("events", queryset=ExceptionEvent.objects.order_by("at", "id"))
    ).order_by("type", "canonical_key", "-id")


def filter_exceptions(filters: ExceptionFilter, queryset):
    """Apply the filters; the date defaults to the latest report date. Returns (queryset, date)."""
    day = filters.date or dates.latest_report_date()
    if day is None:
        return queryset.none(), None
    queryset = queryset.filter(date_found__lte=day, last_seen__gte=day)
    if filters.types:
        queryset = queryset.filter(type__in=filters.types)
    if filters.status:
        queryset = queryset.filter(STATUS_FILTERS[filters.status])
    if filters.resolved is not None:
        queryset = queryset.filter(STATUS_FILTERS[ExceptionStatus.RESOLVED if filters.resolved
                                                  else ExceptionStatus.OPEN])
    if filters.organization:
        if is_plain_int(filters.organization):
            queryset = queryset.filter(organization_id=int(filters.organization))
        else:
            queryset = queryset.filter(organization__name__iexact=filters.organization)
    if filters.hostname:
        value = filters.hostname
        queryset = queryset.filter(Q(hostname__icontains=value) | Q(canonical_key__icontains=value.lower()))
    if filters.new_since:
        queryset = queryset.filter(date_found__gte=filters.new_since)
    if filters.last_seen_before:
        queryset = queryset.filter(last_seen__lt=filters.last_seen_before)
    return queryset, day


# The sort orders of the triage list (API `ordering`, the page's column links): name -> ORDER BY columns.
# Every order ends with the canonical key and the id, so pages never overlap or skip a row.
# `days_open` counts from date_found to the report date, the same for every row of a report, so more days
# open is an earlier date_found: `days_open` sorts by date_found descending, `-days_open` ascending.
ORDERINGS: dict[str, tuple[str, ...]] = {
    "type": ("type", "canonical_key", "-id"),
    "organization": ("organization__name", "canonical_key", "-id"),
    "hostname": ("hostname", "canonical_key", "-id"),
    "date_found": ("date_found", "canonical_key", "-id"),
    "days_open": ("-date_found", "canonical_key", "-id"),
}
DEFAULT_ORDERING = "type"
EXCEPTION_ORDERINGS = Orderings(ORDERINGS, DEFAULT_ORDERING)  # the 400 and the ORDER BY: esinv.ordering
ORDERING_VALUES = EXCEPTION_ORDERINGS.values


def parse_ordering(raw: str | None, field: str = "ordering") -> str | None:
    """`type`, `-date_found`... -> that name; blank -> None (the default order); anything else -> 400."""
    return EXCEPTION_ORDERINGS.parse(raw, field)


def order_exceptions(queryset, ordering: str | None):
    """Order by a parsed ordering name (`-name`: descending, every column flipped); None: the default."""
    return EXCEPTION_ORDERINGS.order(queryset, ordering)
