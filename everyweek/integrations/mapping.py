"""How other tools' values become ours: scores, dates, statuses, channels, column headers.

Score mappings (documented in docs/integrations.md):

- Zendesk legacy CSAT: "good" -> 2 and "bad" -> 1 on a 2-point CSAT scale; "offered" and
  "unoffered" are surveys not answered and are skipped.
- Freshdesk ratings use codes 103 (extremely happy) … 100 (neutral) … -103 (extremely
  unhappy). The seven codes are put in order and spread evenly over the survey's CSAT scale,
  so a 3-point classic survey (103, 100, -103) becomes 3, 2, 1 and a 5-point survey becomes
  5…1 whichever five codes it uses.
- Chatwoot, Delighted CSAT/smileys/five-star, Typeform rating: 1-5 as given.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils.translation import gettext as _

from everyweek.feedback.services import FeedbackError

UTC = dt.UTC

ZENDESK_SCORES = {"good": 2, "bad": 1}
ZENDESK_UNANSWERED = {"offered", "unoffered"}

# Freshdesk rating codes in order, unhappiest first.
FRESHDESK_CODES = (-103, -102, -101, 100, 101, 102, 103)


class RowError(FeedbackError):
    """A problem with one field of one row or event."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def freshdesk_to_csat(code: object, scale: int) -> int:
    """A Freshdesk rating code on a CSAT scale of `scale` points (1 = unhappiest)."""
    try:
        position = FRESHDESK_CODES.index(int(code))  # type: ignore[call-overload]
    except (TypeError, ValueError) as exc:
        raise RowError(
            "ratings", _("“%(value)s” is not a Freshdesk rating code.") % {"value": code}
        ) from exc
    return round(1 + position * (scale - 1) / (len(FRESHDESK_CODES) - 1) + 1e-9)


def zone(name: str | None) -> dt.tzinfo:
    if not name or name == "UTC":
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


_DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S %Z",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%a, %d %b %Y %H:%M:%S %z",
    "%b %d, %Y %I:%M %p",
)


def _parse_text_date(raw: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(raw[:-1] + "+00:00" if raw.endswith("Z") else raw)
    except ValueError:
        pass
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(raw, fmt)  # noqa: DTZ007 - the zone is added by the caller
        except ValueError:
            continue
    return None


def parse_datetime(value: object, tz: dt.tzinfo = UTC, field: str = "date") -> dt.datetime:
    """ISO 8601 (with or without zone), Unix seconds, and common spreadsheet forms; aware, in UTC."""
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, dt.date):
        parsed = dt.datetime(value.year, value.month, value.day)  # noqa: DTZ001 - zone added below
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if not 0 <= value < 32503680000:  # up to the year 3000
            raise RowError(field, _("“%(value)s” is not a date.") % {"value": value})
        return dt.datetime.fromtimestamp(value, tz=UTC)
    else:
        raw = str(value or "").strip()
        if not raw:
            raise RowError(field, _("The date is missing."))
        found = _parse_text_date(raw)
        if found is None:
            if raw.isdigit():
                return parse_datetime(int(raw), tz, field)
            raise RowError(field, _("“%(value)s” is not a date.") % {"value": raw[:40]})
        parsed = found
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    if not 1900 <= parsed.year <= 2999:
        raise RowError(field, _("“%(value)s” is not a date.") % {"value": value})
    return parsed.astimezone(UTC)


def parse_int(value: object, field: str, low: int, high: int) -> int | None:
    """An integer score in [low, high], or None when empty."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise RowError(field, _("“%(value)s” is not a number.") % {"value": value})
    if isinstance(value, float):
        if not value.is_integer():
            raise RowError(field, _("“%(value)s” is not a whole number.") % {"value": value})
        number = int(value)
    elif isinstance(value, int):
        number = value
    else:
        raw = str(value).strip()
        if not raw:
            return None
        try:
            number = int(raw)
        except ValueError:
            try:
                as_float = float(raw.replace(",", "."))
            except ValueError:
                raise RowError(
                    field, _("“%(value)s” is not a number.") % {"value": raw[:40]}
                ) from None
            if not as_float.is_integer():
                raise RowError(
                    field, _("“%(value)s” is not a whole number.") % {"value": raw[:40]}
                ) from None
            number = int(as_float)
    if not low <= number <= high:
        raise RowError(
            field,
            _("%(value)s is outside %(low)s-%(high)s.")
            % {"value": number, "low": low, "high": high},
        )
    return number


def clean_id(value: object, field: str, *, required: bool = True) -> str:
    """An identifier from another tool, as text of at most 100 characters."""
    if isinstance(value, bool | dict | list) or (
        isinstance(value, float) and not value.is_integer()
    ):
        raise RowError(field, _("The id is missing or not valid."))
    if isinstance(value, float):
        value = int(value)
    raw = "" if value is None else str(value).strip()
    if not raw:
        if required:
            raise RowError(field, _("The id is missing or not valid."))
        return ""
    if len(raw) > 100:
        raise RowError(field, _("The id is longer than 100 characters."))
    if "\x00" in raw:  # no database stores it as text (PostgreSQL refuses it)
        raise RowError(field, _("The id is missing or not valid."))
    return raw


def clean_text(value: object, limit: int = 20000) -> str:
    if value is None or isinstance(value, dict | list):
        return ""
    return str(value).replace("\x00", "").strip()[:limit]


_EMAIL = re.compile(r"^[^@\s\x00]+@[^@\s\x00]+\.[^@\s\x00]+$")


def clean_email(value: object) -> str:
    """A lower-cased address, or "" when the value is not one (never an error: it is optional)."""
    if not isinstance(value, str):
        return ""
    raw = value.strip().lower()
    return raw if len(raw) <= 254 and _EMAIL.match(raw) else ""


def normalise_header(header: str) -> str:
    return re.sub(r"[\s_]+", " ", header.strip().lstrip("\ufeff").lower())


def find_column(headers: Iterable[str], aliases: Iterable[str]) -> str | None:
    """The header among `headers` matching one of `aliases`, whatever its capitalisation."""
    normalised = {normalise_header(h): h for h in headers if isinstance(h, str)}
    for alias in aliases:
        if normalise_header(alias) in normalised:
            return normalised[normalise_header(alias)]
    return None


# Freshdesk ticket export values.
FRESHDESK_STATUS = {
    "open": "open",
    "pending": "pending",
    "waiting on customer": "pending",
    "waiting on third party": "pending",
    "resolved": "solved",
    "closed": "closed",
}
FRESHDESK_PRIORITY = {"low": "low", "medium": "normal", "high": "high", "urgent": "urgent"}
FRESHDESK_SOURCE = {
    "email": "email",
    "outbound email": "email",
    "portal": "web",
    "feedback widget": "web",
    "phone": "phone",
    "chat": "chat",
    "mobihelp": "chat",
    "whatsapp": "chat",
    "facebook": "social",
    "twitter": "social",
    "instagram": "social",
}

CHANNELS = {"email", "phone", "chat", "web", "social", "visit", "other"}


def clean_channel(value: object) -> str:
    raw = clean_text(value, 40).lower()
    if raw in CHANNELS:
        return raw
    return FRESHDESK_SOURCE.get(raw, "other" if raw else "")


def clean_language(value: object) -> str:
    raw = clean_text(value, 10).lower().replace("_", "-")
    if raw in ("", "default"):
        return ""
    return raw if re.fullmatch(r"[a-z]{2,3}(-[a-z0-9]{2,8})?", raw) else ""
