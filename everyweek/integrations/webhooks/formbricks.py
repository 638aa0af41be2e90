"""Formbricks: `responseCreated`, `responseUpdated`, `responseFinished` (Standard Webhooks).

Headers `webhook-id`, `webhook-timestamp` and `webhook-signature: v1,<base64 HMAC-SHA256 of
"id.timestamp.body">` keyed with the base64 part of the `whsec_` secret; several signatures
may be sent, space-separated. A timestamp more than five minutes away is refused. The event
id is `webhook-id`; every event upserts the same response (`data.id`), so a response
finished later completes the one created first.

Which question is which comes from the options "nps_question", "csat_question",
"ces_question", "comment_question"; agent and ticket from hidden fields (options
"agent_field", default "agent_email"; "ticket_field", default "ticket_id").
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from everyweek.integrations import mapping
from everyweek.integrations.importers.base import AgentRef, ResponseRow
from everyweek.integrations.models import Integration
from everyweek.integrations.webhooks.base import (
    Delivery,
    PayloadError,
    SignatureError,
    check_timestamp,
    decode_whsec,
    header,
    hmac_sha256,
    obj,
    require_secret,
    same,
)

EVENTS = ("responseCreated", "responseUpdated", "responseFinished")


def sign(secret: str, msg_id: str, timestamp: str, body: bytes) -> str:
    key = decode_whsec(secret)
    digest = hmac_sha256(key, f"{msg_id}.{timestamp}.".encode() + body)
    return "v1," + base64.b64encode(digest).decode()


def verify(integration: Integration, headers: Mapping[str, str], body: bytes, now: float) -> None:
    secret = require_secret(integration).decode()
    msg_id = header(headers, "webhook-id")
    timestamp = header(headers, "webhook-timestamp")
    signatures = header(headers, "webhook-signature").split()
    if not msg_id or not signatures:
        raise SignatureError(_("The webhook signature is missing or wrong."))
    check_timestamp(timestamp, now)
    expected = sign(secret, msg_id, timestamp.strip(), body)
    if not any(same(expected, candidate) for candidate in signatures):
        raise SignatureError(_("The webhook signature is missing or wrong."))


def parse(
    integration: Integration, headers: Mapping[str, str], body: bytes, payload: Any
) -> Delivery:
    # The documentation shows the event inside a one-item list; accept both shapes.
    if isinstance(payload, list) and len(payload) == 1:
        payload = payload[0]
    payload = obj(payload, "body")
    event = mapping.clean_text(payload.get("event"), 80)
    delivery = Delivery(
        event_id=mapping.clean_id(header(headers, "webhook-id"), "webhook-id"), event_type=event
    )
    if event not in EVENTS:
        return delivery
    data = obj(payload.get("data"), "data")
    answers = data.get("data") or {}
    if not isinstance(answers, dict):
        raise PayloadError(_("“%(name)s” must be a JSON object.") % {"name": "data.data"})
    config = integration.config
    scale = config.get("csat_scale", 5)
    scale = scale if scale in (2, 3, 5, 7) else 5
    row = ResponseRow(
        line=1,
        external_id=mapping.clean_id(data.get("id"), "data.id"),
        submitted_at=mapping.parse_datetime(
            data.get("updatedAt") or data.get("createdAt"), field="createdAt"
        ),
        csat_scale=scale,
        language=mapping.clean_language(data.get("language")),
    )
    for kind, (low, high) in (("nps", (0, 10)), ("csat", (1, scale)), ("ces", (1, 7))):
        question = config.get(f"{kind}_question")
        if question and question in answers:
            setattr(row, kind, mapping.parse_int(answers[question], question, low, high))
    comment_question = config.get("comment_question")
    if comment_question:
        row.comment = mapping.clean_text(answers.get(comment_question))
    agent_value = mapping.clean_text(answers.get(config.get("agent_field", "agent_email")), 150)
    agent_email = mapping.clean_email(agent_value)
    if agent_value:
        row.agent = (
            AgentRef(email=agent_email) if agent_email else AgentRef(external_id=agent_value)
        )
    row.ticket_id = mapping.clean_id(
        answers.get(config.get("ticket_field", "ticket_id")), "ticket_id", required=False
    )
    attributes = data.get("contactAttributes") or {}
    if isinstance(attributes, dict):
        row.customer_email = mapping.clean_email(attributes.get("email"))
        row.customer_name = mapping.clean_text(attributes.get("name"), 200)
    if row.nps is None and row.csat is None and row.ces is None and not row.comment:
        return delivery  # started but nothing we measure answered yet
    delivery.responses.append(row)
    return delivery
