#!/usr/bin/env python
"""Benchmark: the Microsoft 365 collector for many tenants against the Graph simulator (in a child process).

    .venv/bin/python bench/m365_collect.py [--tenants 300] [--users 50000] [--page-size 999]
    BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/esinv .venv/bin/python bench/m365_collect.py

Generates an MSP of `--tenants` clients (20 devices each) and scales the users per workstation so the tenants
hold about `--users` users; the Graph simulator serves them from a child process (so its JSON work does not
share this process's GIL). The hub's database is a throwaway (bench/_throwaway.py); the tenants are imported
with `import_m365_tenants --create`, then one `microsoft365` job collects every tenant (token, subscribedSkus,
users paged by `@odata.nextLink`) and writes the day. Prints the job's time, HTTP calls, rows and peak RSS, then
a second run of the same day (replacing it).
"""
import argparse
import subprocess
import sys
import time
import urllib.request

from _setup import ROOT, django_on, on_throwaway_database, rss_mb

CHILD = """
import sys, time, django
django.setup()
from collectors.simulators.dataset import generate_msp
from collectors.simulators.graph import GraphSimulator, generate_graph
tenants, users, seed, path = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
data = graph(tenants, users, seed)
sim = GraphSimulator(data, port=0).start()
with open(path, "w") as handle:
    handle.write("organization,tenant_id\\n" + "".join(f'"{n}",{t}\\n' for n, t in data.tenant_pairs()))
print(sim.port, sum(len(t.users) for t in data.tenants), flush=True)
while True:
    time.sleep(3600)
"""
GRAPH = """
def graph(tenants, users, seed):
    from collectors.simulators.dataset import generate_msp
    from collectors.simulators.graph import WORKSTATIONS, generate_graph
    dataset = generate_msp(devices=tenants * 20, seed=seed, clients=tenants)
    workstations = sum(1 for m in dataset.machines if m.node_class in WORKSTATIONS and m.client)
    return generate_graph(dataset, users_per_workstation=users / max(1, workstations))
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenants", type=int, default=300)
    parser.add_argument("--users", type=int, default=50_000)
    parser.add_argument("--page-size", type=int, default=999)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    on_throwaway_database(run, args)


def run(args, tmp: str, database_url: str):
    env = django_on(database_url, tmp)
    from django.conf import settings
    from django.core.management import call_command

    tenants_file = f"{tmp}/tenants.csv"
    started = time.perf_counter()
    sim = subprocess.Popen(
        [sys.executable, "-c", GRAPH + CHILD, str(args.tenants), str(args.users), str(args.seed), tenants_file],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    try:
        port, served = (int(value) for value in sim.stdout.readline().split())
        print(f"simulator ready in {time.perf_counter() - started:.1f}s: {args.tenants} tenants, {served} users")
        call_command("import_m365_tenants", tenants_file, "--create", verbosity=0)
        origin = f"http://127.0.0.1:{port}"
        settings.ESINV_M365_AUTHORITY = settings.ESINV_M365_GRAPH_URL = origin
        settings.ESINV_M365_CLIENT_ID, settings.ESINV_M365_CLIENT_SECRET = "sim-m365-app", "sim-m365-secret"
        settings.ESINV_M365_PAGE_SIZE = args.page_size
        from collectors import runs

        for attempt in ("first run", "re-run of the day"):
            baseline = rss_mb()
            begin = time.perf_counter()
            batch = runs.start_batch(["microsoft365"], run_cross_vendor=False, trigger="command", enqueue=False)
            job = runs.run_job(batch.jobs.get().job_id)
            elapsed = time.perf_counter() - begin
            print(f"{attempt}: {job.status} in {elapsed:.1f}s; tenants={job.counts.get('tenants')} "
                  f"users={job.counts.get('users')} skus={job.counts.get('skus')} "
                  f"http_calls={job.counts.get('http_calls')}; peak RSS {rss_mb():.0f} MB (before: {baseline:.0f})")
            if job.status != "completed":
                print("   ", job.message)
        with urllib.request.urlopen(f"{origin}/_simulator/stats", timeout=10) as response:
            print(f"simulator requests: {response.read().decode()[:300]}")
    finally:
        sim.terminate()
        sim.wait(timeout=30)


if __name__ == "__main__":
    main()
