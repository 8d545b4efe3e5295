"""Benchmark the variance exports on 50,000 synthetic exceptions (issue 5).

Budget: CSV < 3 s, Excel < 20 s, PDF < 30 s, peak memory < 500 MB for each.
Each format runs in a fresh subprocess so peak RSS (ru_maxrss) is that format's alone; the timed
part is the rendering (rows are generated beforehand, as a database iterator would supply them).

    .venv/bin/python bench/exports_50k.py            # all three
    .venv/bin/python bench/exports_50k.py pdf        # one format
    .venv/bin/python bench/exports_50k.py --rows 10000
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET_SECONDS = {"csv": 3.0, "excel": 20.0, "pdf": 30.0}
BUDGET_MB = 500


def run_one(fmt: str, count: int) -> dict:
    sys.path.insert(0, str(ROOT))
    import datetime as dt

    import django

    # The renderers touch no database, but the PDF's status labels come from the models' choice sets.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "esinv.settings_test")
    django.setup()

    from variances.exports import DataStatus, ExportMeta, summarise, write_csv, write_excel, write_pdf
    from variances.exports.sample import synthetic_rows, synthetic_trend

    report_date = dt.date(2026, 11, 23)
    rows = list(synthetic_rows(count, report_date=report_date))
    by_type, by_org = summarise(rows)
    meta = ExportMeta(
        generated_at=dt.datetime.now(dt.UTC),
        report_date=report_date,
        data_status=DataStatus("current", "Data is current"),
        counts_by_type=by_type,
        counts_by_organization=by_org,
        trend=synthetic_trend(report_date),
    )
    writer = {"csv": write_csv, "excel": write_excel, "pdf": write_pdf}[fmt]
    suffix = {"csv": ".csv", "excel": ".xlsx", "pdf": ".pdf"}[fmt]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"export{suffix}"
        wall, cpu = time.perf_counter(), time.process_time()
        writer(iter(rows), meta, path)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        size = path.stat().st_size
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return {"format": fmt, "rows": count, "seconds": wall, "cpu_seconds": cpu, "peak_mb": peak_mb, "bytes": size}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("formats", nargs="*", help="csv, excel and/or pdf (default: all three)")
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_one(args.child, args.rows)))
        return 0

    unknown = set(args.formats) - set(BUDGET_SECONDS)
    if unknown:
        parser.error(f"unknown format(s): {', '.join(sorted(unknown))}; choose from csv, excel, pdf")
    ok = True
    print(f"{'format':<6} {'rows':>7} {'wall s':>8} {'cpu s':>8} {'budget s':>9} {'peak MB':>8} {'size MB':>8}")
    for fmt in args.formats or ["csv", "excel", "pdf"]:
        out = subprocess.run(
            [sys.executable, __file__, "--child", fmt, "--rows", str(args.rows)],
            check=True,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": "0"},
        )
        result = json.loads(out.stdout.strip().splitlines()[-1])
        within = result["seconds"] < BUDGET_SECONDS[fmt] and result["peak_mb"] < BUDGET_MB
        ok &= within
        print(
            f"{fmt:<6} {result['rows']:>7} {result['seconds']:>8.2f} {result['cpu_seconds']:>8.2f} "
            f"{BUDGET_SECONDS[fmt]:>9.0f} {result['peak_mb']:>8.0f} {result['bytes'] / 1e6:>8.1f}"
            f"  {'ok' if within else 'OVER BUDGET'}"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
