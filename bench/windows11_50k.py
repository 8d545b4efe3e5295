"""Windows 11 24H2 assessment of 50,000 NinjaOne Windows workstations on SQLite.

    .venv/bin/python bench/windows11_50k.py [--devices 50000]
    BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/esinv .venv/bin/python bench/windows11_50k.py

With BENCH_POSTGRES_URL, on a throwaway PostgreSQL database on that server instead.

Builds a throwaway SQLite database in a temp file, bulk-creates the devices and
their latest-day NinjaOne snapshot rows, then times `run_assessment()` (read,
assess, replace the stored assessments) twice: the first run inserts, the
second replaces. Target: under 5 s for 50,000 devices.
"""
import argparse
import os
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _throwaway import throwaway_database_url  # noqa: E402

CPUS = [
    "Intel(R) Core(TM) i5-8250U CPU @ 1.60GHz", "Intel(R) Core(TM) i7-7700K CPU @ 4.20GHz",
    "Intel(R) Core(TM) i5-6500 CPU @ 3.20GHz", "11th Gen Intel(R) Core(TM) i7-1165G7 @ 2.80GHz",
    "12th Gen Intel(R) Core(TM) i7-1255U", "13th Gen Intel(R) Core(TM) i5-1335U", "Intel(R) Core(TM) Ultra 7 155H",
    "Intel(R) Core(TM) i7-10510U CPU @ 1.80GHz", "Intel(R) Celeron(R) N4020 CPU @ 1.10GHz",
    "Intel(R) Pentium(R) Silver N5000 CPU @ 1.10GHz", "Intel(R) Xeon(R) W-2235 CPU @ 3.80GHz",
    "AMD Ryzen 5 2600 Six-Core Processor", "AMD Ryzen 7 1700X Eight-Core Processor",
    "AMD Ryzen 5 2500U with Radeon Vega Mobile Gfx", "AMD Ryzen 7 5800H with Radeon Graphics",
    "AMD Ryzen 5 PRO 4650U with Radeon Graphics", "Snapdragon (TM) 7c @ 2.40 GHz", "Common KVM processor",
]
GIB = 1024**3


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--devices", type=int, default=50_000)
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory()
    with throwaway_database_url(tmp.name) as url:
        os.environ["DATABASE_URL"] = url
        run(args)
    tmp.cleanup()


def run(args):
    os.environ.setdefault("ESINV_ALLOW_DEV_SECRET", "true")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = "esinv.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from inventory.models import Device, Organization, Snapshot, Vendor, Windows11Assessment
    from inventory.windows11.service import run_assessment

    rng = random.Random(6)
    day = date(2026, 11, 23)
    n = args.devices
    t0 = time.perf_counter()
    Organization.objects.bulk_create([Organization(name=f"Client {i:03d}") for i in range(200)])
    org_ids = list(Organization.objects.values_list("id", flat=True))
    Device.objects.bulk_create(
        [Device(canonical_key=f"ws-{i:06d}", first_seen=day, last_seen=day) for i in range(n)], batch_size=5000)
    device_ids = dict(Device.objects.values_list("canonical_key", "id"))
    contact = datetime(2026, 11, 23, 8, tzinfo=UTC)
    rows = []
    for i in range(n):
        key = f"ws-{i:06d}"
        rows.append(Snapshot(
            vendor_id=Vendor.NINJA, snapshot_date=day, vendor_device_id=str(100000 + i), device_id=device_ids[key],
            canonical_key=key, hostname=key.upper(), clean_hostname=key.upper(), display_name=key.upper(),
            organization_id=rng.choice(org_ids), node_class="WINDOWS_WORKSTATION", device_class="workstation",
            billing_status="billable", os_name="Windows 10 Pro",
            os_architecture=rng.choice(["64-bit"] * 30 + ["32-bit"]),
            os_build=rng.choice(["19045", "22631", "26100"]), cpu_model=rng.choice(CPUS),
            cpu_logical_cores=rng.choice([2, 4, 8, 16]), cpu_max_clock_mhz=rng.choice([1000, 1600, 2400, 3600]),
            memory_bytes=rng.choice([2 * GIB, 4 * GIB, 8 * GIB, 16 * GIB, None]),
            system_volume_bytes=rng.choice([59 * GIB, 128 * GIB, 256 * GIB, 512 * GIB]),
            tpm_present=rng.choice([True] * 8 + [False, None]), tpm_enabled=rng.choice([True] * 9 + [False]),
            tpm_version=rng.choice(["2.0, 1.38, 0"] * 6 + ["1.2", ""]),
            secure_boot_capable=rng.choice([True] * 9 + [False]), secure_boot=rng.choice([True] * 8 + [False, None]),
            manufacturer="Dell Inc.", model="Latitude 5490", last_contact=contact, last_update=contact,
        ))
    Snapshot.objects.bulk_create(rows, batch_size=2000)
    del rows
    print(f"setup: {n} snapshot rows in {time.perf_counter() - t0:.1f} s (not timed)")

    for label in ("first run (insert)", "second run (replace)"):
        started, cpu_started = time.perf_counter(), time.process_time()
        summary = run_assessment(trigger="bench")
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        run = summary.run
        print(f"{label}: {run.total_devices} devices in {elapsed:.2f} s wall ({cpu:.2f} s CPU of this process) = "
              f"{run.total_devices / elapsed:,.0f} devices/s "
              f"(compatible {run.compatible_devices}, incompatible {run.incompatible_devices}, "
              f"not assessed {run.not_assessed_devices}, already on 24H2 {run.already_on_24h2_devices})")
        assert Windows11Assessment.objects.count() == n
    phases(day)
    verdict = "PASS" if elapsed < 5 else "FAIL"
    print(f"target < 5 s for {n} devices: {verdict}")


def phases(day):
    """Where the time goes: read, assess, write (outside the lock and run record)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from esinv.bulk import insert_rows
    from inventory.models import Windows11Assessment
    from inventory.windows11.overrides import CpuResolver
    from inventory.windows11.service import ASSESSMENT_FIELDS, PRE_ADAPTED, build_assessments, windows_rows

    run_id = Windows11Assessment.objects.values_list("run_id", flat=True).first()
    t = time.perf_counter()
    rows = list(windows_rows(day).iterator(chunk_size=5000))
    t_read = time.perf_counter()
    built = build_assessments(rows, CpuResolver.from_database(), run_id, connection.ops.adapt_datefield_value(day),
                              connection.ops.adapt_datetimefield_value(timezone.now()))
    t_assess = time.perf_counter()
    with transaction.atomic():
        Windows11Assessment.objects.all().delete()
        t_delete = time.perf_counter()
        insert_rows(Windows11Assessment, ASSESSMENT_FIELDS, built, adapted=PRE_ADAPTED)
    t_insert = time.perf_counter()
    print(f"phases: read {t_read - t:.2f} s, assess {t_assess - t_read:.2f} s, delete {t_delete - t_assess:.2f} s, "
          f"insert+commit {t_insert - t_delete:.2f} s")


if __name__ == "__main__":
    main()
