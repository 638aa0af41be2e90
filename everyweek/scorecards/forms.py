"""Forms of the scorecards pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from everyweek.core import uploads
from everyweek.scorecards.services import SOURCE_MAX


class IngestForm(forms.Form):
    source = forms.CharField(
        label=_("Source"),
        max_length=SOURCE_MAX,
        help_text=_("The system the rows come from; external ids are unique within it."),
    )
    file = forms.FileField(label=_("CSV file"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Per form: the limit is a setting, and the text is in the reader's language.
        self.fields["file"].help_text = _("Up to %(size)s.") % {
            "size": filesizeformat(uploads.max_import_bytes())
        }

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if uploads.too_large(upload):
            raise forms.ValidationError(uploads.too_large_message())
        return upload
