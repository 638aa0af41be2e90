"""Periodic work of the career path: tell leaders when someone meets every requirement."""

from __future__ import annotations

from django.db import transaction
from django_tasks import task

from everyweek.careers.models import CareerPosition
from everyweek.careers.selectors import progress_for
from everyweek.core import audit
from everyweek.notifications.services import send_email

BATCH = 500


def notify_ready_people() -> int:
    """Email a person's leader once when they meet every requirement of their next level.

    Idempotent: the level announced is remembered on the position. Returns emails sent.
    """
    sent = 0
    positions = CareerPosition.objects.filter(
        person__is_active=True, person__reports_to__isnull=False
    ).select_related("person", "person__reports_to", "person__department")
    for start in range(0, positions.count(), BATCH):
        batch = list(positions.order_by("pk")[start : start + BATCH])
        progress = progress_for([p.person for p in batch])
        for position in batch:
            pr = progress[position.person_id]
            if not pr.ready or pr.target is None or position.ready_notified_for_id == pr.target.pk:
                continue
            with transaction.atomic():
                claimed = CareerPosition.objects.filter(
                    pk=position.pk, ready_notified_for=position.ready_notified_for_id
                ).update(ready_notified_for=pr.target)
                if not claimed:
                    continue
                audit.record(None, "careers.ready.notify", position, {"level": pr.target.pk})
                leader = position.person.reports_to
                if leader is not None and leader.is_active:
                    send_email(
                        to=leader,
                        template="careers/email/ready",
                        context={"person": position.person, "level": pr.target},
                    )
                    sent += 1
    return sent


@task()
def notify_ready() -> int:
    return notify_ready_people()
