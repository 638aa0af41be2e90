from __future__ import annotations

from django import template
from django.utils.dates import WEEKDAYS
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def minutes_as_text(minutes: float | int | None) -> str:
    """240 -> "4 hours", 90 -> "90 minutes", 2880 -> "48 hours": what a person reads quickly."""
    if minutes is None:
        return "—"
    minutes = round(minutes)
    if minutes < 60 or minutes % 60:
        return ngettext("%(count)s minute", "%(count)s minutes", minutes) % {"count": minutes}
    hours = minutes // 60
    return ngettext("%(count)s hour", "%(count)s hours", hours) % {"count": hours}


@register.filter
def weekday_name(day: int) -> str:
    return str(WEEKDAYS[int(day)])
