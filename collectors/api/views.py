"""Collector endpoints: start a run, follow it, history, live progress, stale cleanup. Thin: the rules live in
`collectors.runs`."""
from datetime import timedelta

from django.db.models import Prefetch
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.decorators import api_view
from rest_framework.response import Response

from collectors import registry, runs
from collectors.api import serializers as s
from collectors.models import CollectorBatch, CollectorJob, RunStatus
from esinv.auth import actor_label
from esinv.errors import BadRequest, Conflict, NotFound
from esinv.params import parse_date
from inventory.queries import latest_snapshot_date

HISTORY_DEFAULT, HISTORY_MAX = 10, 100


def batches():
    # Every batch shape lists its jobs: one query for all of them, not one per batch.
    return CollectorBatch.objects.prefetch_related(Prefetch("jobs", queryset=CollectorJob.objects.order_by("id")))


def _invalid(message: str, field: str, **details):
    return BadRequest(message, code="invalid_parameter", details={"field": field, **details})


def parse_run_request(data) -> dict:
    """The run body -> {names, run_cross_vendor, snapshot_date}; BadRequest on anything unexpected."""
    if data is None or data == "":
        data = {}
    if not isinstance(data, dict):
        raise BadRequest("The body must be a JSON object.", code="invalid_parameter", details={"field": "body"})
    if "collectors" in data and "collector" in data:
        raise _invalid("Send either collectors (a list) or the legacy collector, not both.", "collectors")
    names = None
    if "collectors" in data:
        names = data["collectors"]
        if not isinstance(names, list) or not names or not all(isinstance(n, str) and n.strip() for n in names):
            raise _invalid("collectors must be a non-empty list of collector names.", "collectors",
                           allowed=registry.names())
    elif "collector" in data:
        if not isinstance(data["collector"], str) or not data["collector"].strip():
            raise _invalid('collector must be "both" or a collector name.', "collector", allowed=registry.names())
        names = [data["collector"]]
    cross = data.get("run_cross_vendor", True)
    if not isinstance(cross, bool):
        raise _invalid("run_cross_vendor must be true or false.", "run_cross_vendor")
    confirm_drop = data.get("confirm_drop", False)
    if not isinstance(confirm_drop, bool):
        raise _invalid("confirm_drop must be true or false.", "confirm_drop")
    day = parse_date(data.get("snapshot_date"), "snapshot_date")
    if day is not None and day > timezone.localdate():
        raise BadRequest("snapshot_date cannot be in the future.", code="invalid_date",
                         details={"field": "snapshot_date"})
    unknown_fields = sorted(set(data) - {"collectors", "collector", "run_cross_vendor", "snapshot_date",
                                   "confirm_drop"})
    if unknown_fields:
        raise _invalid(f"Unknown field(s): {', '.join(unknown_fields)}.", unknown_fields[0])
    return {"names": names, "run_cross_vendor": cross, "snapshot_date": day, "confirm_drop": confirm_drop}


def estimated_duration() -> float | None:
    """Seconds the last completed batch took: the dashboard's completion estimate."""
    last = CollectorBatch.objects.filter(status=RunStatus.COMPLETED, started_at__isnull=False).only(
        "started_at", "ended_at").first()
    return last.duration_seconds if last else None


@extend_schema(
    tags=["collectors"], request=s.RunRequestSerializer,
    responses={202: s.RunResponseSerializer, 400: OpenApiResponse(description="Bad input"),
               409: OpenApiResponse(description="A batch is already running (named in details)")},
)
@api_view(["POST"])
def run_collectors(request):
    """Start a collection batch: one job per collector, queued on django-q2. 409 while one is running."""
    params = parse_run_request(request.data)
    try:
        batch = runs.start_batch(params["names"], run_cross_vendor=params["run_cross_vendor"],
                                 snapshot_date=params["snapshot_date"], trigger="api",
                                 requested_by=actor_label(request), confirm_drop=params["confirm_drop"])
    except runs.UnknownCollector as exc:
        raise _invalid(str(exc), "collectors", unknown=exc.unknown, allowed=registry.names()) from None
    except runs.RunConflict as exc:
        raise Conflict(str(exc), code="collection_running", details={
            "batch_id": exc.batch.batch_id, "status": exc.batch.status,
            "started_at": exc.batch.started_at or exc.batch.created_at,
            "status_url": f"/api/collectors/runs/batch/{exc.batch.batch_id}",
        }) from None
    batch = batches().get(pk=batch.pk)
    body = s.CollectorBatchSerializer(batch).data
    body.update(success=True, jobs=body["collectors"], status_url=f"/api/collectors/runs/batch/{batch.batch_id}",
                estimated_duration_seconds=estimated_duration())
    return Response(body, status=202)


@extend_schema(tags=["collectors"], responses={200: s.CollectorBatchSerializer, 404: OpenApiResponse()})
@api_view(["GET"])
def batch_detail(request, batch_id: str):
    """One batch with its jobs (poll every 5-10 s until completed, failed or cancelled)."""
    batch = batches().filter(batch_id=batch_id).first()
    if batch is None:
        raise NotFound(f"No collector batch {batch_id}.", details={"batch_id": batch_id})
    return Response(s.CollectorBatchSerializer(batch).data)


def _collector_states() -> list[dict]:
    states = []
    for spec in registry.all_specs():
        last = CollectorJob.objects.filter(name=spec.name).order_by("-created_at", "-id").first()
        success = CollectorJob.objects.filter(name=spec.name, status=RunStatus.COMPLETED).order_by(
            "-ended_at").values_list("ended_at", flat=True).first()
        states.append({
            "name": spec.name, "label": spec.label,
            "last_job": s.CollectorJobSerializer(last).data if last else None,
            "last_success_at": success,
            "latest_snapshot_date": latest_snapshot_date(spec.vendor_id) if spec.vendor_id else None,
        })
    return states


@extend_schema(tags=["collectors"], responses=s.StatusSerializer)
@api_view(["GET"])
def collectors_status(request):
    """Collector service status: the running batch, the last one, each collector's last job, and the jobs that are
    stale now (reported only: `POST /api/collectors/cleanup-stale` and its schedule clean them)."""
    running = batches().filter(active_slot__isnull=False).first()
    last = batches().filter(active_slot__isnull=True).first()
    return Response({
        "is_running": running is not None,
        "running_batch": s.CollectorBatchSerializer(running).data if running else None,
        "last_batch": s.CollectorBatchSerializer(last).data if last else None,
        "collectors": _collector_states(),
        "worker": runs.worker_status(),
        "stale_jobs": [job["job_id"] for job in runs.find_stale()],
        "stale_jobs_cleaned": [],  # kept for old dashboards: reads no longer clean
        "timestamp": timezone.now(),
    })


@extend_schema(
    tags=["collectors"], responses=s.HistorySerializer,
    parameters=[OpenApiParameter("limit", {"type": "integer", "minimum": 1, "maximum": HISTORY_MAX},
                                description=f"Runs to show (default {HISTORY_DEFAULT}).")],
)
@api_view(["GET"])
def collectors_history(request):
    """The last runs, newest first, with durations."""
    raw = request.query_params.get("limit", str(HISTORY_DEFAULT))
    try:
        limit = int(raw)
    except ValueError:
        limit = 0
    if not 1 <= limit <= HISTORY_MAX:
        raise _invalid(f"limit must be a whole number from 1 to {HISTORY_MAX}.", "limit")
    rows = list(batches()[:limit])
    return Response({"count": len(rows), "results": s.CollectorBatchSerializer(rows, many=True).data})


@extend_schema(tags=["collectors"], responses=s.ProgressSerializer)
@api_view(["GET"])
def collectors_progress(request):
    """Live progress of the running (else the latest) batch, whether a worker is alive, and the stale jobs
    (reported only, never cleaned by this read)."""
    batch = batches().filter(active_slot__isnull=False).first() or batches().first()
    worker = runs.worker_status()
    data = s.CollectorBatchSerializer(batch).data if batch else None
    running = bool(batch and batch.active_slot)
    recent_beat = CollectorJob.objects.filter(
        status=RunStatus.RUNNING, heartbeat_at__gte=timezone.now() - timedelta(minutes=1)).exists()
    return Response({
        "is_running": running,
        "process_running": worker["alive"] or recent_beat,
        "worker": worker,
        "batch_id": data["batch_id"] if data else None,
        "status": data["status"] if data else None,
        "progress_percent": data["progress_percent"] if data else 0,
        "message": data["message"] if data else "No collection has run yet.",
        "collectors": data["collectors"] if data else [],
        "stale_jobs": [job["job_id"] for job in runs.find_stale()],
        "stale_jobs_cleaned": [],  # kept for old dashboards: reads no longer clean
        "timestamp": timezone.now(),
    })


@extend_schema(tags=["collectors"], request=None, responses=s.CleanupSerializer)
@api_view(["POST"])
def cleanup_stale(request):
    """Mark jobs nobody runs any more failed (no heartbeat for COLLECTORS_STALE_MINUTES, the queued jobs of a
    stopped process, queued jobs no worker took) and free their batch."""
    cleaned = runs.cleanup_stale()
    return Response({
        "success": True, "cleaned": len(cleaned), "job_ids": cleaned,
        "message": f"{len(cleaned)} stale job(s) marked failed." if cleaned else "No stale jobs.",
    })
