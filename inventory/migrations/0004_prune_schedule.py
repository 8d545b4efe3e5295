"""The weekly snapshot-pruning schedule (editable in the admin afterwards)."""
from datetime import timedelta

from django.db import migrations
from django.utils import timezone


def create(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    if not Schedule.objects.filter(name="prune snapshots (weekly)").exists():
        Schedule.objects.create(
            name="prune snapshots (weekly)", func="inventory.tasks.prune_old_snapshots", schedule_type="W",
            repeats=-1, next_run=(timezone.now() + timedelta(days=1)).replace(hour=3, minute=30, second=0, microsecond=0),
        )


def remove(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name="prune snapshots (weekly)").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0003_windows11"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]
    operations = [migrations.RunPython(create, remove)]
