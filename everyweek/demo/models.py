from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class GeneratedObject(models.Model):
    """One row the demo generator created in a model that has no `is_generated` flag.

    People and customers carry their own flag; everything else the generator makes
    (departments, teams, partners, and whatever later domains add) is listed here so
    `delete_generated()` removes exactly that and never an organisation's real records.
    """

    content_type = models.ForeignKey(
        ContentType, verbose_name=_("object type"), on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(_("object id"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("generated object")
        verbose_name_plural = _("generated objects")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="demo_generated_object_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.content_type.model} #{self.object_id}"
