from __future__ import annotations

import random

from everyweek.conftest import Org
from everyweek.people.models import Person
from everyweek.scorecards.demo import generate_scorecards
from everyweek.scorecards.models import AdherenceDay, KeyFigure, ScorecardDefinition


def test_demo_generates_adherence_key_figures_and_a_default_scorecard(org: Org) -> None:
    Person.objects.filter(pk__in=[org.alice.pk, org.bruno.pk]).update(is_generated=True)
    counts = generate_scorecards(random.Random(3), days=60)
    assert counts["adherence_days"] == AdherenceDay.objects.count() > 40
    assert KeyFigure.objects.filter(department=org.sales).exists()
    assert ScorecardDefinition.objects.filter(is_default=True).count() == 1
    assert all(a.adherent_minutes <= a.scheduled_minutes for a in AdherenceDay.objects.all())
