"""When the Windows 11 assessment runs after a NinjaOne collection: one pending django-q2 schedule.

The NinjaOne collector names `schedule_windows11_assessment` as its success hook (collectors/registry.py);
see docs/windows11.md, "When it runs".
"""
import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

log = logging.getLogger(__name__)

WINDOWS11_FUNC = "inventory.windows11.tasks.assess_windows11"
WINDOWS11_SCHEDULE_NAME = "windows11-after-ninja"


def schedule_windows11_assessment(job=None, *, now=None):
    """One pending one-off django-q2 schedule of the Windows 11 assessment,
    ESINV_WIN11_DELAY_MINUTES from now. A newer NinjaOne collection moves the
    pending one later instead of adding a second. `job` is the collector job that
    just succeeded (unused: any NinjaOne collection moves the schedule)."""
    from django_q.models import Schedule

    next_run = (now or timezone.now()) + timedelta(minutes=settings.ESINV_WIN11_DELAY_MINUTES)
    with transaction.atomic():
        pending = list(
            Schedule.objects.select_for_update().filter(func=WINDOWS11_FUNC, schedule_type=Schedule.ONCE)
            .exclude(repeats=0).order_by("id")
        )
        if pending:
            schedule = pending[0]
            Schedule.objects.filter(pk__in=[s.pk for s in pending[1:]]).delete()
            schedule.next_run = next_run
            schedule.save(update_fields=["next_run"])
        else:
            schedule = Schedule.objects.create(
                name=WINDOWS11_SCHEDULE_NAME, func=WINDOWS11_FUNC, schedule_type=Schedule.ONCE, repeats=-1,
                next_run=next_run,
            )
    log.info("Windows 11 assessment scheduled for %s", next_run.isoformat())
    return schedule
