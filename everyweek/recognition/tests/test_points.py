from __future__ import annotations

import threading
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, connections

from everyweek.recognition import selectors, services
from everyweek.recognition.models import (
    Notification,
    PointsAccount,
    PointsEntry,
    RedemptionStatus,
    Reward,
)


def _earn(org: Any, points: int) -> None:
    services.give_kudos(author=org.lenny, recipient=org.alice, message="Thanks", points=points)


def test_redeeming_takes_points_and_rejecting_gives_them_back(org: Any) -> None:
    _earn(org, 40)
    mug = Reward.objects.create(name="Mug", cost=30)
    redemption = services.request_redemption(person=org.alice, reward=mug)
    assert selectors.balance(org.alice) == 10
    with pytest.raises(services.RecognitionError):
        services.request_redemption(person=org.alice, reward=mug)
    services.decide_redemption(actor=org.ada, redemption=redemption, fulfil=False)
    assert selectors.balance(org.alice) == 40
    assert Notification.objects.filter(recipient=org.alice, kind="reward").exists()


def test_only_an_admin_fulfils_rewards(org: Any) -> None:
    _earn(org, 40)
    redemption = services.request_redemption(
        person=org.alice, reward=Reward.objects.create(name="Mug", cost=30)
    )
    with pytest.raises(PermissionDenied):
        services.decide_redemption(actor=org.mona, redemption=redemption, fulfil=True)
    services.decide_redemption(actor=org.ada, redemption=redemption, fulfil=True)
    redemption.refresh_from_db()
    assert redemption.status == RedemptionStatus.FULFILLED
    with pytest.raises(services.RecognitionError):
        services.decide_redemption(actor=org.ada, redemption=redemption, fulfil=False)


def test_a_leader_boosts_points_to_give_for_their_team_only(org: Any) -> None:
    services.boost_points(actor=org.lenny, person=org.alice, amount=25)
    assert services.giving_balance(org.alice) == 125
    with pytest.raises(PermissionDenied):
        services.boost_points(actor=org.lenny, person=org.bruno, amount=25)
    with pytest.raises(PermissionDenied):
        services.boost_points(actor=org.alice, person=org.alice, amount=25)


def test_balance_is_the_sum_of_the_ledger(org: Any) -> None:
    _earn(org, 15)
    _earn(org, 5)
    total = sum(
        PointsEntry.objects.filter(person=org.alice, account=PointsAccount.EARNED).values_list(
            "amount", flat=True
        )
    )
    assert selectors.balance(org.alice) == total == 20


def test_points_page_and_redeem_button(org: Any) -> None:
    _earn(org, 40)
    reward = Reward.objects.create(name="Cinema ticket", cost=30)
    client = org.client_for(org.alice)
    body = client.get("/recognition/points/").content.decode()
    assert "Cinema ticket" in body and "/thank/" in body
    client.post(f"/recognition/rewards/{reward.pk}/redeem/")
    assert selectors.balance(org.alice) == 10
    assert org.client_for(org.alice).get("/recognition/redemptions/").status_code == 403
    assert org.client_for(org.ada).get("/recognition/redemptions/").status_code == 200


def _in_threads(count: int, work: Any) -> list[str]:
    results: list[str] = []
    barrier = threading.Barrier(count)

    def run() -> None:
        try:
            barrier.wait()
            work()
            results.append("ok")
        except services.RecognitionError:
            results.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_concurrent_giving_never_overspends_the_allowance(org: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("Row locks are a PostgreSQL matter; SQLite serialises every write anyway.")
    results = _in_threads(
        12,
        lambda: services.give_kudos(author=org.bruno, recipient=org.alice, message="x", points=10),
    )
    assert results.count("ok") == 10 and results.count("refused") == 2
    assert services.giving_balance(org.bruno) == 0
    assert selectors.balance(org.alice) == 100


@pytest.mark.django_db(transaction=True)
def test_concurrent_redemptions_never_overdraw(org: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("Row locks are a PostgreSQL matter; SQLite serialises every write anyway.")
    _earn(org, 50)
    reward = Reward.objects.create(name="Coffee", cost=10)
    results = _in_threads(8, lambda: services.request_redemption(person=org.alice, reward=reward))
    assert results.count("ok") == 5 and results.count("refused") == 3
    assert selectors.balance(org.alice) == 0
