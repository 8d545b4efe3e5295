"""A daily schedule removing expired export files and failing stale export jobs."""
from datetime import timedelta

from django.db import migrations
from django.utils import timezone

NAME = "cleanup export files (daily)"


def create(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    if not Schedule.objects.filter(name=NAME).exists():
        Schedule.objects.create(
            name=NAME, func="variances.export_jobs.cleanup_exports", schedule_type="D", repeats=-1,
            next_run=(timezone.now() + timedelta(days=1)).replace(hour=4, minute=15, second=0, microsecond=0),
        )


def remove(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("variances", "0002_exportjob"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]
    operations = [migrations.RunPython(create, remove)]
