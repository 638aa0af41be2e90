from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from everyweek.api.models import TokenScope
from everyweek.api.services import allowed_scopes
from everyweek.people.models import Person


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("Where the token is used, e.g. “Helpdesk sync” or “My laptop”."),
    )
    scope = forms.ChoiceField(label=_("Scope"))
    expires_on = forms.DateField(
        label=_("Expires on"),
        required=False,
        help_text=_("Leave empty for a token that works until you revoke it."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, owner: Person, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope = self.fields["scope"]
        assert isinstance(scope, forms.ChoiceField)
        scope.choices = [(s.value, s.label) for s in allowed_scopes(owner)]
        scope.initial = TokenScope.READ
        self.fields["expires_on"].widget.attrs["min"] = timezone.localdate().isoformat()

    def clean_expires_on(self) -> dt.date | None:
        day: dt.date | None = self.cleaned_data.get("expires_on")
        if day is not None and day < timezone.localdate():
            raise forms.ValidationError(_("Choose today or a later date."))
        return day

    def expires_at(self) -> dt.datetime | None:
        """The end of the chosen day in the viewer's time zone: valid through that whole day."""
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        midnight = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min)
        return timezone.make_aware(midnight, timezone.get_current_timezone())
