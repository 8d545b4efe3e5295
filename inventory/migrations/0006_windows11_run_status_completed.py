"""Windows 11 runs take the hub's one run-status vocabulary (esinv.choices.RunStatus): `success` becomes
`completed`, as collector batches and export jobs say. Reversible: going back renames `completed` to `success`."""

from django.db import migrations, models


def success_to_completed(apps, schema_editor):
    apps.get_model("inventory", "Windows11Run").objects.filter(status="success").update(status="completed")


def completed_to_success(apps, schema_editor):
    apps.get_model("inventory", "Windows11Run").objects.filter(status="completed").update(status="success")


class Migration(migrations.Migration):

    dependencies = [
        ('inventory', '0005_windows11_categories_and_microsoft_list'),
    ]

    operations = [
        migrations.AlterField(
            model_name='windows11run',
            name='status',
            field=models.CharField(choices=[('running', 'Running'), ('completed', 'Completed'), ('failed', 'Failed')], default='running', max_length=10),
        ),
        migrations.RunPython(success_to_completed, completed_to_success),
    ]
