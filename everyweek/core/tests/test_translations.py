"""Every user-facing string of every app is translated into Italian, German and Thai.

The catalogues are extracted afresh from the code into a scratch copy of each app, so a
string added without a translation fails here even if nobody ran `make makemessages`.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command

APPS_DIR = Path(__file__).resolve().parents[2]
APPS = sorted(p.parent.name for p in APPS_DIR.glob("*/apps.py"))
LANGUAGES = ["it", "de", "th"]


@pytest.mark.parametrize("app", APPS)
def test_every_string_is_translated(app: str, tmp_path: Path) -> None:
    scratch = tmp_path / app
    shutil.copytree(
        APPS_DIR / app, scratch, ignore=shutil.ignore_patterns("tests", "__pycache__", "*.mo")
    )
    (scratch / "locale").mkdir(exist_ok=True)
    cwd = os.getcwd()
    os.chdir(scratch)
    try:
        call_command(
            "makemessages",
            locale=LANGUAGES,
            no_location=True,
            verbosity=0,
            ignore_patterns=["tests/*"],
        )
    finally:
        os.chdir(cwd)
    problems: list[str] = []
    for language in LANGUAGES:
        po_path = scratch / "locale" / language / "LC_MESSAGES" / "django.po"
        if not po_path.exists():
            continue  # the app has no user-facing text
        catalogue = polib.pofile(str(po_path))
        for entry in catalogue:
            if entry.obsolete:
                continue
            if "fuzzy" in entry.flags or not entry.translated():
                problems.append(f"{language}: {entry.msgid!r}")
    assert not problems, f"{app}: {len(problems)} untranslated strings:\n" + "\n".join(
        problems[:40]
    )
