"""Public kudos posted to Slack and Microsoft Teams incoming webhooks (off by default)."""

from __future__ import annotations

import json
import logging
import urllib.request

from django.conf import settings
from django.urls import reverse

from everyweek.recognition.models import Kudos, RecognitionSettings, Visibility

logger = logging.getLogger(__name__)
TIMEOUT_SECONDS = 5


def kudos_text(kudos: Kudos) -> str:
    # Sent in the organisation's default language: a channel has many readers.
    link = settings.SITE_URL + reverse("recognition:kudos", args=[kudos.pk])
    return f"👏 {kudos.from_label} → {kudos.recipient_label}: {kudos.message}\n{link}"


def _post(url: str, payload: dict[str, str]) -> bool:
    if not url.startswith(("https://", "http://")):
        return False
    request = urllib.request.Request(  # noqa: S310 - scheme checked above
        url,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return bool(200 <= response.status < 300)
    except OSError as exc:
        logger.warning("Webhook post failed: %s", exc)
        return False


def post_kudos(kudos_id: int) -> int:
    """Post one public kudos to each configured webhook; returns how many accepted it."""
    config = RecognitionSettings.load()
    kudos = (
        Kudos.objects.filter(pk=kudos_id, visibility=Visibility.PUBLIC, withdrawn_at__isnull=True)
        .select_related("author", "recipient", "team", "partner")
        .first()
    )
    if kudos is None or not config.post_public_kudos:
        return 0
    text = kudos_text(kudos)
    posted = 0
    for url in (config.slack_webhook_url, config.teams_webhook_url):
        # Slack and Teams incoming webhooks both accept a JSON body with "text".
        if url and _post(url, {"text": text}):
            posted += 1
    return posted
