from __future__ import annotations

import json
from typing import Any

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from everyweek.core import uploads
from everyweek.feedback.models import Survey
from everyweek.integrations.importers.spreadsheet import FIELDS
from everyweek.integrations.models import ColumnMapping, ImportKind, Integration, Vendor
from everyweek.people.models import Person


class OptionsField(forms.CharField):
    """Vendor options as a JSON object, edited as text."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, dict):
            return json.dumps(value, indent=2, ensure_ascii=False) if value else ""
        return value

    def to_python(self, value: Any) -> dict[str, Any]:  # type: ignore[override]
        raw = (value or "").strip()
        if not raw:
            return {}
        try:
            parsed = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(_("Write the options as a JSON object.")) from exc
        if not isinstance(parsed, dict):
            raise forms.ValidationError(_("Write the options as a JSON object."))
        return parsed


class IntegrationForm(forms.Form):
    vendor = forms.ChoiceField(label=_("Tool"), choices=Vendor.choices)
    name = forms.CharField(label=_("Name"), max_length=120)
    secret = forms.CharField(
        label=_("Signing secret"),
        required=False,
        max_length=255,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("As the tool shows it (Formbricks: whsec_…). Stored, and never shown again."),
    )
    secret_env = forms.CharField(
        label=_("…or the environment variable holding it"),
        required=False,
        max_length=80,
        help_text=_("Preferred in production, e.g. EVERYWEEK_TYPEFORM_SECRET."),
    )
    survey = forms.ModelChoiceField(
        label=_("Survey"), queryset=Survey.objects.all(), required=False
    )
    config = OptionsField(
        label=_("Options (JSON)"),
        help_text=_(
            'E.g. {"time_zone": "Europe/Rome"} or, for Typeform, {"csat_ref": "satisfaction"}.'
        ),
    )


class IntegrationEditForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    is_active = forms.BooleanField(label=_("Active"), required=False)
    secret = forms.CharField(
        label=_("New signing secret"),
        required=False,
        max_length=255,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to keep the current secret."),
    )
    secret_env = forms.CharField(
        label=_("Environment variable holding the secret"), required=False, max_length=80
    )
    survey = forms.ModelChoiceField(
        label=_("Survey"), queryset=Survey.objects.all(), required=False
    )
    config = OptionsField(label=_("Options (JSON)"))


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("File type"), choices=ImportKind.choices)
    file = forms.FileField(label=_("File"))
    mapping = forms.ModelChoiceField(
        label=_("Saved columns"),
        queryset=ColumnMapping.objects.all(),
        required=False,
        help_text=_("For spreadsheets; leave empty to choose the columns next."),
    )

    def __init__(self, *args: Any, integration: Integration, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from everyweek.integrations.importers import kinds_for

        allowed = kinds_for(integration.vendor)
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [c for c in ImportKind.choices if c[0] in allowed]
        # Built per form: the limit is a setting, and the text is in the reader's language.
        self.fields["file"].help_text = _("JSON, CSV or Excel, up to %(size)s.") % {
            "size": filesizeformat(uploads.max_import_bytes())
        }

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if uploads.too_large(upload):
            raise forms.ValidationError(uploads.too_large_message())
        return upload


class ColumnsForm(forms.Form):
    """One choice of column per field, from the file's own headers."""

    name = forms.CharField(
        label=_("Save these columns as"),
        max_length=120,
        help_text=_("Reuse them for the next file from the same tool."),
    )
    score_kind = forms.ChoiceField(
        label=_("The score column holds"),
        choices=[("csat", _("CSAT")), ("nps", _("NPS (0-10)")), ("ces", _("Effort (1-7)"))],
    )
    csat_scale = forms.TypedChoiceField(
        label=_("CSAT scale"),
        coerce=int,
        choices=[(2, "1-2"), (3, "1-3"), (5, "1-5"), (7, "1-7")],
        initial=5,
    )

    def __init__(self, *args: Any, headers: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("(not in this file)")), *[(h, h) for h in headers if h]]
        for name, label in FIELDS.items():
            self.fields[f"col_{name}"] = forms.ChoiceField(
                label=label, choices=choices, required=False
            )

    def columns(self) -> dict[str, str]:
        return {
            name: self.cleaned_data[f"col_{name}"]
            for name in FIELDS
            if self.cleaned_data.get(f"col_{name}")
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("col_date"):
            self.add_error("col_date", _("Say which column holds the date."))
        if not any(data.get(f"col_{f}") for f in ("score", "nps", "csat", "ces")):
            self.add_error("col_score", _("Say which column holds the score."))
        return data


class IdentityMapForm(forms.Form):
    """A suggested colleague, or anyone by email address."""

    person = forms.ModelChoiceField(
        label=_("Person"), queryset=Person.objects.filter(is_active=True), required=False
    )
    email = forms.EmailField(label=_("or their email address"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("email"):
            person = Person.objects.filter(email__iexact=data["email"], is_active=True).first()
            if person is None:
                raise forms.ValidationError(_("Nobody here has this email address."))
            data["person"] = person
        if not data.get("person"):
            raise forms.ValidationError(_("Choose a person."))
        return data
