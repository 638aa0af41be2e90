"""A person's calendar feed of the week (RFC 5545), written by hand.

Times are in UTC (the `Z` form), so no VTIMEZONE is needed and each calendar shows them in
its owner's zone. Text is escaped and lines folded at 75 octets, as the RFC requires.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from everyweek.people.models import Person
from everyweek.week.models import Celebration, CoverageSlot, Event, Signup, SignupStatus

PRODID = "-//everyweek//week//EN"


def escape_text(value: str) -> str:
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Split a content line into chunks of at most 75 octets, never inside a UTF-8 character."""
    out: list[str] = []
    current, size = "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > (75 if not out else 74):
            out.append(current)
            current, size = "", 0
        current += char
        size += width
    out.append(current)
    return "\r\n ".join(out)


def _utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _vevent(
    uid: str,
    start: dt.datetime,
    end: dt.datetime,
    summary: str,
    description: str,
    location: str,
    url: str,
    stamp: dt.datetime,
) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{uid}@everyweek",
        f"DTSTAMP:{_utc(stamp)}",
        f"DTSTART:{_utc(start)}",
        f"DTEND:{_utc(end)}",
        f"SUMMARY:{escape_text(summary)}",
    ]
    if description:
        lines.append(f"DESCRIPTION:{escape_text(description)}")
    if location:
        lines.append(f"LOCATION:{escape_text(location)}")
    if url:
        lines.append(f"URL:{url}")
    lines.append("END:VEVENT")
    return lines


def calendar(person: Person, celebrations: Iterable[Celebration], events: Iterable[Event]) -> str:
    """The events a person may see, plus their sign-up slots and queue cover shifts."""
    stamp = timezone.now()
    site = settings.SITE_URL.rstrip("/")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:Customer Service Week",
    ]
    for event in events:
        lines += _vevent(
            f"event-{event.uid}",
            event.starts_at,
            event.ends_at,
            event.title,
            event.description,
            event.place or event.online_url,
            site + reverse("week:event", args=[event.pk]),
            stamp,
        )
    celebration_ids = [c.pk for c in celebrations]
    for signup in Signup.objects.filter(
        person=person,
        status=SignupStatus.CONFIRMED,
        slot__sheet__celebration_id__in=celebration_ids,
    ).select_related("slot", "slot__sheet"):
        slot = signup.slot
        lines += _vevent(
            f"signup-{signup.pk}",
            slot.starts_at,
            slot.ends_at,
            slot.sheet.title,
            signup.contribution,
            "",
            "",
            stamp,
        )
    for cover in CoverageSlot.objects.filter(covers=person, celebration_id__in=celebration_ids):
        lines += _vevent(
            f"cover-{cover.pk}-{person.pk}",
            cover.starts_at,
            cover.ends_at,
            cover.queue,
            "",
            "",
            "",
            stamp,
        )
    lines.append("END:VCALENDAR")
    return "\r\n".join(fold(line) for line in lines) + "\r\n"
