"""Which model directory this process analyses with.

The active version is recorded in the database (``ModelVersion``) and its files live under the
data dir, never inside the installed package, so a retrain works on a read-only install and every
web and worker process picks up the same model.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from everyweek.analysis.models import ModelVersion
from everyweek.textsense import engine

_UNSET = object()
_current: object = _UNSET


def model_root() -> Path:
    return Path(settings.DATA_DIR) / "textsense-models"


def active_version() -> ModelVersion | None:
    return ModelVersion.objects.filter(is_active=True).first()


def activate_model() -> None:
    """Point the engine at the active model (the packaged one when none is), if it changed."""
    global _current
    mv = active_version()
    path = mv.path if mv is not None and Path(mv.path).is_dir() else None
    if path != _current:
        engine.use_model_dir(path)
        _current = path
