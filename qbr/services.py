"""Writing QBR metrics: the one place that upserts a monthly value and audits it.

`record_collected_metric` is the seam collectors call (NinjaOne seats and
endpoints here, ConnectWise Manage ticket metrics from the collectors app);
`record_manual_metric` is what the API and the admin call for hand entries.

Precedence: a manual value is a deliberate correction, so a later collection
leaves it in place (audited as `kept_manual`, with the collected value in the
note); a manual value written over a collected one is allowed and reported
(`overrode_collected`) in the response and the audit trail.
"""
import logging
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from inventory.models import Organization, Vendor
from qbr.catalogue import definition
from qbr.devices import device_counts
from qbr.models import DataSource, MetricChange, MonthlyMetric, Threshold
from qbr.periods import Month, manual_month_problem, parse_month

log = logging.getLogger(__name__)
COLLECTOR_ACTOR = "collector:qbr"


@dataclass(frozen=True)
class MetricWrite:
    """What one upsert did."""

    metric: MonthlyMetric
    created: bool
    changed: bool
    previous_value: Decimal | None = None
    previous_source: str | None = None
    overrode_collected: bool = False
    kept_manual: bool = False


def _check(period: str, metric_name: str) -> str:
    period = str(parse_month(period))
    if definition(metric_name) is None:
        raise ValueError(f"Unknown metric {metric_name!r}.")
    return period


def _upsert(*, period, organization_id, vendor_id, metric_name, value, source, notes, actor, user) -> MetricWrite:
    value = Decimal(str(value))
    keys = dict(period=period, organization_id=organization_id, vendor_id=vendor_id, metric_name=metric_name)
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                existing = MonthlyMetric.objects.select_for_update().filter(**keys).first()
                if existing is None:
                    metric = MonthlyMetric.objects.create(
                        **keys, metric_value=value, data_source=source, notes=notes, updated_by=actor
                    )
                    _audit(metric, MetricChange.Action.CREATED, None, "", value, source, actor, user, notes or "")
                    return MetricWrite(metric, created=True, changed=True)
                return _update(existing, value, source, notes, actor, user)
        except IntegrityError:
            # Another writer created the row between our read and insert: read it again.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _update(existing, value, source, notes, actor, user) -> MetricWrite:
    old_value, old_source = existing.metric_value, existing.data_source
    if source == DataSource.COLLECTED and old_source == DataSource.MANUAL:
        if old_value != value:
            _audit(
                existing, MetricChange.Action.KEPT_MANUAL, old_value, old_source, old_value, old_source, actor, user,
                f"Collected value {value} not applied: a manual value is in place.",
            )
        return MetricWrite(existing, False, False, old_value, old_source, kept_manual=True)
    overrode = source == DataSource.MANUAL and old_source == DataSource.COLLECTED
    same_notes = notes is None or notes == existing.notes
    if old_value == value and old_source == source and same_notes:
        return MetricWrite(existing, False, False, old_value, old_source)
    existing.metric_value = value
    existing.data_source = source
    if notes is not None:
        existing.notes = notes
    elif old_value != value:
        existing.notes = ""  # the old notes explained the old value, not this one
    existing.updated_by = actor
    existing.save(update_fields=["metric_value", "data_source", "notes", "updated_by", "updated_at"])
    action = MetricChange.Action.OVERRODE_COLLECTED if overrode else MetricChange.Action.UPDATED
    _audit(existing, action, old_value, old_source, value, source, actor, user, notes or "")
    return MetricWrite(existing, False, True, old_value, old_source, overrode_collected=overrode)


def _audit(metric, action, old_value, old_source, new_value, new_source, actor, user, note):
    _change(metric, action, old_value, old_source, new_value, new_source, actor, user, note).save()


def _change(metric, action, old_value, old_source, new_value, new_source, actor, user, note) -> MetricChange:
    return MetricChange(
        metric=metric,
        period=metric.period,
        organization_id=metric.organization_id,
        vendor_id=metric.vendor_id,
        metric_name=metric.metric_name,
        action=action,
        old_value=old_value,
        old_source=old_source or "",
        new_value=new_value,
        new_source=new_source,
        actor=actor,
        user=user,
        note=note,
    )


def record_collected_metric(
    period: str, organization_id: int, vendor_id: int, metric_name: str, value, notes=None, *, actor=COLLECTOR_ACTOR
) -> MetricWrite:
    """Upsert a collected value (data_source="collected") with an audit entry.

    Raises ValueError for a malformed period or a metric outside the catalogue.
    A manual value already in place is kept (see the module docstring).
    """
    return record_collected_metrics(
        period, vendor_id, {(organization_id, metric_name): value}, notes=notes, actor=actor
    )[0]


def record_collected_metrics(
    period: str, vendor_id: int, values: dict[tuple[int, str], object], *, notes=None, actor=COLLECTOR_ACTOR
) -> list[MetricWrite]:
    """Upsert many collected values of one month and vendor, set-wise.

    `values` maps (organization_id, metric_name) to the value. One locked read
    of the existing rows, one bulk insert, one bulk update and one bulk insert
    of audit rows, whatever the number of clients.
    """
    for _, metric_name in values:
        period = _check(period, metric_name)
    wanted = {key: Decimal(str(value)) for key, value in values.items()}
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                return _bulk_collect(period, vendor_id, wanted, notes, actor)
        except IntegrityError:
            # Another writer inserted one of our rows meanwhile: read again.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _bulk_collect(period, vendor_id, wanted, notes, actor) -> list[MetricWrite]:
    organization_ids = {org for org, _ in wanted}
    names = {name for _, name in wanted}
    # Locked so a concurrent manual entry cannot slip between our read and write.
    existing = {
        (m.organization_id, m.metric_name): m
        for m in MonthlyMetric.objects.select_for_update().filter(
            period=period, vendor_id=vendor_id, organization_id__in=organization_ids, metric_name__in=names
        )
    }
    now = timezone.now()
    results: dict[tuple, MetricWrite] = {}
    to_create, to_update, audits = [], [], []
    for key, value in wanted.items():
        metric = existing.get(key)
        if metric is None:
            to_create.append(MonthlyMetric(
                period=period, organization_id=key[0], vendor_id=vendor_id, metric_name=key[1], metric_value=value,
                data_source=DataSource.COLLECTED, notes=notes, updated_by=actor,
            ))
            continue
        old_value, old_source = metric.metric_value, metric.data_source
        if old_source == DataSource.MANUAL:
            if old_value != value:
                audits.append(_change(
                    metric, MetricChange.Action.KEPT_MANUAL, old_value, old_source, old_value, old_source, actor, None,
                    f"Collected value {value} not applied: a manual value is in place.",
                ))
            results[key] = MetricWrite(metric, False, False, old_value, old_source, kept_manual=True)
            continue
        if old_value == value and (notes is None or notes == metric.notes):
            results[key] = MetricWrite(metric, False, False, old_value, old_source)
            continue
        metric.metric_value, metric.updated_by, metric.updated_at = value, actor, now
        if notes is not None:
            metric.notes = notes
        to_update.append(metric)
        audits.append(_change(
            metric, MetricChange.Action.UPDATED, old_value, old_source, value, DataSource.COLLECTED, actor, None,
            notes or "",
        ))
        results[key] = MetricWrite(metric, False, True, old_value, old_source)
    for metric in MonthlyMetric.objects.bulk_create(to_create):
        audits.append(_change(
            metric, MetricChange.Action.CREATED, None, "", metric.metric_value, DataSource.COLLECTED, actor, None,
            notes or "",
        ))
        results[(metric.organization_id, metric.metric_name)] = MetricWrite(metric, created=True, changed=True)
    if to_update:
        MonthlyMetric.objects.bulk_update(to_update, ["metric_value", "notes", "updated_by", "updated_at"])
    MetricChange.objects.bulk_create(audits)
    return [results[key] for key in wanted]


def record_manual_metric(
    period: str, organization_id: int, vendor_id: int | None, metric_name: str, value, notes=None, *,
    actor: str, user=None,
) -> MetricWrite:
    """Upsert a hand-entered value; replacing a collected value is reported as `overrode_collected`.

    Raises ValueError for a malformed period, one outside `periods.manual_months` or an unknown metric."""
    period = _check(period, metric_name)
    problem = manual_month_problem(parse_month(period), timezone.localdate())
    if problem:
        raise ValueError(problem)
    return _upsert(
        period=period, organization_id=organization_id, vendor_id=vendor_id, metric_name=metric_name,
        value=value, source=DataSource.MANUAL, notes=notes, actor=actor, user=user,
    )


@dataclass(frozen=True)
class ManualEntry:
    """One hand-entered value, already validated (qbr/api/serializers/metrics.py)."""

    period: str
    organization_id: int
    vendor_id: int | None
    metric_name: str
    value: Decimal
    notes: str | None = None


def record_manual_metrics(entries: list[ManualEntry], *, actor: str, user=None) -> list[MetricWrite]:
    """Record several hand-entered values, all or nothing (one transaction)."""
    with transaction.atomic():
        return [
            record_manual_metric(e.period, e.organization_id, e.vendor_id, e.metric_name, e.value, e.notes,
                                 actor=actor, user=user)
            for e in entries
        ]


def override_warning(write: MetricWrite) -> str | None:
    """The sentence a caller sees when a manual value replaced a collected one, else None."""
    if not write.overrode_collected:
        return None
    m = write.metric
    return (f"{m.metric_name} {m.period} (organization {m.organization_id}): manual value "
            f"{_plain(m.metric_value)} replaced the collected value {_plain(write.previous_value)}.")


def _plain(value: Decimal) -> str:
    return str(int(value)) if value == value.to_integral_value() else str(value.normalize())


@dataclass(frozen=True)
class ThresholdEntry:
    """One threshold to create or update, already validated (bounds agree with the direction)."""

    organization_id: int
    metric_name: str
    direction: str
    green: Decimal
    yellow: Decimal
    notes: str | None = None


def save_thresholds(entries: list[ThresholdEntry], *, actor: str) -> list[Threshold]:
    """Create or update thresholds, all or nothing; `updated_by` records who."""
    saved = []
    with transaction.atomic():
        for e in entries:
            defaults = {"direction": e.direction, "green_bound": e.green, "yellow_bound": e.yellow, "updated_by": actor}
            if e.notes is not None:
                defaults["notes"] = e.notes
            threshold, _ = Threshold.objects.update_or_create(
                organization_id=e.organization_id, metric_name=e.metric_name, defaults=defaults
            )
            saved.append(threshold)
    return saved


def collect_month(month: Month) -> dict:
    """Collect seats_managed and endpoints_managed for a month: total (org 1) and per client.

    Clients that had a collected count for the month but no billable device in
    the snapshot now get 0, so a re-run after a data correction converges.
    """
    counts = device_counts(month)
    period = str(month)
    if counts.snapshot_date is None:
        log.warning("QBR %s: no NinjaOne snapshot in the month; nothing collected.", period)
        return {"period": period, "snapshot_date": None, "clients": 0, "written": 0}
    note = f"NinjaOne snapshot {counts.snapshot_date.isoformat()}"
    values = {Organization.MSP_ID: (counts.total_seats, counts.total_endpoints)}
    for client in counts.clients:
        if client.organization_id is not None and client.organization_id != Organization.MSP_ID:
            values[client.organization_id] = (client.seats, client.endpoints)
    stale = set(
        MonthlyMetric.objects.filter(
            period=period, vendor_id=Vendor.NINJA, data_source=DataSource.COLLECTED,
            metric_name__in=("seats_managed", "endpoints_managed"),
        ).values_list("organization_id", flat=True)
    ) - set(values)
    for organization_id in stale:
        values[organization_id] = (0, 0)
    wanted = {}
    for organization_id, (seats, endpoints) in values.items():
        wanted[(organization_id, "seats_managed")] = seats
        wanted[(organization_id, "endpoints_managed")] = endpoints
    written = sum(w.changed for w in record_collected_metrics(period, Vendor.NINJA, wanted, notes=note))
    return {
        "period": period,
        "snapshot_date": counts.snapshot_date.isoformat(),
        "clients": len(counts.clients),
        "total_seats": counts.total_seats,
        "total_endpoints": counts.total_endpoints,
        "written": written,
    }
