from __future__ import annotations

import os
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser


def default_threads() -> str:
    """Threads per worker: 4 for PostgreSQL (a thread waiting on the database lets another
    run), 1 for SQLite, whose requests never wait on the network and whose writers queue for
    one lock: more threads there only add lock waits (p99 of survey answers 330 ms with 1
    thread, 1.4 s with 4, same throughput; docs/benchmarks.md)."""
    engine = str(settings.DATABASES["default"]["ENGINE"])
    return "1" if engine.endswith("sqlite3") else "4"


class Command(BaseCommand):
    help = "Serve everyweek with gunicorn; static files are served by whitenoise."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", "2")))
        parser.add_argument(
            "--threads", type=int, default=int(os.environ.get("WEB_THREADS", default_threads()))
        )
        parser.add_argument("--no-collectstatic", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.ENVIRONMENT == "production" and not os.environ.get("SECRET_KEY"):
            raise CommandError("Set SECRET_KEY in the environment before serving in production.")
        if not options["no_collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "everyweek.wsgi:application",
            "--bind",
            options["bind"],
            "--workers",
            str(options["workers"]),
            "--threads",
            str(options["threads"]),
            "--access-logfile",
            "-",
            "--forwarded-allow-ips",
            os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
        ]
        self.stdout.write(f"Serving everyweek on http://{options['bind']}/")
        sys.stdout.flush()
        os.execv(sys.executable, argv)  # noqa: S606 - replace this process with gunicorn
