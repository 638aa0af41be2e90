"""The kinds of email everyweek sends to its own people, and which of them a person may turn off.

A kind groups the templates a person thinks of as one thing ("updates on my service desk
requests" is four templates). Account emails (the invitation to set a password, the password
reset) are mandatory: turning them off would lock a person out, so they are not listed here,
are always sent and carry no preferences footer. Emails to customers and partners go to an
address, not a Person, and are governed by their own unsubscribe (see feedback.invitations).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


@dataclass(frozen=True)
class EmailKind:
    key: str
    label: _StrPromise
    templates: tuple[str, ...]


KINDS: tuple[EmailKind, ...] = (
    EmailKind("scorecards.weekly", _("Weekly scorecard"), ("scorecards/email/weekly",)),
    EmailKind(
        "recognition.thanks", _("Praise a leader passed on to you"), ("recognition/email/thanks",)
    ),
    EmailKind(
        "recognition.digest", _("Praise waiting for your review"), ("recognition/email/digest",)
    ),
    EmailKind("recognition.kudos", _("Kudos from colleagues"), ("recognition/email/kudos",)),
    EmailKind(
        "recognition.award", _("Awards in recognition programmes"), ("recognition/email/award",)
    ),
    EmailKind(
        "feedback.escalation", _("Follow-up cases escalated to you"), ("feedback/email/escalation",)
    ),
    EmailKind(
        "listening.sessions",
        _("Listening session invitations, changes and cancellations"),
        ("listening/email/invitation", "listening/email/update", "listening/email/cancellation"),
    ),
    EmailKind(
        "listening.reminder",
        _("Reminders to hold listening sessions"),
        ("listening/email/reminder",),
    ),
    EmailKind(
        "listening.actions",
        _("Listening actions assigned to you or closed"),
        ("listening/email/action_assigned", "listening/email/action_closed"),
    ),
    EmailKind(
        "servicedesk.requests",
        _("Updates on your service desk requests"),
        (
            "servicedesk/email/received",
            "servicedesk/email/acknowledged",
            "servicedesk/email/update",
            "servicedesk/email/resolved",
        ),
    ),
    EmailKind(
        "servicedesk.reply", _("Replies on requests assigned to you"), ("servicedesk/email/reply",)
    ),
    EmailKind("servicedesk.breach", _("Service level breaches"), ("servicedesk/email/breach",)),
    EmailKind("servicedesk.digest", _("Service desk digest"), ("servicedesk/email/digest",)),
    EmailKind(
        "week.promoted", _("A place freed for you on a sign-up sheet"), ("week/email/promoted",)
    ),
    EmailKind(
        "week.reminder", _("Reminders of Customer Service Week events"), ("week/email/reminder",)
    ),
    EmailKind("week.tip", _("Customer Service Week tips"), ("week/email/tip",)),
    EmailKind("careers.ready", _("People ready for their next level"), ("careers/email/ready",)),
)

BY_KEY = {kind.key: kind for kind in KINDS}
BY_TEMPLATE = {template: kind for kind in KINDS for template in kind.templates}
# Always sent, whatever a person chose (see the module docstring).
MANDATORY_TEMPLATES = frozenset({"people/email/invitation", "people/email/password_reset"})


def kind_for(template: str) -> EmailKind | None:
    """The optional kind a template belongs to; None for mandatory and customer emails."""
    return BY_TEMPLATE.get(template)
