from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from everyweek.demo import generator


class Command(BaseCommand):
    help = "Migrate, load the generated demo organisation (once) and serve it on 127.0.0.1:8000."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8000")
        parser.add_argument("--seed", type=int, default=generator.DEFAULT_SEED)
        parser.add_argument("--no-serve", action="store_true", help="Load the data and stop.")
        parser.add_argument(
            "--days", type=int, default=365, help="How many days of activity to generate."
        )
        parser.add_argument(
            "--reset", action="store_true", help="Delete generated data and load it again."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        if options["reset"]:
            generator.delete_generated()
        if generator.is_loaded():
            self.stdout.write(_("The demo organisation is already loaded."))
        else:
            self.stdout.write(_("Generating the demo organisation…"))
            summary = generator.generate(seed=options["seed"], days=options["days"])
            self.stdout.write(self.style.SUCCESS(summary.describe()))
        self.stdout.write("\n" + _("Demo sign-ins (every account is generated):"))
        for role, email in generator.demo_logins():
            password = _("password: %(password)s") % {"password": generator.DEMO_PASSWORD}
            self.stdout.write(f"  {role:<10} {email:<40} {password}")
        if options["no_serve"]:
            return
        if not os.environ.get("EMAIL_HOST"):
            # No mail server configured: the demo writes emails to files (and the outbox shows them).
            os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.filebased.EmailBackend"
        # Background tasks (emails) run in a worker beside the web server; Ctrl+C stops both.
        subprocess.Popen([sys.executable, "-m", "everyweek.cli", "worker"], env=os.environ.copy())
        url = f"http://{options['bind']}/"
        self.stdout.write("\n" + _("Open %(url)s  (Ctrl+C to stop)") % {"url": url} + "\n")
        call_command("serve", bind=options["bind"], workers=2, threads=4)
