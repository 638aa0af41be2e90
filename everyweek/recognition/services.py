"""Every write of recognition: praise becomes a commendation, leaders thank, people give kudos,
points move through the ledger. Each function is atomic and audited; emails go out on commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from everyweek.core import audit
from everyweek.core.access import is_admin, is_leader, visible_people
from everyweek.core.tasks import enqueue_on_commit
from everyweek.notifications.services import send_email
from everyweek.people.models import PartnerOrganisation, Person, Team
from everyweek.recognition import cards, selectors
from everyweek.recognition.models import (
    Commendation,
    CommendationSource,
    Comment,
    CompanyValue,
    DigestRun,
    Kudos,
    Notification,
    PointsAccount,
    PointsEntry,
    PointsKind,
    PointsLock,
    Raffle,
    RaffleTicket,
    Reaction,
    RecognitionSettings,
    Redemption,
    RedemptionStatus,
    Reward,
    Visibility,
)

REACTIONS = ("👏", "❤️", "🎉", "⭐")


class RecognitionError(ValidationError):
    """A request recognition cannot honour; the message is for people."""


# --- Notifications ---------------------------------------------------------------------


def notify(recipient: Person, kind: str, text: Any, url: str = "", **params: Any) -> Notification:
    """An in-app alert, written in the recipient's language when it is created."""
    with translation.override(recipient.locale or None):
        rendered = str(text) % params if params else str(text)
    return Notification.objects.create(recipient=recipient, kind=kind, text=rendered[:300], url=url)


@transaction.atomic
def mark_notifications_read(*, person: Person) -> int:
    return Notification.objects.filter(recipient=person, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# --- The "wow" loop --------------------------------------------------------------------


def leaders_to_alert(agent: Person) -> list[Person]:
    leaders: list[Person] = []
    leader = agent.reports_to
    if leader is not None and leader.is_active:
        leaders.append(leader)
        skip = leader.reports_to
        if skip is not None and skip.is_active and RecognitionSettings.load().alert_skip_leader:
            leaders.append(skip)
    return leaders


@transaction.atomic
def commend_from_praise(
    *,
    agent: Person,
    quote: str,
    language: str,
    response: Any = None,
    source: str = CommendationSource.SURVEY,
    detected_at: dt.datetime | None = None,
) -> Commendation:
    """Praise found in a customer's words becomes a commendation; the leaders are alerted.

    Idempotent: called again for the same survey response (or the same forwarded text for the
    same agent) it returns the existing commendation and alerts nobody twice.
    """
    quote = quote.strip()
    if not quote:
        raise RecognitionError(_("The customer's words are empty."))
    existing = (
        Commendation.objects.filter(response=response).first()
        if response is not None
        else Commendation.objects.filter(agent=agent, source=source, quote=quote).first()
    )
    if existing is not None:
        return existing
    commendation = Commendation.objects.create(
        agent=agent,
        response=response,
        source=source,
        quote=quote,
        language=language or "",
        detected_at=detected_at or timezone.now(),
    )
    url = reverse("recognition:thank", args=[commendation.pk])
    for leader in leaders_to_alert(agent):
        notify(
            leader,
            "praise",
            _("A customer praised %(name)s. Thank them?"),
            url,
            name=agent.get_full_name(),
        )
    audit.record(None, "commendation.create", commendation, {"agent": agent.pk, "source": source})
    return commendation


def card_for(commendation: Commendation) -> bytes:
    with translation.override(commendation.agent.locale or None):
        caption = gettext("A customer's words, with thanks from your leader")
    return cards.render_card(
        quote=commendation.quote,
        agent_name=commendation.agent.get_full_name(),
        caption=caption,
        language=commendation.language,
    )


@transaction.atomic
def thank_for_praise(
    *, actor: Person, commendation: Commendation, note: str, on_wall: bool = False
) -> Commendation:
    """The leader's personal thank-you, carrying the customer's words, to the agent."""
    locked = (
        Commendation.objects.select_for_update().select_related("agent").get(pk=commendation.pk)
    )
    agent = locked.agent
    if agent.pk == actor.pk or not is_leader(actor):
        raise PermissionDenied
    if not visible_people(actor).filter(pk=agent.pk).exists():
        raise PermissionDenied
    if locked.thanked_at is not None:
        raise RecognitionError(_("This praise has already been thanked."))
    note = note.strip()
    if not note:
        raise RecognitionError(_("Write a personal line for the thank-you."))
    locked.thanked_at = timezone.now()
    locked.thanked_by = actor
    locked.thank_note = note
    locked.on_wall = on_wall
    locked.save(update_fields=["thanked_at", "thanked_by", "thank_note", "on_wall"])
    url = reverse("recognition:commendation", args=[locked.pk])
    notify(
        agent,
        "thanks",
        _("%(name)s thanked you for a customer's praise."),
        url,
        name=actor.get_full_name(),
    )
    send_email(
        to=agent,
        template="recognition/email/thanks",
        context={"commendation": locked, "leader": actor, "url": url},
        attachments=[("praise.png", card_for(locked), "image/png")],
    )
    audit.record(actor, "commendation.thank", locked, {"on_wall": on_wall})
    return locked


@transaction.atomic
def set_commendation_on_wall(*, actor: Person, commendation: Commendation, on_wall: bool) -> None:
    if actor.pk not in (commendation.agent_id, commendation.thanked_by_id) and not is_admin(actor):
        raise PermissionDenied
    Commendation.objects.filter(pk=commendation.pk).update(on_wall=on_wall)
    audit.record(actor, "commendation.wall", commendation, {"on_wall": on_wall})


def send_praise_digests(day: dt.date | None = None) -> int:
    """One email a day per leader listing the praise still waiting for thanks. Idempotent per day.

    Returns how many digests were sent.
    """
    day = day or timezone.localdate()
    waiting = Commendation.objects.filter(thanked_at__isnull=True).select_related(
        "agent", "agent__reports_to", "agent__reports_to__reports_to"
    )
    per_leader: dict[int, tuple[Person, list[Commendation]]] = {}
    for commendation in waiting:
        for leader in leaders_to_alert(commendation.agent):
            per_leader.setdefault(leader.pk, (leader, []))[1].append(commendation)
    sent = 0
    for leader, items in per_leader.values():
        sent += _send_digest(leader, items, day)
    return sent


@transaction.atomic
def _send_digest(leader: Person, items: list[Commendation], day: dt.date) -> int:
    _run, created = DigestRun.objects.get_or_create(
        leader=leader, day=day, defaults={"commendations": len(items)}
    )
    if not created:
        return 0
    send_email(
        to=leader,
        template="recognition/email/digest",
        context={"items": items, "count": len(items), "url": reverse("recognition:praise")},
    )
    return 1


# --- Kudos -------------------------------------------------------------------------------


def _lock(person: Person) -> None:
    """Serialise every change to one person's points (row lock on PostgreSQL; SQLite's
    IMMEDIATE write transactions serialise on their own)."""
    PointsLock.objects.get_or_create(person=person)
    PointsLock.objects.select_for_update().get(person=person)


def _grant_allowance(person: Person, now: dt.datetime) -> None:
    period = selectors.current_period(now)
    config = RecognitionSettings.load()
    if not PointsEntry.objects.filter(
        person=person, kind=PointsKind.ALLOWANCE, period=period
    ).exists():
        PointsEntry.objects.create(
            person=person,
            account=PointsAccount.GIVING,
            kind=PointsKind.ALLOWANCE,
            amount=config.monthly_allowance,
            period=period,
        )


def giving_balance(person: Person) -> int:
    """Points left to give this month, counting the allowance even before it is granted."""
    period = selectors.current_period()
    granted = PointsEntry.objects.filter(
        person=person, kind=PointsKind.ALLOWANCE, period=period
    ).exists()
    extra = 0 if granted else RecognitionSettings.load().monthly_allowance
    return selectors.balance(person, PointsAccount.GIVING) + extra


@transaction.atomic
def give_kudos(
    *,
    author: Person,
    message: str,
    recipient: Person | None = None,
    team: Team | None = None,
    partner: PartnerOrganisation | None = None,
    values: Iterable[CompanyValue] = (),
    points: int = 0,
    visibility: str = Visibility.PUBLIC,
) -> Kudos:
    if sum(x is not None for x in (recipient, team, partner)) != 1:
        raise RecognitionError(_("Choose one recipient: a person, a team or a partner."))
    if recipient is not None and recipient.pk == author.pk:
        raise RecognitionError(_("You cannot give kudos to yourself."))
    if not message.strip():
        raise RecognitionError(_("Write a message."))
    if points < 0:
        raise RecognitionError(_("Points cannot be negative."))
    if points and recipient is None:
        raise RecognitionError(_("Points can only be given to a person."))
    config = RecognitionSettings.load()
    if points > config.max_points_per_kudos:
        raise RecognitionError(
            _("At most %(max)s points in one kudos.") % {"max": config.max_points_per_kudos}
        )
    now = timezone.now()
    if points:
        _lock(author)
        _grant_allowance(author, now)
        if selectors.balance(author, PointsAccount.GIVING) < points:
            raise RecognitionError(_("You do not have enough points left to give this month."))
    kudos = Kudos.objects.create(
        author=author,
        recipient=recipient,
        team=team,
        partner=partner,
        message=message.strip(),
        points=points,
        visibility=visibility,
        created_at=now,
    )
    kudos.values.set(list(values))
    if points and recipient is not None:
        period = selectors.current_period(now)
        PointsEntry.objects.create(
            person=author,
            account=PointsAccount.GIVING,
            kind=PointsKind.GIVEN,
            amount=-points,
            kudos=kudos,
            period=period,
        )
        PointsEntry.objects.create(
            person=recipient,
            account=PointsAccount.EARNED,
            kind=PointsKind.RECEIVED,
            amount=points,
            kudos=kudos,
            period=period,
        )
    _raffle_tickets(author)
    _announce(kudos)
    audit.record(
        author,
        "kudos.give",
        kudos,
        {"to": kudos.recipient_label, "points": points, "visibility": visibility},
    )
    return kudos


def _raffle_tickets(author: Person) -> None:
    """Giving kudos earns tickets in every raffle not drawn yet."""
    RaffleTicket.objects.bulk_create(
        [
            RaffleTicket(raffle=raffle, person=author, reason="kudos")
            for raffle in Raffle.objects.filter(drawn_at__isnull=True, tickets_per_kudos__gt=0)
            for _i in range(raffle.tickets_per_kudos)
        ]
    )


def _announce(kudos: Kudos) -> None:
    url = reverse("recognition:kudos", args=[kudos.pk])
    sender = kudos.from_label
    if kudos.recipient is not None:
        notify(kudos.recipient, "kudos", _("%(name)s sent you kudos."), url, name=sender)
        send_email(
            to=kudos.recipient,
            template="recognition/email/kudos",
            context={"kudos": kudos, "sender": sender, "url": url},
        )
    elif kudos.team is not None:
        members = Person.objects.filter(team=kudos.team, is_active=True)
        for member in members:
            notify(member, "kudos", _("%(name)s sent kudos to your team."), url, name=sender)
    elif kudos.partner is not None and kudos.partner.contact_email:
        send_email(
            to=kudos.partner.contact_email,
            template="recognition/email/partner_kudos",
            context={"kudos": kudos, "sender": sender, "partner": kudos.partner},
            language=kudos.partner.locale,
        )
    if kudos.visibility == Visibility.PUBLIC and RecognitionSettings.load().post_public_kudos:
        from everyweek.recognition.tasks import post_kudos_to_webhooks

        enqueue_on_commit(post_kudos_to_webhooks, kudos.pk)


@transaction.atomic
def receive_customer_kudos(
    *, customer_name: str, message: str, recipient: Person | None = None, team: Team | None = None
) -> Kudos:
    """Kudos from a customer on the public page: no account, no points, shown on the wall."""
    if (recipient is None) == (team is None):
        raise RecognitionError(_("Choose one recipient: a person, a team or a partner."))
    if not message.strip():
        raise RecognitionError(_("Write a message."))
    kudos = Kudos.objects.create(
        customer_name=customer_name.strip()[:120],
        recipient=recipient,
        team=team,
        message=message.strip()[:2000],
        visibility=Visibility.PUBLIC,
        created_at=timezone.now(),
    )
    _announce(kudos)
    audit.record(None, "kudos.customer", kudos, {"to": kudos.recipient_label})
    return kudos


def can_change(actor: Person, kudos: Kudos) -> bool:
    return is_admin(actor) or (kudos.author_id is not None and kudos.author_id == actor.pk)


@transaction.atomic
def edit_kudos(
    *,
    actor: Person,
    kudos: Kudos,
    message: str,
    visibility: str,
    values: Iterable[CompanyValue] | None = None,
) -> Kudos:
    if not can_change(actor, kudos):
        raise PermissionDenied
    if kudos.withdrawn_at is not None:
        raise RecognitionError(_("Withdrawn kudos cannot be edited."))
    if not message.strip():
        raise RecognitionError(_("Write a message."))
    changes = audit.diff(kudos, {"message": message.strip(), "visibility": visibility})
    kudos.message = message.strip()
    kudos.visibility = visibility
    kudos.edited_at = timezone.now()
    kudos.save(update_fields=["message", "visibility", "edited_at"])
    if values is not None:
        before = sorted(kudos.values.values_list("pk", flat=True))
        after = sorted(v.pk for v in values)
        if before != after:
            changes["values"] = [before, after]
            kudos.values.set(after)
    audit.record(actor, "kudos.edit", kudos, changes)
    return kudos


@transaction.atomic
def withdraw_kudos(*, actor: Person, kudos: Kudos) -> Kudos:
    """Withdrawn kudos leave the wall; their points go back to the giver."""
    if not can_change(actor, kudos):
        raise PermissionDenied
    locked = Kudos.objects.select_for_update().get(pk=kudos.pk)
    if locked.withdrawn_at is not None:
        return locked
    locked.withdrawn_at = timezone.now()
    locked.save(update_fields=["withdrawn_at"])
    if locked.points and locked.recipient_id and locked.author_id:
        period = selectors.current_period()
        PointsEntry.objects.create(
            person_id=locked.author_id,
            account=PointsAccount.GIVING,
            kind=PointsKind.RETURNED,
            amount=locked.points,
            kudos=locked,
            period=period,
        )
        PointsEntry.objects.create(
            person_id=locked.recipient_id,
            account=PointsAccount.EARNED,
            kind=PointsKind.RETURNED,
            amount=-locked.points,
            kudos=locked,
            period=period,
        )
    audit.record(actor, "kudos.withdraw", locked, {"points": locked.points})
    return locked


@transaction.atomic
def toggle_reaction(*, person: Person, kudos: Kudos, emoji: str) -> bool:
    """Adds the reaction, or removes it when it was there. True when it is now present."""
    if emoji not in REACTIONS:
        raise RecognitionError(_("Unknown reaction."))
    deleted, _rows = Reaction.objects.filter(kudos=kudos, person=person, emoji=emoji).delete()
    if deleted:
        return False
    Reaction.objects.create(kudos=kudos, person=person, emoji=emoji)
    return True


@transaction.atomic
def add_comment(*, person: Person, kudos: Kudos, text: str) -> Comment:
    if not text.strip():
        raise RecognitionError(_("Write a comment."))
    comment = Comment.objects.create(kudos=kudos, author=person, text=text.strip()[:1000])
    audit.record(person, "kudos.comment", kudos, {"comment": comment.pk})
    return comment


# --- Points and rewards ------------------------------------------------------------------


@transaction.atomic
def boost_points(*, actor: Person, person: Person, amount: int, note: str = "") -> PointsEntry:
    """A leader adds points to give this month for someone they lead (or themselves)."""
    if not is_leader(actor) or not visible_people(actor).filter(pk=person.pk).exists():
        raise PermissionDenied
    if amount <= 0:
        raise RecognitionError(_("A boost must be a positive number of points."))
    _lock(person)
    entry = PointsEntry.objects.create(
        person=person,
        account=PointsAccount.GIVING,
        kind=PointsKind.BOOST,
        amount=amount,
        period=selectors.current_period(),
        note=note[:200],
    )
    audit.record(actor, "points.boost", person, {"amount": amount})
    return entry


@transaction.atomic
def request_redemption(*, person: Person, reward: Reward) -> Redemption:
    if not reward.is_active:
        raise RecognitionError(_("This reward is no longer available."))
    _lock(person)
    if selectors.balance(person, PointsAccount.EARNED) < reward.cost:
        raise RecognitionError(_("You do not have enough points for this reward."))
    redemption = Redemption.objects.create(person=person, reward=reward, cost=reward.cost)
    PointsEntry.objects.create(
        person=person,
        account=PointsAccount.EARNED,
        kind=PointsKind.REDEEMED,
        amount=-reward.cost,
        redemption=redemption,
    )
    audit.record(person, "reward.request", redemption, {"cost": reward.cost})
    return redemption


@transaction.atomic
def decide_redemption(*, actor: Person, redemption: Redemption, fulfil: bool) -> Redemption:
    """An admin fulfils a request, or rejects it and the points come back."""
    if not is_admin(actor):
        raise PermissionDenied
    locked = Redemption.objects.select_for_update().get(pk=redemption.pk)
    if locked.status != RedemptionStatus.REQUESTED:
        raise RecognitionError(_("This request has already been decided."))
    locked.status = RedemptionStatus.FULFILLED if fulfil else RedemptionStatus.REJECTED
    locked.decided_at = timezone.now()
    locked.decided_by = actor
    locked.save(update_fields=["status", "decided_at", "decided_by"])
    if not fulfil:
        PointsEntry.objects.create(
            person_id=locked.person_id,
            account=PointsAccount.EARNED,
            kind=PointsKind.REFUND,
            amount=locked.cost,
            redemption=locked,
        )
    notify(
        locked.person,
        "reward",
        _("Your reward “%(reward)s” is on its way.")
        if fulfil
        else _("Your reward request “%(reward)s” was declined; the points are back."),
        reverse("recognition:points"),
        reward=locked.reward.name,
    )
    audit.record(actor, "reward.decide", locked, {"status": locked.status})
    return locked
