from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest

from everyweek.recognition import services
from everyweek.recognition.models import RecognitionSettings, Visibility


@pytest.fixture
def hook_server() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    received: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            received.append({"path": self.path, "body": json.loads(self.rfile.read(length))})
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", received
    server.shutdown()
    server.server_close()


def _configure(base: str, enabled: bool) -> None:
    config = RecognitionSettings.load()
    config.slack_webhook_url = f"{base}/slack"
    config.teams_webhook_url = f"{base}/teams"
    config.post_public_kudos = enabled
    config.save()


def test_public_kudos_are_posted_to_slack_and_teams(
    org: Any, hook_server: tuple[str, list[dict[str, Any]]], django_capture_on_commit_callbacks: Any
) -> None:
    base, received = hook_server
    _configure(base, enabled=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.give_kudos(author=org.sam, recipient=org.alice, message="Saved the deal")
    assert sorted(r["path"] for r in received) == ["/slack", "/teams"]
    assert "Saved the deal" in received[0]["body"]["text"]


def test_webhooks_are_off_by_default_and_private_kudos_never_go(
    org: Any, hook_server: tuple[str, list[dict[str, Any]]], django_capture_on_commit_callbacks: Any
) -> None:
    base, received = hook_server
    _configure(base, enabled=False)
    assert RecognitionSettings().post_public_kudos is False
    with django_capture_on_commit_callbacks(execute=True):
        services.give_kudos(author=org.sam, recipient=org.alice, message="Quiet")
    _configure(base, enabled=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.give_kudos(
            author=org.sam, recipient=org.alice, message="Secret", visibility=Visibility.PRIVATE
        )
    assert received == []
