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
import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _throwaway import throwaway_database_url  # noqa: E402


def free_port_pair() -> int:
    for _ in range(50):
        with socket.socket() as a:
            a.bind(("127.0.0.1", 0))
            port = a.getsockname()[1]
        try:
            with socket.socket() as b:
                b.bind(("127.0.0.1", port + 1))
            return port
        except OSError:
            continue
    raise RuntimeError("no free port pair")


def wait_ready(url: str, process, timeout: float = 120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the simulator process exited")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return json.loads(response.read())
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("the simulators did not start")


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="esinv-bench-")
    with throwaway_database_url(tmp) as url:
        run(args, tmp, url)


def run(args, tmp: str, database_url: str):
    env = dict(os.environ, DATABASE_URL=database_url, ESINV_ALLOW_DEV_SECRET="true",
               DJANGO_SETTINGS_MODULE="esinv.settings", LOG_LEVEL="WARNING", ESINV_VAR_DIR=tmp)
    os.environ.update(env)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    port = free_port_pair()
    sim = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "simulate_vendors", "--devices", str(args.devices),
         "--seed", str(args.seed), "--port", str(port), "--install-aliases"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        started = time.perf_counter()
        wait_ready(f"http://127.0.0.1:{port}/_simulator/stats", sim)
        print(f"simulators ready in {time.perf_counter() - started:.1f}s (devices={args.devices}, seed={args.seed})")
        settings.NINJA_BASE_URL = f"http://127.0.0.1:{port}"
        settings.NINJA_CLIENT_ID, settings.NINJA_CLIENT_SECRET = "sim-client", "sim-secret"
        settings.THREATLOCKER_BASE_URL = f"http://127.0.0.1:{port + 1}/portalapi/"
        settings.THREATLOCKER_API_KEY = "sim-api-key"
        from collectors.simulators.dataset import _uuid

        settings.THREATLOCKER_ORGANIZATION_ID = _uuid(args.seed, "msp-parent")

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
    finally:
        sim.terminate()
        sim.wait(timeout=10)


if __name__ == "__main__":
    main()
