"""The daily collection schedules (django-q2 `Schedule` rows, editable in the admin afterwards)."""
from datetime import UTC, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

SCHEDULE_FUNC = "collectors.tasks.scheduled_collection"
DAILY_COLLECTORS = ("ninja", "threatlocker")


def daily_collectors() -> tuple[str, ...]:
    """The inventory collectors always; ConnectWise once it is configured (its month rule suits a daily run)."""
    extra = ("connectwise",) if getattr(settings, "CONNECTWISE_BASE_URL", "") else ()
    return DAILY_COLLECTORS + extra


def schedule_name(collector: str) -> str:
    return f"collect-{collector}-daily"


def next_daily_run(at: str, now=None) -> datetime:
    """The next `HH:MM` (UTC) after now."""
    now = now or timezone.now()
    hour, minute = (int(part) for part in at.split(":", 1))
    candidate = datetime.combine(now.astimezone(UTC).date(), time(hour, minute), tzinfo=UTC)
    return candidate if candidate > now else candidate + timedelta(days=1)


def ensure_daily_schedules(schedule_model=None, *, at: str | None = None, now=None) -> list[str]:
    """Create each collector's daily schedule unless one with its name exists; returns the names created.

    Existing schedules are left alone: staff may have changed their time in the admin.
    """
    if schedule_model is None:
        from django_q.models import Schedule as schedule_model
    created = []
    when = next_daily_run(at or settings.COLLECTORS_DAILY_TIME, now)
    for collector in daily_collectors():
        name = schedule_name(collector)
        if schedule_model.objects.filter(name=name).exists():
            continue
        schedule_model.objects.create(
            name=name, func=SCHEDULE_FUNC, args=repr(collector), schedule_type="D", repeats=-1, next_run=when,
        )
        created.append(name)
    return created
