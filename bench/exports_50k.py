"""Benchmark the variance exports on 50,000 synthetic exceptions (issue 5).

Budget: CSV < 3 s, Excel < 20 s, PDF < 30 s, peak memory < 500 MB for each.
Each format runs in a fresh subprocess so peak RSS (ru_maxrss) is that format's alone; the timed
part is the rendering (rows are generated beforehand, as a database iterator would supply them).

    .venv/bin/python bench/exports_50k.py            # all three
    .venv/bin/python bench/exports_50k.py pdf        # one format
    .venv/bin/python bench/exports_50k.py --rows 10000
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

from _setup import format_args, format_result, run_formats

BUDGET_SECONDS = {"csv": 3.0, "excel": 20.0, "pdf": 30.0}
BUDGET_MB = 500


def run_one(fmt: str, count: int) -> dict:
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
    return format_result(fmt, count, wall, cpu, size)


def main() -> int:
    args = format_args(__doc__, BUDGET_SECONDS, "csv, excel and/or pdf (default: all three)")
    if args.child:
        print(json.dumps(run_one(args.child, args.rows)))
        return 0
    ok = run_formats(args.formats or ["csv", "excel", "pdf"], BUDGET_SECONDS, BUDGET_MB,
                     lambda fmt: [__file__, "--child", fmt, "--rows", str(args.rows)])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
