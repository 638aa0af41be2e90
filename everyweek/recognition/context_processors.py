"""The unread-notifications badge in the header."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from everyweek.recognition.models import Notification


class _UnreadCount:
    """Counted on first use only (one query), so pages that never show the header pay nothing."""

    def __init__(self, user: Any) -> None:
        self.user = user
        self.value: int | None = None

    def __call__(self) -> int:
        if self.value is None:
            self.value = Notification.objects.filter(
                recipient=self.user, read_at__isnull=True
            ).count()
        return self.value


def unread_notifications(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": _UnreadCount(user)}
