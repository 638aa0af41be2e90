"""The one permission layer. Every view and API endpoint reads data through these helpers.

Visibility is decided by role:

- agent: their own data;
- team lead: their team's;
- manager: their department's;
- executive and administrator: everything.

Anything else someone can reach is, on top of that, their own data.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models
from django.db.models import Q
from django.http import Http404

from everyweek.people.models import Person, Role

M = TypeVar("M", bound=models.Model)

WIDE_ROLES = frozenset({Role.EXECUTIVE, Role.ADMIN})
LEADER_ROLES = frozenset({Role.LEAD, Role.MANAGER, Role.EXECUTIVE, Role.ADMIN})


def is_admin(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False) and user.is_active and user.role == Role.ADMIN
    )


def is_leader(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.role in LEADER_ROLES)


def person_scope(user: Any, path: str = "") -> Q:
    """A filter selecting what `user` may see, where `path` leads to a Person (e.g. "agent").

    With an empty path the filter applies to Person itself.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[])
    prefix = f"{path}__" if path else ""
    own = Q(**{f"{prefix}pk": user.pk})
    if user.role in WIDE_ROLES:
        return Q()
    if user.role == Role.MANAGER and user.department_id:
        return own | Q(**{f"{prefix}department_id": user.department_id})
    if user.role == Role.LEAD and user.team_id:
        return own | Q(**{f"{prefix}team_id": user.team_id})
    return own


def scope(queryset: models.QuerySet[M], user: Any, path: str = "") -> models.QuerySet[M]:
    return queryset.filter(person_scope(user, path))


def visible_people(user: Any) -> models.QuerySet[Person]:
    return scope(Person.objects.all(), user)


def get_person_for_user(user: Any, pk: int) -> Person:
    """The person with this id if `user` may see them; 404 otherwise (never 403, to hide existence)."""
    try:
        return (
            visible_people(user)
            .select_related("department", "team", "reports_to", "reports_to__reports_to")
            .get(pk=pk)
        )
    except (Person.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def can_edit_person(user: Any, person: Person) -> bool:
    return is_admin(user)
