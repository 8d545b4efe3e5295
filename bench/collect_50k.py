#!/usr/bin/env python
"""Collect 50,000 devices per vendor from the simulators into SQLite and print the numbers.

    .venv/bin/python bench/collect_50k.py [--devices 50000] [--seed 7]
    BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/esinv .venv/bin/python bench/collect_50k.py

With BENCH_POSTGRES_URL, into a throwaway PostgreSQL database on that server instead.

The simulators run in a child process (`manage.py simulate_vendors`), so the
memory measured is the collector's. Reports the total collection time (target
< 60 s), the peak RSS of this process (target < 500 MB), and the write phase
against a raw `executemany` INSERT of the same rows into the same table (target
within 3x).
"""
import argparse
import time

from _setup import django_on, on_throwaway_database, rss_mb, vendor_simulators


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    on_throwaway_database(run, args)


def run(args, tmp: str, database_url: str):
    env = django_on(database_url, tmp)
    started = time.perf_counter()
    with vendor_simulators(args.devices, args.seed, env):
        print(f"simulators ready in {time.perf_counter() - started:.1f}s (devices={args.devices}, seed={args.seed})")
        from collectors import runs, writer

        write_times = {}
        real_write_day = writer.write_day

        def timed_write_day(vendor_id, day, rows, **kwargs):
            begin = time.perf_counter()
            result = real_write_day(vendor_id, day, rows, **kwargs)
            write_times[vendor_id] = time.perf_counter() - begin
            return result

        writer.write_day = timed_write_day  # collect_day (both vendor collectors) looks it up at call time
        baseline = rss_mb()
        begin = time.perf_counter()
        batch = runs.start_batch(["ninja", "threatlocker"], run_cross_vendor=False, trigger="command", enqueue=False)
        for job in list(batch.jobs.order_by("id")):
            job_begin = time.perf_counter()
            done = runs.run_job(job.job_id)
            print(f"  {done.name:<13} {done.status:<9} {time.perf_counter() - job_begin:6.1f}s  "
                  f"rows={done.counts.get('rows_written')} http_calls={done.counts.get('http_calls')} "
                  f"write={write_times.get(done.vendor_id, 0):.2f}s")
            if done.status != "completed":
                print("   ", done.message)
        total = time.perf_counter() - begin
        peak = rss_mb()
        print(f"total collection: {total:.1f}s (target < 60 s)")
        print(f"peak RSS: {peak:.0f} MB (before collecting: {baseline:.0f} MB; target < 500 MB)")

        # Write phase vs raw executemany of the same rows into the same table.
        from django.db import connection, transaction

        from inventory.models import Snapshot

        day = batch.snapshot_date
        fields = [f for f in Snapshot._meta.concrete_fields if not f.primary_key]
        columns = ", ".join(f.column for f in fields)
        table = Snapshot._meta.db_table
        for vendor_id, name in ((1, "NinjaOne"), (3, "ThreatLocker")):
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT {columns} FROM {table} WHERE vendor_id=%s AND snapshot_date=%s",
                               [vendor_id, str(day)])
                tuples = cursor.fetchall()
            marks = ", ".join(["%s"] * len(fields))
            begin = time.perf_counter()
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {table} WHERE vendor_id=%s AND snapshot_date=%s", [vendor_id, str(day)])
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", tuples)
            raw = time.perf_counter() - begin
            ours = write_times[vendor_id]
            # The same write again with every device known (a daily re-run).
            rows = [dict(zip([f.attname for f in fields], values, strict=True)) for values in tuples]
            for row in rows:
                for key in ("vendor_id", "snapshot_date", "device_id"):
                    row.pop(key)
            begin = time.perf_counter()
            real_write_day(vendor_id, day, rows)
            rerun = time.perf_counter() - begin
            print(f"write phase {name}: first {ours:.2f}s, re-run {rerun:.2f}s; raw executemany {raw:.2f}s "
                  f"({len(tuples)} rows) -> ratio {ours / raw:.2f}x first, {rerun / raw:.2f}x re-run (target <= 3x)")


if __name__ == "__main__":
    main()
