from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from everyweek.servicedesk import digest, services


class Command(BaseCommand):
    help = (
        "Flag internal requests acknowledged late and send last week's digests that are due. "
        "Safe to run from cron every few minutes."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        flagged = services.flag_acknowledgement_breaches()
        sent = digest.send_weekly_digests()
        self.stdout.write(f"flagged={flagged} digests={sent}")
