from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalysisConfig(AppConfig):
    name = "everyweek.analysis"
    label = "analysis"
    verbose_name = _("Text analysis")

    def ready(self) -> None:
        from everyweek.analysis.selectors import rising_customer_topics
        from everyweek.servicedesk import digest

        # Customer topics join the internal requests in each team's weekly digest.
        digest.register_topic_source(rising_customer_topics)
