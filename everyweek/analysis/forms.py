from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from everyweek.analysis.models import LabelKind, Sentiment, TopicDefinition

FOUND_CHOICES = [
    ("", _("Praise or complaint")),
    ("praise", _("Praise")),
    ("complaint", _("Complaint")),
    ("all", _("Every analysed comment")),
]


class AnalysisFilterForm(forms.Form):
    found = forms.ChoiceField(label=_("Found"), choices=FOUND_CHOICES, required=False)
    language = forms.CharField(label=_("Language"), max_length=10, required=False)
    topic = forms.ChoiceField(label=_("Topic"), required=False)
    sentiment = forms.ChoiceField(
        label=_("Sentiment"), choices=[("", _("Any")), *Sentiment.choices], required=False
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["topic"].choices = [  # type: ignore[attr-defined]
            ("", _("Any")),
            *((t.key, t.name()) for t in TopicDefinition.objects.all()),
        ]


class CorrectionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Label"), choices=LabelKind.choices)
    value = forms.CharField(label=_("Corrected value"), max_length=20)
    topic = forms.SlugField(label=_("Topic"), max_length=40, required=False)
