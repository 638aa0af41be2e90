from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from everyweek.recognition.services import send_praise_digests


class Command(BaseCommand):
    help = (
        "Email each leader the customer praise still waiting for their thanks. "
        "At most one digest per leader per day, so it is safe to run more than once."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_praise_digests()
        if options["verbosity"] > 0:
            self.stdout.write(f"{sent} digest(s) sent.")
