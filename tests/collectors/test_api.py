"""The collector endpoints: shapes and status codes."""
from datetime import timedelta

import pytest
from django.utils import timezone
from django_q.models import OrmQ

from collectors import registry, runs
from collectors.models import CollectorBatch, CollectorJob, RunStatus

pytestmark = pytest.mark.django_db

JOB_FIELDS = {"job_id", "name", "status", "progress_percent", "message", "error", "started_at", "ended_at"}


def post_run(client, body):
    return client.post("/api/collectors/run", body, format="json")


class TestRun:
    def test_202_with_batch_and_queued_jobs(self, writer):
        response = post_run(writer, {"collectors": ["ninja", "threatlocker"], "run_cross_vendor": True})
        assert response.status_code == 202
        body = response.json()
        assert body["success"] is True and body["status"] == "queued" and body["progress_percent"] == 0
        assert body["status_url"] == f"/api/collectors/runs/batch/{body['batch_id']}"
        assert [job["name"] for job in body["collectors"]] == ["ninja", "threatlocker"]
        assert JOB_FIELDS <= set(body["collectors"][0]) and body["jobs"] == body["collectors"]
        batch = CollectorBatch.objects.get(batch_id=body["batch_id"])
        assert batch.run_cross_vendor and batch.requested_by == "apikey:writer"
        assert OrmQ.objects.count() == 2  # queued on django-q2's broker
        assert all(job.task_id for job in batch.jobs.all())

    @pytest.mark.parametrize("body, names", [
        ({"collector": "both"}, ["ninja", "threatlocker"]),
        ({"collector": "threatlocker"}, ["threatlocker"]),
        ({}, ["ninja", "threatlocker"]),
    ])
    def test_legacy_and_default_bodies(self, writer, body, names):
        response = post_run(writer, body)
        assert response.status_code == 202
        assert [job["name"] for job in response.json()["collectors"]] == names

    @pytest.mark.parametrize("body, field", [
        ({"collectors": ["ninja", "kaseya"]}, "collectors"),
        ({"collectors": []}, "collectors"),
        ({"collectors": "ninja"}, "collectors"),
        ({"collectors": [1]}, "collectors"),
        ({"collector": "nope"}, "collectors"),
        ({"collector": 3}, "collector"),
        ({"run_cross_vendor": "yes"}, "run_cross_vendor"),
        ({"run_cross_vendor": None}, "run_cross_vendor"),
        ({"confirm_drop": 1}, "confirm_drop"),
        ({"collectors": ["ninja", " "]}, "collectors"),
        ({"collectors": ["ninja"], "collector": "both"}, "collectors"),
        ({"collectors": ["ninja"], "colectors": 1}, "colectors"),
        (["ninja"], "body"),
    ])
    def test_bad_input_is_400(self, writer, body, field):
        response = post_run(writer, body)
        assert response.status_code == 400
        error = response.json()["error"]
        assert error["code"] == "invalid_parameter" and error["details"]["field"] == field
        assert not CollectorBatch.objects.exists()

    def test_a_form_body_keeps_the_defaults(self, writer):
        response = writer.post("/api/collectors/run", {"collector": "ninja"})  # multipart, as a form posts
        assert response.status_code == 202
        assert response.json()["run_cross_vendor"] is True and response.json()["confirm_drop"] is False

    def test_unknown_names_are_listed(self, writer):
        details = post_run(writer, {"collectors": ["ninja", "kaseya"]}).json()["error"]["details"]
        assert details["unknown"] == ["kaseya"] and "ninja" in details["allowed"]

    def test_malformed_json_is_400(self, writer):
        response = writer.post("/api/collectors/run", "{not json", content_type="application/json")
        assert response.status_code == 400 and response.json()["error"]["code"] == "malformed_request"

    @pytest.mark.parametrize("value, code", [("2026-13-01", "invalid_date"), ("2999-01-01", "invalid_date"),
                                             (20261101, "invalid_date")])
    def test_bad_snapshot_date(self, writer, value, code):
        response = post_run(writer, {"snapshot_date": value})
        assert response.status_code == 400 and response.json()["error"]["code"] == code

    @pytest.mark.parametrize("value", ["1900-01-01", "0001-01-01"])
    def test_absurdly_old_snapshot_date(self, writer, value):
        error = post_run(writer, {"snapshot_date": value}).json()["error"]
        assert error["code"] == "invalid_date" and error["details"] == {"field": "snapshot_date"}
        assert error["message"].startswith("snapshot_date cannot be before ") and not CollectorBatch.objects.exists()

    def test_snapshot_date_bounds_are_today_and_the_retention_window(self, writer, settings):
        settings.ESINV_SNAPSHOT_RETENTION_DAYS = 30
        today = timezone.localdate()
        earliest = today - timedelta(days=30)
        too_old = post_run(writer, {"snapshot_date": (earliest - timedelta(days=1)).isoformat()})
        assert too_old.status_code == 400 and too_old.json()["error"]["message"] == (
            f"snapshot_date cannot be before {earliest.isoformat()}: snapshots are kept "
            "ESINV_SNAPSHOT_RETENTION_DAYS (30) days.")
        tomorrow = post_run(writer, {"snapshot_date": (today + timedelta(days=1)).isoformat()})
        assert tomorrow.status_code == 400 and tomorrow.json()["error"]["message"] == (
            "snapshot_date cannot be in the future.")
        oldest = post_run(writer, {"snapshot_date": earliest.isoformat()})
        assert oldest.status_code == 202 and oldest.json()["snapshot_date"] == earliest.isoformat()
        runs.cancel_job(CollectorJob.objects.first())
        runs.cancel_job(CollectorJob.objects.last())
        assert post_run(writer, {"snapshot_date": today.isoformat()}).status_code == 202

    def test_409_names_the_running_batch(self, writer):
        first = post_run(writer, {"collector": "ninja"}).json()
        response = post_run(writer, {"collector": "threatlocker"})
        assert response.status_code == 409
        error = response.json()["error"]
        assert error["code"] == "collection_running" and error["details"]["batch_id"] == first["batch_id"]
        assert first["batch_id"] in error["message"]

    def test_read_key_cannot_run(self, reader):
        assert post_run(reader, {}).status_code == 403


class TestReads:
    def test_batch_detail_and_404(self, writer, reader):
        batch_id = post_run(writer, {}).json()["batch_id"]
        body = reader.get(f"/api/collectors/runs/batch/{batch_id}").json()
        assert body["batch_id"] == batch_id and body["status"] == "queued"
        assert {"status", "progress_percent", "collectors", "snapshot_date", "run_cross_vendor"} <= set(body)
        missing = reader.get("/api/collectors/runs/batch/bch_nope")
        assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"

    def test_batch_progress_is_the_mean_of_its_jobs(self, writer, reader):
        batch_id = post_run(writer, {}).json()["batch_id"]
        jobs = CollectorJob.objects.filter(batch__batch_id=batch_id).order_by("id")
        CollectorJob.objects.filter(pk=jobs[0].pk).update(status=RunStatus.RUNNING, progress_percent=50,
                                                          heartbeat_at=timezone.now())
        CollectorJob.objects.filter(pk=jobs[1].pk).update(status=RunStatus.RUNNING, progress_percent=20,
                                                          heartbeat_at=timezone.now())
        CollectorBatch.objects.filter(batch_id=batch_id).update(status=RunStatus.RUNNING)
        assert reader.get(f"/api/collectors/runs/batch/{batch_id}").json()["progress_percent"] == 35

    def test_status(self, writer, reader):
        idle = reader.get("/api/collectors/status").json()
        assert idle["is_running"] is False and idle["running_batch"] is None
        names = [c["name"] for c in idle["collectors"]]
        assert names[:2] == ["ninja", "threatlocker"] and names == registry.names()
        assert set(idle["worker"]) == {"alive", "clusters", "workers"}
        batch_id = post_run(writer, {}).json()["batch_id"]
        busy = reader.get("/api/collectors/status").json()
        assert busy["is_running"] is True and busy["running_batch"]["batch_id"] == batch_id
        assert busy["collectors"][0]["last_job"]["status"] == "queued"

    def test_history_is_the_last_ten_newest_first(self, reader):
        for _ in range(12):
            batch = runs.start_batch(["ninja"], enqueue=False)
            runs.cancel_job(batch.jobs.get())
        body = reader.get("/api/collectors/history").json()
        assert body["count"] == 10 and len(body["results"]) == 10
        ids = list(CollectorBatch.objects.order_by("-created_at", "-id").values_list("batch_id", flat=True)[:10])
        assert [b["batch_id"] for b in body["results"]] == ids
        assert reader.get("/api/collectors/history?limit=3").json()["count"] == 3
        assert reader.get("/api/collectors/history?limit=0").status_code == 400
        assert reader.get("/api/collectors/history?limit=x").status_code == 400

    def test_reads_report_stale_jobs_but_never_clean_them(self, writer, reader):
        batch_id = post_run(writer, {"collector": "ninja"}).json()["batch_id"]
        old = timezone.now() - timedelta(minutes=11)
        CollectorJob.objects.filter(batch__batch_id=batch_id).update(status=RunStatus.RUNNING, started_at=old,
                                                                     heartbeat_at=old)
        job_id = CollectorJob.objects.get(batch__batch_id=batch_id).job_id

        def state():
            return (list(CollectorJob.objects.order_by("id").values()),
                    list(CollectorBatch.objects.order_by("id").values()))

        before = state()
        progress = reader.get("/api/collectors/progress").json()
        assert progress["batch_id"] == batch_id and progress["is_running"] is True
        assert progress["stale_jobs"] == [job_id] and progress["stale_jobs_cleaned"] == []
        assert progress["process_running"] is False
        assert reader.get("/api/collectors/status").json()["stale_jobs"] == [job_id]
        health = reader.get("/api/status").json()["collector_health"]
        assert [job["job_id"] for job in health["stale_jobs"]] == [job_id]
        assert "no heartbeat for 3 min" in health["stale_jobs"][0]["message"]
        assert state() == before  # no read closed, failed or reconciled anything
        assert post_run(writer, {}).status_code == 202  # a new run request (a write) does clean up

    def test_progress_with_nothing_run_yet(self, reader):
        body = reader.get("/api/collectors/progress").json()
        assert body["batch_id"] is None and body["collectors"] == [] and body["progress_percent"] == 0

    def test_cleanup_endpoint(self, writer):
        post_run(writer, {"collector": "ninja"})
        old = timezone.now() - timedelta(minutes=11)
        CollectorJob.objects.update(status=RunStatus.RUNNING, started_at=old, heartbeat_at=old)
        body = writer.post("/api/collectors/cleanup-stale").json()
        assert body["success"] is True and body["cleaned"] == 1
        assert writer.post("/api/collectors/cleanup-stale").json()["cleaned"] == 0
