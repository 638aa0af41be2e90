"""Impediments become action items: an owner, a due date, a status, and a closed loop."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from everyweek.api.tests.helpers import api_for, fresh_cache
from everyweek.conftest import Org
from everyweek.listening import services
from everyweek.listening.models import ActionItem
from everyweek.listening.tests.helpers import agent_under, session_for

__all__ = ["fresh_cache"]


def _item(org: Org, **fields: Any) -> ActionItem:
    session = session_for(org, org.erin, [org.alice, org.bruno], starts_in=dt.timedelta(days=-1))
    services.record_session(
        actor=org.erin, session=session, notes="Refunds need 3 approvals.", attended=[org.alice.pk]
    )
    return services.add_action_item(
        actor=org.erin,
        session=session,
        title="Refunds need three approvals",
        owner=fields.pop("owner", org.mona),
        due_on=timezone.localdate() + dt.timedelta(days=14),
        raised_by=fields.pop("raised_by", [org.alice]),
        **fields,
    )


def test_the_person_who_raised_it_follows_it_until_it_is_closed(org: Org) -> None:
    item = _item(org)
    alice = org.client_for(org.alice)
    assert alice.get(f"/listening/actions/{item.pk}/").status_code == 200
    assert "Refunds need three approvals" in alice.get("/listening/").content.decode()
    services.update_action_item(
        actor=org.mona, item=item, status="done", resolution="One approval from now on."
    )
    # Still readable for a month after closing, to see what was done; then it goes.
    page = alice.get(f"/listening/actions/{item.pk}/").content.decode()
    assert "One approval from now on." in page
    ActionItem.objects.filter(pk=item.pk).update(closed_at=timezone.now() - dt.timedelta(days=31))
    assert alice.get(f"/listening/actions/{item.pk}/").status_code == 404
    # The owner and the leaders keep it.
    assert org.client_for(org.mona).get(f"/listening/actions/{item.pk}/").status_code == 200


def test_closing_tells_the_people_who_raised_it(
    org: Org, django_capture_on_commit_callbacks: Any
) -> None:
    item = _item(org, raised_by=[org.alice, org.bruno])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.update_action_item(
            actor=org.mona, item=item, status="done", resolution="One approval from now on."
        )
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.com", "bruno@example.com"]
    assert any("One approval from now on." in m.body for m in mail.outbox)


def test_closing_needs_a_word_on_what_was_done(org: Org) -> None:
    item = _item(org)
    with pytest.raises(services.ListeningError):
        services.update_action_item(actor=org.mona, item=item, status="done")


def test_the_owner_is_told_and_only_owner_or_leader_may_update(
    org: Org, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        item = _item(org)
    assert any(m.to == ["mona@example.com"] for m in mail.outbox)
    with pytest.raises(services.ListeningError):
        services.update_action_item(actor=org.alice, item=item, status="in_progress")
    response = org.client_for(org.alice).post(
        f"/listening/actions/{item.pk}/",
        {"status": "done", "resolution": "x", "due_on": "2030-01-01"},
    )
    assert response.status_code == 404
    item.refresh_from_db()
    assert item.status == "open"


def test_agents_see_only_their_own_actions_and_leaders_their_reports(org: Org) -> None:
    mine = _item(org, raised_by=[org.alice])
    carla = agent_under(org, "carla@example.com", "Carla Agent", org.lenny)
    other_session = session_for(org, org.erin, [carla], starts_in=dt.timedelta(days=-2))
    theirs = services.add_action_item(
        actor=org.erin,
        session=other_session,
        title="Headsets break",
        owner=org.erin,
        due_on=timezone.localdate(),
        raised_by=[carla],
    )

    def ids(person: Any) -> set[int]:
        response = api_for(person).get("/api/listening/actions")
        assert response.status_code == 200, response.content
        return {item["id"] for item in response.json()["items"]}

    assert ids(org.alice) == {mine.pk}
    assert ids(carla) == {theirs.pk}
    assert ids(org.sam) == set()
    assert ids(org.mona) == {mine.pk}  # owner
    assert ids(org.erin) == {mine.pk, theirs.pk}
    # A lead sees the actions of sessions held by people in their team only: none here.
    assert ids(org.lenny) == set()
    assert org.client_for(org.sam).get(f"/listening/actions/{mine.pk}/").status_code == 404


def test_raisers_must_have_been_invited(org: Org) -> None:
    session = session_for(org, org.erin, [org.alice])
    with pytest.raises(services.ListeningError):
        services.add_action_item(
            actor=org.erin,
            session=session,
            title="x",
            owner=org.erin,
            due_on=timezone.localdate(),
            raised_by=[org.bruno],
        )


def test_action_list_searches_and_exports(org: Org) -> None:
    _item(org)
    client = org.client_for(org.erin)
    assert "Refunds" in client.get("/listening/actions/?q=refund&status=active").content.decode()
    assert "Refunds" not in client.get("/listening/actions/?q=headset").content.decode()
    export = client.get("/listening/actions/?format=csv")
    assert export["Content-Type"].startswith("text/csv")
    assert "Refunds need three approvals" in export.content.decode()
