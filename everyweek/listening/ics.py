"""Calendar invitations (RFC 5545) for listening sessions, written by hand: it is 60 lines.

Times are written in UTC (the `Z` form), so no VTIMEZONE block is needed and every calendar
shows the session in its owner's own zone. Text is escaped and lines are folded at 75 octets
as the RFC requires (Outlook and Google both refuse files that are not).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from everyweek.listening.models import ListeningSession, SessionStatus

PRODID = "-//everyweek//listening//EN"


@dataclass(frozen=True)
class Attendee:
    name: str
    email: str


def escape_text(value: str) -> str:
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _param(value: str) -> str:
    # Parameter values cannot be escaped, only quoted; quotes themselves are not allowed.
    return '"' + value.replace('"', "'") + '"'


def fold(line: str) -> str:
    """Split a content line into chunks of at most 75 octets, never inside a UTF-8 character."""
    out: list[str] = []
    current = ""
    size = 0
    for char in line:
        width = len(char.encode("utf-8"))
        limit = 75 if not out else 74  # continuation lines start with a space
        if size + width > limit:
            out.append(current)
            current, size = "", 0
        current += char
        size += width
    out.append(current)
    return "\r\n ".join(out)


def _utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def event(
    *,
    uid: str,
    sequence: int,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    summary: str,
    description: str,
    location: str,
    organizer: Attendee,
    attendees: Iterable[Attendee],
    method: str = "REQUEST",
    cancelled: bool = False,
    stamp: dt.datetime | None = None,
) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        f"METHOD:{method}",
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{_utc(stamp or timezone.now())}",
        f"SEQUENCE:{sequence}",
        f"DTSTART:{_utc(starts_at)}",
        f"DTEND:{_utc(ends_at)}",
        f"SUMMARY:{escape_text(summary)}",
        f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
        f"ORGANIZER;CN={_param(organizer.name)}:mailto:{organizer.email}",
    ]
    if description:
        lines.append(f"DESCRIPTION:{escape_text(description)}")
    if location:
        lines.append(f"LOCATION:{escape_text(location)}")
    for attendee in attendees:
        lines.append(
            f"ATTENDEE;CN={_param(attendee.name)};ROLE=REQ-PARTICIPANT;"
            f"PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:{attendee.email}"
        )
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "\r\n".join(fold(line) for line in lines) + "\r\n"


def session_ics(
    session: ListeningSession, *, language: str | None = None, method: str | None = None
) -> str:
    """The session as an invitation (or a cancellation), its summary in `language`."""
    cancelled = session.status == SessionStatus.CANCELLED
    with translation.override(language or settings.LANGUAGE_CODE):
        summary = _("Listening session with %(leader)s") % {"leader": session.leader}
        link = f"{settings.SITE_URL}/listening/sessions/{session.pk}/"
        description = "\n\n".join(filter(None, [session.agenda, link]))
    participants = [p.person for p in session.participants.select_related("person")]
    return event(
        uid=f"{session.uid}@everyweek",
        sequence=session.sequence,
        starts_at=session.starts_at,
        ends_at=session.starts_at + dt.timedelta(minutes=session.duration_minutes),
        summary=summary,
        description=description,
        location=session.location,
        organizer=Attendee(session.leader.full_name, session.leader.email),
        attendees=[Attendee(p.full_name, p.email) for p in participants],
        method=method or ("CANCEL" if cancelled else "REQUEST"),
        cancelled=cancelled,
    )
