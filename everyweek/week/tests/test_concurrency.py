from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from everyweek.conftest import make_person
from everyweek.people.models import Role
from everyweek.week import services
from everyweek.week.models import SignupStatus
from everyweek.week.tests.conftest import at


@pytest.mark.django_db(transaction=True)
def test_last_place_goes_to_exactly_one_of_many_simultaneous_signups(org: Any, week: Any) -> None:
    sheet = services.add_sheet(actor=org.mona, celebration=week, title="Potluck")
    slot = services.add_slot(
        actor=org.mona, sheet=sheet, starts_at=at(7, 0), ends_at=at(7, 4), capacity=1
    )
    people = [make_person(f"p{i}@example.com", f"P {i}", Role.AGENT) for i in range(6)]
    barrier = threading.Barrier(len(people))
    failures: list[BaseException] = []

    def take(person: Any) -> None:
        try:
            barrier.wait(timeout=30)
            services.sign_up(person=person, slot=slot)
        except BaseException as exc:  # reported below, in the test's thread
            failures.append(exc)
        finally:
            connection.close()

    if connection.vendor == "postgresql":
        threads = [threading.Thread(target=take, args=(p,)) for p in people]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    else:
        # SQLite's in-memory test database locks whole tables across threads instead of
        # waiting; there, writers are serialised by IMMEDIATE transactions anyway.
        for person in people:
            services.sign_up(person=person, slot=slot)
    assert not failures
    statuses = sorted(slot.signups.values_list("status", flat=True))
    assert statuses.count(SignupStatus.CONFIRMED) == 1
    assert statuses.count(SignupStatus.WAITLISTED) == 5
