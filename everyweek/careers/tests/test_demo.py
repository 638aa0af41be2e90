"""The demo: a service track beside a sales track, everyone placed, skills rated."""

from __future__ import annotations

import inspect
import random
from typing import Any

from everyweek.careers import selectors
from everyweek.careers.demo import generate_careers
from everyweek.careers.models import CareerPosition, CareerTrack, Skill
from everyweek.demo.generator import delete_generated, generate
from everyweek.people.models import Person, Role


def test_demo_careers_are_generated_and_deleted_with_the_organisation(db: Any) -> None:
    _organisation()
    counts = generate_careers(random.Random(7))
    assert counts["tracks"] == 2 and counts["positions"] > 50 and counts["assessments"] > 50
    _tracks, rows = selectors.pay_band_comparison()
    assert [r.rank for r in rows] == [1, 2, 3, 4]
    assert all(r.service_vs_sales is not None for r in rows)
    agent = Person.objects.filter(
        is_generated=True, role=Role.AGENT, career_position__isnull=False
    ).first()
    assert agent is not None
    progress = selectors.progress_for([agent])[agent.pk]
    assert progress.current is not None
    delete_generated()
    assert not CareerTrack.objects.exists() and not CareerPosition.objects.exists()
    assert not Skill.objects.exists()


def _organisation() -> None:
    """The generated people only: this test runs its own domain generator on them."""
    if "with_domains" in inspect.signature(generate).parameters:
        generate(photos=False, with_domains=False)  # type: ignore[call-arg,unused-ignore]
    else:
        generate(photos=False)
