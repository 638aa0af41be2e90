"""Re-encrypt every stored secret under the first EVERYWEEK_SECRETS_KEY (after adding a key)."""

from __future__ import annotations

from typing import Any

from cryptography.fernet import Fernet
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from everyweek.core import crypto


class Command(BaseCommand):
    help = (
        "Re-encrypt the secrets stored in the database under the first key of "
        "EVERYWEEK_SECRETS_KEY. To rotate: put a new key first, keep the old one after it, run "
        "this, then drop the old key."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--new-key", action="store_true", help="Print a new key and stop.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["new_key"]:
            self.stdout.write(Fernet.generate_key().decode())
            return
        done = unreadable = 0
        for model, name in crypto.encrypted_fields():
            with transaction.atomic():
                count, bad = crypto.rotate_column(model, name)
            done += count
            unreadable += len(bad)
            for pk in bad:
                self.stderr.write(f"{model._meta.label} {pk} {name}: not readable, left as it is")
        self.stdout.write(f"{done} secret(s) re-encrypted under the first key.")
        if unreadable:
            raise CommandError(
                f"{unreadable} secret(s) could not be decrypted: add the key they were written "
                "with to EVERYWEEK_SECRETS_KEY and run again."
            )
