"""Read side: variance reports, status counts, available dates, trends.

Each function costs a fixed number of queries whatever the number of devices
(the report is one query over the exceptions present on the date).
"""
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Count, IntegerField, Q
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from esinv.choices import ChoiceSet
from esinv.errors import BadRequest
from inventory.freshness import report_status
from inventory.hostnames import clean_hostname
from variances import dates, duplicates
from variances import types as T
from variances.models import ExceptionRecord, ExceptionStatus, ReconciliationRun, VarianceStatus

UNKNOWN_ORG = "Unassigned"


def present_on(day: date):
    """Exceptions present on a report date: found on or before it, seen on or after it."""
    return ExceptionRecord.objects.filter(date_found__lte=day, last_seen__gte=day)


def exception_summary() -> dict:
    """For /api/status: open exceptions seen on the latest report date, by type code."""
    day = dates.latest_report_date()
    if day is None:
        return {"exception_counts": {}, "total_exceptions": 0, "report_date": None, "previous_report_date": None,
                "new_since_previous": {}, "gone_since_previous": {}}
    rows = (
        present_on(day).filter(status=ExceptionStatus.OPEN, last_seen=day)
        .order_by().values_list("type").annotate(n=Count("id"))
    )
    counts = dict(sorted(rows, key=lambda pair: (-pair[1], pair[0])))
    changes = changes_since_previous(day)
    return {"exception_counts": counts, "total_exceptions": sum(counts.values()), "report_date": day,
            "previous_report_date": changes["previous_report_date"],
            "new_since_previous": changes["new_since_previous"], "gone_since_previous": changes["gone_since_previous"]}


def change_filters(latest: date, previous: date | None) -> dict[str, Q]:
    """What changed from the previous report date to the latest, as filters on exceptions (one place):
    `new_since_previous` = present on the latest and first found on it; `gone_since_previous` = present on
    the previous date and no longer on the latest (auto-resolved or verified fixed: last_seen stayed behind).
    Without a previous date nothing is gone."""
    new = Q(date_found=latest, last_seen__gte=latest)
    if previous is None:
        return {"new_since_previous": new, "gone_since_previous": Q(pk__isnull=True)}  # matches no row
    gone = Q(date_found__lte=previous, last_seen__gte=previous, last_seen__lt=latest)
    return {"new_since_previous": new, "gone_since_previous": gone}


def changes_since_previous(day: date | None) -> dict:
    """Per type code, exceptions new on `day` and gone since the reconciled date before it: the previous
    date, then one grouped count (two queries, whatever the number of exceptions).
    {"report_date", "previous_report_date", "new_since_previous": {code: n}, "gone_since_previous": {code: n}};
    every type appears, with 0."""
    result = {"report_date": day, "previous_report_date": None,
              "new_since_previous": dict.fromkeys(T.BY_CODE, 0), "gone_since_previous": dict.fromkeys(T.BY_CODE, 0)}
    if day is None:
        return result
    previous = dates.previous_report_date(day)
    result["previous_report_date"] = previous
    conditions = change_filters(day, previous)
    rows = (ExceptionRecord.objects.filter(conditions["new_since_previous"] | conditions["gone_since_previous"])
            .order_by().values("type")
            .annotate(**{name: Count("id", filter=condition) for name, condition in conditions.items()}))
    for row in rows:
        for name in conditions:
            if row["type"] in result[name]:
                result[name][row["type"]] = row[name]
    return result


# Columns a report row needs; notes and the audit trail stay out of the report.
REPORT_FIELDS = ("id", "type", "canonical_key", "variance_status", "status", "resolution", "date_found",
                 "last_seen", "details")


def _device_row(record: dict) -> dict:
    details = record["details"] or {}
    kind = T.BY_CODE.get(record["type"])
    vendor = kind.vendor if kind else None
    ninja_display, tl_display = details.get("ninja_display_name"), details.get("threatlocker_display_name")
    row = {
        "id": record["id"],
        "hostname": record["canonical_key"],
        "ninja_hostname": details.get("ninja_hostname"),
        "threatlocker_hostname": clean_hostname(details.get("threatlocker_hostname")) or None,
        "ninja_display_name": ninja_display,
        "threatlocker_display_name": tl_display,
        "display_name": tl_display if vendor == "ThreatLocker" else (ninja_display or tl_display),
        "organization": details.get("organization") or UNKNOWN_ORG,
        "ninja_organization": details.get("ninja_organization"),
        "threatlocker_organization": details.get("threatlocker_organization"),
        "billing_status": details.get("billing_status"),
        "vendor": vendor,
        "action": kind.action if kind else "",
        "status": record["status"],
        "variance_status": record["variance_status"],
        "resolved": record["status"] == ExceptionStatus.RESOLVED,
        "resolution": record["resolution"] or None,
        "date_found": record["date_found"].isoformat(),
        "last_seen": record["last_seen"].isoformat(),
    }
    if "count" in details:
        row["duplicate_count"] = details["count"]
        row["entries"] = duplicates.entries(details, record["type"])
    if "ninja_note" in details:
        row["ninja_note"], row["threatlocker_note"] = details["ninja_note"], details.get("threatlocker_note")
    return row


def _data_status(day: date | None) -> dict:
    status = report_status(day, timezone.localdate())
    if day is None and dates.latest_common_date() is not None:
        status["message"] = "No reconciliation has run yet (run `manage.py reconcile`)."
    return status


class ReportFilter(ChoiceSet):
    """Which exceptions a variance report lists (its `filter` field)."""

    ALL = "all"  # /latest and /{date}
    UNRESOLVED = "unresolved"  # /filtered: open exceptions only
    CHOICES = [(ALL, "All exceptions"), (UNRESOLVED, "Unresolved exceptions only")]


def variance_report(day: date | None, *, unresolved_only: bool = False) -> dict:
    """The report for a reconciled date (None: nothing reconciled yet, an empty report)."""
    records = list(present_on(day).order_by().values(*REPORT_FIELDS)) if day else []
    unresolved = sum(1 for r in records if r["status"] == ExceptionStatus.OPEN)
    report = {
        "report_date": day.isoformat() if day else None,
        "data_status": _data_status(day),
        "summary": {
            "total_exceptions": len(records),
            "unresolved_count": unresolved,
            "resolved_count": len(records) - unresolved,
            "by_type": dict.fromkeys((kind.api_name for kind in T.KINDS), 0),
        },
        "filter": ReportFilter.UNRESOLVED if unresolved_only else ReportFilter.ALL,
    }
    changes = changes_since_previous(day)
    report["previous_report_date"] = changes["previous_report_date"].isoformat() if changes["previous_report_date"] \
        else None
    for name in ("new_since_previous", "gone_since_previous"):
        report["summary"][name] = {T.BY_CODE[code].api_name: n for code, n in changes[name].items()}
    sections = {kind.code: defaultdict(list) for kind in T.KINDS}
    for record in records:
        if record["type"] not in sections:
            continue
        report["summary"]["by_type"][T.BY_CODE[record["type"]].api_name] += 1
        if unresolved_only and record["status"] != ExceptionStatus.OPEN:
            continue
        row = _device_row(record)
        sections[record["type"]][row["organization"]].append(row)
    for kind in T.KINDS:
        by_org = sections[kind.code]
        report[kind.api_name] = {
            "total_count": sum(len(rows) for rows in by_org.values()),
            "by_organization": {
                org: sorted(by_org[org], key=lambda r: r["hostname"]) for org in sorted(by_org, key=str.casefold)
            },
        }
    return report


def status_summary() -> dict:
    """Counts by status and by type for the latest report date."""
    day = dates.latest_report_date()
    by_status = dict.fromkeys(VarianceStatus.values(), 0)
    by_type = {kind.api_name: {"open": 0, "resolved": 0, "total": 0} for kind in T.KINDS}
    if day is not None:
        rows = present_on(day).order_by().values_list("type", "status", "variance_status").annotate(n=Count("id"))
        for type_code, status, variance_status, n in rows:
            by_status[variance_status] = by_status.get(variance_status, 0) + n
            kind = T.BY_CODE.get(type_code)
            if kind:
                by_type[kind.api_name]["open" if status == ExceptionStatus.OPEN else "resolved"] += n
                by_type[kind.api_name]["total"] += n
    open_count = sum(t["open"] for t in by_type.values())
    total = sum(t["total"] for t in by_type.values())
    return {
        "report_date": day.isoformat() if day else None,
        "total": total,
        "open": open_count,
        "resolved": total - open_count,
        "by_status": by_status,
        "by_type": by_type,
    }


# The figures of a run that the dates and trends read (not the rules switched on, nor the timings): values, not
# model instances, so a year of runs costs a year of rows.
RUN_FIGURES = ("report_date", "ninja_devices", "threatlocker_devices", "total", "created_count", "resolved_count")
# A trends day's counts, in the kinds' order: (API name, column of the run's count of that kind).
KIND_COLUMNS = tuple((kind.api_name, f"count_{kind.code.lower()}") for kind in T.KINDS)


class _KindCount(Coalesce):
    """A kind's count out of a run's `counts` JSON, 0 when absent: an integer from the database on both backends
    (CAST ... AS integer), so no Python converter runs per value (Django's integer converter would, 7 per day)."""

    def __init__(self, code: str):
        super().__init__(Cast(KT(f"counts__{code}"), IntegerField()), 0, output_field=IntegerField())

    @property
    def convert_value(self):
        return self._convert_value_noop


# Built once (a query resolves copies of them).
_KIND_COUNTS = {column: _KindCount(kind.code) for kind, (_, column) in zip(T.KINDS, KIND_COLUMNS, strict=True)}


def _latest_runs(start: date | None = None, end: date | None = None, *, with_counts: bool = False) -> dict[date, dict]:
    """The figures (`RUN_FIGURES`) of the last run of each report date in the range (a re-run replaces the day's
    figures). `with_counts` adds each kind's count (`KIND_COLUMNS`), read from the `counts` JSON by the database
    (0 where the run found none): a year of runs then costs no JSON decoding in Python."""
    runs = ReconciliationRun.objects.order_by("report_date", "started_at")
    if start:
        runs = runs.filter(report_date__gte=start)
    if end:
        runs = runs.filter(report_date__lte=end)
    return {run["report_date"]: run for run in runs.values(*RUN_FIGURES, **(_KIND_COUNTS if with_counts else {}))}


class DataQuality(ChoiceSet):
    """How far a reconciled date can be trusted (`/api/variances/available-dates`)."""

    GOOD = "good"  # reconciled with devices from both vendors
    PARTIAL = "partial"  # reconciled, but a vendor had no devices that day
    NOT_RECONCILED = "not_reconciled"
    CHOICES = [(GOOD, "Good", "green"), (PARTIAL, "Partial", "yellow"), (NOT_RECONCILED, "Not reconciled", "grey")]


def available_dates() -> dict:
    common = dates.common_dates()
    runs = _latest_runs()
    quality = {}
    for day in common:
        run = runs.get(day)
        quality[day.isoformat()] = {
            "reconciled": run is not None,
            "quality": (DataQuality.GOOD if run["ninja_devices"] and run["threatlocker_devices"]
                        else DataQuality.PARTIAL) if run else DataQuality.NOT_RECONCILED,
            "ninja_devices": run["ninja_devices"] if run else None,
            "threatlocker_devices": run["threatlocker_devices"] if run else None,
            "total_exceptions": run["total"] if run else None,
        }
    return {
        "available_dates": [day.isoformat() for day in common],
        "date_range": {
            "earliest": common[-1].isoformat() if common else None,
            "latest": common[0].isoformat() if common else None,
        },
        "total_dates": len(common),
        "data_quality": quality,
    }


def _organization_days(days: list[date], organization_id: int) -> dict[date, dict]:
    """One client's figures for each reconciled day: exceptions present that day by type code, new, resolved.

    One query over that client's exceptions overlapping the range; each exception counts on every
    listed day from its `date_found` to its `last_seen` (what that day's report shows for the client).
    """
    figures = {day: {"counts": Counter(), "new": 0, "resolved": 0} for day in days}
    if not days:
        return figures
    rows = (ExceptionRecord.objects.filter(organization_id=organization_id, date_found__lte=days[-1],
                                           last_seen__gte=days[0])
            .order_by().values_list("type", "date_found", "last_seen", "resolved_on"))
    for type_code, found, seen, resolved_on in rows.iterator(chunk_size=2000):
        for day in days[bisect_left(days, found):bisect_right(days, seen)]:
            figures[day]["counts"][type_code] += 1
        if found in figures:
            figures[found]["new"] += 1
        if resolved_on in figures:
            figures[resolved_on]["resolved"] += 1
    return figures


def trends(start: date | None, end: date | None, *, organization_id: int | None = None) -> dict:
    """Counts by type per reconciled day, with new and resolved exceptions per day.

    With `organization_id`, the figures are that client's alone (computed from its exceptions, see
    `_organization_days`); the vendors' device counts are then null (they are the whole MSP's).
    """
    if end is None:
        end = dates.latest_report_date() or timezone.localdate()
    if start is None:
        # Clamped: an end date in year 1 must not push the default start before date.min.
        start = max(end - timedelta(days=min(settings.ESINV_TRENDS_DEFAULT_DAYS - 1, (end - date.min).days)), date.min)
    if start > end:
        raise BadRequest("start_date must be on or before end_date.", code="invalid_range",
                         details={"field": "start_date", "start_date": start.isoformat(), "end_date": end.isoformat()})
    if (end - start).days + 1 > settings.ESINV_TRENDS_MAX_DAYS:
        raise BadRequest(f"The range may cover at most {settings.ESINV_TRENDS_MAX_DAYS} days.",
                         code="invalid_range", details={"field": "start_date"})
    days = []
    runs = sorted(_latest_runs(start, end, with_counts=organization_id is None).items())
    client = _organization_days([day for day, _ in runs], organization_id) if organization_id is not None else None
    for day, run in runs:
        if client is None:
            counts = {name: run[column] for name, column in KIND_COLUMNS}
            total, new, resolved = run["total"], run["created_count"], run["resolved_count"]
            ninja_devices, threatlocker_devices = run["ninja_devices"], run["threatlocker_devices"]
        else:
            figures = client[day]
            counts = {kind.api_name: figures["counts"].get(kind.code, 0) for kind in T.KINDS}
            total, new, resolved = sum(counts.values()), figures["new"], figures["resolved"]
            ninja_devices = threatlocker_devices = None
        days.append({
            "date": day.isoformat(),
            "counts": counts,
            "total": total,
            "new": new,
            "resolved": resolved,
            "ninja_devices": ninja_devices,
            "threatlocker_devices": threatlocker_devices,
        })
    # Each kind's total over the days: the columns of the days' counts (their values are in the kinds' order).
    totals = zip(KIND_COLUMNS, map(sum, zip(*(day["counts"].values() for day in days), strict=True)), strict=True)
    return {
        "start_date": start.isoformat(),
        "end_date": end.isoformat(),
        "days": len(days),
        "trends": days,
        "average_by_type": {name: round(n / len(days), 2) for (name, _), n in totals} if days else {},
    }
