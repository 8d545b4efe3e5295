"""Exceptions per device for the inventory's device pages (registered in `VariancesConfig.ready()` with
`inventory.device_details`): the open ones of each search result, and one device's open and past ones with their
notes and audit trail (its page and `GET /api/devices/{key}`)."""
from collections import defaultdict

from django.db.models import Prefetch

from variances import types as T
from variances.models import EventAction, ExceptionEvent, ExceptionRecord, ExceptionStatus, VarianceStatus


def kind_label(code: str) -> str:
    kind = T.kind_for(code)
    return kind.label if kind else code


def open_exceptions_by_key(keys: list[str]) -> dict[str, dict]:
    """{canonical key: {"exceptions": [open exceptions, labelled]}} for these devices: one query for the page."""
    found = {key: {"exceptions": []} for key in keys}
    rows = (
        ExceptionRecord.objects.filter(canonical_key__in=keys, status=ExceptionStatus.OPEN)
        .order_by("canonical_key", "type")
        .values("id", "canonical_key", "type", "variance_status", "date_found", "last_seen")
    )
    by_key = defaultdict(list)
    for row in rows:
        by_key[row["canonical_key"]].append({**row, "label": kind_label(row["type"])})
    for key, exceptions in by_key.items():
        found[key] = {"exceptions": exceptions}
    return found


def _event(event: ExceptionEvent) -> dict:
    return {"at": event.at, "report_date": event.report_date, "action": event.action,
            "action_label": EventAction.label(event.action, event.action), "actor": event.actor,
            "from_status": event.from_status, "to_status": event.to_status, "notes": event.notes}


def device_exceptions(key: str) -> dict:
    """{"exceptions": {"open": [...], "past": [...]}} of one device (canonical key): every exception it has had,
    newest first, each with its staff notes and audit trail (oldest event first). Two queries."""
    records = (
        ExceptionRecord.objects.filter(canonical_key=key)
        .select_related("organization")  # the client's name on each exception
        # The audit trail of each: one query for all of them, in the model's order (oldest first).
        .prefetch_related(Prefetch("events", queryset=ExceptionEvent.objects.order_by("at", "id")))
        .order_by("-date_found", "-id")
    )
    found = {"open": [], "past": []}
    for record in records:
        found["open" if record.status == ExceptionStatus.OPEN else "past"].append({
            "id": record.pk,
            "type": record.type,
            "label": kind_label(record.type),
            "variance_type": record.variance_type,
            "status": record.status,
            "variance_status": record.variance_status,
            "variance_status_label": VarianceStatus.label(record.variance_status, record.variance_status),
            "organization": record.organization.name if record.organization_id else None,
            "date_found": record.date_found,
            "last_seen": record.last_seen,
            "resolution": record.resolution,
            "resolved_at": record.resolved_at,
            "resolved_by": record.resolved_by,
            "resolved_on": record.resolved_on,
            "manually_fixed_at": record.manually_fixed_at,
            "manually_fixed_by": record.manually_fixed_by,
            "failed_fix_count": record.failed_fix_count,
            "notes": record.notes,
            "events": [_event(event) for event in record.events.all()],
        })
    return {"exceptions": found}
