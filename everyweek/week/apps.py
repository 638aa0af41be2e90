from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WeekConfig(AppConfig):
    name = "everyweek.week"
    label = "week"
    verbose_name = _("Customer Service Week")

    def ready(self) -> None:
        from everyweek.core import home
        from everyweek.week import selectors

        home.register(home.Panel("week/panels/countdown.html", selectors.countdown_panel, 4))
