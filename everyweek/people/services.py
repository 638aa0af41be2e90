"""Every write to people and the organisation. Each function is atomic and audited."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from everyweek.core import audit
from everyweek.people.models import Department, Invitation, PartnerOrganisation, Person, Team

PERSON_FIELDS = (
    "email",
    "full_name",
    "preferred_name",
    "role",
    "department",
    "team",
    "reports_to",
    "job_title",
    "employee_id",
    "hire_date",
    "locale",
    "time_zone",
    "photo",
)


class PeopleError(ValueError):
    """A write that would leave the organisation inconsistent."""


def _check_reports_to(person: Person, leader: Person | None) -> None:
    # Walk up from the new leader: meeting the person again would close a loop.
    seen = 0
    node = leader
    while node is not None and seen < 100:
        if node.pk == person.pk:
            raise PeopleError("A person cannot report to themselves, directly or through others.")
        node = node.reports_to
        seen += 1


@transaction.atomic
def create_person(*, actor: Any, email: str, full_name: str, **fields: Any) -> Person:
    person = Person(email=email.strip().lower(), full_name=full_name, **fields)
    person.set_unusable_password()
    person.full_clean()
    person.save()
    audit.record(actor, "person.create", person, {"email": person.email, "role": person.role})
    return person


@transaction.atomic
def update_person(*, actor: Any, person: Person, **fields: Any) -> Person:
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise PeopleError(f"Unknown fields: {', '.join(sorted(unknown))}")
    if "reports_to" in fields:
        _check_reports_to(person, fields["reports_to"])
    if "email" in fields:
        fields["email"] = fields["email"].strip().lower()
    changes = audit.diff(person, fields)
    for name, value in fields.items():
        setattr(person, name, value)
    person.full_clean()
    person.save()
    if changes:
        audit.record(actor, "person.update", person, changes)
    return person


@transaction.atomic
def deactivate_person(*, actor: Any, person: Person) -> Person:
    """Sign-in stops; everything the person did and received stays for history and scorecards."""
    if not person.is_active:
        return person
    person.is_active = False
    person.deactivated_at = timezone.now()
    person.save(update_fields=["is_active", "deactivated_at"])
    # Their API tokens stop working with them; sessions are refused by is_active.
    from everyweek.api.services import revoke_tokens_of

    revoke_tokens_of(person)
    audit.record(actor, "person.deactivate", person)
    return person


@transaction.atomic
def reactivate_person(*, actor: Any, person: Person) -> Person:
    if person.is_active:
        return person
    person.is_active = True
    person.deactivated_at = None
    person.save(update_fields=["is_active", "deactivated_at"])
    audit.record(actor, "person.reactivate", person)
    return person


def set_password_url(person: Person) -> str:
    from django.conf import settings

    uid = urlsafe_base64_encode(force_bytes(person.pk))
    token = default_token_generator.make_token(person)
    return settings.SITE_URL + reverse("people:invitation-accept", args=[uid, token])


@transaction.atomic
def invite_person(*, actor: Any, person: Person) -> Invitation:
    """Email a set-password link in the person's own language."""
    from everyweek.notifications.services import send_email

    invitation = Invitation.objects.create(person=person, invited_by=actor if actor else None)
    send_email(
        to=person,
        template="people/email/invitation",
        context={
            "person": person,
            "inviter": actor,
            "url": set_password_url(person),
        },
    )
    audit.record(actor, "person.invite", person)
    return invitation


@transaction.atomic
def accept_invitation(*, person: Person, password: str) -> Person:
    person.set_password(password)
    person.save(update_fields=["password"])
    Invitation.objects.filter(person=person, accepted_at__isnull=True).update(
        accepted_at=timezone.now()
    )
    audit.record(person, "person.set_password", person)
    return person


@transaction.atomic
def save_department(
    *, actor: Any, department: Department | None = None, **fields: Any
) -> Department:
    created = department is None
    department = department or Department()
    changes = audit.diff(department, fields) if not created else fields
    for name, value in fields.items():
        setattr(department, name, value)
    department.full_clean()
    department.save()
    audit.record(
        actor, "department.create" if created else "department.update", department, changes
    )
    return department


@transaction.atomic
def save_team(*, actor: Any, team: Team | None = None, **fields: Any) -> Team:
    created = team is None
    team = team or Team()
    changes = audit.diff(team, fields) if not created else fields
    for name, value in fields.items():
        setattr(team, name, value)
    team.full_clean()
    team.save()
    audit.record(actor, "team.create" if created else "team.update", team, changes)
    return team


@transaction.atomic
def save_partner(
    *, actor: Any, partner: PartnerOrganisation | None = None, **fields: Any
) -> PartnerOrganisation:
    created = partner is None
    partner = partner or PartnerOrganisation()
    changes = audit.diff(partner, fields) if not created else fields
    for name, value in fields.items():
        setattr(partner, name, value)
    partner.full_clean()
    partner.save()
    audit.record(actor, "partner.create" if created else "partner.update", partner, changes)
    return partner
