from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceDeskConfig(AppConfig):
    name = "everyweek.servicedesk"
    label = "servicedesk"
    verbose_name = _("Internal service desk")

    def ready(self) -> None:
        from everyweek.core import home
        from everyweek.servicedesk.panels import servicedesk_panel

        home.register(home.Panel("servicedesk/panel.html", servicedesk_panel, order=45))
