#!/usr/bin/env python
"""Benchmark: QBR seats/endpoints over a 50,000-device NinjaOne month-end snapshot.

Runs against a throwaway *test* database of the configured backend (SQLite by
default): it never touches real data.

    .venv/bin/python bench/qbr_50k.py [--devices 50000] [--clients 500]

Prints the time of devices-by-client (one grouped query), of `collect_month`
(totals + per-client upserts with audit, first run and idempotent re-run) and
of the SmartNumbers endpoint for the quarter.
"""
import argparse
import os
import random
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("ESINV_ALLOW_DEV_SECRET", "true")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "esinv.settings")
os.environ["LOG_LEVEL"] = "WARNING"

import django  # noqa: E402
from django.conf import settings  # noqa: E402

TMP = tempfile.mkdtemp(prefix="esinv-bench-qbr-")
DAY = date(2025, 10, 31)
NODES = (["WINDOWS_WORKSTATION"] * 80 + ["MAC"] * 5 + ["WINDOWS_SERVER"] * 8 + ["VMWARE_VM_HOST"] * 2
         + ["NMS_SWITCH"] * 5)


def setup_database():
    django.setup()
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        db.setdefault("TEST", {})["NAME"] = os.path.join(TMP, "bench.sqlite3")
    from django.db import connection

    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False, serialize=False)
    return connection


def generate(devices: int, clients: int, seed: int = 7):
    from inventory.classification import billing_status_for, device_class_for
    from inventory.models import Device, Organization, Snapshot, Vendor

    rnd = random.Random(seed)
    orgs = Organization.objects.bulk_create(
        [Organization(name=f"Client {i:04d}", is_internal=(i % 50 == 0)) for i in range(clients)]
    )
    Device.objects.bulk_create(
        [Device(canonical_key=f"dev{i:011d}", first_seen=DAY, last_seen=DAY) for i in range(devices)], batch_size=5000
    )
    device_ids = dict(Device.objects.values_list("canonical_key", "id"))
    rows = []
    for i in range(devices):
        org = orgs[i % clients]
        node = rnd.choice(NODES)
        spare = rnd.random() < 0.02
        device_class = device_class_for(node)
        key = f"dev{i:011d}"
        rows.append(Snapshot(
            vendor_id=Vendor.NINJA, snapshot_date=DAY, vendor_device_id=str(i), device_id=device_ids[key],
            canonical_key=key, hostname=key, clean_hostname=key, display_name=key, organization=org,
            node_class=node, device_class=device_class, is_spare=spare,
            billing_status=billing_status_for(device_class, spare, org.is_internal),
        ))
    Snapshot.objects.bulk_create(rows, batch_size=5000)


def timed(label, func):
    start = time.perf_counter()
    result = func()
    print(f"{label:<44} {time.perf_counter() - start:8.3f} s")
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--devices", type=int, default=50000)
    parser.add_argument("--clients", type=int, default=500)
    args = parser.parse_args()
    connection = setup_database()
    try:
        timed(f"generate {args.devices} snapshot rows", lambda: generate(args.devices, args.clients))
        from django.db import connection as conn
        from django.test.utils import CaptureQueriesContext

        from qbr.devices import device_counts
        from qbr.periods import Month
        from qbr.services import collect_month

        with CaptureQueriesContext(conn) as queries:
            counts = timed("devices-by-client (device_counts)", lambda: device_counts(Month(2025, 10)))
        print(f"  {len(counts.clients)} clients, {counts.total_seats} seats, {counts.total_endpoints} endpoints, "
              f"{len(queries)} queries")
        summary = timed("collect_month (first run)", lambda: collect_month(Month(2025, 10)))
        print(f"  {summary['written']} values written")
        summary = timed("collect_month (re-run, nothing changes)", lambda: collect_month(Month(2025, 10)))
        print(f"  {summary['written']} values written")

        from django.contrib.auth import get_user_model
        from rest_framework.test import APIClient

        user = get_user_model().objects.create_superuser("bench", "b@example.com", "x")
        client = APIClient()
        client.force_login(user)
        response = timed("GET /api/qbr/smartnumbers?period=2025-Q4", lambda: client.get(
            "/api/qbr/smartnumbers?period=2025-Q4", HTTP_HOST="localhost"))
        assert response.status_code == 200, response.content
    finally:
        connection.creation.destroy_test_db(settings.DATABASES["default"]["NAME"], verbosity=0)


if __name__ == "__main__":
    main()
