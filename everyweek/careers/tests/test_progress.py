"""Each person's progress towards their next level, from metrics, skills and their leader."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from everyweek.api.models import TokenScope
from everyweek.api.tests.helpers import api_for, assert_error, fresh_cache
from everyweek.careers import selectors, services
from everyweek.careers.models import AssessmentKind
from everyweek.careers.tasks import notify_ready_people
from everyweek.careers.tests.helpers import ladder
from everyweek.conftest import Org
from everyweek.servicedesk import services as desk_services
from everyweek.servicedesk.tests.helpers import it_desk

__all__ = ["fresh_cache"]


def _ready_for_specialist(org: Org) -> Any:
    """Alice: on Associate, hired 14 months ago, rated 5 and 4 on requests she handled."""
    steps = ladder(org)
    services.set_position(actor=org.lenny, person=org.alice, level=steps.associate)
    org.alice.hire_date = timezone.localdate() - dt.timedelta(days=430)
    org.alice.save()
    d = it_desk(org, calendar=False)
    # Alice answers a desk too (her team runs one), so requests she handled are rated.
    d.desk.department, d.desk.team = org.care, org.alpha
    d.desk.save()
    for rating in (5, 4):
        request = desk_services.submit_request(actor=org.sam, request_type=d.access, title="x")
        desk_services.resolve_request(actor=org.alice, request=request, message="")
        desk_services.rate_request(actor=org.sam, request=request, rating=rating)
    return steps


def test_progress_reads_tenure_internal_csat_and_the_leaders_skill_rating(org: Org) -> None:
    steps = _ready_for_specialist(org)
    services.assess_skill(actor=org.alice, person=org.alice, skill=steps.empathy, rating=5)
    progress = selectors.progress_for([org.alice])[org.alice.pk]
    assert progress.current == steps.associate
    assert progress.target == steps.specialist
    values = {c.metric: (c.value, c.met) for c in progress.criteria}
    assert values == {
        "internal_csat_average": (Decimal("4.50"), True),
        "tenure_months": (Decimal(14), True),
    }
    # Her own 5 is there to talk about; the leader's rating decides.
    [skill] = progress.skills
    assert (skill.self_rating, skill.leader_rating, skill.met) == (5, None, False)
    assert (progress.met, progress.total, progress.ready) == (2, 3, False)
    services.assess_skill(actor=org.lenny, person=org.alice, skill=steps.empathy, rating=4)
    assert selectors.progress_for([org.alice])[org.alice.pk].ready


def test_unmeasured_metrics_show_but_are_not_met(org: Org) -> None:
    steps = ladder(org)
    services.set_position(actor=org.lenny, person=org.alice, level=steps.associate)
    progress = selectors.progress_for([org.alice])[org.alice.pk]
    # Alice handled no internal requests: nothing to average yet.
    csat = next(c for c in progress.criteria if c.metric == "internal_csat_average")
    assert (csat.measured, csat.met) == (False, False)
    page = org.client_for(org.alice).get(f"/careers/people/{org.alice.pk}/").content.decode()
    assert "not measured yet" in page


def test_someone_without_a_level_is_heading_for_the_first_of_their_departments_track(
    org: Org,
) -> None:
    steps = ladder(org)
    progress = selectors.progress_for([org.alice, org.sam])
    assert progress[org.alice.pk].target == steps.associate
    assert progress[org.sam.pk].track == steps.sales


def test_progress_for_a_whole_team_costs_a_few_queries(
    org: Org, django_assert_max_num_queries: Any
) -> None:
    _ready_for_specialist(org)
    people = [org.alice, org.bruno, org.lenny, org.sam]
    with django_assert_max_num_queries(10):
        selectors.progress_for(people)


def test_the_page_is_for_the_person_and_their_leaders(org: Org) -> None:
    ladder(org)
    url = f"/careers/people/{org.alice.pk}/"
    assert org.client_for(org.alice).get(url).status_code == 200
    assert org.client_for(org.lenny).get(url).status_code == 200
    assert org.client_for(org.bruno).get(url).status_code == 404
    assert org.client_for(org.sam).get(url).status_code == 404
    assert_error(
        api_for(org.bruno).get(f"/api/careers/people/{org.alice.pk}/progress"), 404, "not_found"
    )
    assert api_for(org.lenny).get(f"/api/careers/people/{org.alice.pk}/progress").status_code == 200
    assert org.client_for(org.alice).get("/careers/").status_code == 302


def test_assessments_are_self_or_leader_and_nobody_else(org: Org) -> None:
    steps = ladder(org)
    assert (
        services.assess_skill(actor=org.alice, person=org.alice, skill=steps.empathy, rating=3).kind
        == AssessmentKind.SELF
    )
    assert (
        services.assess_skill(actor=org.mona, person=org.alice, skill=steps.empathy, rating=4).kind
        == AssessmentKind.LEADER
    )
    with pytest.raises(services.CareerError):
        services.assess_skill(actor=org.bruno, person=org.alice, skill=steps.empathy, rating=1)


def test_only_leaders_and_admins_set_levels(org: Org) -> None:
    steps = ladder(org)
    with pytest.raises(services.CareerError):
        services.set_position(actor=org.alice, person=org.alice, level=steps.specialist)
    response = api_for(org.lenny, TokenScope.WRITE).client.put(
        f"/api/careers/people/{org.alice.pk}/level",
        {"level_id": steps.associate.pk},
        content_type="application/json",
        headers=api_for(org.lenny, TokenScope.WRITE).headers,
    )
    assert response.status_code == 200, response.content
    assert response.json()["level"]["name"] == "Associate"
    assert "pay_min" not in response.content.decode()


def test_the_leader_hears_once_when_someone_is_ready(
    org: Org, django_capture_on_commit_callbacks: Any
) -> None:
    steps = _ready_for_specialist(org)
    services.assess_skill(actor=org.lenny, person=org.alice, skill=steps.empathy, rating=5)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert notify_ready_people() == 1
    assert notify_ready_people() == 0
    assert [m.to for m in mail.outbox] == [["lenny@example.com"]]


def test_the_ladder_is_public_within_the_company(org: Org) -> None:
    ladder(org)
    page = org.client_for(org.sam).get("/careers/ladder/").content.decode()
    assert "Specialist" in page and "Months since hire" in page
