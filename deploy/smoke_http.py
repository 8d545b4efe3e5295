"""The HTTP half of deploy/smoke: everything through the running gunicorn, as a dashboard or a proxy would.

    python deploy/smoke_http.py wait-ready URL     # until /api/health/ready and two qcluster processes answer
    SMOKE_API_KEY=... python deploy/smoke_http.py run URL

Requests carry `X-Forwarded-Proto: https`, as from the TLS proxy (plain HTTP is redirected, which is checked too).
Needs prometheus-client (to parse /metrics as Prometheus would).
"""
import ast
import gzip
import hashlib
import hmac
import json
import os
import sys
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

PROXY = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


opener = urllib.request.build_opener(NoRedirect)
answered = {}  # (method, path, status) -> how many times this script got that answer


def call(base, path, *, method="GET", headers=None, body=None, proxy=True):
    request = urllib.request.Request(base + path, method=method, data=body,
                                     headers={**(PROXY if proxy else {}), **(headers or {})})
    try:
        with opener.open(request, timeout=30) as response:
            result = response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        result = error.code, dict(error.headers), error.read()
    answered[(method, path, result[0])] = answered.get((method, path, result[0]), 0) + 1
    return result


def check(condition, message):
    if not condition:
        sys.exit(f"smoke: FAILED: {message}")
    print(f"  ok  {message}")


def wait_ready(base, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if call(base, "/api/health/ready", proxy=False)[0] == 200:
                print(f"  ok  web ready after {timeout - (deadline - time.monotonic()):.1f}s")
                return
        except OSError:
            pass
        time.sleep(0.5)
    sys.exit(f"smoke: FAILED: {base}/api/health/ready did not answer 200 within {timeout}s")


def webhook_receiver(port: int) -> list:
    """Record the POSTs the hub's workers send to the smoke run's webhook channel."""
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append((dict(self.headers), self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return received


def check_webhook(received: list, report_date: str):
    deadline = time.monotonic() + 30
    while not received and time.monotonic() < deadline:
        time.sleep(0.2)
    check(received, "a worker delivered the reconciliation.finished webhook")
    headers, body = received[0]
    expected = "sha256=" + hmac.new(b"smoke-secret", body, hashlib.sha256).hexdigest()
    data = json.loads(body)
    check(hmac.compare_digest(headers.get("X-ESInv-Signature", ""), expected) and headers["X-ESInv-Event"]
          == "reconciliation.finished" and data["data"]["report_date"] == report_date,
          f"its signature verifies ({data['data']['new']} new exceptions on {report_date})")


def simulator_expectation() -> dict:
    """The exceptions the simulators say they planted (their log's "Expected exceptions today: {...}")."""
    for line in open(os.environ["SMOKE_SIM_LOG"]):
        if "Expected exceptions today: " in line:
            return ast.literal_eval(line.split("Expected exceptions today: ", 1)[1].strip())
    sys.exit("smoke: FAILED: the simulators did not print their expected exceptions")


def run(base, key):
    auth = {"X-API-Key": key}
    started = time.monotonic()
    received = webhook_receiver(int(os.environ["SMOKE_HOOK_PORT"]))
    # Both clusters report to the Redis broker before the run starts.
    for _ in range(120):
        status, _, body = call(base, "/api/collectors/progress", headers=auth)
        worker = json.loads(body)["worker"] if status == 200 else {}
        if worker.get("clusters", 0) >= 2:
            break
        time.sleep(0.5)
    check(worker.get("clusters") == 2, f"two qcluster processes on the Redis broker ({worker})")

    status, headers, _ = call(base, "/api/status", headers=auth, proxy=False)
    check(status == 301 and headers["Location"].startswith("https://"), "plain HTTP is redirected to HTTPS")

    status, _, body = call(base, "/api/collectors/run", method="POST", headers={
        **auth, "Content-Type": "application/json", "X-Request-ID": "smoke-run-request"},
        body=json.dumps({"collectors": ["ninja", "threatlocker"]}).encode())
    check(status == 202, f"POST /api/collectors/run answers 202 ({status} {body[:120]!r})")
    batch_id = json.loads(body)["batch_id"]
    status, _, body = call(base, "/api/collectors/run", method="POST", headers=auth)
    check(status == 409, "a second run while it runs answers 409")

    seen, deadline = [], time.monotonic() + 90
    while time.monotonic() < deadline:
        progress = json.loads(call(base, "/api/collectors/progress", headers=auth)[2])
        if progress["batch_id"] == batch_id:
            seen.append(progress["progress_percent"])
            if not progress["is_running"]:
                break
        time.sleep(0.5)
    batch = json.loads(call(base, f"/api/collectors/runs/batch/{batch_id}", headers=auth)[2])
    check(batch["status"] == "completed", f"batch {batch_id} completed in {batch['duration_seconds']}s "
          f"(progress seen: {sorted(set(seen))})")
    check(all(job["status"] == "completed" for job in batch["collectors"]) and len(batch["collectors"]) == 2,
          "both collector jobs completed")
    check(batch["cross_vendor_status"] == "completed", f"reconciled: {batch['cross_vendor_message']}")

    status, _, body = call(base, "/api/variance-report/latest", headers=auth)
    report = json.loads(body)
    check(status == 200, "GET /api/variance-report/latest answers 200")
    total = report.get("total_exceptions", report.get("summary", {}).get("total_exceptions"))
    expected = simulator_expectation()
    check(total and total == sum(expected.values()), f"the report lists the {total} exceptions the simulators "
          f"planted for {report.get('report_date')} ({expected})")

    status, _, body = call(base, "/api/status", headers=auth)
    counts = json.loads(body)["device_counts"]
    check(status == 200 and all(counts.values()), f"status device counts {counts}")

    manifest = json.loads(open(os.path.join(os.environ["STATIC_ROOT"], "staticfiles.json")).read())
    hashed = manifest["paths"]["esinv/dashboard.js"]
    status, headers, body = call(base, f"/static/{hashed}", headers={"Accept-Encoding": "gzip"})
    check(status == 200 and headers.get("Content-Encoding") == "gzip" and b"addEventListener" in gzip.decompress(
        body) and "immutable" in headers.get("Cache-Control", ""), f"WhiteNoise serves /static/{hashed} gzipped")

    status, headers, _ = call(base, "/sign-in/")
    check(status == 200 and "script-src 'self'" in headers.get("Content-Security-Policy", "")
          and "max-age=" in headers.get("Strict-Transport-Security", ""), "pages carry CSP and HSTS")
    check_webhook(received, report["report_date"])
    check_metrics(base, auth, counts, report["summary"]["unresolved_count"])
    check_logs(batch_id)
    print(f"  ok  HTTP checks took {time.monotonic() - started:.1f}s")


def check_metrics(base, auth, device_counts, unresolved):
    status, _, body = call(base, "/metrics", proxy=False)
    check(status == 401, "/metrics refuses a caller without a key")
    status, headers, body = call(base, "/metrics", headers=auth, proxy=False)
    samples = {}
    for family in text_string_to_metric_families(body.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    check(status == 200, f"/metrics parses ({len(samples)} samples)")
    devices = {labels[0][1]: value for (name, labels), value in samples.items() if name == "esinv_devices"}
    check(sorted(devices.values()) == sorted(device_counts.values()), f"esinv_devices {devices} = /api/status")
    open_total = sum(value for (name, _), value in samples.items() if name == "esinv_open_exceptions")
    check(open_total == unresolved, f"esinv_open_exceptions sum to the report's {unresolved} open")
    ages = {labels[0][1]: value for (name, labels), value in samples.items()
            if name == "esinv_vendor_last_success_age_seconds"}
    check(all(0 <= age < 120 for age in ages.values()) and len(ages) == 2, f"vendor ages {ages}")
    # Requests are summed over both gunicorn workers: the count is every call this script made, whichever
    # worker answered it (only this script calls /api/collectors/progress).
    progress = [value for (name, labels), value in samples.items() if name == "esinv_http_requests_total"
                and dict(labels) == {"method": "GET", "route": "api/collectors/progress", "status": "200"}]
    made = answered[("GET", "/api/collectors/progress", 200)]
    check(progress == [made], f"all {made} progress requests counted across the workers ({progress})")
    check(samples[("esinv_tasks_queued", ())] == 0, "no task left queued")


def check_logs(batch_id):
    logs = Path(os.environ["SMOKE_LOG_DIR"])
    web = [json.loads(line) for line in (logs / "web.log").read_text().splitlines() if line.startswith("{")]
    check(any(entry.get("request_id") == "smoke-run-request" and entry.get("path") == "/api/collectors/run"
              for entry in web), "web logs JSON lines with the caller's request id")
    pids = {entry["pid"] for entry in web if entry.get("path") == "/api/collectors/progress"}
    print(f"  ..  the progress requests were answered by {len(pids)} gunicorn worker(s)")
    workers = [json.loads(line) for name in ("worker-1.log", "worker-2.log")
               for line in (logs / name).read_text().splitlines() if line.startswith("{")]
    in_batch = [entry for entry in workers if entry.get("batch_id") == batch_id]
    check(in_batch and all(entry.get("job_id") and entry.get("task_id") for entry in in_batch),
          f"workers log JSON lines with the task, job and batch ids ({len(in_batch)} in {batch_id})")


if __name__ == "__main__":
    command, url = sys.argv[1], sys.argv[2].rstrip("/")
    if command == "wait-ready":
        wait_ready(url)
    else:
        run(url, os.environ["SMOKE_API_KEY"])
