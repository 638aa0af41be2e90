from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from everyweek.feedback.invitations import ensure_default_survey, ensure_recovery_survey


class Command(BaseCommand):
    help = (
        "Create the default survey and the recovery survey with their wording in English, "
        "Italian, German, Thai, Spanish and French. Existing wording is never overwritten."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        default = ensure_default_survey()
        recovery = ensure_recovery_survey()
        if options["verbosity"] > 0:
            self.stdout.write(
                f"Surveys ready: {default.name} (#{default.pk}), {recovery.name} (#{recovery.pk})."
            )
