from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ListeningConfig(AppConfig):
    name = "everyweek.listening"
    label = "listening"
    verbose_name = _("Listening")

    def ready(self) -> None:
        from everyweek.core import home
        from everyweek.listening.panels import listening_panel

        home.register(home.Panel("listening/panel.html", listening_panel, order=40))
