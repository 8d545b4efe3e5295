"""Collector endpoints as one DRF viewset: start a run, follow a batch, status, history, live progress, stale
cleanup. Thin: bodies and parameters are validated by `collectors.api.serializers`, reads come from
`collectors.reads`, writes go through `collectors.runs`."""
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from collectors import reads, registry, runs
from collectors.api import serializers as s
from esinv.auth import actor_label
from esinv.errors import BadRequest, Conflict, NotFound
from esinv.validation import validated

_tags = {"tags": ["collectors"]}


def _batch_url(batch_id: str) -> str:
    return f"/api/collectors/runs/batch/{batch_id}"


class CollectorViewSet(viewsets.ViewSet):
    """Collection batches and their jobs (`/api/collectors/...`)."""

    @extend_schema(**_tags, request=s.RunRequestSerializer,
                   responses={202: s.RunResponseSerializer, 400: OpenApiResponse(description="Bad input"),
                              409: OpenApiResponse(description="A batch is already running (named in details)")})
    @action(detail=False, methods=["post"], url_path="run", url_name="run")
    def run(self, request):
        """Start a collection batch: one job per collector, queued on django-q2. 409 while one is running."""
        params = validated(s.RunRequestSerializer, request.data)
        try:
            batch = runs.start_batch(params["names"], run_cross_vendor=params["run_cross_vendor"],
                                     snapshot_date=params["snapshot_date"], trigger="api",
                                     requested_by=actor_label(request), confirm_drop=params["confirm_drop"])
        except runs.UnknownCollector as exc:
            raise BadRequest(str(exc), code="invalid_parameter", details={
                "field": "collectors", "unknown": exc.unknown, "allowed": registry.names()}) from None
        except runs.RunConflict as exc:
            raise Conflict(str(exc), code="collection_running", details={
                "batch_id": exc.batch.batch_id, "status": exc.batch.status,
                "started_at": exc.batch.started_at or exc.batch.created_at,
                "status_url": _batch_url(exc.batch.batch_id),
            }) from None
        body = s.CollectorBatchSerializer(reads.batches().get(pk=batch.pk)).data
        body.update(success=True, jobs=body["collectors"], status_url=_batch_url(batch.batch_id),
                    estimated_duration_seconds=reads.estimated_duration())
        return Response(body, status=202)

    @extend_schema(**_tags, responses=s.StatusSerializer)
    @action(detail=False, methods=["get"], url_path="status", url_name="status")
    def status(self, request):
        """Collector service status: the running batch, the last one, each collector's last job, and the jobs
        that are stale now (reported only: `POST /api/collectors/cleanup-stale` and its schedule clean them)."""
        running, last = reads.running_batch(), reads.last_finished_batch()
        return Response({
            "is_running": running is not None,
            "running_batch": s.CollectorBatchSerializer(running).data if running else None,
            "last_batch": s.CollectorBatchSerializer(last).data if last else None,
            "collectors": s.CollectorStateSerializer(reads.collector_states(), many=True).data,
            "worker": runs.worker_status(),
            "stale_jobs": [job["job_id"] for job in runs.find_stale()],
            "stale_jobs_cleaned": [],  # kept for old dashboards: reads no longer clean
            "timestamp": timezone.now(),
        })

    @extend_schema(**_tags, parameters=[s.HistoryQuerySerializer], responses=s.HistorySerializer)
    @action(detail=False, methods=["get"], url_path="history", url_name="history")
    def history(self, request):
        """The last runs, newest first, with durations."""
        limit = validated(s.HistoryQuerySerializer, request.query_params)["limit"]
        rows = list(reads.batches()[:limit])
        return Response({"count": len(rows), "results": s.CollectorBatchSerializer(rows, many=True).data})

    @extend_schema(**_tags, responses=s.ProgressSerializer)
    @action(detail=False, methods=["get"], url_path="progress", url_name="progress")
    def progress(self, request):
        """Live progress of the running (else the latest) batch, whether a worker is alive, and the stale jobs
        (reported only, never cleaned by this read)."""
        batch = reads.running_batch() or reads.batches().first()
        worker = runs.worker_status()
        data = s.CollectorBatchSerializer(batch).data if batch else None
        return Response({
            "is_running": bool(batch and batch.active_slot),
            "process_running": worker["alive"] or reads.recent_heartbeat(),
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

    @extend_schema(**_tags, request=OpenApiTypes.OBJECT,
                   responses={200: s.CleanupSerializer,
                              400: OpenApiResponse(description="The body is not a JSON object")})
    @action(detail=False, methods=["post"], url_path="cleanup-stale", url_name="cleanup-stale")
    def cleanup_stale(self, request):
        """Mark jobs nobody runs any more failed (no heartbeat for COLLECTORS_STALE_MINUTES, the queued jobs of a
        stopped process, queued jobs no worker took) and free their batch. The body, if any, must be a JSON
        object (no fields are read)."""
        validated(s.CleanupRequestSerializer, request.data)
        cleaned = runs.cleanup_stale()
        return Response({
            "success": True, "cleaned": len(cleaned), "job_ids": cleaned,
            "message": f"{len(cleaned)} stale job(s) marked failed." if cleaned else "No stale jobs.",
        })


class CollectorBatchViewSet(viewsets.ViewSet):
    """One batch by id (`/api/collectors/runs/batch/{batch_id}`)."""

    lookup_field = "batch_id"
    lookup_value_converter = "str"

    @extend_schema(**_tags, responses={200: s.CollectorBatchSerializer, 404: OpenApiResponse()})
    def retrieve(self, request, batch_id: str):
        """One batch with its jobs (poll every 5-10 s until completed, failed or cancelled)."""
        batch = reads.batches().filter(batch_id=batch_id).first()
        if batch is None:
            raise NotFound(f"No collector batch {batch_id}.", details={"batch_id": batch_id})
        return Response(s.CollectorBatchSerializer(batch).data)
