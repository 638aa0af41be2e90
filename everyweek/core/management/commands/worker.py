from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV

from everyweek.core import schedule


class Command(BaseCommand):
    help = (
        "Run background tasks from the configured queue: the database by default "
        "(django-tasks-db's db_worker), or Redis with EVERYWEEK_TASK_BACKEND=rq (django-rq's "
        "rqworker). Start as many workers, on as many machines, as the load needs. Each also "
        "runs the periodic jobs' scheduler in a thread (--no-scheduler to leave it out); a due "
        "job runs once however many workers there are."
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
        parser.add_argument(
            "--no-scheduler",
            action="store_true",
            help="Only run tasks; leave the periodic jobs to other processes.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        queues = [q for q in options["queue"].split(",") if q]
        verbosity = options["verbosity"]
        reload = settings.DEBUG and not options["batch"]
        scheduling = not options["no_scheduler"] and not options["batch"]
        if settings.TASK_BACKEND == "rq":
            # rqworker forks a process per task, which a thread must not be part of: the
            # scheduler runs as a sibling process instead, stopped with the worker.
            sibling = None
            if scheduling:
                sibling = subprocess.Popen([sys.executable, "-m", "everyweek.cli", "scheduler"])
            try:
                self.rq_worker(queues, options["batch"], verbosity)
            finally:
                if sibling is not None:
                    sibling.terminate()
                    sibling.wait(timeout=30)
            return
        # With the autoreloader the command runs again in a child process: only that one schedules.
        if scheduling and not (reload and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"):
            schedule.Scheduler().start_thread()
        call_command(
            "db_worker",
            queue_name=",".join(queues),
            batch=options["batch"],
            # A batch run is a one-off: no random start-up pause, no autoreloader.
            startup_delay=not options["batch"],
            reload=reload,
            verbosity=verbosity,
        )

    def rq_worker(self, queues: list[str], batch: bool, verbosity: int) -> None:
        # django-tasks-rq needs its own Job class to run django.tasks functions.
        call_command(
            "rqworker",
            *queues,
            burst=batch,
            with_scheduler=True,
            job_class="django_tasks_rq.Job",
            verbosity=verbosity,
        )
