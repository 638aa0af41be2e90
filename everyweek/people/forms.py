from __future__ import annotations

import zoneinfo
from functools import cache
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _

from everyweek.people.models import Department, Person, Team


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    return [(tz, tz.replace("_", " ")) for tz in sorted(zoneinfo.available_timezones())]


class PersonForm(forms.ModelForm[Person]):
    class Meta:
        model = Person
        fields = [
            "email",
            "full_name",
            "preferred_name",
            "role",
            "department",
            "team",
            "reports_to",
            "job_title",
            "employee_id",
            "hire_date",
            "locale",
            "time_zone",
            "photo",
        ]
        widgets = {
            "hire_date": forms.DateInput(attrs={"type": "date"}),
            "locale": forms.Select(choices=settings.LANGUAGES),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].widget = forms.Select(choices=time_zone_choices())
        fields = cast(dict[str, forms.ModelChoiceField[Any]], self.fields)
        fields["reports_to"].queryset = Person.objects.filter(is_active=True).exclude(role="agent")
        fields["team"].queryset = Team.objects.select_related("department")
        fields["department"].queryset = Department.objects.all()


class ProfileForm(forms.ModelForm[Person]):
    """What people may change about themselves; role, team and leader stay with admins and HR."""

    class Meta:
        model = Person
        fields = ["preferred_name", "locale", "time_zone", "photo"]
        widgets = {"locale": forms.Select(choices=settings.LANGUAGES)}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].widget = forms.Select(choices=time_zone_choices())


class PeopleImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: email, full_name, role, department, team, reports_to (the leader's email), "
            "job_title, employee_id, hire_date, locale, time_zone."
        ),
    )


class PeopleSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.all(), required=False
    )
    role = forms.ChoiceField(label=_("Role"), required=False)
    inactive = forms.BooleanField(label=_("Include former staff"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from everyweek.people.models import Role

        cast(forms.ChoiceField, self.fields["role"]).choices = [("", _("Any role")), *Role.choices]


class InvitationAcceptForm(SetPasswordForm):  # type: ignore[type-arg]
    pass


class OutboxPasswordResetForm(PasswordResetForm):
    """Password-reset emails go through the outbox, in the person's own language."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        from everyweek.notifications.services import send_email

        person = context["user"]
        send_email(
            to=person,
            template="people/email/password_reset",
            context={
                "person": person,
                "url": settings.SITE_URL + f"/account/reset/{context['uid']}/{context['token']}/",
            },
        )
