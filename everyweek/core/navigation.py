"""The navigation, per role. Apps add their entries here so the layout shows the domain at a glance."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from everyweek.analysis.labels import NAV_LABEL as ANALYSIS_LABEL
from everyweek.core.access import is_admin, is_leader
from everyweek.integrations.labels import NAV_LABEL as IMPORTS_LABEL
from everyweek.scorecards.labels import INGEST_LABEL
from everyweek.scorecards.labels import NAV_LABEL as SCORECARDS_LABEL
from everyweek.week.labels import NAV_LABEL as WEEK_LABEL


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    visible: Callable[[Any], bool]
    # URL prefix that marks the item as the current section.
    section: str = ""

    def url(self) -> str:
        return reverse(self.url_name)


def _everyone(user: Any) -> bool:
    return bool(user.is_authenticated)


NAVIGATION: list[NavItem] = [
    NavItem(_("Home"), "home", _everyone, "/"),
    NavItem(_("People"), "people:list", _everyone, "/people/"),
    NavItem(_("Feedback"), "feedback:list", _everyone, "/feedback/"),
    NavItem(_("Recognition"), "recognition:kudos-list", _everyone, "/recognition/"),
    NavItem(_("Praise to thank"), "recognition:praise", is_leader, "/recognition/praise/"),
    NavItem(_("Follow-ups"), "feedback:cases", is_leader, "/feedback/follow-ups/"),
    NavItem(ANALYSIS_LABEL, "analysis:list", is_leader, "/analysis/"),
    NavItem(_("Service standards"), "standards:list", is_leader, "/standards/"),
    NavItem(SCORECARDS_LABEL, "scorecards:index", _everyone, "/scorecards/"),
    NavItem(_("Listening"), "listening:home", _everyone, "/listening/"),
    NavItem(_("Service desk"), "servicedesk:home", _everyone, "/service-desk/"),
    NavItem(_("Career"), "careers:mine", _everyone, "/careers/"),
    NavItem(_("Organisation"), "people:organisation", is_leader, "/organisation/"),
    NavItem(WEEK_LABEL, "week:index", _everyone, "/week/"),
    NavItem(_("API tokens"), "api-tokens", _everyone, "/account/tokens/"),
    NavItem(_("Outbox"), "notifications:outbox", is_admin, "/outbox/"),
    NavItem(IMPORTS_LABEL, "integrations:list", is_admin, "/integrations/"),
    NavItem(INGEST_LABEL, "scorecards:ingest", is_admin, "/scorecards/import/"),
    NavItem(_("Audit trail"), "audit", is_admin, "/audit/"),
    NavItem(_("Scheduled jobs"), "scheduled-jobs", is_admin, "/scheduled-jobs/"),
    NavItem(_("Administration"), "admin:index", is_admin, "/admin/"),
]


def _matches(item: NavItem, path: str) -> bool:
    if item.section == "/":
        return path == "/"
    return bool(item.section) and path.startswith(item.section)


def items_for(user: Any, path: str) -> list[dict[str, Any]]:
    visible = [item for item in NAVIGATION if item.visible(user)]
    # The most specific section wins: /feedback/follow-ups/ is "Follow-ups", not "Feedback".
    current = max(
        (item for item in visible if _matches(item, path)),
        key=lambda item: len(item.section),
        default=None,
    )
    return [
        {"label": item.label, "url": item.url(), "current": item is current} for item in visible
    ]
