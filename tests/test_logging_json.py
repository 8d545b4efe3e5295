"""LOG_FORMAT=json: one JSON object a line, with the request id inside a request and the task, job and batch ids
inside background work."""
import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django_q.signals import post_execute_in_worker, pre_execute

from collectors.models import CollectorBatch, CollectorJob
from collectors.tasks import run_collector_job
from esinv.logjson import JSONFormatter
from esinv.request_context import RequestIDLogFilter

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def json_lines():
    """Everything logged while the test runs, as parsed JSON objects (the production handler's setup)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JSONFormatter())
    handler.addFilter(RequestIDLogFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    levels = {name: logging.getLogger(name).level for name in ("", "esinv.request")}
    for name in levels:
        logging.getLogger(name).setLevel(logging.INFO)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


@pytest.mark.django_db
def test_each_request_logs_a_json_line_with_its_request_id(json_lines):
    response = Client().get("/api/health", HTTP_X_REQUEST_ID="req-4711")
    assert response["X-Request-ID"] == "req-4711"
    line = next(entry for entry in json_lines() if entry["logger"] == "esinv.request")
    assert line["request_id"] == "req-4711"
    assert (line["method"], line["path"], line["route"], line["status"]) == ("GET", "/api/health", "api/health", 200)
    assert line["level"] == "INFO" and line["duration_ms"] >= 0 and line["time"].endswith("+00:00")


@pytest.mark.django_db
def test_lines_inside_a_collector_task_carry_task_job_and_batch_ids(json_lines):
    batch = CollectorBatch.objects.create(snapshot_date="2026-11-23")
    job = CollectorJob.objects.create(batch=batch, name="ninja", job_name="ninja-collector",
                                      snapshot_date="2026-11-23", status="completed")
    task = {"id": "a" * 32, "name": "collect-ninja", "func": "collectors.tasks.run_collector_job",
            "args": (job.job_id,)}
    # What a django-q2 worker does around the function (django_q.worker.worker).
    pre_execute.send(sender="django_q", func=run_collector_job, task=task)
    run_collector_job(job.job_id)  # not queued: logs that it is not run
    post_execute_in_worker.send(sender="django_q", func=run_collector_job, task=task)
    logging.getLogger("collectors.runs").warning("after the task")

    inside, after = [entry for entry in json_lines() if entry["logger"] == "collectors.runs"]
    assert "not queued" in inside["message"]
    assert inside["task_id"] == "a" * 32 and inside["task"] == "collect-ninja"
    assert inside["job_id"] == job.job_id and inside["batch_id"] == batch.batch_id
    assert not {"task_id", "job_id", "batch_id"} & set(after)


def test_an_exception_is_one_line_with_its_traceback(json_lines):
    try:
        raise ValueError("boom")
    except ValueError:
        logging.getLogger("esinv.test").exception("failed")
    (line,) = [entry for entry in json_lines() if entry["logger"] == "esinv.test"]
    assert line["message"] == "failed" and "ValueError: boom" in line["exception"]


def test_the_setting_selects_the_formatter(tmp_path):
    script = "import logging; logging.getLogger('esinv.x').warning('hello %s', 'world')"
    env = {**os.environ, "LOG_FORMAT": "json", "ESINV_VAR_DIR": str(tmp_path), "ESINV_ALLOW_DEV_SECRET": "true",
           "DJANGO_SETTINGS_MODULE": "esinv.settings"}
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", script], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert line["message"] == "hello world" and line["logger"] == "esinv.x" and line["request_id"] == "-"
    env["LOG_FORMAT"] = "xml"
    bad = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=120)
    assert bad.returncode != 0 and "LOG_FORMAT must be plain or json" in bad.stderr
