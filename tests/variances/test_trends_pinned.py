"""The trends and available dates read a run's figures as values (not model instances) and total the kinds by
column: these pin the whole responses, keys in order, so the restructuring (issue 14, a year of history) changed
nothing a dashboard sees."""
import json
from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from inventory.models import Vendor
from tests.factories import snapshot
from variances import types as T
from variances.models import ReconciliationRun

pytestmark = pytest.mark.django_db

D1, D2, D3 = date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 4)


def run(day, started_hour, counts, **figures):
    started = timezone.make_aware(datetime(day.year, day.month, day.day, started_hour))
    return ReconciliationRun.objects.create(report_date=day, started_at=started,
                                            finished_at=started + timedelta(seconds=5), duration_seconds=5,
                                            rules=["spare", "site"], counts=counts, **figures)


@pytest.fixture
def runs(db):
    run(D1, 6, {T.MISSING_NINJA: 2, T.SPARE_MISMATCH: 1}, total=3, created_count=3, ninja_devices=10,
        threatlocker_devices=9)
    # D2 was re-run: the later run's figures count; a code no kind has any more is ignored in counts.
    run(D2, 6, {T.MISSING_NINJA: 7}, total=7, created_count=7, ninja_devices=1, threatlocker_devices=1)
    run(D2, 9, {T.MISSING_NINJA: 1, T.SITE_MISMATCH: 2, "RETIRED_KIND": 4}, total=7, created_count=1,
        resolved_count=2, ninja_devices=11, threatlocker_devices=0)
    run(D3, 6, {}, total=0, resolved_count=3)
    for day in (D1, D2, D3):
        snapshot(Vendor.NINJA, "PC-1", day=day)
        snapshot(Vendor.THREATLOCKER, "PC-1", day=day)


def zero_counts(**given):
    return {kind.api_name: given.get(kind.api_name, 0) for kind in T.KINDS}


def test_trends_response_is_pinned(reader, runs):
    body = reader.get(f"/api/variances/trends?start_date={D1}&end_date={D3}").json()
    expected = {
        "start_date": "2026-03-01",
        "end_date": "2026-03-04",
        "days": 3,
        "trends": [
            {"date": "2026-03-01", "counts": zero_counts(missing_in_ninja=2, spare_mismatches=1), "total": 3,
             "new": 3, "resolved": 0, "ninja_devices": 10, "threatlocker_devices": 9},
            {"date": "2026-03-02", "counts": zero_counts(missing_in_ninja=1, site_mismatches=2), "total": 7,
             "new": 1, "resolved": 2, "ninja_devices": 11, "threatlocker_devices": 0},
            {"date": "2026-03-04", "counts": zero_counts(), "total": 0, "new": 0, "resolved": 3,
             "ninja_devices": 0, "threatlocker_devices": 0},
        ],
        "average_by_type": {kind.api_name: 0.0 for kind in T.KINDS} | {
            "missing_in_ninja": 1.0, "spare_mismatches": 0.33, "site_mismatches": 0.67},
    }
    # The same JSON text: values and the order of every key.
    assert json.dumps(body) == json.dumps(expected)


def test_trends_of_no_reconciled_day(reader, runs):
    body = reader.get("/api/variances/trends?start_date=2026-01-01&end_date=2026-01-31").json()
    assert body == {"start_date": "2026-01-01", "end_date": "2026-01-31", "days": 0, "trends": [],
                    "average_by_type": {}}


def test_available_dates_response_is_pinned(reader, runs):
    snapshot(Vendor.NINJA, "PC-1", day=D3 + timedelta(days=1))  # a common date with no run
    snapshot(Vendor.THREATLOCKER, "PC-1", day=D3 + timedelta(days=1))
    body = reader.get("/api/variances/available-dates").json()
    expected = {
        "available_dates": ["2026-03-05", "2026-03-04", "2026-03-02", "2026-03-01"],
        "date_range": {"earliest": "2026-03-01", "latest": "2026-03-05"},
        "total_dates": 4,
        "data_quality": {
            "2026-03-05": {"reconciled": False, "quality": "not_reconciled", "ninja_devices": None,
                           "threatlocker_devices": None, "total_exceptions": None},
            "2026-03-04": {"reconciled": True, "quality": "partial", "ninja_devices": 0, "threatlocker_devices": 0,
                           "total_exceptions": 0},
            "2026-03-02": {"reconciled": True, "quality": "partial", "ninja_devices": 11, "threatlocker_devices": 0,
                           "total_exceptions": 7},
            "2026-03-01": {"reconciled": True, "quality": "good", "ninja_devices": 10, "threatlocker_devices": 9,
                           "total_exceptions": 3},
        },
    }
    assert json.dumps(body) == json.dumps(expected)
