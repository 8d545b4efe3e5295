"""How old each vendor's data is, and whether a variance report can be trusted."""
from dataclasses import asdict, dataclass
from datetime import date

from django.conf import settings

from esinv.choices import ChoiceSet


class Freshness(ChoiceSet):
    CURRENT = "current"
    YESTERDAY = "yesterday"
    STALE = "stale"
    VERY_STALE = "very_stale"
    NO_DATA = "no_data"
    CHOICES = [
        (CURRENT, "Current", "green"),
        (YESTERDAY, "Yesterday", "green"),
        (STALE, "Stale", "yellow"),
        (VERY_STALE, "Very stale", "red"),
        (NO_DATA, "No data", "grey"),
    ]


class ReportStatus(ChoiceSet):
    CURRENT = "current"
    STALE_DATA = "stale_data"
    OUT_OF_SYNC = "out_of_sync"
    CHOICES = [
        (CURRENT, "Current", "green"),
        (STALE_DATA, "Stale data", "yellow"),
        (OUT_OF_SYNC, "Out of sync", "red"),
    ]


@dataclass(frozen=True)
class VendorFreshness:
    latest_date: str | None
    freshness_status: str
    freshness_message: str
    days_old: int | None

    def as_dict(self) -> dict:
        return asdict(self)


def vendor_freshness(latest: date | None, today: date) -> VendorFreshness:
    if latest is None:
        return VendorFreshness(None, Freshness.NO_DATA, "No data has been collected", None)
    days = (today - latest).days
    stale, very_stale = settings.ESINV_FRESHNESS_STALE_DAYS, settings.ESINV_FRESHNESS_VERY_STALE_DAYS
    if days <= 0:
        status, message = Freshness.CURRENT, "Data is current"
    elif days < stale:
        status, message = Freshness.YESTERDAY, "Data is from yesterday"
    elif days < very_stale:
        status, message = Freshness.STALE, f"Data is {days} days old"
    else:
        status, message = Freshness.VERY_STALE, f"Data is {days} days old; collection may be failing"
    return VendorFreshness(latest.isoformat(), status, message, max(days, 0))


def report_status(report_date: date | None, today: date) -> dict:
    """`data_status` of a variance report dated `report_date` (None: vendors share no date)."""
    if report_date is None:
        return {
            "status": ReportStatus.OUT_OF_SYNC,
            "message": "The vendors have no snapshot date in common",
            "latest_date": None,
        }
    days = (today - report_date).days
    if days <= settings.ESINV_REPORT_CURRENT_MAX_DAYS:
        status, message = ReportStatus.CURRENT, "Data is current"
    else:
        status, message = ReportStatus.STALE_DATA, f"Data is {days} days old"
    return {"status": status, "message": message, "latest_date": report_date.isoformat()}
