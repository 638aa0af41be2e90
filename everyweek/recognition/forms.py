from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from everyweek.people.models import PartnerOrganisation, Person, Team
from everyweek.recognition.models import (
    CompanyValue,
    TopPerformerRule,
    Visibility,
    metric_choices,
)


class KudosForm(forms.Form):
    recipient = forms.ModelChoiceField(
        queryset=Person.objects.none(), label=_("To a person"), required=False
    )
    team = forms.ModelChoiceField(queryset=Team.objects.all(), label=_("Or a team"), required=False)
    partner = forms.ModelChoiceField(
        queryset=PartnerOrganisation.objects.filter(is_active=True),
        label=_("Or a partner or supplier"),
        required=False,
    )
    message = forms.CharField(
        label=_("Message"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )
    values = forms.ModelMultipleChoiceField(
        queryset=CompanyValue.objects.filter(is_active=True),
        label=_("Values shown"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    points = forms.IntegerField(label=_("Points"), min_value=0, initial=0, required=False)
    visibility = forms.ChoiceField(
        label=_("Who can see it"), choices=Visibility.choices, initial=Visibility.PUBLIC
    )

    def __init__(self, *args: Any, author: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Anyone may thank anyone in the organisation, except themselves.
        self.fields["recipient"].queryset = Person.objects.filter(is_active=True).exclude(  # type: ignore[attr-defined]
            pk=author.pk
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = [k for k in ("recipient", "team", "partner") if data.get(k)]
        if len(chosen) != 1:
            raise forms.ValidationError(_("Choose one recipient: a person, a team or a partner."))
        return data


class EditKudosForm(forms.Form):
    message = forms.CharField(
        label=_("Message"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )
    values = forms.ModelMultipleChoiceField(
        queryset=CompanyValue.objects.filter(is_active=True),
        label=_("Values shown"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    visibility = forms.ChoiceField(label=_("Who can see it"), choices=Visibility.choices)


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), max_length=1000)


class ThankForm(forms.Form):
    note = forms.CharField(
        label=_("Your personal line"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    on_wall = forms.BooleanField(label=_("Put it on the wall"), required=False)


class BoostForm(forms.Form):
    person = forms.ModelChoiceField(queryset=Person.objects.none(), label=_("Person"))
    amount = forms.IntegerField(label=_("Points"), min_value=1, max_value=10000)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people  # type: ignore[attr-defined]


class CustomerKudosForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=120, required=False)
    message = forms.CharField(
        label=_("Your message"), widget=forms.Textarea(attrs={"rows": 5}), max_length=2000
    )
    # A field people never see: bots fill it in.
    website = forms.CharField(required=False, widget=forms.HiddenInput)


class NominationForm(forms.Form):
    nominee = forms.ModelChoiceField(queryset=Person.objects.none(), label=_("Nominee"))
    reason = forms.CharField(
        label=_("Why they deserve it"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )

    def __init__(self, *args: Any, actor: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["nominee"].queryset = Person.objects.filter(is_active=True).exclude(  # type: ignore[attr-defined]
            pk=actor.pk
        )


class ScoreForm(forms.Form):
    score = forms.IntegerField(label=_("Score (1 to 5)"), min_value=1, max_value=5)
    comment = forms.CharField(label=_("Comment"), max_length=500, required=False)


class GoalProgressForm(forms.Form):
    progress = forms.IntegerField(label=_("Progress"), min_value=0)


class RaffleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    prize = forms.CharField(label=_("Prize"), max_length=200)
    winners_count = forms.IntegerField(label=_("Number of winners"), min_value=1, initial=1)


class GoalForm(forms.Form):
    team = forms.ModelChoiceField(queryset=Team.objects.none(), label=_("Team"))
    title = forms.CharField(label=_("Goal"), max_length=160)
    metric = forms.ChoiceField(
        label=_("On a scorecard metric"),
        required=False,
        help_text=_("Leave empty for a goal you count by hand."),
    )
    metric_target = forms.FloatField(label=_("Metric target"), required=False)
    target = forms.IntegerField(label=_("Target (counted by hand)"), min_value=1, required=False)
    dare = forms.CharField(label=_("Your dare when it is reached"), max_length=300, required=False)
    starts_on = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    due = forms.DateField(
        label=_("Due"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, teams: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]
        self.fields["metric"].choices = [("", "—"), *metric_choices()]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("metric"):
            if data.get("metric_target") is None:
                self.add_error("metric_target", _("Give the value to reach."))
            if not data.get("starts_on") or not data.get("due"):
                raise forms.ValidationError(_("A metric goal needs a start and a due date."))
        elif not data.get("target"):
            self.add_error("target", _("Give the number to reach."))
        return data


class TopPerformerRuleForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = TopPerformerRule
        fields = ["name", "metric", "period", "top_n", "threshold", "min_volume", "team"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("top_n") and data.get("threshold") is None:
            raise forms.ValidationError(_("Give how many win, a threshold, or both."))
        return data
