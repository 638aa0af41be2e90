"""Delighted: `survey_response.created` / `.updated` and `unsubscribe.created`.

Signed with `X-Delighted-Webhook-Signature: sha256=<hex HMAC-SHA256 of the raw body>`.
The comment usually arrives only in `.updated`, so both events upsert the response with
Delighted's response id (`event_data.id`). The agent and the ticket come from person
properties (option "agent_property", default "Agent Email"; "ticket_property", default
"Ticket ID"), looked up whatever their capitalisation.
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
    PayloadError,
    SignatureError,
    header,
    obj,
    require_secret,
    same,
)

SIGNATURE_HEADER = "X-Delighted-Webhook-Signature"

# survey_type -> (our score, CSAT scale)
SCORES = {
    "nps": ("nps", 0),
    "enps": ("nps", 0),
    "csat": ("csat", 5),
    "smileys": ("csat", 5),
    "five_star": ("csat", 5),
    "ces": ("ces", 0),
}


def sign(secret: bytes, body: bytes) -> str:
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def verify(integration: Integration, headers: Mapping[str, str], body: bytes, now: float) -> None:
    received = header(headers, SIGNATURE_HEADER)
    if not received or not same(sign(require_secret(integration), body), received):
        raise SignatureError(_("The webhook signature is missing or wrong."))


def _property(properties: Any, wanted: str) -> str:
    if not isinstance(properties, dict):
        return ""
    for key, value in properties.items():
        if mapping.normalise_header(str(key)) == mapping.normalise_header(wanted):
            return mapping.clean_text(value, 150)
    return ""


def parse(
    integration: Integration, headers: Mapping[str, str], body: bytes, payload: Any
) -> Delivery:
    payload = obj(payload, "body")
    event_id = mapping.clean_id(payload.get("event_id"), "event_id")
    event_type = mapping.clean_text(payload.get("event_type"), 80)
    delivery = Delivery(event_id=event_id, event_type=event_type)
    data = obj(payload.get("event_data"), "event_data")
    if event_type == "unsubscribe.created":
        email = mapping.clean_email(
            data.get("email") or obj(data.get("person") or {}, "person").get("email")
        )
        if not email:
            raise PayloadError(_("The unsubscribe carries no email address."))
        delivery.unsubscribes.append(email)
        return delivery
    if event_type not in ("survey_response.created", "survey_response.updated"):
        return delivery
    survey_type = str(data.get("survey_type") or "nps")
    if survey_type not in SCORES:
        raise PayloadError(
            _("Unknown Delighted survey type “%(value)s”.") % {"value": survey_type[:40]}
        )
    kind, scale = SCORES[survey_type]
    low, high = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}[kind]
    person = obj(data.get("person") or {}, "person")
    properties = data.get("person_properties")
    config = integration.config
    agent_email = mapping.clean_email(
        _property(properties, config.get("agent_property", "Agent Email"))
    )
    row = ResponseRow(
        line=1,
        external_id=mapping.clean_id(data.get("id"), "event_data.id"),
        submitted_at=mapping.parse_datetime(data.get("created_at"), field="created_at"),
        comment=mapping.clean_text(data.get("comment")),
        csat_scale=scale or 5,
        agent=AgentRef(email=agent_email) if agent_email else None,
        customer_email=mapping.clean_email(person.get("email")),
        customer_name=mapping.clean_text(person.get("name"), 200),
        ticket_id=mapping.clean_id(
            _property(properties, config.get("ticket_property", "Ticket ID")),
            "ticket",
            required=False,
        ),
        language=mapping.clean_language(_property(properties, "locale")),
    )
    setattr(row, kind, mapping.parse_int(data.get("score"), "score", low, high))
    delivery.responses.append(row)
    return delivery
