"""Signing secrets are stored encrypted (core/crypto.py); the plain ones already stored are too."""

import everyweek.core.crypto
from django.db import migrations


def encrypt_stored(apps, schema_editor):
    everyweek.core.crypto.rotate_column(apps.get_model("integrations", "Integration"), "secret")


class Migration(migrations.Migration):

    dependencies = [
        ('integrations', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='integration',
            name='secret',
            field=everyweek.core.crypto.EncryptedCharField(blank=True, max_length=1024, verbose_name='signing secret'),
        ),
        migrations.RunPython(encrypt_stored, migrations.RunPython.noop),
    ]
