from datetime import date, timedelta

import pytest

from inventory.freshness import report_status, vendor_freshness

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    "days_old, status",
    [(0, "current"), (1, "yesterday"), (2, "stale"), (6, "stale"), (7, "very_stale"), (30, "very_stale")],
)
def test_vendor_freshness_bands(days_old, status):
    result = vendor_freshness(TODAY - timedelta(days=days_old), TODAY)
    assert result.freshness_status == status
    assert result.days_old == days_old
    assert result.latest_date == (TODAY - timedelta(days=days_old)).isoformat()


def test_no_data():
    result = vendor_freshness(None, TODAY)
    assert result.freshness_status == "no_data"
    assert result.days_old is None and result.latest_date is None


def test_thresholds_are_settings(settings):
    settings.ESINV_FRESHNESS_STALE_DAYS = 4
    assert vendor_freshness(TODAY - timedelta(days=3), TODAY).freshness_status == "yesterday"


@pytest.mark.parametrize("days_old, status", [(0, "current"), (1, "current"), (2, "stale_data"), (9, "stale_data")])
def test_report_status(days_old, status):
    assert report_status(TODAY - timedelta(days=days_old), TODAY)["status"] == status


def test_report_out_of_sync_when_no_common_date():
    assert report_status(None, TODAY)["status"] == "out_of_sync"
