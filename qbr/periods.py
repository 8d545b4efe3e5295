"""Month (`YYYY-MM`) and quarter (`YYYY-Qn`) periods: parsing and arithmetic.

Plain functions; the views turn `ValueError` into a 400 naming the field.
"""
import calendar
import re
from dataclasses import dataclass
from datetime import date

_MONTH = re.compile(r"^([0-9]{4})-([0-9]{2})$")
_QUARTER = re.compile(r"^([0-9]{4})-Q([0-9])$", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    def __str__(self):
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def quarter(self) -> "Quarter":
        return Quarter(self.year, (self.month - 1) // 3 + 1)

    def previous(self) -> "Month":
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)

    @classmethod
    def of(cls, day: date) -> "Month":
        return cls(day.year, day.month)


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    def __str__(self):
        return f"{self.year:04d}-Q{self.number}"

    @property
    def months(self) -> list[Month]:
        first = (self.number - 1) * 3 + 1
        return [Month(self.year, m) for m in range(first, first + 3)]


def parse_month(text: str) -> Month:
    """`2025-11` -> Month(2025, 11); anything else raises ValueError."""
    match = _MONTH.match((text or "").strip())
    if not match:
        raise ValueError(f"{text!r} is not a month; use YYYY-MM (e.g. 2025-11).")
    year, month = int(match.group(1)), int(match.group(2))
    if year < 1900:
        raise ValueError(f"{text!r} is not a month; the year must be 1900 or later.")
    if not 1 <= month <= 12:
        raise ValueError(f"{text!r} is not a month; the month must be 01-12.")
    return Month(year, month)


# Hand-entered values (the manual metrics endpoint and the admin) are for months from this one...
EARLIEST_MANUAL_MONTH = Month(2000, 1)


def manual_months(today: date) -> tuple[Month, Month]:
    """(first, last) month a hand-entered value may be for: 2000-01 to December of next year (a QBR of the
    coming year prepared ahead). 9999-12 or 1900-01 is a typing slip that would sort before every real month."""
    return EARLIEST_MANUAL_MONTH, Month(today.year + 1, 12)


def manual_month_problem(month: Month, today: date) -> str | None:
    """Why a hand-entered value may not be for `month`, or None."""
    first, last = manual_months(today)
    if not first <= month <= last:
        return f"{month} is outside the months a value may be entered for: {first} to {last}."
    return None


def parse_quarter(text: str) -> Quarter:
    """`2025-Q4` (or `2025-q4`) -> Quarter(2025, 4); anything else raises ValueError."""
    match = _QUARTER.match((text or "").strip())
    if not match:
        raise ValueError(f"{text!r} is not a quarter; use YYYY-Qn (e.g. 2025-Q4).")
    year, number = int(match.group(1)), int(match.group(2))
    if year < 1900:
        raise ValueError(f"{text!r} is not a quarter; the year must be 1900 or later.")
    if not 1 <= number <= 4:
        raise ValueError(f"{text!r} is not a quarter; n must be 1-4.")
    return Quarter(year, number)
