"""System checks run by `everyweek check` and at start-up: configuration mistakes said early."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

from everyweek.core import crypto


@checks.register(checks.Tags.security, deploy=False)
def secrets_key(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    keys = settings.EVERYWEEK_SECRETS_KEYS
    bad = [i + 1 for i, key in enumerate(keys) if not crypto.valid_key(key)]
    if bad:
        return [
            checks.Error(
                f"EVERYWEEK_SECRETS_KEY: key {', '.join(map(str, bad))} is not a Fernet key.",
                hint="Make one with: everyweek rotate_secrets --new-key",
                id="everyweek.E001",
            )
        ]
    if not keys and settings.ENVIRONMENT == "production":
        return [
            checks.Warning(
                "EVERYWEEK_SECRETS_KEY is not set: secrets stored in the database are encrypted "
                "with a key derived from SECRET_KEY, and changing SECRET_KEY makes them unreadable.",
                hint="Set EVERYWEEK_SECRETS_KEY (everyweek rotate_secrets --new-key makes one), "
                "then run everyweek rotate_secrets to re-encrypt what is stored.",
                id="everyweek.W001",
            )
        ]
    return []
