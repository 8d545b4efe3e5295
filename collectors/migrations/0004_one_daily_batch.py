"""One daily batch for every inventory vendor (reconciled once) instead of one schedule per vendor, and the
stale-job cleanup on its own schedule (reads no longer clean). Edit them in the admin: Django Q > Scheduled
tasks."""
from django.db import migrations


def forward(apps, schema_editor):
    from collectors.schedules import replace_per_vendor_schedules

    replace_per_vendor_schedules(apps.get_model("django_q", "Schedule"))


def backward(apps, schema_editor):
    from collectors.schedules import CLEANUP_NAME, DAILY_NAME

    schedule = apps.get_model("django_q", "Schedule")
    daily = schedule.objects.filter(name=DAILY_NAME).first()
    for collector in ("ninja", "threatlocker"):
        if daily is not None:
            schedule.objects.get_or_create(name=f"collect-{collector}-daily", defaults={
                "func": daily.func, "args": repr(collector), "schedule_type": "D", "repeats": -1,
                "next_run": daily.next_run})
    schedule.objects.filter(name__in=[DAILY_NAME, CLEANUP_NAME]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("collectors", "0003_batch_confirm_drop"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]
    operations = [migrations.RunPython(forward, backward)]
