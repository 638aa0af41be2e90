"""Background tasks of the survey side. They take primary keys and are safe to run twice."""

from __future__ import annotations

from django_tasks import task

from everyweek.feedback import followups, invitations
from everyweek.feedback.models import Interaction


@task()
def send_surveys() -> dict[str, int]:
    """The periodic send (for schedulers that enqueue tasks; cron can run the command instead)."""
    return invitations.send_due_invitations().as_dict()


@task()
def escalate_followups() -> int:
    return followups.escalate_overdue()


@task()
def schedule_invitation(interaction_id: int) -> str:
    """Plan the survey of a resolved interaction; returns the invitation's status ("" if none)."""
    interaction = Interaction.objects.filter(pk=interaction_id).first()
    if interaction is None:
        return ""
    invitation = invitations.schedule_invitation(interaction)
    return str(invitation.status) if invitation else ""


@task()
def after_answer(response_id: int) -> None:
    """Follow-up case, text analysis and rollups of an answer given on the survey page."""
    invitations.after_answer(response_id)
