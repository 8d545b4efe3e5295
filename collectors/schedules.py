"""The collectors' django-q2 schedules (`Schedule` rows, editable in the admin afterwards).

- `collect-daily`: ONE batch a day collecting every inventory vendor (and ConnectWise once configured), so
  reconciliation runs once, after both vendors' days are in.
- `collectors-cleanup-stale`: every CLEANUP_EVERY_MINUTES, fails jobs nobody runs any more and releases their
  batch (reads never do it).
"""
from datetime import UTC, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

SCHEDULE_FUNC = "collectors.tasks.scheduled_collection"
DAILY_NAME = "collect-daily"
DAILY_COLLECTORS = ("ninja", "threatlocker")
CLEANUP_FUNC = "collectors.tasks.cleanup_stale_jobs"
CLEANUP_NAME = "collectors-cleanup-stale"
CLEANUP_EVERY_MINUTES = 2
# The per-vendor daily schedules of migration 0002, replaced by `collect-daily`.
OLD_DAILY_NAMES = ("collect-ninja-daily", "collect-threatlocker-daily", "collect-connectwise-daily")


def daily_collectors() -> tuple[str, ...]:
    """The inventory collectors always; ConnectWise once it is configured (its month rule suits a daily run);
    any registered collector whose `daily_when` predicate answers True (Microsoft 365 once its app is set)."""
    from collectors import registry

    extra = ("connectwise",) if getattr(settings, "CONNECTWISE_BASE_URL", "") else ()
    registered = tuple(spec.name for spec in registry.all_specs()
                       if spec.name not in DAILY_COLLECTORS + extra and spec.runs_daily())
    return DAILY_COLLECTORS + extra + registered


def next_daily_run(at: str, now=None) -> datetime:
    """The next `HH:MM` (UTC) after now."""
    now = now or timezone.now()
    hour, minute = (int(part) for part in at.split(":", 1))
    candidate = datetime.combine(now.astimezone(UTC).date(), time(hour, minute), tzinfo=UTC)
    return candidate if candidate > now else candidate + timedelta(days=1)


def ensure_daily_schedules(schedule_model=None, *, at: str | None = None, now=None) -> list[str]:
    """Create the daily batch and the stale-job cleanup unless a schedule with its name exists; returns the
    names created. Existing schedules are left alone: staff may have changed their time in the admin."""
    if schedule_model is None:
        from django_q.models import Schedule as schedule_model
    created = []
    if not schedule_model.objects.filter(name=DAILY_NAME).exists():
        schedule_model.objects.create(
            name=DAILY_NAME, func=SCHEDULE_FUNC, args="", schedule_type="D", repeats=-1,
            next_run=next_daily_run(at or settings.COLLECTORS_DAILY_TIME, now),
        )
        created.append(DAILY_NAME)
    if not schedule_model.objects.filter(name=CLEANUP_NAME).exists():
        schedule_model.objects.create(
            name=CLEANUP_NAME, func=CLEANUP_FUNC, schedule_type="I", minutes=CLEANUP_EVERY_MINUTES, repeats=-1,
            next_run=(now or timezone.now()) + timedelta(minutes=CLEANUP_EVERY_MINUTES),
        )
        created.append(CLEANUP_NAME)
    return created


def replace_per_vendor_schedules(schedule_model, now=None) -> list[str]:
    """Migration step: drop the per-vendor daily schedules, keeping the earliest time staff gave them for the
    single daily batch; then create the missing schedules."""
    old = schedule_model.objects.filter(name__in=OLD_DAILY_NAMES)
    first = old.order_by("next_run").values_list("next_run", flat=True).first()
    old.delete()
    at = f"{first.astimezone(UTC):%H:%M}" if first else None
    return ensure_daily_schedules(schedule_model, at=at, now=now)
