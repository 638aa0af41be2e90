"""Freshdesk: satisfaction ratings (JSON, from the API) and the ticket export (CSV).

`GET /api/v2/surveys/satisfaction_ratings` answers a JSON list of ratings; `ratings` holds
one coded answer per question, `default_question` being the survey's main one. Codes run
103 (extremely happy), 102, 101, 100 (neutral), -101, -102, -103 (extremely unhappy); they
are spread evenly over the CSAT scale of the integration's survey (see mapping.py).

The ticket export's headers change capitalisation between Freshdesk products and versions
("Created time" / "Created Time"), so columns are found by name whatever the case. The
"(in hrs)" columns are often empty: timestamps are used first and hours only fill gaps.
Naive times are read in the integration's time zone (option "time_zone", UTC by default).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from typing import IO, Any

from django.utils.translation import gettext as _

from everyweek.integrations import mapping
from everyweek.integrations.importers.base import (
    AgentRef,
    ImportFileError,
    InteractionRow,
    Parsed,
    ResponseRow,
    RowProblem,
    Skipped,
)
from everyweek.integrations.importers.spreadsheet import text_stream
from everyweek.integrations.importers.zendesk import load_json
from everyweek.integrations.mapping import RowError
from everyweek.integrations.models import Integration


def csat_scale(integration: Integration) -> int:
    if integration.survey is not None:
        return integration.survey.csat_scale
    scale = integration.config.get("csat_scale", 5)
    return scale if scale in (2, 3, 5, 7) else 5


def rating_row(line: int, item: Any, scale: int) -> Parsed:
    if not isinstance(item, dict):
        return RowProblem(line, "", _("A rating must be a JSON object."))
    try:
        ratings = item.get("ratings")
        if not isinstance(ratings, dict):
            raise RowError("ratings", _("The ratings are missing."))
        code = ratings.get("default_question")
        if code is None:
            return Skipped(line)
        agent_id = mapping.clean_id(item.get("agent_id"), "agent_id", required=False)
        return ResponseRow(
            line=line,
            external_id=mapping.clean_id(item.get("id"), "id"),
            submitted_at=mapping.parse_datetime(
                item.get("created_at") or item.get("updated_at"), field="created_at"
            ),
            csat=mapping.freshdesk_to_csat(code, scale),
            csat_scale=scale,
            comment=mapping.clean_text(item.get("feedback")),
            agent=AgentRef(external_id=agent_id) if agent_id else None,
            ticket_id=mapping.clean_id(item.get("ticket_id"), "ticket_id", required=False),
        )
    except RowError as exc:
        return RowProblem(line, exc.field, exc.message)


def parse_ratings(stream: IO[bytes], integration: Integration) -> tuple[int, Iterator[Parsed]]:
    data = load_json(stream)
    if isinstance(data, dict) and isinstance(data.get("satisfaction_ratings"), list):
        data = data["satisfaction_ratings"]
    if not isinstance(data, list):
        raise ImportFileError(_("Expected a JSON list of satisfaction ratings."))
    scale = csat_scale(integration)
    return len(data), (rating_row(n, item, scale) for n, item in enumerate(data, start=1))


TICKET_COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("Ticket ID", "Ticket Id", "ID"),
    "subject": ("Subject",),
    "status": ("Status",),
    "priority": ("Priority",),
    "source": ("Source",),
    "agent": ("Agent", "Agent name", "Responder"),
    "requester_email": ("Requester email", "Email", "Contact email", "Requester Email ID"),
    "requester_name": ("Requester name", "Full name", "Contact name", "Requester"),
    "created": ("Created time", "Created at", "Created date"),
    "resolved": ("Resolved time", "Resolved at"),
    "closed": ("Closed time", "Closed at"),
    "initial_response": ("Initial response time", "First responded at"),
    "first_response_hours": ("First response time (in hrs)", "First response time (hrs)"),
    "resolution_hours": ("Resolution time (in hrs)", "Resolution time (hrs)"),
    "agent_interactions": ("Agent interactions", "Agent replies"),
    "tags": ("Tags",),
}


def _hours(value: str, field: str) -> dt.timedelta | None:
    raw = value.strip()
    if not raw:
        return None
    if ":" in raw:  # "hh:mm:ss", as some exports write durations
        parts = raw.split(":")
        try:
            hours, minutes, *rest = (int(p) for p in parts)
        except ValueError:
            raise RowError(
                field, _("“%(value)s” is not a duration.") % {"value": raw[:40]}
            ) from None
        return dt.timedelta(hours=hours, minutes=minutes, seconds=rest[0] if rest else 0)
    try:
        hours_f = float(raw.replace(",", "."))
    except ValueError:
        raise RowError(
            field, _("“%(value)s” is not a number of hours.") % {"value": raw[:40]}
        ) from None
    if not 0 <= hours_f < 1_000_000:
        raise RowError(field, _("“%(value)s” is not a number of hours.") % {"value": raw[:40]})
    return dt.timedelta(hours=hours_f)


def parse_tickets(stream: IO[bytes], integration: Integration) -> tuple[int, Iterator[Parsed]]:
    text, total = text_stream(stream)
    reader = csv.reader(text)
    headers = next(reader, None)
    if not headers:
        raise ImportFileError(_("The file is empty."))
    columns = {
        name: mapping.find_column(headers, aliases) for name, aliases in TICKET_COLUMNS.items()
    }
    if columns["id"] is None or columns["created"] is None:
        raise ImportFileError(
            _(
                "The file needs the columns “Ticket ID” and “Created time”: is it a Freshdesk ticket export?"
            )
        )
    index = {name: headers.index(col) for name, col in columns.items() if col is not None}
    tz = mapping.zone(integration.config.get("time_zone"))

    def rows() -> Iterator[Parsed]:
        for line, values in enumerate(reader, start=2):
            if not any(v.strip() for v in values):
                continue

            def get(name: str, values: list[str] = values) -> str:
                i = index.get(name)
                return values[i].strip() if i is not None and i < len(values) else ""

            try:
                created = mapping.parse_datetime(get("created"), tz, "Created time")
                first = (
                    mapping.parse_datetime(get("initial_response"), tz, "Initial response time")
                    if get("initial_response")
                    else None
                )
                if first is None and (
                    span := _hours(get("first_response_hours"), "First response time (in hrs)")
                ):
                    first = created + span
                resolved_raw = get("resolved") or get("closed")
                resolved = (
                    mapping.parse_datetime(resolved_raw, tz, "Resolved time")
                    if resolved_raw
                    else None
                )
                if resolved is None and (
                    span := _hours(get("resolution_hours"), "Resolution time (in hrs)")
                ):
                    resolved = created + span
                agent = get("agent")
                status = get("status").lower()
                tags = [t.strip() for t in get("tags").split(",") if t.strip()]
                yield InteractionRow(
                    line=line,
                    external_id=mapping.clean_id(get("id"), "Ticket ID"),
                    created_at=created,
                    subject=get("subject")[:255] or None,
                    status=mapping.FRESHDESK_STATUS.get(status, "open" if status else None),
                    priority=mapping.FRESHDESK_PRIORITY.get(get("priority").lower()),
                    channel=mapping.clean_channel(get("source")) or None,
                    first_response_at=first,
                    resolved_at=resolved,
                    reply_count=mapping.parse_int(
                        get("agent_interactions"), "Agent interactions", 0, 32767
                    ),
                    tags=tags or None,
                    agent=AgentRef(name=agent[:150]) if agent and agent != "--" else None,
                    customer_email=mapping.clean_email(get("requester_email")),
                    customer_name=get("requester_name")[:200],
                )
            except RowError as exc:
                yield RowProblem(line, exc.field, exc.message)

    return total, rows()
