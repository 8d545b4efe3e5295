"""A `manage.py collect` killed with SIGKILL in the middle of writing its day (issue 15, "Proven in CI").

The collection runs in a child process against the simulators and its own
database (a SQLite file, or a fresh PostgreSQL database on the server the
suite runs on), so the kill is a real one: no test transaction, no mock.

Asserted afterwards: the previous day's rows are byte-identical, the partial
day is invisible, no device row was left without a snapshot, the dead batch
holds the lock only until its heartbeat window passes, a new collection is
then accepted, and its day equals that of a clean run into another database.
"""
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from collectors.simulators import VendorSimulators, generate_msp

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
DEVICES = 12000  # enough that writing the day takes a moment
STALE_MINUTES = 0.5  # the heartbeat window of the child processes (30 s)
TODAY = timezone.localdate()
YESTERDAY = TODAY - timedelta(days=1)

DUMP = r"""
import json, os
from inventory.models import Device, Snapshot
from collectors.models import CollectorBatch, CollectorJob
day = os.environ["CRASH_DAY"]
fields = [f.attname for f in Snapshot._meta.concrete_fields]
rows = [[str(getattr(s, name)) for name in fields]
        + [s.device.canonical_key, s.organization.name if s.organization else ""]
        for s in Snapshot.objects.filter(snapshot_date=day).select_related("device", "organization")
        .order_by("vendor_id", "vendor_device_id")]
print(json.dumps({
    "fields": fields + ["device_key", "organization_name"],
    "rows": rows,
    "orphans": Device.objects.exclude(id__in=Snapshot.objects.values("device_id")).count(),
    "jobs": list(CollectorJob.objects.order_by("id").values_list("name", "status", "message")),
    "locked": CollectorBatch.objects.filter(active_slot__isnull=False).count(),
}))
"""


class Database:
    """A throwaway database for child processes, on the backend the suite runs on."""

    def __init__(self, tmp_path: Path, label: str):
        db = settings.DATABASES["default"]
        self.postgres = db["ENGINE"] == "django.db.backends.postgresql"
        if self.postgres:
            self.name = f"esinv_crash_{label}_{uuid.uuid4().hex[:8]}"
            self.params = {"host": db.get("HOST") or "127.0.0.1", "port": db.get("PORT") or 5432,
                           "user": db.get("USER") or "postgres", "password": db.get("PASSWORD") or ""}
            self.admin(f'CREATE DATABASE "{self.name}"')
            auth = self.params["user"] + (f":{self.params['password']}" if self.params["password"] else "")
            self.url = f"postgres://{auth}@{self.params['host']}:{self.params['port']}/{self.name}"
        else:
            self.path = tmp_path / f"{label}.sqlite3"
            self.url = f"sqlite:///{self.path}"

    def admin(self, sql: str, params=None):
        """One statement on the server's `postgres` database, outside a transaction; its first row."""
        import psycopg2

        conn = psycopg2.connect(dbname="postgres", **self.params)
        try:
            conn.autocommit = True
            with conn.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchone() if cursor.description else None
        finally:
            conn.close()

    def drop(self):
        if self.postgres:
            self.admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def writing(self) -> bool:
        """Whether a write transaction is open on the database right now (another process is writing)."""
        if self.postgres:
            return self.admin("SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND backend_xid IS NOT NULL",
                              [self.name])[0] > 0
        conn = sqlite3.connect(self.path, timeout=0, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError:  # "database is locked": a writer holds the write lock
            return True
        finally:
            conn.close()


@pytest.fixture(scope="module")
def big_sims():
    sims = VendorSimulators(generate_msp(devices=DEVICES, seed=5)).start()
    yield sims
    sims.stop()


def child_env(db: Database, sims) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTEST", "DJANGO_SETTINGS"))}
    env.update({key: str(value) for key, value in sims.settings().items()})
    env.update(DATABASE_URL=db.url, SECRET_KEY="crash-test-secret", DEBUG="false", PYTHONUNBUFFERED="1",
               COLLECTORS_STALE_MINUTES=str(STALE_MINUTES), COLLECTORS_HEARTBEAT_SECONDS="1",
               DJANGO_SETTINGS_MODULE="esinv.settings")
    return env


def manage(env: dict, *args, check=True, extra_env=None) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**env, **(extra_env or {})},
                          capture_output=True, text=True, timeout=600)
    if check:
        assert done.returncode == 0, done.stderr[-3000:]
    return done


def collect(env: dict, day, check=True) -> subprocess.CompletedProcess:
    return manage(env, "collect", "--date", day.isoformat(), "--no-cross-vendor", check=check)


def dump(env: dict, day) -> dict:
    out = manage(env, "shell", "-c", DUMP, extra_env={"CRASH_DAY": day.isoformat()}).stdout
    return json.loads(out.strip().splitlines()[-1])


def comparable(day_dump: dict) -> list:
    """A day's rows without what differs between two databases by construction (row, device and
    organization ids, which sequences assign); devices and organizations are compared by key and name."""
    ignored = {"id", "device_id", "organization_id"}
    keep = [i for i, name in enumerate(day_dump["fields"]) if name not in ignored]
    return [[row[i] for i in keep] for row in day_dump["rows"]]


def kill_mid_write(env: dict, db: Database, day) -> str:
    """Start `collect` for `day`, wait until its job says it is writing and the database shows the write
    transaction open, then SIGKILL it. Returns what it printed."""
    child = subprocess.Popen([sys.executable, "manage.py", "collect", "--date", day.isoformat(),
                              "--no-cross-vendor"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True)
    printed = []
    try:
        for line in child.stdout:
            printed.append(line)
            if "NinjaOne: writing" in line:
                break
        else:
            pytest.fail(f"collect ended before writing: {''.join(printed)[-2000:]}")
        # The job reported it is writing; kill once the write transaction has been open for a few polls
        # (a heartbeat's one-statement write is over before the second poll).
        seen, deadline = 0, time.monotonic() + 60
        while seen < 3:
            assert time.monotonic() < deadline, "the write transaction never showed"
            seen = seen + 1 if db.writing() else 0
            time.sleep(0.02)
        assert child.poll() is None, "collect finished before it could be killed"
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    return "".join(printed)


@pytest.fixture
def databases(tmp_path):
    made = [Database(tmp_path, "crashed"), Database(tmp_path, "clean")]
    yield made
    for db in made:
        db.drop()


def test_killed_collect_mid_write(big_sims, databases):
    crashed, clean = databases
    env, clean_env = child_env(crashed, big_sims), child_env(clean, big_sims)
    migrations = [subprocess.Popen([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=e)
                  for e in (env, clean_env)]
    assert [m.wait(timeout=600) for m in migrations] == [0, 0]

    # Yesterday, collected cleanly into both databases.
    big_sims.set_day(1)
    collect(env, YESTERDAY)
    collect(clean_env, YESTERDAY)
    yesterday = dump(env, YESTERDAY)
    assert len(yesterday["rows"]) > DEVICES and yesterday["orphans"] == 0

    # Today: killed while writing NinjaOne's day.
    big_sims.set_day(0)
    kill_mid_write(env, crashed, TODAY)
    killed_at = time.monotonic()
    # Within the heartbeat window the dead batch still holds the lock.
    refused = collect(env, TODAY, check=False)
    assert refused.returncode != 0 and "already running" in refused.stderr, refused.stderr[-2000:]
    assert time.monotonic() - killed_at < STALE_MINUTES * 60, "too slow to see the lock inside the window"

    after = dump(env, YESTERDAY)
    assert json.dumps(after["rows"]) == json.dumps(yesterday["rows"])  # byte-identical
    today = dump(env, TODAY)
    assert today["rows"] == [] and today["orphans"] == 0
    assert [status for _, status, _ in today["jobs"][-2:]] == ["running", "queued"] and today["locked"] == 1

    # Once the window has passed, a new collection is accepted.
    time.sleep(max(0.0, STALE_MINUTES * 60 + 1 - (time.monotonic() - killed_at)))
    collect(env, TODAY)
    rerun = dump(env, TODAY)
    window = f"{STALE_MINUTES:g} min"
    assert rerun["jobs"][-4:-2] == [
        ["ninja", "failed", f"Stale: the collect process stopped (no heartbeat for {window}); marked failed"],
        ["threatlocker", "failed", f"Not run: the collect process stopped (no heartbeat for {window}) before this "
                                   "job started; marked failed"],
    ]
    assert [status for _, status, _ in rerun["jobs"][-2:]] == ["completed", "completed"]
    assert rerun["orphans"] == 0 and rerun["locked"] == 0

    # The re-run's day equals a clean run's.
    collect(clean_env, TODAY)
    assert comparable(rerun) == comparable(dump(clean_env, TODAY))
    assert json.dumps(dump(env, YESTERDAY)["rows"]) == json.dumps(yesterday["rows"])
