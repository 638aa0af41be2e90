"""The size limit every file import shares (`EVERYWEEK_IMPORT_MAX_BYTES`, 2 GiB by default),
and the clean-up of the files kept after an import."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


def max_import_bytes() -> int:
    # Read at call time, so a changed setting (and a test's override) applies at once.
    return int(settings.IMPORT_MAX_BYTES)


def too_large(upload: Any) -> bool:
    return bool(upload.size) and upload.size > max_import_bytes()


def too_large_message() -> str:
    return _("The file is larger than %(size)s.") % {"size": filesizeformat(max_import_bytes())}


def delete_files(jobs: QuerySet[Any], field: str = "file") -> int:
    """Delete the stored file of each job in `jobs` and blank the field; returns how many.

    Storage first, then the row: if the process dies in between, the next run finds the row
    still naming the file and deletes nothing more than what is already gone.
    """
    count = 0
    for job in jobs.exclude(**{field: ""}).only("pk", field).iterator():
        getattr(job, field).delete(save=False)
        type(job).objects.filter(pk=job.pk).update(**{field: ""})
        count += 1
    return count
