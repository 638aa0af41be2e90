from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecognitionConfig(AppConfig):
    name = "everyweek.recognition"
    label = "recognition"
    verbose_name = _("Recognition")

    def ready(self) -> None:
        from everyweek.core import home
        from everyweek.recognition import career_metrics, indices, panels, performers

        home.register(home.Panel("recognition/panels/praise_to_thank.html", panels.praise_panel, 5))
        home.register(home.Panel("recognition/panels/for_you.html", panels.for_you_panel, 6))
        career_metrics.register()
        indices.register_top_performer_source(performers.source)
