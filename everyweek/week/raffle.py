"""Integration point with the recognition app's raffles (one raffle system, not two).

The hunt records every find and the tickets it earned in HuntFind. Crediting those tickets
to a raffle belongs to everyweek.recognition: when it offers a service named
`grant_raffle_tickets(person=, count=, reason=)`, it is called here; until then finds are
kept uncredited and `credit_pending_finds()` credits them once it exists.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from everyweek.people.models import Person


def _granter() -> Callable[..., Any] | None:
    try:
        module = importlib.import_module("everyweek.recognition.services")
    except ImportError:
        return None
    granter = getattr(module, "grant_raffle_tickets", None)
    return granter if callable(granter) else None


def grant_tickets(person: Person, count: int, reason: str) -> bool:
    """Credit `count` tickets to `person`; False when no raffle service is available."""
    granter = _granter()
    if granter is None or count <= 0:
        return False
    granter(person=person, count=count, reason=reason)
    return True


def credit_pending_finds() -> int:
    from everyweek.week.models import HuntFind

    credited = 0
    for find in HuntFind.objects.filter(credited=False, tickets__gt=0).select_related(
        "person", "item"
    ):
        if not grant_tickets(find.person, find.tickets, f"hunt:{find.item.code}"):
            break
        HuntFind.objects.filter(pk=find.pk).update(credited=True)
        credited += 1
    return credited
