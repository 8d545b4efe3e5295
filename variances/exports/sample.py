"""Deterministic synthetic exception rows for the benchmark, tests and demos (no database)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from typing import Any

from variances.types import BY_CODE as KINDS_BY_CODE

from .catalogue import VARIANCE_TYPES

_ORG_WORDS = ("Acme", "Bayou", "Café Müller", "Crescent", "Delta", "Énergie", "Gulf", "Harbor", "Levee", "Magnolia",
              "Pelican", "Riverbend", "Søren & Co", "Tchoupitoulas", "Zürich")
_ORG_SUFFIXES = ("Inc.", "LLC", "GmbH", "Holdings, Ltd.", "Partners")


def organizations(count: int = 200) -> list[str]:
    names = []
    for i in range(count):
        word = _ORG_WORDS[i % len(_ORG_WORDS)]
        suffix = _ORG_SUFFIXES[(i // len(_ORG_WORDS)) % len(_ORG_SUFFIXES)]
        names.append(f"{word} {suffix} {i:03d}")
    return names


def synthetic_rows(
    count: int, *, organizations_count: int = 200, seed: int = 5, report_date: dt.date = dt.date(2026, 11, 23)
) -> Iterator[dict[str, Any]]:
    """``count`` rows with mixed types, ~``organizations_count`` orgs, some non-ASCII and long names."""
    rng = random.Random(seed)
    orgs = organizations(organizations_count)
    for i in range(count):
        info = VARIANCE_TYPES[rng.randrange(len(VARIANCE_TYPES))]
        if i % 97 == 0:
            host = f"Ünïcode-PC-{i}"
        elif i % 89 == 0:
            host = f"VERY-LONG-HOSTNAME-FOR-A-LAB-WORKSTATION-IN-BUILDING-{i}-ROOM-{rng.randrange(999)}"
        else:
            host = f"WS-{rng.randrange(10_000):04d}-{i}"
        found = report_date - dt.timedelta(days=rng.randrange(60))
        resolved = i % 11 == 0
        organization = orgs[rng.randrange(len(orgs))]
        # a site mismatch is filed under another client in ThreatLocker
        tl_organization = organization
        if info.code == "SITE_MISMATCH":
            tl_organization = orgs[(orgs.index(organization) + 1) % len(orgs)]
        row = {
            "id": i + 1,
            "type": info.code,
            "variance_type": info.variance_type,
            "hostname": host.lower()[:15],
            "ninja_hostname": host if info.code != "MISSING_NINJA" else "",
            "threatlocker_hostname": host if info.code != "MISSING_THREATLOCKER" else "",
            "ninja_display_name": f"{host} | front desk" if i % 3 else host,
            "threatlocker_display_name": f"{host} | reception, 2nd floor" if i % 5 == 0 else host,
            "organization": organization,
            "ninja_organization": organization if info.code != "MISSING_NINJA" else None,
            "threatlocker_organization": tl_organization if info.code != "MISSING_THREATLOCKER" else None,
            "billing_status": ("billable", "spare", "not_billable")[i % 3],
            "vendor": ("NinjaOne", "ThreatLocker")[i % 2],
            "action": KINDS_BY_CODE[info.code].action,  # the real, sentence-long actions
            "status": "resolved" if resolved else "open",
            "variance_status": "resolved" if resolved else ("manually_fixed" if i % 13 == 0 else "active"),
            "date_found": found,
            "last_seen": report_date,
            "resolved_at": dt.datetime(2026, 11, 22, 15, 30, tzinfo=dt.UTC) if resolved else None,
            "resolved_by": "tech@example.com" if resolved else "",
            "notes": 'Checked with "Jo", on site; needs follow-up' if i % 7 == 0 else "",
        }
        if info.code in ("DUPLICATE_TL", "DUPLICATE_NINJA"):
            row["entries"] = _entries(info.code, host, organization, report_date, i)
        yield row


def _entries(code: str, host: str, organization: str, report_date: dt.date, i: int) -> list[dict[str, Any]]:
    """Two copies of a duplicate in the shared contract's shape: the newest, then a stale one."""
    vendor = "threatlocker" if code == "DUPLICATE_TL" else "ninja"
    copies = []
    for n, days_ago in enumerate((0, 40)):
        device_id = f"{i}{n}"
        contact = dt.datetime(report_date.year, report_date.month, report_date.day, 8, tzinfo=dt.UTC)
        copies.append({
            "vendor": vendor, "vendor_device_id": device_id, "hostname": host, "display_name": host,
            "organization": organization, "site": ("Head office", "Warehouse")[n],
            "last_contact": (contact - dt.timedelta(days=days_ago)).isoformat(), "os": "Windows 11 Pro",
            "agent_version": ("9.6.1", "8.9.0")[n],
            "console_url": (f"https://eu.ninjarmm.com/#/deviceDashboard/{device_id}/overview" if vendor == "ninja"
                            else f"https://portal.threatlocker.com/computers/{device_id}"),
            "stale": n > 0,
        })
    return copies


def synthetic_trend(report_date: dt.date, days: int = 30, seed: int = 7) -> list[tuple[dt.date, dict[str, int]]]:
    rng = random.Random(seed)
    series = []
    for back in range(days - 1, -1, -1):
        day = report_date - dt.timedelta(days=back)
        series.append((day, {t.code: rng.randrange(5, 60) for t in VARIANCE_TYPES}))
    return series
