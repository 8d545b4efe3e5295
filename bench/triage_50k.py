#!/usr/bin/env python
"""The triage list at 50,000 devices per vendor with 90 days of history: is its first page fast?

    .venv/bin/python bench/triage_50k.py [--devices 50000] [--days 90] [--snapshot-days DAYS] [--repeat 5]
    DATABASE_URL=postgres://user@127.0.0.1:5432/esinv .venv/bin/python bench/triage_50k.py

Runs in a throwaway test database of the configured backend (SQLite by default), like bench/variances_50k.py,
whose synthetic MSP it reuses (200 clients, ~10% variances). Two real days are generated and reconciled (the
second with 30% of the missing-in-NinjaOne devices fixed, so some exceptions are gone and a few are new); the
history behind them is then built in SQL: the snapshot rows copied back day by day to `--days` days, one
reconciliation run per day, the open exceptions' `date_found` spread over those days, and a churn of resolved
exceptions (found and gone in the past, 2% of the devices a day) so the exception table has its history too.
The triage list reads exceptions and runs, not snapshots: `--snapshot-days` (default `--days`) copies fewer
snapshot days when the machine is too slow to write 2 x devices x days rows (9 million at the defaults).

Prints the median of `--repeat` requests of GET /api/exceptions' first page in each sort order (and with
`new_since`), of the /variances/ page (signed in), and of the report endpoints that now carry the new/gone
counts. Target: the triage API's first page < 200 ms.
"""
import argparse
import random
import signal
import statistics
import sys
import time
from datetime import timedelta

from _setup import load_variances_bench

vb = load_variances_bench()  # sets up paths and the Django settings module


def copy_snapshots_back(cursor, source_day, days: int):
    """Copy one day's snapshot rows to each of the `days - 2` days before the two generated ones (portable SQL,
    one INSERT ... SELECT per day)."""
    from inventory.models import Snapshot

    table = Snapshot._meta.db_table
    columns = [f.column for f in Snapshot._meta.concrete_fields if f.column != "id"]
    select = ", ".join("%s" if c == "snapshot_date" else c for c in columns)
    for back in range(2, days):
        cursor.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {select} FROM {table} "
                       "WHERE snapshot_date = %s", [source_day - timedelta(days=back - 1), source_day])


def build_history(days: int, devices: int, seed: int = 7):
    """Runs for every past day, open exceptions' date_found spread over the days, resolved exceptions' churn."""
    from django.utils import timezone

    from esinv.bulk import insert_rows
    from variances import types as T
    from variances.models import ExceptionRecord, ExceptionStatus, ReconciliationRun, Resolution, VarianceStatus

    rnd = random.Random(seed)
    now = timezone.now()
    template = ReconciliationRun.objects.filter(report_date=vb.DAY1).first()
    ReconciliationRun.objects.bulk_create([
        ReconciliationRun(report_date=vb.DAY1 - timedelta(days=back), started_at=now, finished_at=now,
                          duration_seconds=template.duration_seconds, ninja_devices=template.ninja_devices,
                          threatlocker_devices=template.threatlocker_devices, counts=template.counts,
                          total=template.total)
        for back in range(1, days - 1)])
    # The open ones were not all found yesterday: spread their first day over the window.
    first = vb.DAY1 - timedelta(days=days - 2)
    open_ids = list(ExceptionRecord.objects.filter(date_found=vb.DAY1).values_list("id", flat=True))
    by_day: dict = {}
    for pk in open_ids:
        by_day.setdefault(first + timedelta(days=rnd.randrange(days - 1)), []).append(pk)
    for day, ids in by_day.items():
        for start in range(0, len(ids), 900):
            ExceptionRecord.objects.filter(id__in=ids[start:start + 900]).update(date_found=day)
    # Past exceptions, found and gone before yesterday.
    codes = [kind.code for kind in T.KINDS]
    rows, per_day = [], max(1, devices // 50)
    fields = ["type", "canonical_key", "hostname", "organization_id", "date_found", "last_seen", "status",
              "variance_status", "resolution", "resolved_on", "failed_fix_count", "details", "notes",
              "manually_fixed_by", "resolved_by", "created_at", "updated_at"]
    for back in range(2, days):
        seen = vb.DAY1 - timedelta(days=back)
        for k in range(per_day):
            found = seen - timedelta(days=rnd.randrange(0, 10))
            host = f"OLD-{back:03d}-{k:05d}"
            rows.append((codes[k % len(codes)], host.lower()[:15], host, None, found, seen, ExceptionStatus.RESOLVED,
                         VarianceStatus.RESOLVED, Resolution.AUTO, seen, 0,
                         {"ninja_hostname": host, "organization": f"Client {k % 200:03d}"}, "", "", "", now, now))
    insert_rows(ExceptionRecord, fields, rows)
    return len(rows)


def timed_get(client, path, repeat):
    response = client.get(path)  # warm up
    assert response.status_code == 200, (path, response.status_code, response.content[:300])
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(path)
        samples.append(time.perf_counter() - start)
        assert response.status_code == 200, (path, response.status_code, response.content[:300])
    return statistics.median(samples), response


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=50_000)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--snapshot-days", type=int, default=None, help="snapshot history (default: --days)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    snapshot_days = args.days if args.snapshot_days is None else min(args.snapshot_days, args.days)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # a `timeout` still drops the throwaway database
    connection = vb.setup_database()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    from esinv.models import APIKey
    from inventory.models import Organization, Snapshot
    from variances.models import ExceptionRecord
    from variances.services import reconcile_day

    settings.ESINV_THROTTLE_RATE = settings.ESINV_THROTTLE_ANON_RATE = "1000000/min"
    # The pages without `collectstatic`'s manifest (the bench measures the view, not the static files).
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    try:
        started = time.perf_counter()
        orgs = [Organization.objects.create(name=f"Client {k:03d}").id for k in range(200)]
        vb.generate(args.devices, vb.DAY1, 2, orgs)
        vb.generate(args.devices, vb.DAY2, 2, orgs, fixed=0.3)
        reconcile_day(vb.DAY1)
        reconcile_day(vb.DAY2)
        print(f"two days generated and reconciled in {time.perf_counter() - started:.0f} s", flush=True)
        with connection.cursor() as cursor:
            copy_snapshots_back(cursor, vb.DAY1, snapshot_days)
        print(f"snapshots copied back to {snapshot_days} days: {time.perf_counter() - started:.0f} s", flush=True)
        past = build_history(args.days, args.devices)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        snapshots, exceptions = Snapshot.objects.count(), ExceptionRecord.objects.count()
        print(f"{connection.vendor}: {args.devices:,} devices per vendor, {args.days} days of exceptions and runs, "
              f"{snapshot_days} of snapshots: {snapshots:,} snapshot rows, {exceptions:,} exceptions "
              f"({past:,} past, resolved); built in {time.perf_counter() - started:.0f} s")

        api = Client(HTTP_HOST="localhost", HTTP_X_API_KEY=APIKey.issue("bench")[1])
        staff = get_user_model().objects.create_user("bench", "bench@example.com", "x", is_staff=True)
        page = Client(HTTP_HOST="localhost")
        page.force_login(staff)
        new_since = (vb.DAY2 - timedelta(days=7)).isoformat()
        last_page = max(1, -(-api.get("/api/exceptions").json()["count"] // settings.REST_FRAMEWORK["PAGE_SIZE"]))
        cases = [(api, f"/api/exceptions?ordering={name}") for name in
                 ("type", "-type", "organization", "hostname", "date_found", "-days_open")]
        cases += [(api, "/api/exceptions"), (api, f"/api/exceptions?new_since={new_since}&ordering=hostname"),
                  (api, "/api/exceptions?status=open&type=MISSING_NINJA&ordering=-days_open"),
                  (api, f"/api/exceptions?ordering=hostname&page={last_page}"),
                  (page, "/variances/"), (page, "/variances/?ordering=-days_open&status=all"),
                  (api, "/api/variance-report/latest"), (api, "/api/status")]
        print(f"median of {args.repeat} (target: the triage API's first page < 200 ms)")
        for client, path in cases:
            latency, response = timed_get(client, path, args.repeat)
            count = ""
            if path.startswith("/api/exceptions"):
                count = f"  ({response.json()['count']:,} match)"
            flag = "  OVER 200 ms" if path.startswith("/api/exceptions") and latency > 0.2 else ""
            print(f"  GET {path:<70}{latency * 1000:8.1f} ms{count}{flag}")
    finally:
        connection.creation.destroy_test_db(settings.DATABASES["default"]["NAME"], verbosity=0)


if __name__ == "__main__":
    main()
