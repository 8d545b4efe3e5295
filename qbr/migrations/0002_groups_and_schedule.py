"""The QBR reader/editor groups and the monthly collection schedule (idempotent)."""
from django.conf import settings
from django.db import migrations


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in (settings.QBR_READER_GROUP, settings.QBR_EDITOR_GROUP):
        Group.objects.get_or_create(name=name)
    from qbr.schedules import ensure_schedule

    ensure_schedule(apps.get_model("django_q", "Schedule"))


class Migration(migrations.Migration):
    dependencies = [
        ("qbr", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
