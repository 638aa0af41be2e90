"""Secrets stored in the database are encrypted at rest and survive a key rotation."""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core import checks
from django.core.management import CommandError, call_command
from django.db import connection

from everyweek.core import crypto
from everyweek.integrations.models import Integration
from everyweek.integrations.services import create_integration

SECRET = "whsec_top-secret-value"


def raw_secret(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM integrations_integration WHERE id = %s", [pk])
        return str(cursor.fetchone()[0])


def make(name: str = "Typeform") -> Integration:
    integration, _token = create_integration(
        actor=None, vendor="typeform", name=name, secret=SECRET
    )
    return integration


@pytest.mark.django_db
def test_the_column_holds_ciphertext_and_the_model_the_plain_secret() -> None:
    integration = make()
    stored = raw_secret(integration.pk)
    assert stored.startswith(crypto.PREFIX)
    assert SECRET not in stored
    assert Integration.objects.get(pk=integration.pk).secret == SECRET


@pytest.mark.django_db
def test_a_secret_stored_before_encryption_is_read_and_then_encrypted(capsys: Any) -> None:
    integration = make()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE integrations_integration SET secret = %s WHERE id = %s",
            [SECRET, integration.pk],
        )
    assert Integration.objects.get(pk=integration.pk).secret == SECRET
    call_command("rotate_secrets")
    assert raw_secret(integration.pk).startswith(crypto.PREFIX)
    assert Integration.objects.get(pk=integration.pk).secret == SECRET


@pytest.mark.django_db
def test_rotation_keeps_secrets_readable_and_drops_the_old_key(settings: Any) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.EVERYWEEK_SECRETS_KEYS = [old]
    integration = make()
    under_old = raw_secret(integration.pk)

    settings.EVERYWEEK_SECRETS_KEYS = [new, old]  # new key first, old still accepted
    assert Integration.objects.get(pk=integration.pk).secret == SECRET
    call_command("rotate_secrets")
    assert raw_secret(integration.pk) != under_old

    settings.EVERYWEEK_SECRETS_KEYS = [new]  # the old key is gone
    assert Integration.objects.get(pk=integration.pk).secret == SECRET


@pytest.mark.django_db
def test_a_secret_under_an_unknown_key_reads_empty_and_is_never_overwritten(
    settings: Any,
) -> None:
    settings.EVERYWEEK_SECRETS_KEYS = [Fernet.generate_key().decode()]
    integration = make()
    before = raw_secret(integration.pk)

    settings.EVERYWEEK_SECRETS_KEYS = [Fernet.generate_key().decode()]
    # The webhook then refuses as with no secret at all, and the list page still opens.
    assert Integration.objects.get(pk=integration.pk).secret == ""
    with pytest.raises(CommandError, match="could not be decrypted"):
        call_command("rotate_secrets")
    assert raw_secret(integration.pk) == before


def test_system_checks_refuse_a_bad_key_and_warn_without_one_in_production(
    settings: Any,
) -> None:
    from everyweek.core.checks import secrets_key

    settings.EVERYWEEK_SECRETS_KEYS = ["not-a-key"]
    assert [m.id for m in secrets_key()] == ["everyweek.E001"]
    settings.EVERYWEEK_SECRETS_KEYS = []
    settings.ENVIRONMENT = "production"
    messages = secrets_key()
    assert [m.id for m in messages] == ["everyweek.W001"]
    assert messages[0].level == checks.WARNING
    settings.ENVIRONMENT = "demo"
    assert secrets_key() == []


def test_new_key_prints_a_usable_key(capsys: Any) -> None:
    call_command("rotate_secrets", "--new-key")
    assert crypto.valid_key(capsys.readouterr().out.strip())


@pytest.mark.django_db
def test_setting_a_key_for_the_first_time_is_a_rotation(settings: Any) -> None:
    settings.EVERYWEEK_SECRETS_KEYS = []
    integration = make()
    settings.EVERYWEEK_SECRETS_KEYS = [Fernet.generate_key().decode()]
    assert Integration.objects.get(pk=integration.pk).secret == SECRET  # derived key, last
    call_command("rotate_secrets")
    settings.SECRET_KEY = "a-different-secret-key-now"  # the derived key is gone too
    assert Integration.objects.get(pk=integration.pk).secret == SECRET


@pytest.mark.django_db
def test_incoming_webhook_urls_are_encrypted_too() -> None:
    from everyweek.recognition.models import RecognitionSettings

    url = "https://hooks.slack.com/services/T000/B000/XXXXSECRET"
    config = RecognitionSettings.objects.create(slack_webhook_url=url)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT slack_webhook_url FROM recognition_recognitionsettings WHERE id = %s",
            [config.pk],
        )
        stored = cursor.fetchone()[0]
    assert stored.startswith(crypto.PREFIX) and "XXXXSECRET" not in stored
    assert RecognitionSettings.objects.get(pk=config.pk).slack_webhook_url == url
    assert ("recognition.RecognitionSettings", "slack_webhook_url") in {
        (m._meta.label, name) for m, name in crypto.encrypted_fields()
    }
