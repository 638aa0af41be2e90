from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "everyweek.people"
    label = "people"
    verbose_name = _("People and organisation")

    def ready(self) -> None:
        from everyweek.people import signals  # noqa: F401
