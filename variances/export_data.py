"""Export rows and metadata straight from the database, for the export endpoints, jobs and admin.

`parse_export_request` turns the query parameters (`date`, `include_resolved`, `variance_type`,
`organization`, and the CSV's `meta`) into an `ExportRequest` (400 with the valid values for bad input, 404 for a date
that was never reconciled). `export_rows` streams the matching exceptions as plain row dicts
(`.values().iterator()`: no model instances, bounded memory), built by the same `_device_row` the
variance report uses; `export_meta` builds the `ExportMeta` with counts from one aggregate query
over the same filters, so every file shows the API's numbers (and, filtered to one client, that
client's own trend).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from esinv.errors import BadRequest, NotFound
from esinv.params import is_plain_int, parse_date
from inventory.models import Organization
from variances import dates, reports
from variances import types as T
from variances.exports import ALL, VARIANCE_TYPE_CHOICES, DataStatus, ExportFilters, ExportMeta
from variances.models import ExceptionRecord, ExceptionStatus

LATEST = "latest"
TRUE_WORDS, FALSE_WORDS = ("true", "1", "yes"), ("false", "0", "no")
BOOL_CHOICES = (*TRUE_WORDS, *FALSE_WORDS)
CHUNK_SIZE = 2000  # rows per database fetch while streaming
TREND_DAYS = 30
ORGANIZATION_CHOICES_MAX = 200  # organization names listed in a 400 (the rest: /api/organizations)

# The variance report's columns plus what only exports carry (notes and who resolved it).
EXPORT_FIELDS = (*reports.REPORT_FIELDS, "notes", "resolved_at", "resolved_by")


@dataclass(frozen=True)
class ExportRequest:
    """What to export: a reconciled date (None: nothing reconciled yet) and the filters."""

    day: date | None
    requested_date: str = LATEST  # as asked: "latest" or YYYY-MM-DD
    include_resolved: bool = False
    kind: T.VarianceKind | None = None  # None: all types
    organization_id: int | None = None
    organization_name: str | None = None
    with_meta: bool = False  # CSV: the metadata block before the header (`meta=true`)

    @property
    def variance_type(self) -> str:
        return self.kind.api_name if self.kind else ALL

    def filters(self) -> ExportFilters:
        return ExportFilters(date=self.requested_date, include_resolved=self.include_resolved,
                             variance_type=self.variance_type, organization=self.organization_name)

    def to_json(self) -> dict:
        """Stored on an export job; `from_json` rebuilds the same request (the date stays fixed)."""
        return {"day": self.day.isoformat() if self.day else None, "date": self.requested_date,
                "include_resolved": self.include_resolved, "variance_type": self.variance_type,
                "organization_id": self.organization_id, "organization": self.organization_name,
                "meta": self.with_meta}

    @classmethod
    def from_json(cls, data: Mapping) -> ExportRequest:
        return cls(day=date.fromisoformat(data["day"]) if data.get("day") else None,
                   requested_date=data.get("date") or LATEST, include_resolved=bool(data.get("include_resolved")),
                   kind=T.kind_for(data.get("variance_type") or "") or None,
                   organization_id=data.get("organization_id"), organization_name=data.get("organization"),
                   with_meta=bool(data.get("meta")))


# --- parameters (plain functions; the organization lookup is the only query) ---------------------

def parse_bool(raw: str | None, field: str, default: bool = False) -> bool:
    text = (raw or "").strip().lower()
    if not text:
        return default
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise BadRequest(f"{field} must be one of {', '.join(BOOL_CHOICES)}, not {raw!r}.", code="invalid_parameter",
                     details={"field": field, "value": raw, "valid_values": list(BOOL_CHOICES)})


def parse_variance_type(raw: str | None) -> T.VarianceKind | None:
    """`all` (or nothing) -> None; an API name or a type code (any case) -> its kind; else 400."""
    text = (raw or "").strip()
    if not text or text.lower() == ALL:
        return None
    kind = T.kind_for(text)
    if kind is None:
        raise BadRequest(f"Unknown variance_type {raw!r}.", code="invalid_parameter",
                         details={"field": "variance_type", "value": raw, "valid_values": list(VARIANCE_TYPE_CHOICES),
                                  "also_accepted": [k.code for k in T.KINDS]})
    return kind


def parse_organization(raw: str | None) -> Organization | None:
    """An organization by id or by name (case-insensitive); None when not given; 400 when unknown."""
    text = (raw or "").strip()
    if not text:
        return None
    found = Organization.objects.filter(pk=int(text)).first() if is_plain_int(text) else None
    found = found or Organization.objects.filter(name__iexact=text).order_by("pk").first()
    if found is None:
        # SQLite's iexact folds ASCII only ("CAFÉ" != "Café"): compare case-folded names in Python
        # (one query over the organization names; there are hundreds, not millions).
        wanted = text.casefold()
        pk = next((pk for pk, name in Organization.objects.order_by("pk").values_list("pk", "name")
                   if name.casefold() == wanted), None)
        found = Organization.objects.filter(pk=pk).first() if pk is not None else None
    if found is None:
        names = list(Organization.objects.order_by("name").values_list("name", flat=True)[:ORGANIZATION_CHOICES_MAX])
        raise BadRequest(f"Unknown organization {raw!r}.", code="invalid_parameter",
                         details={"field": "organization", "value": raw, "valid_values": names})
    return found


def parse_report_date(raw: str | None) -> tuple[date | None, str]:
    """(reconciled date or None when nothing is reconciled, the date as asked). 404 for an unknown date."""
    text = (raw or "").strip()
    if not text or text.lower() == LATEST:
        return dates.latest_report_date(), LATEST
    try:
        day = parse_date(text, "date")
    except BadRequest:
        raise BadRequest(f"date must be 'latest' or a date as YYYY-MM-DD, not {text!r}.", code="invalid_date",
                         details={"field": "date", "value": text, "valid_values": [LATEST, "YYYY-MM-DD"]}) from None
    if not dates.is_reconciled(day):
        raise NotFound(f"No variance data for {day.isoformat()}.", code="not_found",
                       details={"date": day.isoformat(), "available": "/api/variances/available-dates"})
    return day, day.isoformat()


def parse_export_request(params: Mapping) -> ExportRequest:
    day, requested = parse_report_date(params.get("date"))
    include_resolved = parse_bool(params.get("include_resolved"), "include_resolved")
    kind = parse_variance_type(params.get("variance_type"))
    org = parse_organization(params.get("organization"))
    with_meta = parse_bool(params.get("meta"), "meta")
    return ExportRequest(day=day, requested_date=requested, include_resolved=include_resolved, kind=kind,
                         organization_id=org.pk if org else None, organization_name=org.name if org else None,
                         with_meta=with_meta)


# --- rows and counts -------------------------------------------------------------------------------

def export_queryset(req: ExportRequest):
    """The exceptions an export holds (no ordering: callers add their own)."""
    if req.day is None:
        return ExceptionRecord.objects.none()
    queryset = reports.present_on(req.day).order_by()
    if not req.include_resolved:
        queryset = queryset.filter(status=ExceptionStatus.OPEN)
    if req.kind is not None:
        queryset = queryset.filter(type=req.kind.code)
    if req.organization_id is not None:
        queryset = queryset.filter(organization_id=req.organization_id)
    return queryset


def export_row(record: Mapping) -> dict:
    """One exception's export row from its `values()` dict: the report's device fields plus status,
    variance status, resolution audit and notes (field names as in `variances.exports.COLUMNS`)."""
    row = reports._device_row(record)
    kind = T.BY_CODE.get(record["type"])
    row["type"] = record["type"]
    row["variance_type"] = kind.api_name if kind else record["type"].lower()
    row["variance_status"] = record["variance_status"]
    row["status"] = record["status"]
    row["resolved_at"] = record["resolved_at"]
    row["resolved_by"] = record["resolved_by"]
    row["notes"] = record["notes"]
    return row


def export_rows(req: ExportRequest, *, chunk_size: int = CHUNK_SIZE) -> Iterator[dict]:
    """The rows, in report order (type, organization-independent hostname), fetched `chunk_size` at a time.

    `.values().iterator()` streams plain dicts from the cursor: 50,000 exceptions never sit in memory
    as model instances (the renderers that must group, Excel and PDF, keep compact tuples).
    """
    records = export_queryset(req).order_by("type", "canonical_key", "id").values(*EXPORT_FIELDS)
    for record in records.iterator(chunk_size=chunk_size):
        yield export_row(record)


def export_counts(req: ExportRequest) -> tuple[dict[str, int], dict[str, int]]:
    """(counts by type code, counts by organization name) in one aggregate query over the same filters.

    The organization is the report's (`details.organization`, "Unassigned" when empty), so the counts
    equal the number of rows in the variance report's `by_organization` lists.
    """
    by_type: Counter[str] = Counter()
    by_org: Counter[str] = Counter()
    grouped = export_queryset(req).values_list("type", "details__organization").annotate(n=Count("id"))
    for type_code, org, n in grouped:
        by_type[type_code] += n
        by_org[org or reports.UNKNOWN_ORG] += n
    return dict(by_type), dict(by_org)


def trend_series(day: date | None, days: int = TREND_DAYS, *,
                 organization_id: int | None = None) -> list[tuple[date, dict[str, int]]]:
    """Counts by type code per reconciled day over the `days` days ending on `day` (the API's trends);
    with `organization_id`, that client's counts only."""
    if day is None:
        return []
    series = reports.trends(day - timedelta(days=days - 1), day, organization_id=organization_id)["trends"]
    return [(date.fromisoformat(point["date"]),
             {T.BY_API_NAME[name].code: n for name, n in point["counts"].items() if name in T.BY_API_NAME})
            for point in series]


def export_meta(req: ExportRequest, *, with_trend: bool = True, counts=None) -> ExportMeta:
    by_type, by_org = counts if counts is not None else export_counts(req)
    status = reports._data_status(req.day)  # the API's data_status, message included
    return ExportMeta(
        generated_at=timezone.now(),
        report_date=req.day,
        data_status=DataStatus(status.get("status", ""), status.get("message", "")),
        filters=req.filters(),
        counts_by_type=by_type,
        counts_by_organization=by_org,
        trend=trend_series(req.day, organization_id=req.organization_id) if with_trend else (),
        metadata_rows=req.with_meta,
        msp_name=settings.ESINV_MSP_NAME,
    )
