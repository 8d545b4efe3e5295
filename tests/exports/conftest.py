"""Plain-data builders for the export renderer tests (no database needed)."""

from __future__ import annotations

import datetime as dt
from itertools import count

import pytest

from variances.exports import DataStatus, ExportFilters, ExportMeta, summarise
from variances.exports.catalogue import BY_CODE

REPORT_DATE = dt.date(2026, 11, 23)
GENERATED_AT = dt.datetime(2026, 11, 23, 14, 5, 9, tzinfo=dt.UTC)
_ids = count(1)


def make_row(type_code: str = "MISSING_NINJA", hostname: str = "ws-001", organization: str = "Acme Inc.", **extra):
    row = {
        "id": next(_ids),
        "type": type_code,
        "variance_type": BY_CODE[type_code].variance_type,
        "hostname": hostname.lower()[:15],
        "ninja_hostname": hostname,
        "threatlocker_hostname": hostname,
        "ninja_display_name": f"{hostname} | front desk",
        "threatlocker_display_name": hostname,
        "organization": organization,
        "billing_status": "billable",
        "vendor": "ThreatLocker",
        "action": "Investigate",
        "status": "open",
        "variance_status": "active",
        "date_found": dt.date(2026, 11, 1),
        "last_seen": REPORT_DATE,
        "resolved_at": None,
        "resolved_by": "",
        "notes": "",
    }
    row.update(extra)
    return row


def make_meta(rows, *, trend=(), data_status=None, filters=None, counts_by_type=None, counts_by_organization=None,
              **options):
    by_type, by_org = summarise(rows)
    return ExportMeta(
        generated_at=GENERATED_AT,
        report_date=REPORT_DATE,
        data_status=data_status or DataStatus("current", "Data is current"),
        filters=filters or ExportFilters(),
        counts_by_type=by_type if counts_by_type is None else counts_by_type,
        counts_by_organization=by_org if counts_by_organization is None else counts_by_organization,
        trend=trend,
        **options,  # metadata_rows, msp_name, title
    )


@pytest.fixture
def mixed_rows():
    """Rows of three types in three organizations, with the awkward values exports must survive."""
    return [
        make_row("MISSING_NINJA", "Ünïcode-PC", "Café Müller GmbH"),
        make_row("MISSING_NINJA", "ws-002", "Acme Inc.", notes='said "later", then\nleft'),
        make_row("DUPLICATE_TL", "=cmd|' /C calc'!A0", "Acme Inc.", notes="@SUM(A1:A9)"),
        make_row("DUPLICATE_TL", "ws-004", "Zeta, Ltd.", threatlocker_display_name="+1-555-0100"),
        make_row(
            "SITE_MISMATCH",
            "ws-005",
            "Zeta, Ltd.",
            status="resolved",
            variance_status="collector_verified",
            resolved_at=dt.datetime(2026, 11, 22, 16, 30, tzinfo=dt.UTC),
            resolved_by="tech@example.com",
            notes="-fixed on site",
        ),
    ]
