"""Career criteria from recognition: kudos and customer commendations received in 12 months."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from everyweek.careers import metrics, selectors, services
from everyweek.careers.tests.helpers import ladder
from everyweek.conftest import Org
from everyweek.recognition import career_metrics
from everyweek.recognition import services as recognition
from everyweek.recognition.models import Commendation, Kudos


def _criterion(progress: Any, key: str) -> Any:
    return next(c for c in progress.criteria if c.metric == key)


def test_the_recognition_app_registers_the_real_metrics() -> None:
    assert metrics.METRICS["kudos_received"].evaluate is career_metrics.kudos_received
    assert metrics.METRICS["customer_commendations"].evaluate is (
        career_metrics.customer_commendations
    )


def test_kudos_received_in_twelve_months_meet_the_criterion(org: Org) -> None:
    steps = ladder(org)
    services.set_criterion(
        actor=org.ada, level=steps.specialist, metric="kudos_received", threshold=Decimal(3)
    )
    services.set_position(actor=org.lenny, person=org.alice, level=steps.associate)
    for author in (org.bruno, org.lenny):
        recognition.give_kudos(author=author, recipient=org.alice, message="Thank you!")
    # None of these count: withdrawn, older than a year, to her team, to someone else.
    withdrawn = recognition.give_kudos(author=org.mona, recipient=org.alice, message="Oops")
    recognition.withdraw_kudos(actor=org.mona, kudos=withdrawn)
    old = recognition.give_kudos(author=org.mona, recipient=org.alice, message="Long ago")
    Kudos.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=400))
    recognition.give_kudos(author=org.mona, team=org.alpha, message="Well done, team")
    recognition.give_kudos(author=org.alice, recipient=org.bruno, message="Thanks")

    progress = selectors.progress_for([org.alice, org.bruno])
    kudos = _criterion(progress[org.alice.pk], "kudos_received")
    assert (kudos.measured, kudos.value, kudos.met) == (True, Decimal(2), False)
    recognition.give_kudos(author=org.mona, recipient=org.alice, message="And again")
    kudos = _criterion(selectors.progress_for([org.alice])[org.alice.pk], "kudos_received")
    assert (kudos.value, kudos.met) == (Decimal(3), True)
    page = org.client_for(org.alice).get(f"/careers/people/{org.alice.pk}/").content.decode()
    assert "Kudos received (12 months)" in page


def test_customer_commendations_count_towards_the_next_level(org: Org) -> None:
    steps = ladder(org)
    services.set_criterion(
        actor=org.ada,
        level=steps.specialist,
        metric="customer_commendations",
        threshold=Decimal(1),
    )
    services.set_position(actor=org.lenny, person=org.alice, level=steps.associate)
    none_yet = _criterion(
        selectors.progress_for([org.alice])[org.alice.pk], "customer_commendations"
    )
    assert (none_yet.measured, none_yet.value, none_yet.met) == (True, Decimal(0), False)

    recognition.commend_from_praise(agent=org.alice, quote="Alice was wonderful", language="en")
    old = recognition.commend_from_praise(agent=org.alice, quote="Great help", language="en")
    Commendation.objects.filter(pk=old.pk).update(
        detected_at=timezone.now() - dt.timedelta(days=366)
    )
    commended = _criterion(
        selectors.progress_for([org.alice])[org.alice.pk], "customer_commendations"
    )
    assert (commended.value, commended.met) == (Decimal(1), True)


def test_recognition_criteria_for_a_team_cost_one_query_each(
    org: Org, django_assert_num_queries: Any
) -> None:
    people = [org.alice, org.bruno, org.lenny, org.sam]
    today = timezone.localdate()
    with django_assert_num_queries(1):
        metrics.METRICS["kudos_received"].evaluate(people, today)
    with django_assert_num_queries(1):
        metrics.METRICS["customer_commendations"].evaluate(people, today)
