"""API keys get a billing scope (review16 F22): without it a key may not use /api/billing/."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('esinv', '0003_viewer_group_and_auth_failures'),
    ]

    operations = [
        migrations.AddField(
            model_name='apikey',
            name='billing_scope',
            field=models.BooleanField(default=False, help_text='May use the billing API (/api/billing/: money, prices, exports; resolve and accept with write). Without it billing answers 403.', verbose_name='billing scope'),
        ),
    ]
