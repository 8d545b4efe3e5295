"""The Viewers group (read-only inventory access for non-staff accounts) and the failed sign-in table."""
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def create_viewer_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name=settings.ESINV_VIEWER_GROUP)


class Migration(migrations.Migration):
    dependencies = [
        ("esinv", "0002_cache_table"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuthFailure",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("address", models.CharField(help_text="Client address the attempt came from.", max_length=64)),
                ("at", models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                ("kind", models.CharField(choices=[("password", "Password sign-in"), ("api_key", "API key")],
                                          max_length=20)),
                ("username", models.CharField(blank=True, help_text="Name tried (password sign-ins only).",
                                              max_length=150)),
            ],
            options={
                "verbose_name": "failed sign-in",
                "ordering": ["-at"],
                "indexes": [models.Index(fields=["address", "at"], name="esinv_authfail_addr_at")],
            },
        ),
        migrations.RunPython(create_viewer_group, migrations.RunPython.noop),
    ]
