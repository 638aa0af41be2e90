from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScorecardsConfig(AppConfig):
    name = "everyweek.scorecards"
    label = "scorecards"
    verbose_name = _("Scorecards")

    def ready(self) -> None:
        from everyweek.core import home
        from everyweek.scorecards import signals, views

        signals.connect()
        home.register(home.Panel("scorecards/home_panel.html", views.home_panel, order=30))
