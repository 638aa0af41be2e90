from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from everyweek.core.navigation import items_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    return {
        "nav_items": items_for(user, request.path) if user.is_authenticated else [],
        "everyweek_environment": settings.ENVIRONMENT,
    }
