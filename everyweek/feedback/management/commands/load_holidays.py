from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from everyweek.feedback.calendars import HolidayError, create_calendar, load_holidays
from everyweek.feedback.models import BusinessCalendar


class Command(BaseCommand):
    help = (
        "Add a country's public holidays to a business calendar, from the data shipped with the "
        "`holidays` package (no network). Dates already on the calendar are kept as they are."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--calendar", required=True, help="the calendar's name")
        parser.add_argument("--country", help="ISO 3166 code, e.g. IT; default: the calendar's")
        parser.add_argument("--subdiv", help="a region, e.g. BY for Bavaria with --country DE")
        parser.add_argument("--years", type=int, nargs="+", required=True)
        parser.add_argument("--language", help="holiday names in this language, e.g. en_US")
        parser.add_argument(
            "--create",
            action="store_true",
            help="create the calendar (Monday-Friday 09:00-17:00) if it does not exist",
        )
        parser.add_argument("--time-zone", default="UTC", help="for a calendar created here")

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["calendar"]
        calendar = BusinessCalendar.objects.filter(name=name).first()
        if calendar is None:
            if not options["create"]:
                raise CommandError(f"There is no business calendar named {name!r} (add --create).")
            try:
                calendar = create_calendar(
                    name, time_zone=options["time_zone"], country=options["country"] or ""
                )
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from exc
        country = options["country"] or calendar.country
        if not country:
            raise CommandError("Give --country: the calendar has no country.")
        try:
            result = load_holidays(
                calendar,
                country,
                options["years"],
                subdiv=options["subdiv"],
                language=options["language"],
            )
        except HolidayError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{calendar.name}: {result.created} holidays added, {result.kept} already there."
        )
