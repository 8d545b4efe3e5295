"""`manage.py simulate_vendors --connectwise-port`: ConnectWise Manage served beside NinjaOne and ThreatLocker,
with --connectwise-months months of --connectwise-tickets tickets ending with the current month."""
import base64
import json
import os
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError

from collectors.management.commands.simulate_vendors import connectwise_options

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("months, tickets, field", [
    (0, 60, "--connectwise-months"), (121, 60, "--connectwise-months"),
    (6, 1, "--connectwise-tickets"), (6, 100_001, "--connectwise-tickets"),
])
def test_absurd_connectwise_flags_are_refused_naming_the_flag(months, tickets, field):
    with pytest.raises(CommandError, match=field):
        connectwise_options(months, tickets)


def test_in_range_flags_pass():
    assert connectwise_options(6, 60) == (6, 60)


def _count(settings: dict, conditions: str = "") -> int:
    query = urllib.parse.urlencode({"conditions": conditions}) if conditions else ""
    user = f"{settings['CONNECTWISE_COMPANY']}+{settings['CONNECTWISE_PUBLIC_KEY']}:" \
           f"{settings['CONNECTWISE_PRIVATE_KEY']}"
    request = urllib.request.Request(
        f"{settings['CONNECTWISE_BASE_URL']}service/tickets/count?{query}",
        headers={"Authorization": "Basic " + base64.b64encode(user.encode()).decode(),
                 "clientId": settings["CONNECTWISE_CLIENT_ID"]})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())["count"]


@pytest.mark.slow
def test_connectwise_is_served_with_the_months_and_tickets_asked_for_and_stops_on_sigterm():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "esinv.settings_test", "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "manage.py", "simulate_vendors", "--devices", "20", "--port", "0", "--connectwise-port", "0",
         "--connectwise-months", "3", "--connectwise-tickets", "10"],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, stdin=subprocess.DEVNULL)
    try:
        exported, lines = {}, []
        deadline = time.monotonic() + 60
        while "CONNECTWISE_CLIENT_ID" not in exported and time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line)
            if line.strip().startswith("export CONNECTWISE_"):
                name, value = line.strip()[len("export "):].split("=", 1)
                exported[name] = value
        assert "CONNECTWISE_CLIENT_ID" in exported, "".join(lines)
        assert any("ConnectWise Manage: 30 tickets" in line for line in lines), "".join(lines)
        assert _count(exported) == 30  # 3 months of 10
        first = date.today().replace(day=1)
        assert _count(exported, f"dateEntered>=[{first.isoformat()}T00:00:00Z]") == 10  # the current month's
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()
