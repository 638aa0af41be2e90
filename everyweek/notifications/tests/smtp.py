"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, for tests.

Use it as `with smtp_server(settings) as smtp:`; inside, Django's SMTP backend talks to it and
`smtp.messages` holds what arrived.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any, cast

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    def _part(self, subtype: str) -> str:
        part = self.message.get_body(preferencelist=(subtype,))
        if part is None or part.get_content_subtype() != subtype:
            raise AssertionError(f"the message has no text/{subtype} part")
        return str(cast(EmailMessage, part).get_content())

    def text_body(self) -> str:
        return self._part("plain")

    def html_body(self) -> str:
        return self._part("html")


class SmtpSink:
    """An aiosmtpd handler that accepts every message. Not started until `start()`."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.messages: list[Received] = []
        self._lock = threading.Lock()
        self._controller: Controller | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            self.messages.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), cast(EmailMessage, message))
            )
        return "250 Message accepted for delivery"

    def start(self) -> None:
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def to(self, address: str) -> list[Received]:
        return [m for m in self.messages if address in m.recipients]

    def configure(self, settings: Any) -> None:
        """Point Django's real SMTP backend at this server (pytest-django `settings` fixture)."""
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = self.port
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_USE_SSL = False
        settings.EMAIL_TIMEOUT = 5

    def env(self) -> dict[str, str]:
        """The same configuration for a subprocess (a worker), through settings.py's variables."""
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.port),
            "EMAIL_USE_TLS": "false",
            "EMAIL_USE_SSL": "false",
            "EMAIL_TIMEOUT": "5",
        }


@contextmanager
def smtp_server(settings: Any, *, started: bool = True) -> Iterator[SmtpSink]:
    sink = SmtpSink()
    sink.configure(settings)
    if started:
        sink.start()
    try:
        yield sink
    finally:
        sink.stop()
