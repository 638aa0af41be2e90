"""Deterministic generator of the demo organisation. Everything it creates is marked generated.

(The full generator is being written; this module defines the interface the `demo` command uses.)
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from everyweek.people.models import Person, Role

DEFAULT_SEED = 7
DEMO_PASSWORD = "everyweek-demo"  # noqa: S105 - documented demo-only password


@dataclass
class DemoSummary:
    people: int

    def describe(self) -> str:
        return f"Generated {self.people} people."


def is_loaded() -> bool:
    return Person.objects.filter(is_generated=True).exists()


@transaction.atomic
def delete_generated() -> None:
    Person.objects.filter(is_generated=True).delete()


def demo_logins() -> list[tuple[str, str]]:
    logins = []
    for role in Role.values:
        person = (
            Person.objects.filter(is_generated=True, role=role, is_active=True)
            .order_by("pk")
            .first()
        )
        if person:
            logins.append((role, person.email))
    return logins


@transaction.atomic
def generate(seed: int = DEFAULT_SEED) -> DemoSummary:
    raise NotImplementedError
