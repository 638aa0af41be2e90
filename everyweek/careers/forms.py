from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from everyweek.careers.models import CareerLevel, Skill

RATINGS = [(n, str(n)) for n in range(1, 6)]


class AssessForm(forms.Form):
    skill = forms.ModelChoiceField(label=_("Skill"), queryset=Skill.objects.all())
    rating = forms.TypedChoiceField(
        label=_("Rating (1 = learning, 5 = teaches others)"), choices=RATINGS, coerce=int
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class PositionForm(forms.Form):
    level = forms.ModelChoiceField(label=_("Level"), queryset=CareerLevel.objects.none())
    since = forms.DateField(
        label=_("Since"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args: Any, levels: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["level"]).queryset = levels
