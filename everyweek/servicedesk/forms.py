from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from everyweek.people.models import Department, Person, Team
from everyweek.servicedesk.models import RequestStatus, RequestType, ServiceDesk


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class DeskForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = ServiceDesk
        fields = [
            "name",
            "department",
            "team",
            "description",
            "schedule",
            "calendar",
            "acknowledge_within_minutes",
            "is_active",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "schedule": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, user: Person, admin: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not admin:
            # Leaders run desks for their own department (and team) only.
            cast(
                forms.ModelChoiceField, self.fields["department"]
            ).queryset = Department.objects.filter(pk=user.department_id or 0)
            cast(forms.ModelChoiceField, self.fields["team"]).queryset = Team.objects.filter(
                department_id=user.department_id or 0
            )


class RequestTypeForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = RequestType
        fields = ["name", "description", "turnaround_minutes", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class NoticeForm(forms.Form):
    starts_on = forms.DateField(label=_("From"), widget=DateInput())
    ends_on = forms.DateField(label=_("Until"), widget=DateInput())
    message = forms.CharField(label=_("Message"), max_length=300)


class RequestForm(forms.Form):
    title = forms.CharField(label=_("What do you need?"), max_length=200)
    description = forms.CharField(
        label=_("Details"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Include what the desk asks for above, so nobody has to come back to you."),
    )


class UpdateForm(forms.Form):
    message = forms.CharField(label=_("Update"), widget=forms.Textarea(attrs={"rows": 3}))
    waiting = forms.BooleanField(
        label=_("This is a question for the requester (pauses the clock)"), required=False
    )


class MessageForm(forms.Form):
    message = forms.CharField(
        label=_("Message"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Hand to"), queryset=Person.objects.none())

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["assignee"]).queryset = people


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How satisfied are you with how this was handled?"),
        coerce=int,
        choices=[
            (5, _("5: very satisfied")),
            (4, _("4: satisfied")),
            (3, _("3: neither")),
            (2, _("2: dissatisfied")),
            (1, _("1: very dissatisfied")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RequestSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any")), ("open", _("Open")), *RequestStatus.choices],
    )
    late = forms.BooleanField(label=_("Acknowledged late"), required=False)
