#!/usr/bin/env python
"""Benchmark: one device's record (`GET /api/devices/{key}`) and page (`/devices/<key>/`) over 90 days of history.

    .venv/bin/python bench/device_page_50k.py [--devices 50000] [--days 90] [--repeat 5]
    DATABASE_URL=postgres://user@127.0.0.1:5432/esinv .venv/bin/python bench/device_page_50k.py

Builds a throwaway *test* database of the configured backend (SQLite by default, PostgreSQL when DATABASE_URL
points at one; never real data): one reconciled day of N devices per vendor (the synthetic MSP of
bench/variances_50k.py, 200 clients, ~10% exceptions), a Windows 11 assessment, then copies the day back
`days - 1` days in SQL (as bench/history_year.py does), with history to draw: every 10th row misses days 30-40
back (a gap), every 10th + 1 changed client 45 days back, every 10th + 2 went spare 20 days back. That is
2 x N x days snapshot rows (9 million at the defaults).

Prints the median of `repeat` calls (after one warm-up) of the API and the page, for a plain device and for one
with a gap, one with a client change and one gone spare, with the queries each made. Target: < 200 ms each.
"""
import statistics
import time
from datetime import timedelta

from _setup import history_args, load_variances_bench, plain_static_files

vb = load_variances_bench()  # sets up paths and the Django settings module

TARGET_MS = 200


def history_sql(vendor: str, table: str, columns: list[str], orgs: list[int]) -> str:
    """INSERT ... SELECT of today's rows onto day `today - g` for each g of a range, with the planted history."""
    first_org, n_orgs = orgs[0], len(orgs)
    values = []
    for column in columns:
        if column == "snapshot_date":
            values.append("s.snapshot_date - g" if vendor == "postgresql"
                          else "date(s.snapshot_date, '-' || g || ' days')")
        elif column == "organization_id":  # every 10th + 1 row was under the next client until 45 days ago
            values.append(f"CASE WHEN s.id %% 10 = 1 AND g >= 45 THEN {first_org} + "
                          f"((s.organization_id - {first_org} + 1) %% {n_orgs}) ELSE s.organization_id END")
        elif column == "is_spare":  # every 10th + 2 NinjaOne row went spare 20 days ago (not spare before)
            values.append("CASE WHEN s.id %% 10 = 2 AND s.vendor_id = 1 THEN g < 20 ELSE s.is_spare END")
        else:
            values.append(f"s.{column}")
    if vendor == "postgresql":
        days = "generate_series(%s, %s) g"
    else:
        days = "(WITH RECURSIVE r(g) AS (SELECT %s UNION ALL SELECT g + 1 FROM r WHERE g < %s) SELECT g FROM r) d"
    return (f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)} FROM {table} s CROSS JOIN "
            f"{days} WHERE s.snapshot_date = %s AND NOT (s.id %% 10 = 0 AND g BETWEEN 30 AND 40)")


def copy_back(connection, first: int, last: int, orgs: list[int], chunk: int = 10):
    from inventory.models import Snapshot

    table = Snapshot._meta.db_table
    columns = [f.column for f in Snapshot._meta.concrete_fields if f.column != "id"]
    sql = history_sql(connection.vendor, table, columns, orgs)
    for start in range(first, last + 1, chunk):
        with connection.cursor() as cursor:
            cursor.execute(sql, [start, min(start + chunk - 1, last), vb.TODAY])
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {table}")


def measure(client, path, repeat):
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    response = client.get(path)  # warm-up
    assert response.status_code == 200, (path, response.status_code, response.content[:300])
    samples = []
    for _ in range(repeat):
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(path)
            samples.append(time.perf_counter() - start)
        assert response.status_code == 200
    return statistics.median(samples), len(queries), response


def main():
    args = history_args(__doc__, devices=50_000, days=90, repeat=5, explain="print the timeline query's plan")
    connection = vb.setup_database()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db.models import F
    from django.test import Client

    from esinv.models import APIKey
    from inventory.models import Organization, Snapshot
    from inventory.windows11.service import run_assessment
    from variances.services import reconcile_day

    settings.ESINV_THROTTLE_RATE = "1000000/min"
    plain_static_files()
    try:
        started = time.perf_counter()
        orgs = [Organization.objects.create(name=f"Client {k:03d}").id for k in range(200)]
        vb.generate(args.devices, vb.TODAY, 3, orgs)
        reconcile_day(vb.TODAY)
        run_assessment()
        # Matched devices (both vendors) by the row id's last digit: 0 a gap, 1 a client change, 2 went spare.
        picks = {}
        for label, digit in (("plain", 5), ("gap", 0), ("client change", 1), ("went spare", 2)):
            picks[label] = (Snapshot.objects.filter(vendor_id=1, snapshot_date=vb.TODAY)
                            .annotate(digit=F("id") % 10).filter(digit=digit)
                            .order_by("id").values_list("canonical_key", flat=True)[args.devices // 50])
        # Spare today too (the copy makes it spare from 19 days ago on).
        Snapshot.objects.filter(vendor_id=1, snapshot_date=vb.TODAY, canonical_key=picks["went spare"]).update(
            is_spare=True)
        copy_back(connection, 1, args.days - 1, orgs)
        rows = Snapshot.objects.count()
        built = time.perf_counter() - started

        api = Client(HTTP_HOST="localhost", HTTP_X_API_KEY=APIKey.issue("bench")[1])
        page = Client(HTTP_HOST="localhost")
        page.force_login(get_user_model().objects.create_user("bench", "b@example.com", "x", is_staff=True))
        print(f"{connection.vendor}, {args.devices:,} devices per vendor, {args.days} days: {rows:,} snapshot rows "
              f"(built in {built:.0f} s)")
        print(f"{'device':<16}{'API':>10}{'queries':>9}{'page':>10}{'queries':>9}  timeline (NinjaOne)")
        worst = 0.0
        for label, key in picks.items():
            api_ms, api_queries, response = measure(api, f"/api/devices/{key}", args.repeat)
            page_ms, page_queries, _ = measure(page, f"/devices/{key}/", args.repeat)
            worst = max(worst, api_ms, page_ms)
            ninja = response.json()["timeline"]["vendors"]["ninja"]
            shape = (f"{len(ninja['seen'])} range(s), {len(ninja['organization_changes'])} client change(s), "
                     f"went spare {ninja['went_spare'] or '-'}")
            print(f"{label:<16}{api_ms * 1000:>8.1f}ms{api_queries:>9}{page_ms * 1000:>8.1f}ms{page_queries:>9}  "
                  f"{shape}")
        if args.explain:
            from inventory.device_record import TIMELINE_DAYS

            # inventory.device_record.timeline_rows's query.
            query = Snapshot.objects.filter(canonical_key=picks["gap"], vendor_id=1, snapshot_date__lte=vb.TODAY,
                                            snapshot_date__gte=vb.TODAY - timedelta(days=TIMELINE_DAYS - 1))
            sql, params = (query.order_by("snapshot_date", "id")
                           .values_list("snapshot_date", "organization_id", "organization__name", "is_spare")
                           .query.sql_with_params())
            with connection.cursor() as cursor:
                cursor.execute(("EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ") + sql, params)
                print("timeline query plan:\n  " + "\n  ".join(" ".join(map(str, row)) for row in cursor.fetchall()))
        print(f"slowest {worst * 1000:.1f} ms: {'within' if worst * 1000 < TARGET_MS else 'OVER'} the "
              f"{TARGET_MS} ms target")
    finally:
        connection.creation.destroy_test_db(settings.DATABASES["default"]["NAME"], verbosity=0)


if __name__ == "__main__":
    main()
