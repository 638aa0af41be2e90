"""Panels on the personal home page. Each app registers its own in its AppConfig.ready():

    home.register(home.Panel("feedback/home_panel.html", latest_feedback, order=20))

A panel's context function gets the request and returns a dict for its template, or None to
hide the panel. The home view stays the same however many apps contribute.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from everyweek.core.types import AuthenticatedHttpRequest

PanelContext = Callable[[AuthenticatedHttpRequest], dict[str, Any] | None]


@dataclass(frozen=True)
class Panel:
    template: str
    context: PanelContext
    order: int = 50


_PANELS: list[Panel] = []


def register(panel: Panel) -> None:
    if panel not in _PANELS:
        _PANELS.append(panel)
        _PANELS.sort(key=lambda p: p.order)


def render_context(request: AuthenticatedHttpRequest) -> list[tuple[str, dict[str, Any]]]:
    panels = []
    for panel in _PANELS:
        context = panel.context(request)
        if context is not None:
            panels.append((panel.template, context))
    return panels
