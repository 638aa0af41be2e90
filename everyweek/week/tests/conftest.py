from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from everyweek.week import services
from everyweek.week.models import Celebration


@pytest.fixture
def week(org: Any) -> Celebration:
    """The 2026 week (Monday 5 to Friday 9 October), organised by Mona."""
    return services.plan_celebration(
        actor=org.ada, year=2026, theme="Making a difference", organisers=[org.mona]
    )


def at(day: int, hour: int) -> dt.datetime:
    return dt.datetime(2026, 10, day, hour, tzinfo=dt.UTC)


def png_bytes(size: tuple[int, int] = (8, 8)) -> bytes:
    """A real PNG (the wall opens every image with Pillow)."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(out, "PNG")
    return out.getvalue()


# The first bytes of an MP4 (an ftyp box of brand isom) and of a WebM (EBML, doctype webm).
MP4_HEAD = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00" * 64
WEBM_HEAD = b"\x1aE\xdf\xa3\x9fB\x86\x81\x01B\xf7\x81\x01B\xf2\x81\x04B\xf3\x81\x08B\x82\x84webm"
