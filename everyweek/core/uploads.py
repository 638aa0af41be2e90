"""The size limit every file import shares (`EVERYWEEK_IMPORT_MAX_BYTES`, 2 GiB by default)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


def max_import_bytes() -> int:
    # Read at call time, so a changed setting (and a test's override) applies at once.
    return int(settings.IMPORT_MAX_BYTES)


def too_large(upload: Any) -> bool:
    return bool(upload.size) and upload.size > max_import_bytes()


def too_large_message() -> str:
    return _("The file is larger than %(size)s.") % {"size": filesizeformat(max_import_bytes())}
