"""everyweek textsense eval | retrain | rollback | status

eval      per language and label: macro-F1, precision, recall and throughput
          (everyweek.textsense.engine.evaluation, as scripts/eval_textsense.py)
retrain   fold leaders' corrections into the heads; before/after figures; the new model becomes active
rollback  make the previous model active again (the packaged one after the first retrain)
status    which model is active, and the versions kept
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from everyweek.analysis import engine_state, services
from everyweek.analysis.models import ModelVersion
from everyweek.textsense import engine
from everyweek.textsense.engine.corpora import default_shared
from everyweek.textsense.engine.evaluation import evaluate


class Command(BaseCommand):
    help = "Evaluate, retrain with the organisation's corrections, or roll back the text model."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        ev = sub.add_parser("eval", help="figures on the evaluation sets")
        ev.add_argument("--shared", help="folder with the public corpora (Wisesight, XLM-T)")
        ev.add_argument("--markdown", help="also write the tables to this file")
        ev.add_argument(
            "--limit",
            type=int,
            help="at most this many texts per split and language (a quick look)",
        )
        ev.add_argument("--batch", type=int, default=256, help="batch size for the speed figures")
        ev.add_argument(
            "--speed-texts", type=int, default=2000, help="comments analysed for the speed figures"
        )
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
        engine_state.activate_model()
        shared = Path(options["shared"]) if options.get("shared") else default_shared()
        lines: list[str] = []

        def out(line: str) -> None:
            self.stdout.write(line)
            lines.append(line)

        evaluate(
            shared,
            out=out,
            limit=options.get("limit"),
            batch=options["batch"],
            speed_texts_n=options["speed_texts"],
        )
        if options.get("markdown"):
            Path(options["markdown"]).write_text("\n".join(lines) + "\n", encoding="utf-8")

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
