"""The daily digest's django-q2 schedule (created by migration 0002; edit it in the admin afterwards)."""
from datetime import UTC, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

DIGEST_SCHEDULE = "notifications-daily-digest"
DIGEST_FUNC = "notifications.digest.send_daily_digest"


def ensure_digest_schedule(schedule_model) -> None:
    if schedule_model.objects.filter(name=DIGEST_SCHEDULE).exists():
        return
    hour, minute = (int(part) for part in settings.NOTIFY_DIGEST_TIME.split(":"))
    now = timezone.now()
    first = datetime.combine(now.astimezone(UTC).date(), time(hour, minute), tzinfo=UTC)
    if first <= now:
        first += timedelta(days=1)
    schedule_model.objects.create(name=DIGEST_SCHEDULE, func=DIGEST_FUNC, schedule_type="D", repeats=-1,
                                  next_run=first)
