"""Labels other apps show for this one (kept here so they are in this app's catalogue)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

NAV_LABEL = _("Text analysis")
