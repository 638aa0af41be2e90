"""Background tasks of recognition. They take primary keys and are safe to run twice."""

from __future__ import annotations

from django_tasks import task

from everyweek.recognition import services, webhooks


@task()
def post_kudos_to_webhooks(kudos_id: int) -> int:
    return webhooks.post_kudos(kudos_id)


@task()
def send_praise_digests() -> int:
    """The daily digest, for schedulers that enqueue tasks (cron can run the command instead)."""
    return services.send_praise_digests()


@task()
def remind_milestones() -> int:
    from everyweek.recognition.programmes import remind_milestones as remind

    return remind()


@task()
def record_top_performers() -> int:
    from everyweek.recognition.performers import record_closed_periods

    return record_closed_periods()


@task()
def check_metric_goals() -> int:
    from everyweek.recognition.programmes import check_metric_goals as check

    return check()
