"""everyweek textsense eval | retrain | rollback | status

eval      per language and label: macro-F1, precision, recall and throughput (scripts/eval_textsense.py)
retrain   fold leaders' corrections into the heads; before/after figures; the new model becomes active
rollback  make the previous model active again (the packaged one after the first retrain)
status    which model is active, and the versions kept
"""

from __future__ import annotations

import os
import runpy
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from everyweek.analysis import engine_state, services
from everyweek.analysis.models import ModelVersion
from everyweek.textsense import engine


class Command(BaseCommand):
    help = "Evaluate, retrain with the organisation's corrections, or roll back the text model."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        ev = sub.add_parser("eval", help="figures on the evaluation sets")
        ev.add_argument("--shared", help="folder with the public corpora (Wisesight, XLM-T)")
        ev.add_argument("--markdown", help="also write the tables to this file")
        rt = sub.add_parser("retrain", help="learn from leaders' corrections")
        rt.add_argument(
            "--base-per-lang",
            type=int,
            default=520,
            help="packaged training examples per language mixed with the corrections",
        )
        sub.add_parser("rollback", help="make the previous model active again")
        sub.add_parser("status", help="the active model and the versions kept")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "eval":
                self._eval(options)
            elif action == "retrain":
                self._retrain(options["base_per_lang"])
            elif action == "rollback":
                previous = services.rollback()
                self.stdout.write(
                    f"Active model: {previous.version if previous else 'the packaged model'}."
                )
            else:
                self._status()
        except services.AnalysisError as exc:
            raise CommandError(str(exc)) from exc

    def _eval(self, options: dict[str, Any]) -> None:
        script = Path(settings.BASE_DIR).parent / "scripts" / "eval_textsense.py"
        if not script.is_file():
            raise CommandError(f"{script} is not here: run the evaluation from a checkout.")
        engine_state.activate_model()
        active = engine_state.active_version()
        if active is not None:
            # The script loads models in a fresh process too; point it at the active one.
            os.environ["EVERYWEEK_TEXTSENSE_MODEL_DIR"] = active.path
        argv = [str(script)]
        if options.get("shared"):
            argv += ["--shared", options["shared"]]
        if options.get("markdown"):
            argv += ["--markdown", options["markdown"]]
        saved = sys.argv
        sys.argv = argv
        try:
            runpy.run_path(str(script), run_name="__main__")
        finally:
            sys.argv = saved

    def _retrain(self, per_lang: int) -> None:
        self.stdout.write("Retraining with the organisation's corrections…")
        result = services.retrain(base_examples_per_lang=per_lang)
        self.stdout.write(
            f"{result.examples} corrected comments; new model {result.version.version} "
            f"(from {result.version.base_version}) is active."
        )
        self.stdout.write("")
        self.stdout.write(
            "| lang | n | praise P | praise R | praise F1 | complaint P | complaint R | complaint F1 |"
        )
        self.stdout.write("|---|---|---|---|---|---|---|---|")
        for lang, before in result.before.items():
            after = result.after.get(lang, {})
            cells = [
                f"{before.get(k, 0):.3f} → {after.get(k, 0):.3f}"
                for k in (
                    "praise_precision",
                    "praise_recall",
                    "praise_f1",
                    "complaint_precision",
                    "complaint_recall",
                    "complaint_f1",
                )
            ]
            self.stdout.write(f"| {lang} | {int(before.get('n', 0))} | " + " | ".join(cells) + " |")
        self.stdout.write("")
        self.stdout.write("Roll back with: everyweek textsense rollback")

    def _status(self) -> None:
        engine_state.activate_model()
        self.stdout.write(f"Analysing with: {engine.analyse('').model_version}")
        for mv in ModelVersion.objects.all():
            mark = "*" if mv.is_active else " "
            self.stdout.write(f"{mark} {mv.version}  {mv.corrections} corrections  {mv.path}")
