"""django-q2 task entry points of the inventory app (Windows 11's are in inventory.windows11.tasks)."""
from django.conf import settings
from django.utils import timezone

from inventory.retention import prune_snapshots

PRUNE_SCHEDULE_NAME = "prune snapshots (weekly)"
PRUNE_SCHEDULE_FUNC = "inventory.tasks.prune_old_snapshots"


def prune_old_snapshots() -> dict:
    """Run by the weekly schedule: apply ESINV_SNAPSHOT_RETENTION_DAYS."""
    return prune_snapshots(timezone.localdate(), settings.ESINV_SNAPSHOT_RETENTION_DAYS)
