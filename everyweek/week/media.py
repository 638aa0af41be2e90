"""Checks on the images and videos posted to the thank-you wall.

Customers post from the open internet, so neither the file name nor the declared type is
trusted: an image must open and verify with Pillow in the format its name says, a video must
start with an MP4 `ftyp` box of a known brand or a WebM (EBML, doctype "webm") header.
"""

from __future__ import annotations

import secrets
import warnings

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image

MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_VIDEO_BYTES = 50 * 1024 * 1024
# Above this a small file may still decompress into gigabytes (a "decompression bomb").
MAX_IMAGE_PIXELS = 40_000_000
IMAGE_TYPES = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP"}
VIDEO_TYPES = {".mp4": "mp4", ".webm": "webm"}
# Brands of the ISO base media files browsers play as video/mp4 (QuickTime's "qt  " is not one).
MP4_BRANDS = {
    b"isom",
    b"iso2",
    b"iso3",
    b"iso4",
    b"iso5",
    b"iso6",
    b"mp41",
    b"mp42",
    b"avc1",
    b"dash",
    b"M4V ",
    b"mmp4",
    b"MSNV",
}
EBML_MAGIC = b"\x1aE\xdf\xa3"


class MediaError(ValidationError):
    """The file is not an image or video the wall accepts; the message says why."""


def _suffix(name: str) -> str:
    name = name.lower()
    return name[name.rfind(".") :] if "." in name else ""


def _head(upload: UploadedFile, size: int = 64) -> bytes:
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head


def _is_mp4(head: bytes) -> bool:
    if head[4:8] != b"ftyp":
        return False
    box = min(int.from_bytes(head[0:4], "big"), len(head))
    # major brand at 8, minor version at 12, compatible brands from 16 to the end of the box
    brands = [head[8:12]] + [head[i : i + 4] for i in range(16, box - 3, 4)]
    return any(brand in MP4_BRANDS for brand in brands)


def _is_webm(head: bytes) -> bool:
    return head.startswith(EBML_MAGIC) and b"webm" in head


def _check_image(upload: UploadedFile, expected_format: str) -> None:
    not_an_image = MediaError(_("This file is not a JPEG, PNG or WebP image."))
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                width, height = image.size
                found = image.format
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise MediaError(_("The image has too many pixels.")) from exc
    except Exception as exc:  # Pillow raises many kinds of errors on broken or foreign files
        raise not_an_image from exc
    finally:
        upload.seek(0)
    if found != expected_format:
        raise not_an_image
    if width * height > MAX_IMAGE_PIXELS:
        raise MediaError(_("The image has too many pixels."))


def _too_large(limit: int) -> MediaError:
    return MediaError(
        _("The file is too large (at most %(mb)s MB).") % {"mb": limit // (1024 * 1024)}
    )


def kind_of(upload: UploadedFile) -> str:
    """'image' or 'video' for an acceptable upload; MediaError with the reason otherwise."""
    suffix = _suffix(upload.name or "")
    size = upload.size or 0
    if suffix in IMAGE_TYPES:
        if size > MAX_IMAGE_BYTES:
            raise _too_large(MAX_IMAGE_BYTES)
        _check_image(upload, IMAGE_TYPES[suffix])
        return "image"
    if suffix in VIDEO_TYPES:
        if size > MAX_VIDEO_BYTES:
            raise _too_large(MAX_VIDEO_BYTES)
        head = _head(upload)
        if not (_is_mp4(head) if VIDEO_TYPES[suffix] == "mp4" else _is_webm(head)):
            raise MediaError(_("This file is not an MP4 or WebM video."))
        return "video"
    raise MediaError(_("Upload a JPEG, PNG or WebP image, or an MP4 or WebM video."))


def stored_name(upload: UploadedFile) -> str:
    """A fresh random name with the checked suffix: the sender's file name is never used."""
    suffix = _suffix(upload.name or "")
    return f"{secrets.token_urlsafe(12)}{'.jpg' if suffix == '.jpeg' else suffix}"
