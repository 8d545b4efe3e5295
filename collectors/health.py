"""Collector health for /api/status (the contract's `collector_health` block)."""
from datetime import timedelta

from django.utils import timezone

from collectors import registry
from collectors.models import CollectorJob, RunStatus

RECENT_FAILURES_SHOWN = 10


def _iso(value):
    return value.isoformat() if value else None


def collector_health(now=None) -> dict:
    """`{has_recent_failures, recent_failures[...], total_failures_last_24h}` over failed jobs of the last 24 hours,
    and `stale_jobs` (jobs nobody runs any more, awaiting the cleanup schedule)."""
    now = now or timezone.now()
    # Failed jobs ended in the window; the vendor label comes with them in the same query.
    failures = (
        CollectorJob.objects.filter(status=RunStatus.FAILED, ended_at__gte=now - timedelta(hours=24), ended_at__lte=now)
        .select_related("vendor")
        .only("name", "job_name", "status", "message", "error", "started_at", "ended_at", "vendor__api_label")
        .order_by("-ended_at")
    )
    total = failures.count()
    recent = []
    for job in failures[:RECENT_FAILURES_SHOWN]:
        spec = registry.get(job.name)
        label = job.vendor.api_label if job.vendor_id else (spec.label if spec else job.name)
        recent.append({
            "collector": label,
            "job_name": job.job_name,
            "status": job.status,
            "message": job.message,
            "error": job.error or None,
            "started_at": _iso(job.started_at),
            "ended_at": _iso(job.ended_at),
        })
    # Reported, never cleaned here: a read does not mutate (the cleanup schedule and endpoint do).
    from collectors.runs import find_stale

    stale = [{"job_id": job["job_id"], "message": job["message"]} for job in find_stale(now)]
    return {"has_recent_failures": total > 0, "recent_failures": recent, "total_failures_last_24h": total,
            "stale_jobs": stale}
