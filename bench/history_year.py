#!/usr/bin/env python
"""A year of history on PostgreSQL: do the read endpoints stay fast, and how much room does a device-day take?

    DATABASE_URL=postgres://... .venv/bin/python bench/history_year.py [--devices 10000] [--days 365]

Builds one reconciled day of N devices per vendor (the synthetic MSP of bench/variances_50k.py, 200 clients) in a
throwaway test database, copies it back a week (6 more days, with their reconciliation runs) and times the
endpoints; then back a year (about 2 x N x days snapshot rows: 7.3 million at the defaults) and times them again.
Prints each endpoint's median with a week and with a year (target: within 2x), bytes per device-day of the
snapshot table with its indexes, and `prune_snapshots` over the oldest month.
"""
import statistics
import time
from datetime import timedelta

from _setup import history_args, load_variances_bench

vb = load_variances_bench()  # sets up paths and the Django settings module


# Not an endpoint, so outside the 2x budget: every snapshot row of one device, the whole history (14 rows with a
# week, 730 with a year). It stood for the device timeline before `GET /api/devices/{key}` existed; that endpoint
# reads a 90-day window per vendor, and is measured as "device page API (timeline)".
HISTORY = "device history (query)"


def copy_back(cursor, first: int, last: int):
    """Copy today's snapshot rows and reconciliation run to the days first..last before today (SQL, no Python)."""
    from inventory.models import Snapshot
    from variances.models import ReconciliationRun

    for model, date_column in ((Snapshot, "snapshot_date"), (ReconciliationRun, "report_date")):
        table = model._meta.db_table
        columns = [f.column for f in model._meta.concrete_fields if f.column != "id"]
        select = ", ".join(f"s.{c} - g" if c == date_column else f"s.{c}" for c in columns)
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) SELECT {select} "
            f"FROM {table} s CROSS JOIN generate_series(%s, %s) g WHERE s.{date_column} = %s",
            [first, last, vb.TODAY])
    cursor.execute(f"ANALYZE {Snapshot._meta.db_table}")


def measure(client, cases, repeat):
    from django.db import connection

    from inventory.models import Snapshot

    results = {}
    for label, path in cases:
        samples = []
        for _ in range(repeat + 1):
            start = time.perf_counter()
            if path.startswith("timeline:"):  # no endpoint: every row of one device (see HISTORY)
                rows = list(Snapshot.objects.filter(canonical_key=path[9:]).order_by("snapshot_date", "vendor_id")
                            .values_list("snapshot_date", "vendor_id", "hostname", "organization_id"))
                assert rows
            else:
                response = client.get(path)
                assert response.status_code == 200, (path, response.status_code, response.content[:200])
            samples.append(time.perf_counter() - start)
        results[label] = statistics.median(samples[1:])  # the first warms caches
    connection.close()
    return results


def main():
    args = history_args(__doc__, devices=10_000, days=365, repeat=7, explain="print the broad device search's plan")
    connection = vb.setup_database()
    if connection.vendor != "postgresql":
        raise SystemExit("Set DATABASE_URL to a PostgreSQL server: this benchmark measures PostgreSQL.")
    from django.conf import settings
    from django.test import Client

    from esinv.models import APIKey
    from inventory.models import Organization, Snapshot
    from inventory.retention import prune_snapshots
    from variances.services import reconcile_day

    settings.ESINV_THROTTLE_RATE = "1000000/min"
    try:
        orgs = [Organization.objects.create(name=f"Client {k:03d}").id for k in range(200)]
        vb.generate(args.devices, vb.TODAY, 3, orgs)
        reconcile_day(vb.TODAY)
        key, host = Snapshot.objects.filter(vendor_id=1, snapshot_date=vb.TODAY).values_list(
            "canonical_key", "hostname").order_by("canonical_key")[len(orgs)]
        client = Client(HTTP_HOST="localhost", HTTP_X_API_KEY=APIKey.issue("bench")[1])
        year_ago = (vb.TODAY - timedelta(days=args.days - 1)).isoformat()
        cases = [
            ("variance report (latest)", "/api/variance-report/latest"),
            ("status", "/api/status"),
            ("trends, 90 days", f"/api/variances/trends?start_date={(vb.TODAY - timedelta(days=89)).isoformat()}"),
            ("trends, a year", f"/api/variances/trends?start_date={year_ago}"),
            ("device search, one host", f"/api/devices/search?q={host}"),
            ("device search, broad", f"/api/devices/search?q={key[:8]}"),  # matches every device: 200 shown
            ("device page API (timeline)", f"/api/devices/{key}"),  # the device, its 90-day timeline per vendor
            (HISTORY, f"timeline:{key}"),
        ]
        with connection.cursor() as cursor:
            started = time.perf_counter()
            copy_back(cursor, 1, 6)
        week = measure(client, cases, args.repeat)
        with connection.cursor() as cursor:
            copy_back(cursor, 7, args.days - 1)
            load = time.perf_counter() - started
            cursor.execute("SELECT count(*), pg_total_relation_size(%s), pg_relation_size(%s) FROM "
                           + Snapshot._meta.db_table, [Snapshot._meta.db_table] * 2)
            rows, total_bytes, heap_bytes = cursor.fetchone()
        year = measure(client, cases, args.repeat)
        if args.explain:  # the plan the broad search's rows query runs with (a server-side cursor), executed
            from django.test.utils import CaptureQueriesContext

            from inventory.search import search_devices

            with CaptureQueriesContext(connection) as captured:
                search_devices(key[:8])
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + captured.captured_queries[-1]["sql"])
                print("broad search plan (a year):\n  " + "\n  ".join(row[0] for row in cursor.fetchall()))
        print(f"PostgreSQL {connection.pg_version // 10000}, {args.devices} devices per vendor, {args.days} days: "
              f"{rows:,} snapshot rows, copied in {load:.0f} s")
        print(f"snapshot table: {total_bytes / 2**20:,.0f} MiB with indexes ({heap_bytes / 2**20:,.0f} MiB rows): "
              f"{total_bytes / rows:.0f} bytes per device-day ({heap_bytes / rows:.0f} without indexes)")
        print(f"{'endpoint':<28}{'a week':>10}{'a year':>10}{'ratio':>8}")
        for label, _ in cases:
            ratio = year[label] / week[label]
            over = "  (not an endpoint: its answer grows with the history)" if label == HISTORY else (
                "" if ratio <= 2 else "  OVER 2x")
            print(f"{label:<28}{week[label] * 1000:>8.1f}ms{year[label] * 1000:>8.1f}ms{ratio:>7.2f}x{over}")
        keep = max(args.days - 31, 1)  # the oldest month goes, but its last day (QBR) stays
        start = time.perf_counter()
        pruned = prune_snapshots(vb.TODAY, keep)
        elapsed = time.perf_counter() - start
        deleted = sum(pruned["deleted"].values())
        print(f"prune_snapshots --keep-days {keep}: {deleted:,} rows in {elapsed:.1f} s "
              f"({deleted / max(elapsed, 1e-9):,.0f} rows/s)")
    finally:
        connection.creation.destroy_test_db(settings.DATABASES["default"]["NAME"], verbosity=0)


if __name__ == "__main__":
    main()
