"""Integration point with the recognition app's raffles (one raffle system, not two).

The hunt records every find and the tickets it earned in HuntFind. The tickets themselves
go into recognition's raffles through `everyweek.recognition.programmes.give_tickets`
(one ticket row per ticket, in every raffle not drawn yet, so the drawing stays verifiable
there). It is looked up at run time: when recognition is absent, or no raffle is open yet,
finds stay uncredited and `credit_pending_finds()` credits them later.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from everyweek.people.models import Person


def _giver() -> Callable[..., Any] | None:
    try:
        module = importlib.import_module("everyweek.recognition.programmes")
    except ImportError:
        return None
    giver = getattr(module, "give_tickets", None)
    return giver if callable(giver) else None


def grant_tickets(person: Person, count: int, reason: str) -> bool:
    """Credit `count` tickets to `person`; False when no raffle took them."""
    giver = _giver()
    if giver is None or count <= 0:
        return False
    return bool(giver(person=person, reason=reason[:120], tickets=count))


def credit_pending_finds() -> int:
    """Credit finds made while no raffle was open; returns how many were credited."""
    from everyweek.week.models import HuntFind

    credited = 0
    for find in HuntFind.objects.filter(credited=False, tickets__gt=0).select_related(
        "person", "item"
    ):
        if not grant_tickets(find.person, find.tickets, f"hunt: {find.item.label}"):
            break
        HuntFind.objects.filter(pk=find.pk).update(credited=True)
        credited += 1
    return credited
