"""Forms of the scorecards pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from everyweek.scorecards.services import SOURCE_MAX


class IngestForm(forms.Form):
    source = forms.CharField(
        label=_("Source"),
        max_length=SOURCE_MAX,
        help_text=_("The system the rows come from; external ids are unique within it."),
    )
    file = forms.FileField(label=_("CSV file"))
