"""Exports the caller asks to run in the background (`Prefer: respond-async` or `async=true`) run as
django-q2 jobs (sync mode: signed, run by django-q's worker, result saved by its monitor), report
progress, serve the finished file and expire it. Without asking, every export is the file itself."""
import csv
import io
import os
import time
from datetime import timedelta

import openpyxl
import pypdf
import pytest
from django.core.management import call_command
from django.utils import timezone
from django_q.conf import Conf
from django_q.models import Success

from variances import export_jobs
from variances.export_data import ExportRequest, export_rows
from variances.models_exports import ExportJob, ExportStatus

from .db_data import D2, seed

pytestmark = pytest.mark.django_db
URL = "/api/variances/export/"


@pytest.fixture
def jobs(settings, tmp_path, monkeypatch):
    settings.VAR_DIR = tmp_path
    monkeypatch.setattr(Conf, "SYNC", True)
    seed()
    return tmp_path / "exports"


def ask_job(client, fmt, params=None):
    """An export asked for as a background job (RFC 7240)."""
    return client.get(URL + fmt, params or {}, HTTP_PREFER="respond-async")


@pytest.mark.parametrize("fmt", ["excel", "pdf"])
@pytest.mark.parametrize("how", ["prefer", "query"])
def test_export_asked_async_runs_on_django_q_and_is_downloadable(reader, jobs, fmt, how):
    if how == "prefer":
        response = reader.get(URL + fmt, {"include_resolved": "true"}, HTTP_PREFER="wait=5, Respond-Async")
        assert response["Preference-Applied"] == "respond-async"
    else:
        response = reader.get(URL + fmt, {"include_resolved": "true", "async": "true"})
        assert "Preference-Applied" not in response  # no Prefer header was sent
    assert response.status_code == 202, response.getvalue()[:300]
    assert "Prefer" in response["Vary"]
    body = response.json()
    assert set(body) == {"job_id", "status", "status_url", "download_url"}
    assert body["status_url"] == f"/api/variances/export/jobs/{body['job_id']}"
    assert response["Location"] == body["status_url"]

    status = reader.get(body["status_url"]).json()
    assert status["status"] == "completed", status
    assert status["progress_percent"] == 100 and status["error"] == ""
    assert status["download_url"] == body["download_url"]
    assert status["requested_by"] == "apikey:reader"
    assert status["filters"]["day"] == D2.isoformat() and status["filters"]["include_resolved"] is True
    assert status["finished_at"] and status["created_at"]
    job = ExportJob.objects.get(pk=body["job_id"])
    assert Success.objects.filter(func=export_jobs.TASK_FUNC).count() == 1  # ran through django-q2

    csv_rows = list(csv.DictReader(io.StringIO(
        b"".join(reader.get(URL + "csv", {"include_resolved": "true"}).streaming_content).decode("utf-8-sig"))))
    total = len(csv_rows)
    assert status["row_count"] == job.row_count == total > 2

    download = reader.get(body["download_url"])
    assert download.status_code == 200
    content = b"".join(download.streaming_content)
    assert job.file_size == len(content) and job.file_path.startswith(str(jobs))
    assert f'filename="variances_{D2.isoformat()}_all.' in download["Content-Disposition"]
    if fmt == "excel":
        wb = openpyxl.load_workbook(io.BytesIO(content))
        assert len(wb["Devices by organization"]["A"]) - 1 == total
    else:
        text = pypdf.PdfReader(io.BytesIO(content)).pages[0].extract_text()
        assert D2.isoformat() in text
    assert not list(jobs.glob("*.part"))


def test_csv_always_streams_whatever_its_size(reader, jobs):
    response = reader.get(URL + "csv", {"include_resolved": "true"})
    assert response.status_code == 200 and response.streaming
    assert not ExportJob.objects.exists()


@pytest.mark.parametrize("fmt", ["excel", "pdf"])
def test_without_asking_the_answer_is_the_file(reader, jobs, settings, fmt):
    assert not hasattr(settings, "VARIANCES_EXPORT_ASYNC_ROWS")  # no size threshold any more
    for headers in ({}, {"HTTP_PREFER": "return=minimal"}, {"HTTP_PREFER": "respond-asyncx"}):
        response = reader.get(URL + fmt, {"include_resolved": "true", "async": "false"}, **headers)
        assert response.status_code == 200 and response.streaming and "Preference-Applied" not in response
        assert "Prefer" in response["Vary"]
        content = response.getvalue()
        assert int(response["Content-Length"]) == len(content)
        assert response["Content-Disposition"] == f'attachment; filename="variances_{D2.isoformat()}_all.' + (
            "xlsx" if fmt == "excel" else "pdf") + '"'
        if fmt == "excel":
            assert response["Content-Type"].startswith("application/vnd.openxmlformats")
            rows = openpyxl.load_workbook(io.BytesIO(content))["Devices by organization"]["A"]
            assert len(rows) - 1 == len(list(export_rows(ExportRequest(day=D2, include_resolved=True)))) > 2
        else:
            assert response["Content-Type"] == "application/pdf"
            assert D2.isoformat() in pypdf.PdfReader(io.BytesIO(content)).pages[0].extract_text()
    assert not ExportJob.objects.exists()


def test_async_is_validated_and_csv_always_streams(reader, jobs):
    response = reader.get(URL + "excel", {"async": "maybe"})
    assert response.status_code == 400 and response.json()["error"]["details"]["field"] == "async"
    response = reader.get(URL + "csv", {"async": "true"}, HTTP_PREFER="respond-async")
    assert response.status_code == 200 and response.streaming and "Preference-Applied" not in response
    assert not ExportJob.objects.exists()


def test_progress_is_written_while_rows_are_read(jobs, monkeypatch):
    monkeypatch.setattr(export_jobs, "PROGRESS_EVERY_SECONDS", 0)
    job = ExportJob.objects.create(format="csv", requested_by="t", row_count=4)
    req = ExportRequest(day=D2, include_resolved=True)
    rows = export_jobs._with_progress(export_rows(req), job.pk, 4)
    next(rows), next(rows)
    job.refresh_from_db()
    assert (job.rows_done, job.progress_percent) == (2, export_jobs.READ_SHARE * 2 // 4)
    list(rows)
    job.refresh_from_db()
    assert job.progress_percent == export_jobs.READ_SHARE and "writing" in job.message


def test_download_is_404_until_done_and_unknown_jobs_are_404(reader, jobs):
    job = ExportJob.objects.create(format="excel", requested_by="t", filters={"day": D2.isoformat()})
    status = reader.get(f"{URL}jobs/{job.pk}").json()
    assert status["status"] == "queued" and status["download_url"] is None
    response = reader.get(f"{URL}jobs/{job.pk}/download")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_ready"
    assert reader.get(f"{URL}jobs/999999").status_code == 404
    assert reader.get(f"{URL}jobs/999999/download").status_code == 404


def test_failed_job_records_the_error_and_download_is_410(reader, jobs, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(export_jobs, "write_export_file", broken)
    body = ask_job(reader, "pdf").json()
    status = reader.get(body["status_url"]).json()
    assert status["status"] == "failed" and "disk full" in status["error"]
    assert reader.get(body["download_url"]).status_code == 410


def test_broker_failure_ends_the_job_failed(reader, jobs, monkeypatch):
    def unreachable(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr("django_q.tasks.async_task", unreachable)
    response = ask_job(reader, "excel")
    assert response.status_code == 202
    assert response.json()["status"] == "failed"


def test_cleanup_expires_old_files_and_download_becomes_410(reader, jobs):
    body = ask_job(reader, "excel").json()
    job = ExportJob.objects.get(pk=body["job_id"])
    path = job.file_path
    assert os.path.exists(path)
    stray = jobs / "job-0_left-over.xlsx.part"
    stray.write_bytes(b"x")
    old = time.time() - 10 * 86400
    os.utime(stray, (old, old))
    ExportJob.objects.filter(pk=job.pk).update(finished_at=timezone.now() - timedelta(days=8))
    out = io.StringIO()
    call_command("cleanup_exports", stdout=out)
    assert "Expired 1 job(s); removed 1 other file(s)." in out.getvalue()
    assert not os.path.exists(path) and not stray.exists()
    assert reader.get(body["status_url"]).json()["status"] == ExportStatus.EXPIRED
    response = reader.get(body["download_url"])
    assert response.status_code == 410 and response.json()["error"]["code"] == "gone"


def test_removed_file_is_410(reader, jobs):
    body = ask_job(reader, "excel").json()
    os.remove(ExportJob.objects.get(pk=body["job_id"]).file_path)
    assert reader.get(body["download_url"]).status_code == 410


def test_recent_files_survive_cleanup(reader, jobs):
    body = ask_job(reader, "excel").json()
    assert export_jobs.cleanup_exports() == {"expired_jobs": 0, "removed_files": 0, "stale_jobs_failed": 0}
    assert reader.get(body["download_url"]).status_code == 200


def test_a_job_older_than_any_task_can_live_is_failed_as_stale(reader, jobs, settings):
    fresh = ExportJob.objects.create(format="pdf", requested_by="t", filters={"day": D2.isoformat()})
    stale = ExportJob.objects.create(format="pdf", requested_by="t", filters={"day": D2.isoformat()},
                                     status=ExportStatus.RUNNING)
    too_old = timezone.now() - timedelta(seconds=settings.Q_CLUSTER["timeout"] + 120)
    ExportJob.objects.filter(pk=stale.pk).update(created_at=too_old)
    body = reader.get(f"{URL}jobs/{stale.pk}").json()
    assert body["status"] == "failed" and "qcluster" in body["message"]
    assert reader.get(f"{URL}jobs/{stale.pk}/download").status_code == 410
    fresh.refresh_from_db()
    assert fresh.status == ExportStatus.QUEUED


def test_cleanup_runs_daily_from_its_schedule(jobs):
    from django.utils.module_loading import import_string
    from django_q.models import Schedule

    schedule = Schedule.objects.get(name="cleanup export files (daily)")
    assert schedule.schedule_type == Schedule.DAILY
    assert import_string(schedule.func)() == {"expired_jobs": 0, "removed_files": 0, "stale_jobs_failed": 0}


@pytest.mark.parametrize("how", [{"HTTP_PREFER": "respond-async"}, {"data": {"async": "true"}}])
def test_head_never_starts_a_job(reader, jobs, how):
    """HEAD is safe (RFC 9110): it says a job would start (202) but starts none."""
    before = ExportJob.objects.count()
    response = reader.head(URL + "pdf", **how)
    assert response.status_code == 202
    assert ExportJob.objects.count() == before
    assert reader.get(URL + "pdf", **how).status_code == 202
    assert ExportJob.objects.count() == before + 1


@pytest.mark.parametrize("with_meta", [False, True])
def test_a_csv_job_keeps_the_meta_choice(jobs, with_meta):
    """The job stores `meta` with its filters: header first, or the metadata block when asked."""
    req = ExportRequest(day=D2, include_resolved=True, with_meta=with_meta)
    job = export_jobs.start_export_job("csv", req, row_count=0, actor="t")
    job.refresh_from_db()
    assert job.status == ExportStatus.COMPLETED, (job.status, job.error)
    assert job.filters["meta"] is with_meta
    text = open(job.file_path, encoding="utf-8-sig", newline="").read()
    first = text.split("\r\n", 1)[0]
    if with_meta:
        assert first == "report,Variance report" and "\r\n\r\nid,type," in text
    else:
        rows = list(csv.DictReader(io.StringIO(text, newline="")))
        assert first.startswith("id,type,variance_type,") and len(rows) == job.row_count > 2
