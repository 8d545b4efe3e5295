#!/usr/bin/env python
"""Benchmark: reconcile 50,000 devices per vendor (~10% variances) and persist the exceptions.

Runs against a throwaway *test* database of the configured backend (SQLite by
default; PostgreSQL when DATABASE_URL points at one): it never touches real data.

    .venv/bin/python bench/variances_50k.py [--devices 50000] [--small 1000]
    DATABASE_URL=postgres://user@127.0.0.1:5432/esinv .venv/bin/python bench/variances_50k.py

Prints: read time of both vendors' rows for the day, reconcile+persist time (first
run and the next day's run), their ratio to the read time, the same dataset through
the `diffsync` library (ours/theirs), and GET /api/variance-report/latest at 50k and
at a 1,000-device MSP. Targets: persist < 5 s, ratio <= 3x, report < 1 s / < 50 ms.
"""
import argparse
import itertools
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("ESINV_ALLOW_DEV_SECRET", "true")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "esinv.settings")
os.environ["LOG_LEVEL"] = "WARNING"

import django  # noqa: E402
from django.conf import settings  # noqa: E402

TMP = tempfile.mkdtemp(prefix="esinv-bench-")
TODAY = date.today()
DAY1, DAY2 = TODAY - timedelta(days=1), TODAY


def setup_database():
    django.setup()
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        db.setdefault("TEST", {})["NAME"] = os.path.join(TMP, "bench.sqlite3")  # a real file, not :memory:
    from django.db import connection

    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False, serialize=False)
    return connection


def generate(n: int, day: date, seed: int, orgs: list[int], fixed: float = 0.0) -> dict:
    """Rows for both vendors for one day, with ~10% variances. Returns the expected counts."""
    from inventory.classification import billing_status_for, device_class_for
    from inventory.hostnames import canonical_key, clean_hostname, split_display_name
    from inventory.models import Device, Snapshot, Vendor

    rnd = random.Random(seed)
    share = {"missing_tl": 0.03, "missing_ninja": 0.03, "dup_tl": 0.006, "dup_ninja": 0.006,
             "spare": 0.014, "display": 0.014, "site": 0.01}
    counts = {k: int(n * v) for k, v in share.items()}
    ninja, tl = [], []
    ids = itertools.count()
    contact = datetime(day.year, day.month, day.day, 8, tzinfo=UTC)

    def row(vendor, host, display, org, node_class="WINDOWS_WORKSTATION", spare=False):
        key = canonical_key(host)
        if vendor == Vendor.NINJA:
            dclass = device_class_for(node_class)
            billing = billing_status_for(dclass, spare, org == 1)
        else:
            dclass, billing, node_class = "other", "not_billable", ""
        return dict(vendor_id=vendor, snapshot_date=day, vendor_device_id=f"{vendor}-{next(ids)}",
                    canonical_key=key, hostname=host, clean_hostname=clean_hostname(host), display_name=display,
                    display_note=split_display_name(display)[1], organization_id=org, node_class=node_class,
                    device_class=dclass, billing_status=billing, is_spare=spare, last_contact=contact)

    i = 0

    def name():
        nonlocal i
        i += 1
        return f"WS-{seed:02d}-{i:07d}"

    special = sum(counts.values())
    # Matched, clean devices: as many as make each vendor's day exactly n rows.
    for _ in range(n - special + counts["missing_ninja"] - counts["dup_ninja"]):
        host, org = name(), rnd.choice(orgs)
        ninja.append(row(1, host, f"{host} | desk {i % 97}", org))
        tl.append(row(3, f"{host}.corp.local", f"{host} | desk {i % 97}", org))
    for _ in range(counts["missing_tl"]):
        host = name()
        ninja.append(row(1, host, host, rnd.choice(orgs)))
    for k in range(counts["missing_ninja"]):
        host, org = name(), rnd.choice(orgs)
        if k < counts["missing_ninja"] * fixed:  # fixed since yesterday: the NinjaOne agent is back
            ninja.append(row(1, host, host, org))
        tl.append(row(3, host, host, org))
    for _ in range(counts["dup_tl"]):
        host, org = name(), rnd.choice(orgs)
        ninja.append(row(1, host, host, org))
        tl.extend([row(3, host, host, org), row(3, host.lower(), host, org)])
    for _ in range(counts["dup_ninja"]):
        host, org = name(), rnd.choice(orgs)
        ninja.extend([row(1, host, host, org), row(1, host + ".local", host, org)])
        tl.append(row(3, host, host, org))
    for _ in range(counts["spare"]):
        host, org = name(), rnd.choice(orgs)
        ninja.append(row(1, host, f"{host} | SPARE shelf", org, spare=True))
        tl.append(row(3, host, f"{host} | SPARE shelf", org))
    for _ in range(counts["display"]):
        host, org = name(), rnd.choice(orgs)
        ninja.append(row(1, host, f"{host} | Reception", org))
        tl.append(row(3, host, f"{host} | Accounts", org))
    for _ in range(counts["site"]):
        host, org = name(), rnd.choice(orgs)
        ninja.append(row(1, host, host, org))
        tl.append(row(3, host, host, rnd.choice([o for o in orgs if o != org])))

    keys = {r["canonical_key"] for r in ninja} | {r["canonical_key"] for r in tl}
    existing = set(Device.objects.values_list("canonical_key", flat=True))
    Device.objects.bulk_create([Device(canonical_key=k, first_seen=day, last_seen=day) for k in keys - existing],
                               batch_size=5000)
    device_ids = dict(Device.objects.values_list("canonical_key", "id"))
    Snapshot.objects.bulk_create([Snapshot(device_id=device_ids[r["canonical_key"]], **r) for r in ninja + tl],
                                 batch_size=2000)
    return {"ninja": len(ninja), "threatlocker": len(tl), "variances": special}


def timed(fn, *args, repeat=1, **kwargs):
    best, result = None, None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn(*args, **kwargs)
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best, result


def read_both(day):
    from inventory.models import Vendor
    from variances.services import load_rows

    return load_rows(Vendor.NINJA, day), load_rows(Vendor.THREATLOCKER, day)


def diffsync_run(ninja_rows, tl_rows):
    """The same rows through DiffSync: two adapters keyed by canonical key, then a diff."""
    import logging

    import structlog
    from diffsync import Adapter, DiffSyncModel
    from diffsync.exceptions import ObjectAlreadyExists

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))  # no per-diff logs

    class Device(DiffSyncModel):
        _modelname = "device"
        _identifiers = ("key",)
        _attributes = ("note", "organization_id")
        key: str
        note: str = ""
        organization_id: int | None = None
        spare: bool = False
        billable_windows: bool = False

    class Side(Adapter):
        device = Device
        top_level = ["device"]

        def __init__(self, rows, **kwargs):
            super().__init__(**kwargs)
            self.rows, self.duplicates = rows, set()

        def load(self):
            for row in self.rows:
                if not row.canonical_key:
                    continue
                try:
                    self.add(Device(key=row.canonical_key, note=" ".join(row.display_note.split()).casefold(),
                                    organization_id=row.organization_id, spare=row.is_spare,
                                    billable_windows=row.billing_status == "billable"))
                except ObjectAlreadyExists:
                    self.duplicates.add(row.canonical_key)  # duplicates surface at load

    ninja, tl = Side(ninja_rows, name="ninja"), Side(tl_rows, name="threatlocker")
    ninja.load()
    tl.load()
    diff = tl.diff_from(ninja)
    summary = diff.summary()
    # Spares are not a diff of attributes: one more pass over the paired keys.
    spares = sum(1 for d in ninja.get_all("device") if d.spare and tl.get_or_none("device", d.key) is not None)
    return summary, len(ninja.duplicates), len(tl.duplicates), spares


def time_request(client, path, repeat=7):
    client.get(path)  # warm up
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(path)
        samples.append(time.perf_counter() - start)
        assert response.status_code == 200, response.content[:300]
    return statistics.median(samples), len(response.content)


def wipe_variances():
    from variances.models import ExceptionEvent, ExceptionRecord, ReconciliationRun

    for model in (ExceptionEvent, ExceptionRecord, ReconciliationRun):
        model.objects.all().delete()


def wipe():
    from inventory.models import Device, Snapshot
    from variances.models import ExceptionEvent, ExceptionRecord, ReconciliationRun

    for model in (ExceptionEvent, ExceptionRecord, ReconciliationRun, Snapshot, Device):
        model.objects.all().delete()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=50_000)
    parser.add_argument("--small", type=int, default=1_000)
    args = parser.parse_args()

    connection = setup_database()
    settings.ESINV_ANONYMOUS_READ = True
    settings.ESINV_THROTTLE_RATE = settings.ESINV_THROTTLE_ANON_RATE = "1000000/min"
    from django.db import transaction
    from django.test import Client

    from inventory.models import Organization
    from variances.engine import reconcile
    from variances.services import persist, reconcile_day
    from variances.types import enabled_rules

    client = Client(HTTP_HOST="localhost")
    backend = connection.vendor
    print(f"backend: {backend}  devices per vendor: {args.devices}")
    orgs = [Organization.objects.create(name=f"Client {k:03d}").id for k in range(200)]
    try:
        # A 1,000-device MSP first.
        generate(args.small, DAY2, 1, orgs[:20])
        reconcile_day(DAY2)
        small_latency, small_size = time_request(client, "/api/variance-report/latest")
        print(f"[{args.small} devices] GET /api/variance-report/latest: {small_latency * 1000:.1f} ms "
              f"({small_size / 1024:.0f} KiB)  target < 50 ms")
        wipe()

        start = time.perf_counter()
        expected1 = generate(args.devices, DAY1, 2, orgs)
        generate(args.devices, DAY2, 2, orgs, fixed=0.3)  # the same fleet the next day, some fixed
        print(f"generated 2 days x 2 vendors ({expected1['ninja']} + {expected1['threatlocker']} rows a day) "
              f"in {time.perf_counter() - start:.1f}s")

        read_time, (ninja_rows, tl_rows) = timed(read_both, DAY1, repeat=3)
        engine_time, findings = timed(reconcile, ninja_rows, tl_rows, enabled_rules(), repeat=3)

        def first_day():
            wipe_variances()
            return timed(reconcile_day, DAY1)

        def next_day():
            wipe_variances()
            reconcile_day(DAY1)
            return timed(reconcile_day, DAY2)

        def persist_only():
            wipe_variances()
            start = time.perf_counter()
            with transaction.atomic():
                persist(findings, DAY1)
            return time.perf_counter() - start

        # Best of three on a shared machine, like the read time.
        first_time, run1 = min((first_day() for _ in range(3)), key=lambda pair: pair[0])
        next_time, run2 = min((next_day() for _ in range(3)), key=lambda pair: pair[0])
        rerun_time, run3 = timed(reconcile_day, DAY2, repeat=3)
        persist_time = min(persist_only() for _ in range(3))
        wipe_variances()
        reconcile_day(DAY1)
        reconcile_day(DAY2)
        read_time = min(read_time, timed(read_both, DAY1, repeat=3)[0])  # best of before and after the runs
        print(f"read both vendors' rows for a day:      {read_time:.3f} s")
        print(f"engine only (in memory):                {engine_time:.3f} s  ({len(findings)} findings)")
        print(f"persist only (first day's findings):    {persist_time:.3f} s")
        print(f"reconcile+persist, first day:           {first_time:.3f} s  created {run1.created_count}  "
              f"ratio to read {first_time / read_time:.2f}x  target < 5 s, <= 3x")
        print(f"reconcile+persist, next day:            {next_time:.3f} s  created {run2.created_count} "
              f"refreshed {run2.refreshed_count} resolved {run2.resolved_count}  ratio {next_time / read_time:.2f}x")
        print(f"reconcile+persist, same day re-run:     {rerun_time:.3f} s  refreshed {run3.refreshed_count}  "
              f"ratio {rerun_time / read_time:.2f}x")
        print(f"counts by type: {run1.counts}")

        ds_time, (summary, n_dup, t_dup, spares) = timed(diffsync_run, ninja_rows, tl_rows)
        print(f"diffsync load+diff (in memory):         {ds_time:.3f} s  summary {summary} "
              f"dups ninja/tl {n_dup}/{t_dup} spares {spares}")
        print(f"ours/theirs (engine vs diffsync):       {engine_time / ds_time:.3f}")
        print(f"ours/theirs (reconcile+persist vs diffsync in memory): {first_time / ds_time:.3f}")

        latency, size = time_request(client, "/api/variance-report/latest", repeat=5)
        print(f"[{args.devices} devices] GET /api/variance-report/latest: {latency * 1000:.0f} ms "
              f"({size / 1024:.0f} KiB)  target < 1 s")
        for path in ("/api/exceptions", "/api/exceptions/status-summary", "/api/status"):
            try:
                latency, _ = time_request(client, path, repeat=5)
                print(f"[{args.devices} devices] GET {path}: {latency * 1000:.1f} ms")
            except AssertionError as exc:
                print(f"[{args.devices} devices] GET {path}: not available ({str(exc)[:80]})")
    finally:
        connection.creation.destroy_test_db(settings.DATABASES["default"]["NAME"], verbosity=0)


if __name__ == "__main__":
    main()
