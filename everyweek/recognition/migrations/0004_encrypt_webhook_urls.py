"""Incoming-webhook URLs are stored encrypted (core/crypto.py); those already stored are too."""

import everyweek.core.crypto
from django.db import migrations


def encrypt_stored(apps, schema_editor):
    model = apps.get_model("recognition", "RecognitionSettings")
    for name in ("slack_webhook_url", "teams_webhook_url"):
        everyweek.core.crypto.rotate_column(model, name)


class Migration(migrations.Migration):

    dependencies = [
        ('recognition', '0003_top_performers_metric_goals'),
    ]

    operations = [
        migrations.AlterField(
            model_name='recognitionsettings',
            name='slack_webhook_url',
            field=everyweek.core.crypto.EncryptedURLField(blank=True, max_length=1000, verbose_name='Slack incoming webhook'),
        ),
        migrations.AlterField(
            model_name='recognitionsettings',
            name='teams_webhook_url',
            field=everyweek.core.crypto.EncryptedURLField(blank=True, max_length=1000, verbose_name='Microsoft Teams incoming webhook'),
        ),
        migrations.RunPython(encrypt_stored, migrations.RunPython.noop),
    ]
