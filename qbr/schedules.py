"""The monthly django-q2 schedule for QBR collection, created idempotently."""
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from qbr.tasks import SCHEDULE_FUNC, SCHEDULE_NAME


def next_run_after(now: datetime, day: int, hour: int) -> datetime:
    """The next `day` of a month at `hour` (UTC) strictly after `now`."""
    day = max(1, min(day, 28))
    candidate = now.replace(day=day, hour=hour, minute=0, second=0, microsecond=0)
    if candidate <= now:
        first_next = (now.replace(day=1) + timedelta(days=32)).replace(day=1)
        candidate = first_next.replace(day=day, hour=hour, minute=0, second=0, microsecond=0)
    return candidate


def ensure_schedule(schedule_model=None) -> object | None:
    """Create or update the monthly schedule (or remove it when QBR_SCHEDULE_ENABLED is off)."""
    if schedule_model is None:
        from django_q.models import Schedule as schedule_model
    if not settings.QBR_SCHEDULE_ENABLED:
        schedule_model.objects.filter(name=SCHEDULE_NAME).delete()
        return None
    schedule, created = schedule_model.objects.get_or_create(
        name=SCHEDULE_NAME,
        defaults={
            "func": SCHEDULE_FUNC,
            "schedule_type": "M",  # Schedule.MONTHLY
            "repeats": -1,
            "next_run": next_run_after(timezone.now(), settings.QBR_SCHEDULE_DAY, settings.QBR_SCHEDULE_HOUR),
        },
    )
    if not created and (schedule.func != SCHEDULE_FUNC or schedule.schedule_type != "M"):
        schedule.func, schedule.schedule_type = SCHEDULE_FUNC, "M"
        schedule.save(update_fields=["func", "schedule_type"])
    return schedule
