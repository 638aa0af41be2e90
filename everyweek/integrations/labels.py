"""Labels other apps show for this one, translated in this app's own catalogue."""

from django.utils.translation import gettext_lazy as _

NAV_LABEL = _("Imports")
