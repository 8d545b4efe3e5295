#!/usr/bin/env python
"""Benchmark the database -> file path of the variance exports at 50,000 exceptions (issue 5).

What an export endpoint or job does, timed: the aggregate counts query, the metadata (trend for PDF),
streaming the rows with `.values().iterator()` through `export_row`, and rendering the file with
`write_export_file`. Runs on a throwaway SQLite file under a temporary directory (never real data):
the parent builds it once (migrate + bulk insert), then each format runs in a fresh subprocess so
its peak RSS is its own. Budget (issue 5): CSV < 3 s, Excel < 20 s, PDF < 30 s, < 500 MB each.

    .venv/bin/python bench/exports_endpoints_50k.py              # fetch only, csv, excel, pdf
    .venv/bin/python bench/exports_endpoints_50k.py csv --rows 10000
"""
import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _setup import django_on, format_args, format_result, run_formats

BUDGET_SECONDS = {"fetch": None, "csv": 3.0, "excel": 20.0, "pdf": 30.0}
BUDGET_MB = 500


def django_setup(tmp: str, *, migrate: bool = False):
    django_on(f"sqlite:///{tmp}/bench.sqlite3", tmp, migrate=migrate)


def build_database(tmp: str, count: int) -> None:
    django_setup(tmp, migrate=True)
    import datetime as dt

    from django.utils import timezone

    from inventory.models import Organization
    from variances.exports.sample import organizations, synthetic_rows
    from variances.models import ExceptionRecord, ReconciliationRun

    today = timezone.localdate()
    orgs = {name: Organization.objects.create(name=name).pk for name in organizations(200)}
    batch = []
    for i, row in enumerate(synthetic_rows(count, report_date=today)):
        batch.append(ExceptionRecord(
            type=row["type"], canonical_key=f"k{i:07d}", hostname=row["ninja_hostname"] or row["threatlocker_hostname"],
            organization_id=orgs[row["organization"]], date_found=row["date_found"], last_seen=today,
            status=row["status"], variance_status=row["variance_status"], resolved_at=row["resolved_at"],
            resolved_by=row["resolved_by"], notes=row["notes"],
            details={"ninja_hostname": row["ninja_hostname"] or None,
                     "threatlocker_hostname": row["threatlocker_hostname"] or None,
                     "ninja_display_name": row["ninja_display_name"],
                     "threatlocker_display_name": row["threatlocker_display_name"],
                     "organization": row["organization"], "billing_status": row["billing_status"]}))
        if len(batch) == 5000:
            ExceptionRecord.objects.bulk_create(batch)
            batch = []
    ExceptionRecord.objects.bulk_create(batch)
    now = timezone.now()
    for back in range(30):  # a month of runs for the PDF trend
        ReconciliationRun.objects.create(report_date=today - dt.timedelta(days=back), started_at=now,
                                         finished_at=now, duration_seconds=1, counts={"MISSING_NINJA": count // 7},
                                         total=count)


def run_one(tmp: str, fmt: str) -> dict:
    django_setup(tmp)
    from variances.export_data import export_counts, export_meta, export_rows, parse_export_request
    from variances.exports import write_export_file

    # include_resolved: every row of the day, as the 50k budget is stated.
    wall, cpu = time.perf_counter(), time.process_time()
    req = parse_export_request({"date": "latest", "include_resolved": "true"})
    counts = export_counts(req)
    rows = export_rows(req)
    size = 0
    if fmt == "fetch":  # the database side alone: stream and build every row, render nothing
        n = sum(1 for _ in rows)
    else:
        meta = export_meta(req, with_trend=fmt == "pdf", counts=counts)
        path = write_export_file(fmt, rows, meta, Path(tmp) / "exports", prefix=f"bench-{fmt}_")
        size = path.stat().st_size
        n = meta.total
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return format_result(fmt, n, wall, cpu, size)


def main() -> int:
    args = format_args(__doc__, BUDGET_SECONDS, "fetch, csv, excel and/or pdf (default: all)", "--tmp")
    if args.child:
        print(json.dumps(run_one(args.tmp, args.child)))
        return 0
    with tempfile.TemporaryDirectory(prefix="esinv-export-bench-") as tmp:
        started = time.perf_counter()
        _build_in_child(tmp, args.rows)
        print(f"built {args.rows} exceptions in {time.perf_counter() - started:.1f} s (SQLite file, not timed below)")
        ok = run_formats(args.formats or list(BUDGET_SECONDS), BUDGET_SECONDS, BUDGET_MB,
                         lambda fmt: [__file__, "--child", fmt, "--tmp", tmp])
    return 0 if ok else 1


def _build_in_child(tmp: str, rows: int) -> None:
    # In its own process: the parent stays free of Django state (each format's child starts fresh).
    subprocess.run([sys.executable, __file__, "--build", "--tmp", tmp, "--rows", str(rows)], check=True)


if __name__ == "__main__":
    if "--build" in sys.argv:
        build_args = argparse.ArgumentParser()
        build_args.add_argument("--build", action="store_true")
        build_args.add_argument("--tmp")
        build_args.add_argument("--rows", type=int)
        parsed = build_args.parse_args()
        build_database(parsed.tmp, parsed.rows)
        sys.exit(0)
    sys.exit(main())
