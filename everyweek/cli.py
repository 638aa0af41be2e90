"""The `everyweek` console script: Django's management commands under one name.

everyweek demo      migrate, load the generated demo organisation, serve on 127.0.0.1:8000
everyweek serve     the production web server (gunicorn, static files by whitenoise)
everyweek worker    run background tasks
everyweek <any Django command>   e.g. migrate, createsuperuser, import_people
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "everyweek.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["everyweek", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
