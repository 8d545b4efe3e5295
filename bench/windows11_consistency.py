#!/usr/bin/env python
"""Collect N simulated devices, assess Windows 11, and check that the API, the page and the exports agree.

    .venv/bin/python bench/windows11_consistency.py [--devices 5000] [--seed 7]

Runs the vendor simulators in a child process, collects NinjaOne into a
throwaway SQLite database, runs the assessment, then reads the partition and
every organization's counts from GET /api/windows-11-24h2/status, the
/windows-11/ page, the Excel export and the PDF export, and prints whether
they are the same (and the simulated fleet's share on 24H2 and on supported
hardware).
"""
import argparse
import io
import re
import tempfile
import time

from _setup import django_on, plain_static_files, vendor_simulators

COUNT_KEYS = ("total_windows_devices", "compatible_devices", "incompatible_devices", "not_assessed_devices",
              "already_on_24h2_devices", "on_24h2_unsupported_devices")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="esinv-win11-")
    env = django_on(f"sqlite:///{tmp}/db.sqlite3", tmp, ESINV_ANONYMOUS_READ="true",
                    ALLOWED_HOSTS="testserver,localhost")
    with vendor_simulators(args.devices, args.seed, env):
        from collectors import runs

        batch = runs.start_batch(["ninja"], run_cross_vendor=False, trigger="command", enqueue=False)
        for job in list(batch.jobs.order_by("id")):
            runs.run_job(job.job_id)
    check(args.devices)


def check(devices: int):
    from django.contrib.auth import get_user_model
    from django.test import Client
    from openpyxl import load_workbook
    from pypdf import PdfReader

    from inventory.windows11.service import run_assessment

    plain_static_files()  # the /windows-11/ page is read below
    started = time.perf_counter()
    summary = run_assessment(trigger="bench")
    print(f"assessed {summary.run.total_devices} Windows workstations of {devices} simulated devices in "
          f"{time.perf_counter() - started:.2f} s")
    client = Client()
    status = client.get("/api/windows-11-24h2/status").json()
    parts = [status[k] for k in COUNT_KEYS[1:5]]
    print(f"partition: compatible {parts[0]} + incompatible {parts[1]} + not assessed {parts[2]} + already on "
          f"24H2 {parts[3]} = {sum(parts)} (total {status['total_windows_devices']}); on 24H2 on unsupported "
          f"hardware {status['on_24h2_unsupported_devices']}; rate {status['compatibility_rate']}%")
    total = status["total_windows_devices"]
    if total:
        print(f"share on 24H2: {100 * parts[3] / total:.1f}%, of them on supported hardware: "
              f"{100 * (1 - status['on_24h2_unsupported_devices'] / max(parts[3], 1)):.1f}%")
    api = {o["organization"]: tuple(o[k] for k in COUNT_KEYS) for o in status["by_organization"]}

    user = get_user_model().objects.create_superuser("bench", "bench@example.com", "bench-password-1")
    client.force_login(user)
    html = client.get("/windows-11/").content.decode()
    page = {}
    for name, cells in re.findall(r'<tr data-organization="([^"]+)">(.*?)</tr>', html, re.S):
        values = dict(re.findall(r'data-count="(\w+)">(\d+)<', cells))
        page[name.replace("&amp;", "&").replace("&#x27;", "'")] = tuple(int(values[k]) for k in (
            "total", "compatible", "incompatible", "not_assessed", "already_on_24h2", "on_24h2_unsupported"))

    book = load_workbook(io.BytesIO(client.get("/api/windows-11-24h2/export/excel").content), read_only=True)
    excel = {row[0]: tuple(row[1:7]) for row in list(book["By organization"].iter_rows(values_only=True))[1:]}

    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(
        client.get("/api/windows-11-24h2/export/pdf").content)).pages)
    cells = [line.strip() for line in text.split("\n")]
    pdf = {name: tuple(int(c) for c in cells[cells.index(name) + 1:cells.index(name) + 7])
           for name in api if name in cells}

    print(f"organizations: API {len(api)}, page {len(page)}, Excel {len(excel)}, PDF {len(pdf)}")
    for label, other in (("page", page), ("Excel", excel), ("PDF", pdf)):
        same = other == api
        print(f"  {label} per-organization counts == API: {same}")
        if not same:
            for name in sorted(set(api) | set(other)):
                if api.get(name) != other.get(name):
                    print(f"    {name}: API {api.get(name)} vs {label} {other.get(name)}")


if __name__ == "__main__":
    main()
