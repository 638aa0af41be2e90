from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from everyweek.notifications import kinds
from everyweek.notifications.models import EmailStatus, OutboundEmail


class OutboxFilterForm(forms.Form):
    q = forms.CharField(label=_("Address or subject"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *EmailStatus.choices]
    )
    template = forms.ChoiceField(label=_("Kind"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        templates = (
            OutboundEmail.objects.order_by("template").values_list("template", flat=True).distinct()
        )
        # The kinds of email actually sent, so the filter never offers an empty result.
        cast(forms.ChoiceField, self.fields["template"]).choices = [
            ("", _("Any kind")),
            *((t, t) for t in templates),
        ]


class EmailPreferencesForm(forms.Form):
    """One checkbox per optional kind of email; mandatory account emails are not offered."""

    def __init__(self, *args: Any, disabled: set[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in kinds.KINDS:
            self.fields[kind.key] = forms.BooleanField(
                label=kind.label, required=False, initial=kind.key not in disabled
            )

    def choices(self) -> dict[str, bool]:
        return {key: bool(self.cleaned_data.get(key)) for key in kinds.BY_KEY}
