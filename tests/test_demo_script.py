"""bin/demo: it says "serving" only once the hub answers, the QBR numbers are filled, its redirected output is
never written over, and SIGTERM stops it and every process it started.

Runs the real script (simulators, collection, cluster, server) on a throwaway SQLite database in a temporary
ESINV_VAR_DIR, with a small MSP and one day, on free ports.
"""
import os
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the process tree from /proc"),
]

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "bin" / "demo"


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_ports() -> tuple[int, int]:
    """A port for the hub and four (port to port + 3) for the simulators, all free now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        hub = sock.getsockname()[1]
    for sim in range(random.randrange(20000, 40000), 60000, 7):
        if not sim <= hub <= sim + 3 and all(port_is_free(sim + offset) for offset in range(4)):
            return hub, sim
    raise RuntimeError("no free ports for the simulators")


def demo_env(tmp_path, hub: int, sim: int) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL", "SECRET_KEY", "Q_SYNC")}
    env.update(ESINV_VAR_DIR=str(tmp_path / "var"), ESINV_PORT=str(hub), ESINV_DEMO_SIM_PORT=str(sim),
               ESINV_DEMO_DEVICES="30", ESINV_DEMO_DAYS="1")
    return env


def parent_of(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def descendants(root: int) -> set[int]:
    found: set[int] = set()
    pids = [int(p) for p in os.listdir("/proc") if p.isdigit()]
    parents = {pid: parent_of(pid) for pid in pids}
    frontier = {root}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier and pid not in found}
        found |= frontier
    return found


def wait_for_health(port: int, demo: subprocess.Popen, log: Path, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert demo.poll() is None, f"bin/demo ended early:\n{log.read_text(errors='replace')[-3000:]}"
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"no /api/health in {timeout} s:\n{log.read_text(errors='replace')[-3000:]}")


def test_sigterm_stops_the_demo_and_every_child(tmp_path):
    hub, sim = free_ports()
    log = tmp_path / "demo.log"
    with log.open("wb") as out:
        demo = subprocess.Popen([str(DEMO)], cwd=REPO, env=demo_env(tmp_path, hub, sim), stdout=out,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        wait_for_health(hub, demo, log)
        deadline = time.monotonic() + 30
        while "is serving on" not in log.read_text(errors="replace") and time.monotonic() < deadline:
            time.sleep(0.2)
        text = log.read_text(errors="replace")
        # "serving" is printed after the server answered its health check, never before.
        assert f"ES Inventory Hub is serving on http://127.0.0.1:{hub}/" in text
        assert text.index("GET /api/health") < text.index("is serving on")
        assert f"NinjaOne http://127.0.0.1:{sim}/, ThreatLocker http://127.0.0.1:{sim + 1}/" in text
        assert f"ConnectWise http://127.0.0.1:{sim + 2}/, Microsoft Graph http://127.0.0.1:{sim + 3}/" in text
        # The billing data was collected from the simulators (Microsoft 365 and agreements) before serving.
        assert "Collecting the billing data of 1 days" in text
        assert "Microsoft 365 tenants:" in text and "Billing days collected: 1, already there: 0" in text
        assert "collection(s) failed" not in text
        assert text.index("Billing days collected") < text.index("is serving on")
        assert "billing:    Microsoft 365 tenants, ConnectWise agreements and measured quantities of 1 days" in text
        # The QBR numbers were filled from the ConnectWise simulator before serving.
        assert "Sample manual metrics:" in text and "reactive tickets created" in text
        assert text.index("reactive tickets created") < text.index("is serving on")
        # The output goes to one file: nothing written over (the first lines are still there), no NUL hole.
        raw = log.read_bytes()
        assert b"\0" not in raw
        assert "Collecting 1 days of 30 devices" in text, text[:500]

        children = descendants(demo.pid)
        commands = " ".join(Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").replace("\0", " ")
                            for pid in children if Path(f"/proc/{pid}/cmdline").exists())
        for part in ("simulate_vendors", "qcluster", "runserver"):
            assert part in commands

        demo.send_signal(signal.SIGTERM)
        assert demo.wait(timeout=15) == 0
        deadline = time.monotonic() + 5
        while any(running(pid) for pid in children) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [pid for pid in children if running(pid)], log.read_text(errors="replace")[-2000:]
        assert port_is_free(hub) and all(port_is_free(sim + offset) for offset in range(4))
    finally:
        if demo.poll() is None:
            for pid in descendants(demo.pid):
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            demo.kill()
            demo.wait()


@pytest.mark.parametrize("offset", [0, 1, 2, 3])
def test_a_hub_port_on_a_simulator_port_is_refused_before_anything_starts(tmp_path, offset):
    hub, sim = free_ports()
    env = demo_env(tmp_path, sim + offset, sim)
    done = subprocess.run([str(DEMO)], cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
                          stdin=subprocess.DEVNULL)
    assert done.returncode == 2
    assert f"ESINV_PORT={sim + offset} collides with the simulators' ports" in done.stderr
    assert not (tmp_path / "var" / "esinv.sqlite3").exists()


def test_absurd_quarters_are_refused_before_anything_starts(tmp_path):
    hub, sim = free_ports()
    env = {**demo_env(tmp_path, hub, sim), "ESINV_DEMO_QUARTERS": "0"}
    done = subprocess.run([str(DEMO)], cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
                          stdin=subprocess.DEVNULL)
    assert done.returncode == 2
    assert "ESINV_DEMO_QUARTERS=0: give a number of quarters from 1 to 20." in done.stderr
    assert not (tmp_path / "var" / "esinv.sqlite3").exists()


@pytest.mark.parametrize("offset, name", [(1, "the ThreatLocker simulator (ESINV_DEMO_SIM_PORT + 1)"),
                                          (2, "the ConnectWise simulator (ESINV_DEMO_SIM_PORT + 2)"),
                                          (3, "the Microsoft Graph simulator (ESINV_DEMO_SIM_PORT + 3)")])
def test_a_busy_port_is_named(tmp_path, offset, name):
    hub, sim = free_ports()
    with socket.socket() as busy:
        busy.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        busy.bind(("127.0.0.1", sim + offset))
        busy.listen()
        done = subprocess.run([str(DEMO)], cwd=REPO, env=demo_env(tmp_path, hub, sim), capture_output=True,
                              text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert done.returncode != 0
    assert f"Port {sim + offset} for {name} is not free" in done.stderr
    assert not (tmp_path / "var" / "esinv.sqlite3").exists()
