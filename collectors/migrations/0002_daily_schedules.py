"""Daily collection schedules for NinjaOne and ThreatLocker, one per vendor (as first shipped; migration 0004
replaces them by one daily batch)."""
from django.db import migrations

NAMES = {"ninja": "collect-ninja-daily", "threatlocker": "collect-threatlocker-daily"}


def create(apps, schema_editor):
    from django.conf import settings

    from collectors.schedules import next_daily_run

    schedule = apps.get_model("django_q", "Schedule")
    when = next_daily_run(settings.COLLECTORS_DAILY_TIME)
    for collector, name in NAMES.items():
        if not schedule.objects.filter(name=name).exists():
            schedule.objects.create(name=name, func="collectors.tasks.scheduled_collection", args=repr(collector),
                                    schedule_type="D", repeats=-1, next_run=when)


def remove(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name__in=list(NAMES.values())).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("collectors", "0001_initial"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]
    operations = [migrations.RunPython(create, remove)]
