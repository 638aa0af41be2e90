"""The demo: a year of listening on the generated organisation, removed with the rest of it."""

from __future__ import annotations

import inspect
import random
from typing import Any

from everyweek.demo.generator import delete_generated, generate
from everyweek.listening.demo import generate_listening
from everyweek.listening.models import (
    ActionItem,
    AnonymousQuestion,
    ListeningSession,
    SessionStatus,
)
from everyweek.listening.selectors import leader_listening, people_below
from everyweek.people.models import Person


def test_demo_listening_is_generated_and_deleted_with_the_organisation(db: Any) -> None:
    _organisation()
    counts = generate_listening(random.Random(7))
    assert counts["sessions"] > 20 and counts["action_items"] > 5 and counts["questions"] > 0
    assert not ListeningSession.objects.filter(is_generated=False).exists()
    assert ListeningSession.objects.filter(status=SessionStatus.PLANNED).exists()
    # Every participant really is two or more levels below their session's leader.
    session = ListeningSession.objects.filter(status=SessionStatus.HELD).first()
    assert session is not None
    below = set(people_below(session.leader).values_list("pk", flat=True))
    assert set(session.participants.values_list("person_id", flat=True)) <= below
    [row] = leader_listening([session.leader])
    assert row.held > 0 and row.cadence_percent is not None
    delete_generated()
    assert not ListeningSession.objects.exists()
    assert not ActionItem.objects.exists() and not AnonymousQuestion.objects.exists()
    assert not Person.objects.filter(is_generated=True).exists()


def _organisation() -> None:
    """The generated people only: this test runs its own domain generator on them."""
    if "with_domains" in inspect.signature(generate).parameters:
        generate(photos=False, with_domains=False)  # type: ignore[call-arg,unused-ignore]
    else:
        generate(photos=False)
