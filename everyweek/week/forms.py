"""Forms of the week planner. Times are typed in the viewer's zone and stored in UTC."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from everyweek.customers.models import Customer
from everyweek.people.models import Department, Person
from everyweek.week import ideas
from everyweek.week.models import (
    BacklogStatus,
    Celebration,
    ContestKind,
    DateRule,
    EntrantKind,
    Event,
    MessageSource,
    RetroKind,
    SurpriseKind,
)


class DateInput(forms.DateInput):
    input_type = "date"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _people() -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        Person.objects.filter(is_active=True).order_by("full_name"), required=False
    )


WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class CelebrationForm(forms.ModelForm):
    week_starts_on = forms.TypedChoiceField(
        label=_("week starts on"), choices=WEEKDAYS, coerce=int, initial=0
    )
    organisers = _people()

    class Meta:
        model = Celebration
        fields = [
            "theme",
            "rule",
            "rule_month",
            "week_starts_on",
            "working_days",
            "fixed_start",
            "fixed_end",
            "budget",
            "currency",
            "organisers",
        ]
        widgets = {"fixed_start": DateInput(), "fixed_end": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisers"].label = _("organisers")
        self.fields["rule"].choices = DateRule.choices  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("rule") == DateRule.FIXED and not (
            data.get("fixed_start") and data.get("fixed_end")
        ):
            raise forms.ValidationError(_("Fixed dates need a start and an end on or after it."))
        return data


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)


class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = [
            "title",
            "description",
            "starts_at",
            "ends_at",
            "place",
            "online_url",
            "host",
            "audience",
        ]
        widgets = {"starts_at": DateTimeInput(), "ends_at": DateTimeInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = (  # type: ignore[attr-defined]
            Person.objects.filter(is_active=True).order_by("full_name")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            raise forms.ValidationError(_("The end must be after the start."))
        return data


class SheetForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    policy = forms.CharField(
        label=_("contribution policy"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        initial=_("Bring as much as you take."),
    )


class SlotForm(forms.Form):
    label = forms.CharField(label=_("label"), max_length=120, required=False)
    starts_at = forms.DateTimeField(label=_("starts at"), widget=DateTimeInput())
    ends_at = forms.DateTimeField(label=_("ends at"), widget=DateTimeInput())
    capacity = forms.IntegerField(label=_("capacity"), min_value=1, max_value=1000, initial=4)


class SignupForm(forms.Form):
    contribution = forms.CharField(label=_("what you bring"), max_length=200, required=False)


class ContestForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    kind = forms.ChoiceField(label=_("kind"), choices=ContestKind.choices)
    entrant = forms.ChoiceField(label=_("entries by"), choices=EntrantKind.choices)
    brief = forms.CharField(
        label=_("brief"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    judges = _people()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["judges"].label = _("judges")


class EntryForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    text = forms.CharField(
        label=_("text"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )


class ScoreForm(forms.Form):
    points = forms.IntegerField(label=_("points"), min_value=1, max_value=10)
    comment = forms.CharField(label=_("comment"), required=False, max_length=2000)


class BacklogForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    description = forms.CharField(
        label=_("description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    owner = forms.ModelChoiceField(
        Person.objects.filter(is_active=True).order_by("full_name"),
        label=_("owner"),
        required=False,
    )


class BacklogStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("status"), choices=BacklogStatus.choices)


class SponsorForm(forms.Form):
    day = forms.TypedChoiceField(label=_("day"), coerce=str)
    department = forms.ModelChoiceField(Department.objects.order_by("name"), label=_("department"))
    message = forms.CharField(
        label=_("how the service team helps us"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, days: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["day"].choices = [(d.isoformat(), d.isoformat()) for d in days]  # type: ignore[attr-defined]


class CoverageForm(forms.Form):
    queue = forms.CharField(label=_("queue"), max_length=100)
    starts_at = forms.DateTimeField(label=_("starts at"), widget=DateTimeInput())
    ends_at = forms.DateTimeField(label=_("ends at"), widget=DateTimeInput())
    needed = forms.IntegerField(label=_("people needed"), min_value=1, max_value=100, initial=2)


class TipForm(forms.Form):
    day = forms.DateField(label=_("day"), widget=DateInput())
    title = forms.CharField(label=_("title"), max_length=200)
    text = forms.CharField(label=_("tip"), widget=forms.Textarea(attrs={"rows": 3}))


class ThanksForm(forms.Form):
    source = forms.ChoiceField(label=_("from"), choices=MessageSource.choices)
    author_name = forms.CharField(label=_("name"), max_length=150)
    text = forms.CharField(
        label=_("message"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    media = forms.FileField(  # type: ignore[assignment]
        label=_("image or video"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,video/mp4,video/webm"}
        ),
    )


class CustomerThanksForm(forms.Form):
    """A customer's message through the wall's public link."""

    author_name = forms.CharField(label=_("Your name"), max_length=100)
    company = forms.CharField(label=_("Company (optional)"), max_length=100, required=False)
    text = forms.CharField(
        label=_("Your message"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    media = forms.FileField(  # type: ignore[assignment]
        label=_("A photo or a short video (optional)"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,video/mp4,video/webm"}
        ),
    )
    consent = forms.BooleanField(
        label=_("The service team may show my message and name on a screen in their office."),
        required=True,
    )
    # A field people never see: bots fill it in.
    website = forms.CharField(required=False, widget=forms.HiddenInput)


class NoticeForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("from"), widget=DateTimeInput())
    ends_at = forms.DateTimeField(label=_("until"), widget=DateTimeInput())
    contacted_within_days = forms.IntegerField(
        label=_("customers contacted in the last (days)"),
        min_value=1,
        max_value=730,
        initial=90,
    )


class SurpriseForm(forms.Form):
    kind = forms.ChoiceField(label=_("rule"), choices=SurpriseKind.choices)
    every = forms.IntegerField(label=_("every n-th"), min_value=1, max_value=1000, initial=5)
    gift = forms.CharField(label=_("gift"), max_length=120)


class SwapForm(forms.Form):
    customer = forms.ModelChoiceField(Customer.objects.order_by("name"), label=_("customer"))
    shirts_received = forms.IntegerField(label=_("shirts received"), min_value=0, initial=0)
    shirts_sent = forms.IntegerField(label=_("shirts sent"), min_value=0, initial=0)
    photo_sent = forms.BooleanField(label=_("photo sent"), required=False)


class HuntItemForm(forms.Form):
    label = forms.CharField(label=_("label"), max_length=120)
    hint = forms.CharField(label=_("hiding place"), max_length=200, required=False)
    tickets = forms.IntegerField(label=_("raffle tickets"), min_value=1, max_value=100, initial=1)


class RetroForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=RetroKind.choices)
    text = forms.CharField(label=_("note"), widget=forms.Textarea(attrs={"rows": 2}))


class IdeaForm(forms.Form):
    key = forms.ChoiceField(choices=[(idea.key, idea.key) for idea in ideas.IDEAS])
    day = forms.DateField(label=_("day"), widget=DateInput())
