"""Zendesk Support: satisfaction ratings and ticket metrics, as the API returns them.

`GET /api/v2/satisfaction_ratings` answers `{"satisfaction_ratings": [...], "next_page": …}`
(one page per file, or a JSON list of pages). Score "good" / "bad" become 2 / 1 on a 2-point
CSAT scale; "offered" / "unoffered" (asked, not answered) are skipped. The rating is
credited to `assignee_id`, the agent assigned when the customer rated.

`GET /api/v2/ticket_metrics` answers `{"ticket_metrics": [...]}`: calendar minutes become
timestamps on the ticket (first reply, resolution); `agent_wait_time_in_minutes` (time in
pending) becomes the time waiting on the customer. Business minutes are not stored: service
standards compute business time from their own calendar.
"""

from __future__ import annotations

import datetime as dt
import json
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
from everyweek.integrations.mapping import RowError
from everyweek.integrations.models import Integration


def load_json(stream: IO[bytes]) -> Any:
    try:
        return json.loads(stream.read().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise ImportFileError(_("The file is not valid JSON: %(error)s") % {"error": exc}) from exc


def records(data: Any, key: str) -> list[Any]:
    """The records under `key` in one page, a list of pages, or a bare list of records."""
    if isinstance(data, dict):
        if key not in data or not isinstance(data[key], list):
            raise ImportFileError(
                _("The file has no “%(key)s” list: is it the right export?") % {"key": key}
            )
        return list(data[key])
    if isinstance(data, list):
        if data and all(isinstance(page, dict) and key in page for page in data):
            items: list[Any] = []
            for page in data:
                if not isinstance(page[key], list):
                    raise ImportFileError(
                        _("The file has no “%(key)s” list: is it the right export?") % {"key": key}
                    )
                items.extend(page[key])
            return items
        return data
    raise ImportFileError(
        _("The file has no “%(key)s” list: is it the right export?") % {"key": key}
    )


def _minutes(value: Any, field: str) -> int | None:
    """The calendar minutes of a Zendesk {"calendar": n, "business": m} object."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise RowError(field, _("Expected calendar and business minutes."))
    return mapping.parse_int(value.get("calendar"), field, 0, 10_000_000)


def rating_row(line: int, item: Any) -> Parsed:
    if not isinstance(item, dict):
        return RowProblem(line, "", _("A rating must be a JSON object."))
    try:
        score = item.get("score")
        if not isinstance(score, str):
            raise RowError("score", _("Unknown score “%(value)s”.") % {"value": str(score)[:40]})
        if score in mapping.ZENDESK_UNANSWERED:
            return Skipped(line)
        if score not in mapping.ZENDESK_SCORES:
            raise RowError("score", _("Unknown score “%(value)s”.") % {"value": str(score)[:40]})
        reason_code = item.get("reason_code")
        assignee = mapping.clean_id(item.get("assignee_id"), "assignee_id", required=False)
        return ResponseRow(
            line=line,
            external_id=mapping.clean_id(item.get("id"), "id"),
            submitted_at=mapping.parse_datetime(
                item.get("updated_at") or item.get("created_at"), field="created_at"
            ),
            csat=mapping.ZENDESK_SCORES[score],
            csat_scale=2,
            comment=mapping.clean_text(item.get("comment")),
            reason_codes=[f"zendesk_{reason_code}"]
            if isinstance(reason_code, int) and not isinstance(reason_code, bool) and reason_code
            else [],
            agent=AgentRef(external_id=assignee) if assignee else None,
            ticket_id=mapping.clean_id(item.get("ticket_id"), "ticket_id", required=False),
        )
    except RowError as exc:
        return RowProblem(line, exc.field, exc.message)


def parse_ratings(stream: IO[bytes], integration: Integration) -> tuple[int, Iterator[Parsed]]:
    items = records(load_json(stream), "satisfaction_ratings")
    return len(items), (rating_row(n, item) for n, item in enumerate(items, start=1))


def metric_row(line: int, item: Any) -> Parsed:
    if not isinstance(item, dict):
        return RowProblem(line, "", _("A ticket metric must be a JSON object."))
    try:
        created = mapping.parse_datetime(item.get("created_at"), field="created_at")
        reply = _minutes(item.get("reply_time_in_minutes"), "reply_time_in_minutes")
        full = _minutes(
            item.get("full_resolution_time_in_minutes"), "full_resolution_time_in_minutes"
        )
        waited = _minutes(item.get("agent_wait_time_in_minutes"), "agent_wait_time_in_minutes")
        solved_at = (
            mapping.parse_datetime(item["solved_at"], field="solved_at")
            if item.get("solved_at")
            else None
        )
        if solved_at is None and full is not None:
            solved_at = created + dt.timedelta(minutes=full)
        return InteractionRow(
            line=line,
            external_id=mapping.clean_id(item.get("ticket_id"), "ticket_id"),
            created_at=created,
            first_response_at=created + dt.timedelta(minutes=reply) if reply is not None else None,
            resolved_at=solved_at,
            status="solved" if solved_at else None,
            pending_seconds=waited * 60 if waited is not None else None,
            reopen_count=mapping.parse_int(item.get("reopens"), "reopens", 0, 32767),
            reply_count=mapping.parse_int(item.get("replies"), "replies", 0, 32767),
        )
    except RowError as exc:
        return RowProblem(line, exc.field, exc.message)


def parse_metrics(stream: IO[bytes], integration: Integration) -> tuple[int, Iterator[Parsed]]:
    items = records(load_json(stream), "ticket_metrics")
    return len(items), (metric_row(n, item) for n, item in enumerate(items, start=1))
