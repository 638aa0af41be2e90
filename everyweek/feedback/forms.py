"""Forms: the customer's survey (two short steps) and the staff pages' filters and actions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from everyweek.feedback.invitations import reason_label, score_questions
from everyweek.feedback.models import (
    Channel,
    FollowUpReason,
    FollowUpStatus,
    Survey,
    SurveyText,
)
from everyweek.feedback.selectors import BANDS, PERIODS
from everyweek.people.models import Person

COMMENT_MAX = 5000


def _scale(low: int, high: int) -> list[tuple[str, str]]:
    return [(str(v), str(v)) for v in range(low, high + 1)]


class ScoreForm(forms.Form):
    """The scores the survey asks for, as radio buttons. Every question is optional; on the first
    page (`require_one`) at least one must be answered, on the second the rest may follow."""

    def __init__(
        self,
        survey: Survey,
        *args: Any,
        only: list[str] | None = None,
        require_one: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.survey = survey
        self.require_one = require_one
        for name, low, high in score_questions(survey):
            if only is None or name in only:
                self.fields[name] = forms.TypedChoiceField(
                    choices=_scale(low, high), coerce=int, required=False, widget=forms.RadioSelect
                )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        answers = {k: v for k, v in data.items() if v not in (None, "")}
        if self.require_one and self.fields and not answers:
            raise forms.ValidationError(_("Please choose a score before sending."))
        return answers


class CommentForm(forms.Form):
    """Step two: in the customer's words, and what went wrong when the score was low."""

    comment = forms.CharField(
        required=False, max_length=COMMENT_MAX, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(
        self, survey: Survey, text: SurveyText, *args: Any, ask_reasons: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if ask_reasons and survey.reason_codes:
            self.fields["reason_codes"] = forms.MultipleChoiceField(
                choices=[(code, reason_label(text, code)) for code in survey.reason_codes],
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )


def _blank(label: Any) -> list[tuple[str, Any]]:
    return [("", label)]


class ResponseFilterForm(forms.Form):
    period = forms.ChoiceField(
        label=_("Period"), required=False, choices=_blank(_("Any time")) + list(PERIODS.items())
    )
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=_blank(_("All channels")) + Channel.choices
    )
    band = forms.ChoiceField(
        label=_("Score"), required=False, choices=_blank(_("All scores")) + list(BANDS.items())
    )
    language = forms.CharField(label=_("Language"), required=False, max_length=10)
    agent = forms.ModelChoiceField(
        label=_("Agent"), required=False, queryset=Person.objects.none(), empty_label=_("Everyone")
    )
    q = forms.CharField(label=_("Comment contains"), required=False, max_length=100)

    def __init__(self, *args: Any, agents: Any = None, languages: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if agents is None:
            del self.fields["agent"]
        else:
            self.fields["agent"].queryset = agents  # type: ignore[attr-defined]
        self.fields["language"].widget = forms.Select(
            choices=_blank(_("All languages")) + [(code, code) for code in languages]
        )


class CaseFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Open and in progress")), ("all", _("All")), *FollowUpStatus.choices],
    )
    reason = forms.ChoiceField(
        label=_("Reason"), required=False, choices=_blank(_("All reasons")) + FollowUpReason.choices
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"), required=False, queryset=Person.objects.none(), empty_label=_("Anyone")
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args: Any, owners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]


class CaseNoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class CaseUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=FollowUpStatus.choices)
    owner = forms.ModelChoiceField(
        label=_("Owner"), required=False, queryset=Person.objects.none(), empty_label=None
    )
    outcome = forms.CharField(
        label=_("Outcome"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was done, and how the customer felt afterwards."),
    )

    def __init__(self, *args: Any, owners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]
