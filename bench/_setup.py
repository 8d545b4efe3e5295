"""What the benchmarks share: the project on sys.path, Django on a throwaway database, the vendor simulators in a
child process, peak memory, and the table of per-format child runs.

Imported by the scripts in bench/ (`from _setup import ...`: a script's own folder is on sys.path); importing it
puts the project's root on sys.path too.
"""
import importlib.util
import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for _path in (str(HERE), str(ROOT)):
    if _path not in sys.path:
        sys.path.insert(0, _path)

from _throwaway import throwaway_database_url  # noqa: E402


def rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (ru_maxrss is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def on_throwaway_database(run, args):
    """`run(args, tmp, database_url)` on a throwaway database (bench/_throwaway.py) beside a new temporary folder."""
    tmp = tempfile.mkdtemp(prefix="esinv-bench-")
    with throwaway_database_url(tmp) as url:
        run(args, tmp, url)


def django_on(database_url: str, tmp: str, *, migrate: bool = True, **extra) -> dict:
    """Set up Django on `database_url` (production settings, the dev secret allowed, `tmp` as ESINV_VAR_DIR, quiet
    logs, `extra` environment variables), migrated unless `migrate` is false. Returns the environment, for the
    child processes."""
    env = dict(os.environ, DATABASE_URL=database_url, ESINV_ALLOW_DEV_SECRET="true",
               DJANGO_SETTINGS_MODULE="esinv.settings", LOG_LEVEL="WARNING", ESINV_VAR_DIR=tmp, **extra)
    os.environ.update(env)
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
    return env


def load_variances_bench():
    """bench/variances_50k.py as a module (its synthetic MSP and test database); loading it sets up the paths and
    the Django settings module."""
    spec = importlib.util.spec_from_file_location("variances_bench", HERE / "variances_50k.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- the vendor simulators in a child process (`manage.py simulate_vendors`) ------------------------------------
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


@contextmanager
def vendor_simulators(devices: int, seed: int, env: dict):
    """NinjaOne and ThreatLocker simulators of `devices` devices (aliases installed in the hub's database) in a
    child process, ready; Django's settings point the collectors at them. Stopped on leaving."""
    from django.conf import settings

    from collectors.simulators.dataset import _uuid

    port = free_port_pair()
    sim = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "simulate_vendors", "--devices", str(devices),
         "--seed", str(seed), "--port", str(port), "--install-aliases"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        wait_ready(f"http://127.0.0.1:{port}/_simulator/stats", sim)
        settings.NINJA_BASE_URL = f"http://127.0.0.1:{port}"
        settings.NINJA_CLIENT_ID, settings.NINJA_CLIENT_SECRET = "sim-client", "sim-secret"
        settings.THREATLOCKER_BASE_URL = f"http://127.0.0.1:{port + 1}/portalapi/"
        settings.THREATLOCKER_API_KEY = "sim-api-key"
        settings.THREATLOCKER_ORGANIZATION_ID = _uuid(seed, "msp-parent")
        yield port
    finally:
        sim.terminate()
        sim.wait(timeout=30)


# --- one child process per format, against a budget ------------------------------------------------------------
def format_result(fmt: str, rows: int, wall: float, cpu: float, size: int) -> dict:
    """What a format's child prints (as JSON) for `run_formats`: its times, this process's peak memory, the size."""
    return {"format": fmt, "rows": rows, "seconds": wall, "cpu_seconds": cpu, "peak_mb": rss_mb(), "bytes": size}


def format_args(doc: str, budget_seconds: dict, formats_help: str, *hidden: str):
    """The command line of the per-format benchmarks: formats (the keys of `budget_seconds`; none: all), --rows,
    and the hidden --child (the format a child process renders) and `hidden` options (e.g. "--tmp")."""
    import argparse

    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("formats", nargs="*", help=formats_help)
    parser.add_argument("--rows", type=int, default=50_000)
    for option in ("--child", *hidden):
        parser.add_argument(option, help=argparse.SUPPRESS)
    args = parser.parse_args()
    unknown = set(args.formats) - set(budget_seconds)
    if unknown and not args.child:
        parser.error(f"unknown format(s): {', '.join(sorted(unknown))}; choose from {', '.join(budget_seconds)}")
    return args


def run_formats(formats, budget_seconds: dict, budget_mb: float, child_args) -> bool:
    """Run `child_args(fmt)` (a script and its arguments, printing `format_result` as its last line) in a fresh
    Python for each format, so each peak memory is its own; print a row per format against the budgets (a budget
    of None: no time budget). True when every format is within its budgets."""
    ok = True
    print(f"{'format':<6} {'rows':>7} {'wall s':>8} {'cpu s':>8} {'budget s':>9} {'peak MB':>8} {'size MB':>8}")
    for fmt in formats:
        out = subprocess.run([sys.executable, *child_args(fmt)], check=True, capture_output=True, text=True,
                             env={**os.environ, "PYTHONHASHSEED": "0"})
        result = json.loads(out.stdout.strip().splitlines()[-1])
        budget = budget_seconds[fmt]
        within = (budget is None or result["seconds"] < budget) and result["peak_mb"] < budget_mb
        ok &= within
        print(f"{fmt:<6} {result['rows']:>7} {result['seconds']:>8.2f} {result['cpu_seconds']:>8.2f} "
              f"{(f'{budget:.0f}' if budget else '-'):>9} {result['peak_mb']:>8.0f} {result['bytes'] / 1e6:>8.1f}"
              f"  {'ok' if within else 'OVER BUDGET'}")
    return ok


def history_args(doc: str, *, devices: int, days: int, repeat: int, explain: str):
    """The command line of the benchmarks that copy a reconciled day back over a history (device page, a year):
    --devices per vendor, --days of history, --repeat calls per measure, --explain to print a query plan."""
    import argparse

    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--devices", type=int, default=devices)
    parser.add_argument("--days", type=int, default=days)
    parser.add_argument("--repeat", type=int, default=repeat)
    parser.add_argument("--explain", action="store_true", help=explain)
    return parser.parse_args()


def plain_static_files():
    """Pages link their stylesheets and icons: plain static URLs, as there is no collectstatic manifest in a
    benchmark (the production storage would refuse to render them)."""
    import warnings

    from django.conf import settings

    warnings.filterwarnings("ignore", message="No directory at")  # WhiteNoise: no collectstatic here
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
