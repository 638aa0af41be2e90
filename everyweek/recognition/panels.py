"""Home-page panels: praise waiting for a leader's thanks, and recent recognition for you."""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest

from everyweek.core.access import is_leader
from everyweek.people.models import Person
from everyweek.recognition import selectors
from everyweek.recognition.models import Notification

PANEL_SIZE = 5


def me(request: HttpRequest) -> Person:
    """The signed-in person (views using this are behind login_required)."""
    return cast(Person, request.user)


def praise_panel(request: HttpRequest) -> dict[str, Any] | None:
    user = me(request)
    if not is_leader(user):
        return None
    waiting = selectors.praise_to_thank(user).filter(agent__reports_to=user)
    count = waiting.count()
    if not count:
        return None
    return {"items": list(waiting[:PANEL_SIZE]), "count": count}


def for_you_panel(request: HttpRequest) -> dict[str, Any] | None:
    user = me(request)
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    kudos = list(
        selectors.visible_kudos(user).filter(recipient=user, withdrawn_at__isnull=True)[:PANEL_SIZE]
    )
    unread_count = unread.count()
    if not kudos and not unread_count:
        return None
    return {"kudos": kudos, "unread": list(unread[:PANEL_SIZE]), "unread_count": unread_count}
