"""When a vendor's day may replace the stored one: plain rules, no HTTP, no database.

A day is accepted only when it is complete (the rows read equal the total the
vendor reports, where it reports one) and when it does not fall by more than
COLLECTORS_MAX_DROP_PERCENT below the vendor's previous day, unless staff
confirmed the drop. A refused day fails its job with `DayRefused`; nothing is
written, so the previous day and the open exceptions stay as they were.
"""
from datetime import date

from collectors.clients.base import VendorError


class DayRefused(VendorError):
    """The fetch succeeded but its result must not replace the stored day."""

    def __init__(self, vendor: str, reason: str):
        self.vendor, self.call, self.cause, self.status = vendor, "check", reason, None
        Exception.__init__(self, reason)


class IncompleteDay(DayRefused):
    """Fewer rows than the vendor said it has."""


class SuddenDrop(DayRefused):
    """Far fewer devices than the vendor's previous day."""


def incomplete_message(vendor: str, noun: str, read: int, total: int) -> str | None:
    """Why a listing of `read` rows is not the vendor's reported `total`; None when it is complete."""
    if read == total:
        return None
    return (f"{vendor} returned {read:,} of {total:,} {noun} (a page came back short or the listing changed); "
            "the day was not accepted and the previous data is kept")


def drop_message(vendor: str, noun: str, count: int, previous: int | None, previous_day: date | None,
                 max_percent: float) -> str | None:
    """Why `count` is a suspicious fall from `previous`; None when it is within `max_percent`."""
    if not previous or count >= previous:
        return None
    fall = 100.0 * (previous - count) / previous
    if fall <= max_percent:
        return None
    return (f"{vendor} returned {count:,} {noun}, {fall:.0f}% fewer than the {previous:,} of {previous_day} "
            f"(more than the {max_percent:g}% allowed by COLLECTORS_MAX_DROP_PERCENT); the day was not accepted. "
            "If the drop is real, re-run accepting the drop (collect --confirm-drop, confirm_drop in the API, "
            "or the admin action).")
