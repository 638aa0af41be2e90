from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Run background tasks from the configured queue: the database by default "
        "(django-tasks-db's db_worker), or Redis with EVERYWEEK_TASK_BACKEND=rq (django-rq's "
        "rqworker). Start as many workers, on as many machines, as the load needs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--queue",
            default="default",
            help="Queue to work on; several separated by commas (default: %(default)s).",
        )
        parser.add_argument(
            "--batch", action="store_true", help="Run what is queued now, then stop."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        queues = [q for q in options["queue"].split(",") if q]
        verbosity = options["verbosity"]
        if settings.TASK_BACKEND == "rq":
            # django-tasks-rq needs its own Job class to run django.tasks functions.
            call_command(
                "rqworker",
                *queues,
                burst=options["batch"],
                with_scheduler=True,
                job_class="django_tasks_rq.Job",
                verbosity=verbosity,
            )
        else:
            call_command(
                "db_worker",
                queue_name=",".join(queues),
                batch=options["batch"],
                # A batch run is a one-off: no random start-up pause, no autoreloader.
                startup_delay=not options["batch"],
                reload=settings.DEBUG and not options["batch"],
                verbosity=verbosity,
            )
