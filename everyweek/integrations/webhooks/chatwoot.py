"""Chatwoot: the CSAT answer arrives as `message_updated` on the survey message.

`content_attributes.submitted_values.csat_survey_response` holds `rating` (1-5) and
`feedback_message`. The response id is the message id; the agent is the conversation's
assignee; the ticket is the conversation's display id.

Chatwoot 4.11.2 and later sign account webhooks: `X-Chatwoot-Signature: sha256=<hex
HMAC-SHA256 of "timestamp.body">` with `X-Chatwoot-Timestamp` (refused when more than five
minutes away) and `X-Chatwoot-Delivery` (the event id). Older versions sign nothing: there
the webhook address must carry `?token=<secret token>`, shown once when the integration is
created; only its SHA-256 digest is stored. A request with neither is refused.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from everyweek.integrations import mapping
from everyweek.integrations.importers.base import AgentRef, ResponseRow
from everyweek.integrations.models import Integration
from everyweek.integrations.webhooks.base import (
    Delivery,
    SignatureError,
    check_timestamp,
    header,
    obj,
    require_secret,
    same,
)

SIGNATURE_HEADER = "X-Chatwoot-Signature"


def sign(secret: bytes, timestamp: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret, f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def verify(
    integration: Integration, headers: Mapping[str, str], body: bytes, now: float, token: str = ""
) -> None:
    received = header(headers, SIGNATURE_HEADER)
    if received:
        timestamp = header(headers, "X-Chatwoot-Timestamp").strip()
        check_timestamp(timestamp, now)
        if not same(sign(require_secret(integration), timestamp, body), received):
            raise SignatureError(_("The webhook signature is missing or wrong."))
        return
    if (
        integration.url_token_digest
        and token
        and same(integration.url_token_digest, token_digest(token))
    ):
        return
    raise SignatureError(_("The webhook signature is missing or wrong."))


def event_id(headers: Mapping[str, str], body: bytes) -> str:
    delivery = header(headers, "X-Chatwoot-Delivery").strip()
    return delivery[:200] if delivery else "sha256:" + hashlib.sha256(body).hexdigest()


def parse(
    integration: Integration, headers: Mapping[str, str], body: bytes, payload: Any
) -> Delivery:
    payload = obj(payload, "body")
    event = mapping.clean_text(payload.get("event"), 80)
    delivery = Delivery(event_id=event_id(headers, body), event_type=event)
    if event != "message_updated":
        return delivery
    attributes = payload.get("content_attributes") or {}
    submitted = attributes.get("submitted_values") if isinstance(attributes, dict) else None
    answer = submitted.get("csat_survey_response") if isinstance(submitted, dict) else None
    if not isinstance(answer, dict) or answer.get("rating") in (None, ""):
        return delivery  # another message edit, not a CSAT answer
    conversation = obj(payload.get("conversation") or {}, "conversation")
    meta = obj(conversation.get("meta") or {}, "conversation.meta")
    assignee = meta.get("assignee") or {}
    contact = payload.get("contact") or meta.get("sender") or {}
    row = ResponseRow(
        line=1,
        external_id=mapping.clean_id(payload.get("id"), "id"),
        submitted_at=mapping.parse_datetime(payload.get("created_at"), field="created_at"),
        csat=mapping.parse_int(answer.get("rating"), "rating", 1, 5),
        csat_scale=5,
        comment=mapping.clean_text(answer.get("feedback_message")),
        channel="chat",
        ticket_id=mapping.clean_id(
            conversation.get("display_id") or conversation.get("id"), "conversation", required=False
        ),
    )
    if isinstance(assignee, dict) and (assignee.get("id") or assignee.get("email")):
        row.agent = AgentRef(
            external_id=mapping.clean_id(assignee.get("id"), "assignee.id", required=False),
            email=mapping.clean_email(assignee.get("email")),
            name=mapping.clean_text(assignee.get("name"), 150),
        )
    if isinstance(contact, dict):
        row.customer_email = mapping.clean_email(contact.get("email"))
        row.customer_name = mapping.clean_text(contact.get("name"), 200)
    delivery.responses.append(row)
    return delivery
