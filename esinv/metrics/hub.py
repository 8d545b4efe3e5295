"""The hub's own gauges, read from the database at scrape time (so every process reports the same numbers)."""
import math

from django.conf import settings
from django.db.models import Count, Max
from django.utils import timezone
from django_q.models import Failure
from prometheus_client.core import GaugeMetricFamily

from collectors import registry
from collectors.models import CollectorJob, RunStatus
from inventory.models import Snapshot, Vendor
from variances import types as T
from variances.models import ExceptionRecord, ExceptionStatus, ReconciliationRun


def _devices() -> GaugeMetricFamily:
    family = GaugeMetricFamily("esinv_devices", "Devices in each vendor's latest daily snapshot.", labels=["vendor"])
    latest = dict(Snapshot.objects.values("vendor_id").annotate(day=Max("snapshot_date")).values_list(
        "vendor_id", "day"))
    for vendor in Vendor.objects.filter(id__in=(Vendor.NINJA, Vendor.THREATLOCKER)):
        day = latest.get(vendor.id)
        count = Snapshot.objects.filter(vendor_id=vendor.id, snapshot_date=day).count() if day else 0
        family.add_metric([vendor.code], count)
    return family


def _open_exceptions() -> GaugeMetricFamily:
    family = GaugeMetricFamily("esinv_open_exceptions", "Open exceptions, by type.", labels=["type"])
    counts = dict(ExceptionRecord.objects.filter(status=ExceptionStatus.OPEN).values("type").annotate(
        n=Count("id")).values_list("type", "n"))
    for kind in T.KINDS:
        family.add_metric([kind.code], counts.get(kind.code, 0))
    return family


def _collections(now) -> list[GaugeMetricFamily]:
    age = GaugeMetricFamily("esinv_vendor_last_success_age_seconds",
                            "Seconds since each vendor's last successful collection (+Inf: never).", labels=["vendor"])
    duration = GaugeMetricFamily("esinv_collection_last_duration_seconds",
                                 "Duration of each vendor's last successful collection.", labels=["vendor"])
    # The collectors run by default, and any other (ConnectWise) once it has collected.
    collected = CollectorJob.objects.filter(status=RunStatus.COMPLETED).values_list("name", flat=True).distinct()
    names = [name for name in registry.names() if name in settings.COLLECTORS_DEFAULT or name in set(collected)]
    for name in names:
        job = (CollectorJob.objects.filter(name=name, status=RunStatus.COMPLETED, ended_at__isnull=False)
               .order_by("-ended_at").only("started_at", "ended_at").first())
        if job is None:
            age.add_metric([name], math.inf)
            continue
        age.add_metric([name], max(0.0, (now - job.ended_at).total_seconds()))
        if job.started_at:
            duration.add_metric([name], (job.ended_at - job.started_at).total_seconds())
    return [age, duration]


def _reconciliation() -> GaugeMetricFamily:
    family = GaugeMetricFamily("esinv_reconciliation_last_duration_seconds", "Duration of the last reconciliation.")
    run = ReconciliationRun.objects.order_by("-finished_at").only("duration_seconds").first()
    family.add_metric([], run.duration_seconds if run else math.nan)
    return family


def _tasks() -> list[GaugeMetricFamily]:
    from django_q.brokers import get_broker

    queued = GaugeMetricFamily("esinv_tasks_queued", "django-q2 tasks waiting in the broker (NaN: broker down).")
    try:
        queued.add_metric([], get_broker().queue_size())
    except Exception:  # the scrape still reports the rest
        queued.add_metric([], math.nan)
    failed = GaugeMetricFamily("esinv_tasks_failed", "Failed django-q2 tasks kept (the admin's Failed tasks).")
    failed.add_metric([], Failure.objects.count())
    return [queued, failed]


def _notifications() -> GaugeMetricFamily:
    from notifications.models import Delivery

    family = GaugeMetricFamily("esinv_notification_deliveries", "Notification deliveries kept, by status "
                               "(failed: every attempt failed).", labels=["status"])
    counts = dict(Delivery.objects.values("status").annotate(n=Count("id")).values_list("status", "n"))
    for status in ("pending", "delivered", "failed"):
        family.add_metric([status], counts.get(status, 0))
    return family


class HubCollector:
    """A prometheus-client collector: registered on the registry of one scrape, never globally."""

    def collect(self):
        now = timezone.now()
        yield _devices()
        yield _open_exceptions()
        yield from _collections(now)
        yield _reconciliation()
        yield from _tasks()
        yield _notifications()
