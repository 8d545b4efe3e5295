"""Daily collection schedules for NinjaOne and ThreatLocker (edit them in the admin: Django Q > Scheduled tasks)."""
from django.db import migrations


def create(apps, schema_editor):
    from collectors.schedules import ensure_daily_schedules

    ensure_daily_schedules(apps.get_model("django_q", "Schedule"))


def remove(apps, schema_editor):
    from collectors.schedules import DAILY_COLLECTORS, schedule_name

    apps.get_model("django_q", "Schedule").objects.filter(
        name__in=[schedule_name(c) for c in DAILY_COLLECTORS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("collectors", "0001_initial"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]
    operations = [migrations.RunPython(create, remove)]
