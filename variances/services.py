"""Run the engine for a date and persist its findings; staff actions on exceptions.

Everything is set-wise: one query per vendor to load the day, one to load the
current exceptions, then bulk creates/updates. No per-device queries.
"""
import json
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from esinv.bulk import ALL, insert_rows, prepared, update_rows
from esinv.choices import ChoiceSet
from esinv.errors import BadRequest, Conflict, NotFound
from esinv.notes import append_note
from inventory.models import Snapshot, Vendor
from variances import dates
from variances.engine import COPY_FACT_FIELDS, DEVICE_ROW_FIELDS, CopyFacts, DeviceRow, Finding, reconcile
from variances.filtersets import filter_exceptions
from variances.models import (
    EventAction,
    ExceptionEvent,
    ExceptionRecord,
    ExceptionStatus,
    ReconciliationRun,
    Resolution,
    VarianceStatus,
)
from variances.types import enabled_rules

RUN_ACTOR = "reconcile"
CHUNK = 500  # ids per UPDATE ... WHERE id IN (...): within every backend's parameter limit


class NoReportDate(NotFound):
    """There is no date (or not the one asked for) on which both vendors have a snapshot."""

    default_code = "no_data"


def load_rows(vendor_id: int, day: date) -> list[DeviceRow]:
    """One vendor's day as plain tuples; the organization name comes in the same query."""
    rows = (
        Snapshot.objects.filter(vendor_id=vendor_id, snapshot_date=day)
        .order_by("id")
        .values_list(*DEVICE_ROW_FIELDS)
    )
    return [DeviceRow._make(row) for row in rows]


def load_copy_facts(ids: list[int]) -> dict[int, CopyFacts]:
    """What tells duplicates' copies apart, for the given snapshot rows only (one query per chunk of ids)."""
    facts: dict[int, CopyFacts] = {}
    for start in range(0, len(ids), CHUNK):
        rows = Snapshot.objects.filter(id__in=ids[start:start + CHUNK]).order_by().values_list(*COPY_FACT_FIELDS)
        facts.update((row[0], CopyFacts._make(row[1:])) for row in rows)
    return facts


def reconcile_day(report_date: date | None = None, *, triggered_by: str = RUN_ACTOR) -> ReconciliationRun:
    """Reconcile one date (default: the latest date both vendors have) and store the run.

    Raises `NoReportDate` (a 404 `APIError`) when there is no such date.
    """
    started_at, clock = timezone.now(), time.perf_counter()
    if report_date is None:
        report_date = dates.latest_common_date()
        if report_date is None:
            raise NoReportDate("NinjaOne and ThreatLocker have no snapshot date in common.")
    elif not dates.has_both_snapshots(report_date):
        raise NoReportDate(
            f"NinjaOne and ThreatLocker do not both have a snapshot for {report_date.isoformat()}.",
            details={"date": report_date.isoformat()},
        )
    rules = enabled_rules()
    ninja, tl = load_rows(Vendor.NINJA, report_date), load_rows(Vendor.THREATLOCKER, report_date)
    findings = reconcile(ninja, tl, rules, copy_facts=load_copy_facts)
    try:
        with transaction.atomic():
            stats = persist(findings, report_date, now=started_at)
            counts = Counter(finding.type for finding in findings)
            finished_at = timezone.now()
            return ReconciliationRun.objects.create(
                report_date=report_date,
                started_at=started_at,
                finished_at=finished_at,
                duration_seconds=round(time.perf_counter() - clock, 4),
                triggered_by=triggered_by,
                rules=sorted(rules),
                ninja_devices=len(ninja),
                threatlocker_devices=len(tl),
                counts=dict(sorted(counts.items())),
                total=len(findings),
                created_count=stats.created,
                refreshed_count=stats.refreshed,
                resolved_count=stats.resolved,
                verified_count=stats.verified,
                reopened_count=stats.reopened,
            )
    except IntegrityError as exc:  # two runs raced to open the same exception
        raise Conflict("Another reconciliation is running; try again.", code="conflict") from exc


@dataclass
class PersistStats:
    created: int = 0
    refreshed: int = 0
    resolved: int = 0
    verified: int = 0
    reopened: int = 0
    events: list = field(default_factory=list)


def _current_records(report_date: date) -> list[ExceptionRecord]:
    """Each identity's current record: the open one, or one staff resolved that was still present
    on the previous reconciled date (an accepted variance stays resolved while it persists)."""
    previous = ReconciliationRun.objects.filter(report_date__lt=report_date).aggregate(d=Max("report_date"))["d"]
    accepted = Q(status=ExceptionStatus.RESOLVED, resolution=Resolution.MANUAL, last_seen__gte=previous or report_date)
    # Only the columns the run reads or writes; notes are never loaded, so never overwritten.
    # select_for_update: on PostgreSQL a staff action on these rows waits for the run (SQLite
    # serialises writers anyway).
    records = ExceptionRecord.objects.select_for_update().filter(Q(status=ExceptionStatus.OPEN) | accepted).only(
        "id", "type", "canonical_key", "hostname", "organization_id", "date_found", "last_seen", "status",
        "variance_status", "fixed_as_of", "details",
    ).order_by("last_seen")
    current: dict[tuple[str, str], ExceptionRecord] = {}
    for record in records:  # open wins over accepted; among accepted the latest wins
        identity = (record.type, record.canonical_key)
        held = current.get(identity)
        if held is None or held.status != ExceptionStatus.OPEN:
            current[identity] = record
    return list(current.values())


def _hostname(finding: Finding) -> str:
    details = finding.details
    return details.get("ninja_hostname") or details.get("threatlocker_hostname") or finding.key


class EventRow(NamedTuple):
    """An `ExceptionEvent` to insert (plain tuple: a run creates thousands)."""

    exception_id: int
    at: object
    report_date: date | None
    action: str
    actor: str
    user_id: int | None
    from_status: str
    to_status: str
    notes: str


def _event(record_id: int, action: str, from_status: str, to_status: str, now, day: date, notes: str = "",
           actor: str = RUN_ACTOR, user=None) -> EventRow:
    return EventRow(record_id, now, day, action, actor, user.pk if user is not None else None, from_status,
                    to_status, notes)


def persist(findings: list[Finding], report_date: date, *, now=None) -> PersistStats:
    """Create, refresh and resolve exception records in bulk for one report date.

    Call inside a transaction. Re-running a date refreshes the same records and
    never touches staff notes; an older date never moves `last_seen` backwards
    nor resolves what a later date saw. Rows that change the same way are
    updated with one `UPDATE ... WHERE id IN (...)` per chunk; only rows whose
    details changed need a per-row value (`bulk_update`).
    """
    now = now or timezone.now()
    stats = PersistStats()
    found = {finding.identity: finding for finding in findings}
    seen: list[int] = []  # still present: last_seen moves to the report date
    new_details: list[ExceptionRecord] = []  # still present, and what the report shows changed
    reopened: list[int] = []  # marked manually fixed, but still present on a later date
    auto_resolved: list[int] = []
    verified: list[int] = []  # marked manually fixed, and gone
    events: list[EventRow] = []

    for record in _current_records(report_date):
        identity = (record.type, record.canonical_key)
        finding = found.pop(identity, None)
        if finding is not None:
            stats.refreshed += 1
            if report_date >= record.last_seen:
                if report_date > record.last_seen:  # a re-run of the same day writes nothing here
                    seen.append(record.id)
                new = {"details": finding.details, "organization_id": finding.organization_id,
                       "hostname": _hostname(finding)}
                if any(getattr(record, name) != value for name, value in new.items()):
                    for name, value in new.items():
                        setattr(record, name, value)
                    new_details.append(record)
            if record.variance_status == VarianceStatus.MANUALLY_FIXED and report_date > record.fixed_as_of:
                reopened.append(record.id)
                events.append(_event(record.id, EventAction.FIX_FAILED, VarianceStatus.MANUALLY_FIXED,
                                     VarianceStatus.ACTIVE, now, report_date,
                                     f"Still present on {report_date.isoformat()}: the manual fix did not hold."))
            continue
        if record.status != ExceptionStatus.OPEN or record.last_seen > report_date:
            continue  # an accepted variance that went away, or seen on a later date than this one
        if record.variance_status == VarianceStatus.MANUALLY_FIXED:
            verified.append(record.id)
            events.append(_event(record.id, EventAction.FIX_VERIFIED, record.variance_status,
                                 VarianceStatus.COLLECTOR_VERIFIED, now, report_date,
                                 f"Gone on {report_date.isoformat()}: the fix is verified."))
        else:
            auto_resolved.append(record.id)
            events.append(_event(record.id, EventAction.AUTO_RESOLVED, record.variance_status,
                                 VarianceStatus.RESOLVED, now, report_date,
                                 f"No longer present on {report_date.isoformat()}."))
    stats.reopened, stats.verified = len(reopened), len(verified)
    stats.resolved = len(auto_resolved) + len(verified)

    resolved = {"status": ExceptionStatus.RESOLVED, "resolved_at": now, "resolved_by": RUN_ACTOR,
                "resolved_on": report_date, "updated_at": now}
    _update_in_chunks(seen, last_seen=report_date, updated_at=now)
    _update_in_chunks(reopened, variance_status=VarianceStatus.ACTIVE, fixed_as_of=None,
                      failed_fix_count=F("failed_fix_count") + 1, updated_at=now)
    _update_in_chunks(auto_resolved, variance_status=VarianceStatus.RESOLVED, resolution=Resolution.AUTO, **resolved)
    _update_in_chunks(verified, variance_status=VarianceStatus.COLLECTOR_VERIFIED,
                      resolution=Resolution.COLLECTOR_VERIFIED, **resolved)
    # Duplicates' details change every day (their copies' last contacts): one prepared UPDATE per row.
    update_rows(ExceptionRecord, ["details", "organization", "hostname"],
                [(r.id, r.details, r.organization_id, r.hostname) for r in new_details])

    stats.created = _insert_new(list(found.values()), report_date, now, events)
    _insert_events(events)
    stats.events = events
    return stats


def _update_in_chunks(ids: list[int], **values) -> None:
    for start in range(0, len(ids), CHUNK):
        ExceptionRecord.objects.filter(id__in=ids[start:start + CHUNK]).update(**values)


def _insert_new(findings: list[Finding], report_date: date, now, events: list[EventRow]) -> int:
    """Insert the new open exceptions and queue their `created` events; returns how many."""
    if not findings:
        return 0
    day, at = prepared(ExceptionRecord, "date_found", report_date), prepared(ExceptionRecord, "created_at", now)
    insert_rows(
        ExceptionRecord,
        ["type", "canonical_key", "hostname", "organization_id", "date_found", "last_seen", "status",
         "variance_status", "resolution", "resolved_by", "manually_fixed_by", "failed_fix_count", "details",
         "notes", "created_at", "updated_at"],
        [(f.type, f.key, _hostname(f)[:255], f.organization_id, day, day, ExceptionStatus.OPEN,
          VarianceStatus.ACTIVE, "", "", "", 0, json.dumps(f.details), "", at, at) for f in findings],
        adapted=ALL,
    )
    # One open record per identity: read the new ids back by identity (one query).
    wanted = {f.identity for f in findings}
    ids = [
        record_id for record_id, *identity in ExceptionRecord.objects.filter(
            status=ExceptionStatus.OPEN, date_found=report_date, created_at=now
        ).values_list("id", "type", "canonical_key")
        if tuple(identity) in wanted
    ]
    note = f"Found on {report_date.isoformat()}."
    events.extend(_event(i, EventAction.CREATED, "", VarianceStatus.ACTIVE, now, report_date, note) for i in ids)
    return len(ids)


def _insert_events(events: list[EventRow]) -> None:
    """Insert the run's events; their timestamps and dates are few, so each is prepared once."""
    prepared_values: dict[tuple[str, object], object] = {}

    def prep(name, value):
        key = (name, value)
        if key not in prepared_values:
            prepared_values[key] = prepared(ExceptionEvent, name, value)
        return prepared_values[key]

    insert_rows(
        ExceptionEvent,
        list(EventRow._fields),
        [(e.exception_id, prep("at", e.at), prep("report_date", e.report_date), e.action, e.actor, e.user_id,
          e.from_status, e.to_status, e.notes) for e in events],
        adapted=ALL,
    )


# --- Staff actions ------------------------------------------------------------

class Action(ChoiceSet):
    RESOLVE = "resolve"
    MARK_MANUALLY_FIXED = "mark_manually_fixed"
    CHOICES = [(RESOLVE, "Resolve"), (MARK_MANUALLY_FIXED, "Mark manually fixed")]


def check_action(action: str) -> str:
    """The action if it is one staff may take, else a 400 naming it."""
    if action not in Action:
        raise BadRequest(f"action must be one of {', '.join(Action.values())}, not {str(action)[:40]!r}.",
                         code="invalid_parameter", details={"field": "action", "value": action})
    return action


def refusal(record: ExceptionRecord, action: str) -> str | None:
    """Why `action` cannot apply to `record` now, or None when it can."""
    if record.status != ExceptionStatus.OPEN:
        return f"already {record.variance_status}"
    if action == Action.MARK_MANUALLY_FIXED and record.variance_status == VarianceStatus.MANUALLY_FIXED:
        return "already marked manually fixed"
    return None


def ids_for_filter(filters, action: str) -> list[int]:
    """The exceptions a bulk action's filter selects: open ones (not yet marked, for mark manually fixed)."""
    queryset, _ = filter_exceptions(filters, ExceptionRecord.objects.filter(status=ExceptionStatus.OPEN))
    if action == Action.MARK_MANUALLY_FIXED:
        queryset = queryset.filter(variance_status=VarianceStatus.ACTIVE)
    return list(queryset.order_by("id").values_list("id", flat=True))


def bulk_action(action: str, *, ids=None, filters=None, notes: str = "", actor: str, user=None) -> list[dict]:
    """Apply `action` to the given ids, or to what `filters` selects; at most ESINV_BULK_UPDATE_MAX of them."""
    if ids is None:
        ids = ids_for_filter(filters, action)
    ids = list(dict.fromkeys(ids))
    if len(ids) > settings.ESINV_BULK_UPDATE_MAX:
        raise BadRequest(f"At most {settings.ESINV_BULK_UPDATE_MAX} exceptions per request.",
                         code="invalid_parameter", details={"field": "ids", "count": len(ids)})
    return apply_action(ids, action, notes=notes, actor=actor, user=user)


def apply_action(ids, action: str, *, notes: str = "", actor: str, user=None) -> list[dict]:
    """Resolve or mark manually fixed every exception in `ids`, all or nothing.

    Unknown ids raise BadRequest naming them; any exception the action cannot
    apply to raises Conflict with the per-id results and changes nothing.
    Returns one result per id: {id, ok, from_status, to_status}.
    """
    check_action(action)
    ids = list(dict.fromkeys(ids))
    now = timezone.now()
    with transaction.atomic():
        # Locks the rows (PostgreSQL) so a concurrent run or click cannot interleave.
        records = {r.id: r for r in ExceptionRecord.objects.select_for_update().filter(id__in=ids)}
        unknown = [i for i in ids if i not in records]
        if unknown:
            raise BadRequest(f"Unknown exception ids: {', '.join(map(str, unknown))}.", code="unknown_ids",
                             details={"field": "ids", "unknown_ids": unknown})
        refused = {i: refusal(records[i], action) for i in ids}
        if any(refused.values()):
            results = [{"id": i, "ok": not refused[i], "error": refused[i],
                        "status": records[i].variance_status} for i in ids]
            raise Conflict("Some exceptions cannot take this action; nothing was changed.",
                           details={"results": results})
        events, results = [], []
        for i in ids:
            record = records[i]
            before = record.variance_status
            if action == Action.RESOLVE:
                record.status, record.variance_status, record.resolution = (
                    ExceptionStatus.RESOLVED, VarianceStatus.RESOLVED, Resolution.MANUAL)
                record.resolved_at, record.resolved_by, record.resolved_on = now, actor, record.last_seen
                event_action = EventAction.RESOLVED
            else:
                record.variance_status = VarianceStatus.MANUALLY_FIXED
                record.manually_fixed_at, record.manually_fixed_by = now, actor
                record.fixed_as_of = record.last_seen
                event_action = EventAction.MANUALLY_FIXED
            record.notes = append_note(record.notes, notes, actor, now)
            record.updated_at = now
            events.append(_event(record.id, event_action, before, record.variance_status, now, record.last_seen,
                                 notes, actor=actor, user=user))
            results.append({"id": i, "ok": True, "from_status": before, "to_status": record.variance_status})
        ExceptionRecord.objects.bulk_update(
            list(records.values()),
            ["status", "variance_status", "resolution", "resolved_at", "resolved_by", "resolved_on",
             "manually_fixed_at", "manually_fixed_by", "fixed_as_of", "notes", "updated_at"],
            batch_size=CHUNK,
        )
        _insert_events(events)
    return results
