"""What the collector endpoints read: batches with their jobs, each collector's state, live progress.
Plain functions (reads never clean stale jobs: `runs.cleanup_stale` does, on its schedule and endpoint)."""
from datetime import timedelta

from django.db.models import Prefetch
from django.utils import timezone

from collectors import registry
from collectors.models import CollectorBatch, CollectorJob, RunStatus
from inventory.queries import latest_snapshot_date


def batches():
    """Batches, newest first; every batch shape lists its jobs: one query for all of them, not one per batch."""
    return CollectorBatch.objects.prefetch_related(Prefetch("jobs", queryset=CollectorJob.objects.order_by("id")))


def running_batch():
    return batches().filter(active_slot__isnull=False).first()


def last_finished_batch():
    return batches().filter(active_slot__isnull=True).first()


def estimated_duration() -> float | None:
    """Seconds the last completed batch took: the dashboard's completion estimate."""
    last = CollectorBatch.objects.filter(status=RunStatus.COMPLETED, started_at__isnull=False).only(
        "started_at", "ended_at").first()
    return last.duration_seconds if last else None


def collector_states() -> list[dict]:
    """Each registered collector: its last job (a CollectorJob or None), last success, latest snapshot date."""
    states = []
    for spec in registry.all_specs():
        last = CollectorJob.objects.filter(name=spec.name).order_by("-created_at", "-id").first()
        success = CollectorJob.objects.filter(name=spec.name, status=RunStatus.COMPLETED).order_by(
            "-ended_at").values_list("ended_at", flat=True).first()
        states.append({
            "name": spec.name, "label": spec.label, "last_job": last, "last_success_at": success,
            "latest_snapshot_date": (latest_snapshot_date(spec.vendor_id) if spec.vendor_id
                                     else spec.latest_snapshot_date()),
        })
    return states


def recent_heartbeat(now=None) -> bool:
    """A job heart-beat in the last minute: some process is running a collection."""
    now = now or timezone.now()
    return CollectorJob.objects.filter(status=RunStatus.RUNNING, heartbeat_at__gte=now - timedelta(minutes=1)).exists()
