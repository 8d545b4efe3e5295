#!/usr/bin/env python
"""Benchmark: one month of ConnectWise reactive metrics against the local simulator (no database).

    .venv/bin/python bench/connectwise_month.py [--tickets 3000] [--page-size 1000]

Generates 4 months of tickets (`--tickets` per month, ~1.5 time entries each),
serves them on loopback and times `collect_month` for the third month: two
count calls, the time entries paged, the ticket-id lookups in chunks. Prints
the wall time, the HTTP calls and the values (checked against the data).
Most of the time is the simulator evaluating conditions in Python; a real
ConnectWise answers each call in its own time, so the call count is the
number that carries over.
"""
import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("ESINV_ALLOW_DEV_SECRET", "true")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "esinv.settings")
os.environ["LOG_LEVEL"] = "WARNING"

import django  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=3000, help="tickets per month")
    parser.add_argument("--page-size", type=int, default=1000)
    parser.add_argument("--chunk", type=int, default=200, help="ticket ids per `id in (...)` lookup")
    options = parser.parse_args()
    django.setup()
    from datetime import UTC, datetime

    from collectors.clients.connectwise import ConnectWiseClient
    from collectors.simulators.connectwise import ConnectWiseSimulator, generate_connectwise
    from qbr.connectwise.collector import ReactiveFilter, collect_month
    from qbr.periods import Month

    started = time.perf_counter()
    data = generate_connectwise(seed=3, first_month=(2026, 8), months=4, tickets_per_month=options.tickets)
    print(f"generated {len(data.tickets)} tickets, {len(data.time_entries)} time entries "
          f"in {time.perf_counter() - started:.2f}s")
    reactive = ReactiveFilter(("Help Desk", "Alerts"))
    with ConnectWiseSimulator(data) as sim:
        client = ConnectWiseClient(page_size=options.page_size, **{
            key.removeprefix("CONNECTWISE_").lower(): value for key, value in sim.settings().items()})
        started = time.perf_counter()
        result = collect_month(client, Month(2026, 10), reactive, zone="UTC", id_chunk=options.chunk)
        elapsed = time.perf_counter() - started
        client.close()
    expected = data.expected(datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC), reactive.boards)
    assert result["reactive_tickets_created"] == expected["created"]
    assert result["total_time_reactive"] == expected["hours"].quantize(result["total_time_reactive"])
    print(f"collect_month 2026-10: {elapsed:.2f}s, {client.calls} HTTP calls, "
          f"{result['time_entries']} time entries, {result['tickets_with_time']} tickets with time")
    print(f"created={result['reactive_tickets_created']} closed={result['reactive_tickets_closed']} "
          f"hours={result['total_time_reactive']} (matches the generated data)")


if __name__ == "__main__":
    main()
