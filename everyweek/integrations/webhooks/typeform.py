"""Typeform: `form_response` webhooks.

Signed with `Typeform-Signature: sha256=<base64 HMAC-SHA256 of the raw body>`. The response
token is the response id. Agent and ticket travel in hidden fields (options
"agent_hidden_field", default "agent_email"; "ticket_hidden_field", default "ticket_id").
Scores: an `nps` field is NPS, a `rating` field is CSAT; other fields count when named in
the options "nps_ref", "csat_ref", "ces_ref", "comment_ref" (the field's `ref`); otherwise
the first long text is the comment.
"""

from __future__ import annotations

import base64
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

SIGNATURE_HEADER = "Typeform-Signature"


def sign(secret: bytes, body: bytes) -> str:
    return "sha256=" + base64.b64encode(hmac.new(secret, body, hashlib.sha256).digest()).decode()


def verify(integration: Integration, headers: Mapping[str, str], body: bytes, now: float) -> None:
    received = header(headers, SIGNATURE_HEADER)
    if not received or not same(sign(require_secret(integration), body), received):
        raise SignatureError(_("The webhook signature is missing or wrong."))


def _value(answer: dict[str, Any]) -> Any:
    kind = answer.get("type")
    if kind == "choice":
        return obj(answer.get("choice") or {}, "choice").get("label")
    return answer.get(kind) if isinstance(kind, str) else None


def parse(
    integration: Integration, headers: Mapping[str, str], body: bytes, payload: Any
) -> Delivery:
    payload = obj(payload, "body")
    event_type = mapping.clean_text(payload.get("event_type"), 80)
    delivery = Delivery(
        event_id=mapping.clean_id(payload.get("event_id"), "event_id"), event_type=event_type
    )
    if event_type != "form_response":
        return delivery
    response = obj(payload.get("form_response"), "form_response")
    hidden = response.get("hidden") or {}
    if not isinstance(hidden, dict):
        raise PayloadError(_("“%(name)s” must be a JSON object.") % {"name": "hidden"})
    config = integration.config
    refs = {
        config.get("nps_ref"): "nps",
        config.get("csat_ref"): "csat",
        config.get("ces_ref"): "ces",
        config.get("comment_ref"): "comment",
    }
    refs.pop(None, None)
    scale = config.get("csat_scale", 5)
    scale = scale if scale in (2, 3, 5, 7) else 5
    row = ResponseRow(
        line=1,
        external_id=mapping.clean_id(response.get("token"), "token"),
        submitted_at=mapping.parse_datetime(response.get("submitted_at"), field="submitted_at"),
        csat_scale=scale,
    )
    answers = response.get("answers") or []
    if not isinstance(answers, list):
        raise PayloadError(_("“%(name)s” must be a list.") % {"name": "answers"})
    ranges = {"nps": (0, 10), "csat": (1, scale), "ces": (1, 7)}
    for answer in answers:
        answer = obj(answer, "answer")
        field = obj(answer.get("field") or {}, "field")
        ref = field.get("ref")
        target = (refs.get(ref) if isinstance(ref, str) else None) or {
            "nps": "nps",
            "rating": "csat",
        }.get(str(field.get("type")))
        value = _value(answer)
        if target in ranges and getattr(row, target) is None:
            low, high = ranges[target]
            setattr(row, target, mapping.parse_int(value, target, low, high))
        elif target == "comment" or (
            target is None
            and field.get("type") == "long_text"
            and not row.comment
            and "comment" not in refs.values()
        ):
            row.comment = mapping.clean_text(value)
        elif field.get("type") == "email" and not row.customer_email:
            row.customer_email = mapping.clean_email(value)
    agent_value = mapping.clean_text(
        hidden.get(config.get("agent_hidden_field", "agent_email")), 150
    )
    agent_email = mapping.clean_email(agent_value)
    if agent_value:
        row.agent = (
            AgentRef(email=agent_email) if agent_email else AgentRef(external_id=agent_value)
        )
    row.ticket_id = mapping.clean_id(
        hidden.get(config.get("ticket_hidden_field", "ticket_id")), "ticket_id", required=False
    )
    row.customer_email = row.customer_email or mapping.clean_email(hidden.get("email"))
    row.language = mapping.clean_language(hidden.get("lang") or hidden.get("language"))
    if row.nps is None and row.csat is None and row.ces is None and not row.comment:
        return delivery  # nothing we measure was answered
    delivery.responses.append(row)
    return delivery
