#!/usr/bin/env python
"""Benchmark: GET /api/status at 50,000 devices per vendor (target < 50 ms).

Builds the same synthetic MSP as bench/variances_50k.py in a throwaway test
database, reconciles it, then times the endpoint (median of N) and prints the
slowest queries of one request.

    .venv/bin/python bench/status_50k.py [--devices 50000] [--repeat 21]
"""
import argparse
import statistics
import time

from _setup import load_variances_bench

vb = load_variances_bench()  # sets up paths and the Django settings module


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=21)
    args = parser.parse_args()
    connection = vb.setup_database()
    from django.conf import settings
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from esinv.models import APIKey
    from inventory.models import Organization
    from variances.services import reconcile_day

    settings.ESINV_THROTTLE_RATE = "1000000/min"
    try:
        orgs = [Organization.objects.create(name=f"Client {k:03d}").id for k in range(200)]
        vb.generate(args.devices, vb.DAY2, 2, orgs)
        reconcile_day(vb.DAY2)
        key = APIKey.issue("bench")[1]
        client = Client(HTTP_HOST="localhost", HTTP_X_API_KEY=key)
        client.get("/api/status")
        samples = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            response = client.get("/api/status")
            samples.append(time.perf_counter() - start)
            assert response.status_code == 200
        body = response.json()
        print(f"backend {connection.vendor}, {args.devices} devices per vendor, "
              f"device_counts {body['device_counts']}, total_exceptions {body['total_exceptions']}")
        print(f"GET /api/status: median {statistics.median(samples) * 1000:.1f} ms, "
              f"min {min(samples) * 1000:.1f} ms over {args.repeat} requests (target < 50 ms)")
        with CaptureQueriesContext(connection) as ctx:
            client.get("/api/status")
        slow = sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))[:5]
        print(f"{len(ctx.captured_queries)} queries; slowest:")
        for query in slow:
            print(f"  {float(query['time']) * 1000:7.1f} ms  {query['sql'][:110]}")
    finally:
        connection.creation.destroy_test_db(settings.DATABASES["default"]["NAME"], verbosity=0)


if __name__ == "__main__":
    main()
