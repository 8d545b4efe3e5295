"""The HTTP half of deploy/smoke: everything through the running gunicorn, as a dashboard or a proxy would.

    python deploy/smoke_http.py wait-ready URL     # until /api/health/ready and two qcluster processes answer
    SMOKE_API_KEY=... python deploy/smoke_http.py run URL

Requests carry `X-Forwarded-Proto: https`, as from the TLS proxy (plain HTTP is redirected, which is checked too).
Standard library only.
"""
import ast
import gzip
import json
import os
import sys
import time
import urllib.error
import urllib.request

PROXY = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


opener = urllib.request.build_opener(NoRedirect)


def call(base, path, *, method="GET", headers=None, body=None, proxy=True):
    request = urllib.request.Request(base + path, method=method, data=body,
                                     headers={**(PROXY if proxy else {}), **(headers or {})})
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


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


def simulator_expectation() -> dict:
    """The exceptions the simulators say they planted (their log's "Expected exceptions today: {...}")."""
    for line in open(os.environ["SMOKE_SIM_LOG"]):
        if "Expected exceptions today: " in line:
            return ast.literal_eval(line.split("Expected exceptions today: ", 1)[1].strip())
    sys.exit("smoke: FAILED: the simulators did not print their expected exceptions")


def run(base, key):
    auth = {"X-API-Key": key}
    started = time.monotonic()
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

    status, _, body = call(base, "/api/collectors/run", method="POST", headers={**auth, "Content-Type":
                           "application/json"}, body=json.dumps({"collectors": ["ninja", "threatlocker"]}).encode())
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
    print(f"  ok  HTTP checks took {time.monotonic() - started:.1f}s")


if __name__ == "__main__":
    command, url = sys.argv[1], sys.argv[2].rstrip("/")
    if command == "wait-ready":
        wait_ready(url)
    else:
        run(url, os.environ["SMOKE_API_KEY"])
