"""Labels other apps show for this one (kept here so the translation lives in this catalogue)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

NAV_LABEL = _("Scorecards")
INGEST_LABEL = _("Import interactions (bulk CSV)")
