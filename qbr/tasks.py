"""django-q2 task entry points for QBR."""
from datetime import date

from django.utils import timezone

from qbr.periods import Month
from qbr.services import collect_month

SCHEDULE_NAME = "qbr: collect previous month"
SCHEDULE_FUNC = "qbr.tasks.collect_previous_month"


def collect_previous_month(today: date | None = None) -> dict:
    """Run by the monthly schedule: collect the month that just ended."""
    today = today or timezone.localdate()
    return collect_month(Month.of(today).previous())
