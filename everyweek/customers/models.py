from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from everyweek.people.models import validate_time_zone


class Customer(models.Model):
    """A customer the organisation serves; surveys reach them in their own language."""

    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email address"), blank=True, db_index=True)
    company = models.CharField(_("company"), max_length=200, blank=True)
    # Any language code: customers may write in languages the staff interface does not offer.
    locale = models.CharField(_("language"), max_length=10, default="en")
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    is_generated = models.BooleanField(_("generated demo data"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")

    def __str__(self) -> str:
        return self.name
