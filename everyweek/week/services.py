"""Every write of the week planner: verb-named, atomic, audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from everyweek.core import audit
from everyweek.core.access import is_admin
from everyweek.customers.models import Customer
from everyweek.people.models import Department, Person, Team
from everyweek.week import dates, ideas, media, notices, raffle
from everyweek.week.models import (
    Attendance,
    BacklogItem,
    BacklogStatus,
    CalendarFeed,
    Celebration,
    Contest,
    CoverageSlot,
    CustomerNotice,
    DateRule,
    DaySponsor,
    EntrantKind,
    Entry,
    Event,
    Fulfilment,
    HuntFind,
    HuntItem,
    MediaKind,
    MessageSource,
    Moderation,
    NoticeDelivery,
    NoticeStatus,
    RetroNote,
    Score,
    ServiceTip,
    ShirtSwap,
    Signup,
    SignupSheet,
    SignupSlot,
    SignupStatus,
    SurpriseKind,
    SurpriseRule,
    ThankYou,
    new_token,
)


class WeekError(ValidationError):
    """A rule of the week was broken; the message is for people."""


def can_manage(user: Any, celebration: Celebration) -> bool:
    if is_admin(user):
        return True
    return bool(
        getattr(user, "is_authenticated", False)
        and celebration.organisers.filter(pk=user.pk).exists()
    )


def _require_manager(actor: Person, celebration: Celebration) -> None:
    if not can_manage(actor, celebration):
        raise WeekError(_("Only the organisers can change the programme."))


# --- The celebration --------------------------------------------------------------------


@transaction.atomic
def plan_celebration(
    *,
    actor: Person,
    year: int,
    rule: str = DateRule.FIRST_FULL_WEEK,
    rule_month: int = 10,
    week_starts_on: int = 0,
    working_days: int = 5,
    fixed_start: dt.date | None = None,
    fixed_end: dt.date | None = None,
    theme: str = "",
    budget: Decimal = Decimal("0"),
    currency: str = "EUR",
    organisers: list[Person] | None = None,
) -> Celebration:
    """Create or update the year's celebration; the dates always follow from the rule."""
    existing = Celebration.objects.filter(year=year).first()
    if existing is not None and not can_manage(actor, existing):
        raise WeekError(_("Only the organisers can change the programme."))
    if existing is None and not is_admin(actor):
        raise WeekError(_("Only an administrator can start a new year's week."))
    try:
        starts_on, ends_on = dates.compute_dates(
            year,
            rule,
            month=rule_month,
            week_starts_on=week_starts_on,
            days=working_days,
            fixed_start=fixed_start,
            fixed_end=fixed_end,
        )
    except ValueError as exc:
        raise WeekError(_("Fixed dates need a start and an end on or after it.")) from exc
    values = {
        "rule": rule,
        "rule_month": rule_month,
        "week_starts_on": week_starts_on,
        "working_days": working_days,
        "fixed_start": fixed_start,
        "fixed_end": fixed_end,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "theme": theme,
        "budget": budget,
        "currency": currency,
    }
    if existing is None:
        celebration = Celebration.objects.create(year=year, **values)
        audit.record(actor, "week.planned", celebration, values)
    else:
        changes = audit.diff(existing, values)
        for field, value in values.items():
            setattr(existing, field, value)
        existing.save()
        celebration = existing
        audit.record(actor, "week.updated", celebration, changes)
    if organisers is not None:
        celebration.organisers.set(organisers)
    return celebration


@transaction.atomic
def copy_programme(*, actor: Person, source: Celebration, year: int) -> Celebration:
    """Start `year` from `source`'s programme, moved to the new dates. Idempotent.

    Copies events, sign-up sheets and slots, contests with their judges, coverage slots,
    tips, surprise rules and hunt items (with new codes); entries, sign-ups, messages and
    results belong to their own year and stay there.
    """
    target = Celebration.objects.select_for_update().filter(year=year).first()
    if target is not None and target.copied_from_id is not None:
        return target
    if target is None:
        target = plan_celebration(
            actor=actor,
            year=year,
            rule=source.rule,
            rule_month=source.rule_month,
            week_starts_on=source.week_starts_on,
            working_days=source.working_days,
            theme=source.theme,
            budget=source.budget,
            currency=source.currency,
            organisers=list(source.organisers.all()),
        )
    else:
        _require_manager(actor, target)
    shift = (target.starts_on - source.starts_on).days
    event_map: dict[int, Event] = {}
    for event in source.events.all():
        old_pk = event.pk
        copy = Event.objects.create(
            celebration=target,
            title=event.title,
            description=event.description,
            starts_at=dates.shift_days(event.starts_at, shift),
            ends_at=dates.shift_days(event.ends_at, shift),
            place=event.place,
            online_url=event.online_url,
            host=event.host,
            audience=event.audience,
            idea_key=event.idea_key,
        )
        event_map[old_pk] = copy
    for sheet in source.sheets.prefetch_related("slots"):
        new_sheet = SignupSheet.objects.create(
            celebration=target,
            event=event_map.get(sheet.event_id) if sheet.event_id else None,
            title=sheet.title,
            policy=sheet.policy,
        )
        SignupSlot.objects.bulk_create(
            SignupSlot(
                sheet=new_sheet,
                label=slot.label,
                starts_at=dates.shift_days(slot.starts_at, shift),
                ends_at=dates.shift_days(slot.ends_at, shift),
                capacity=slot.capacity,
            )
            for slot in sheet.slots.all()
        )
    for contest in source.contests.prefetch_related("judges"):
        new_contest = Contest.objects.create(
            celebration=target,
            title=contest.title,
            kind=contest.kind,
            entrant=contest.entrant,
            brief=contest.brief,
            is_open=True,
        )
        new_contest.judges.set(contest.judges.all())
    CoverageSlot.objects.bulk_create(
        CoverageSlot(
            celebration=target,
            queue=slot.queue,
            starts_at=dates.shift_days(slot.starts_at, shift),
            ends_at=dates.shift_days(slot.ends_at, shift),
            needed=slot.needed,
        )
        for slot in source.coverage.all()
    )
    ServiceTip.objects.bulk_create(
        ServiceTip(
            celebration=target,
            day=tip.day + dt.timedelta(days=shift),
            title=tip.title,
            text=tip.text,
        )
        for tip in source.tips.all()
    )
    SurpriseRule.objects.bulk_create(
        SurpriseRule(celebration=target, kind=rule.kind, every=rule.every, gift=rule.gift)
        for rule in source.surprises.all()
    )
    for item in source.hunt.all():
        HuntItem.objects.create(
            celebration=target, label=item.label, hint=item.hint, tickets=item.tickets
        )
    target.copied_from = source
    target.save(update_fields=["copied_from"])
    audit.record(actor, "week.copied", target, {"from": source.year, "events": len(event_map)})
    return target


# --- Agenda -----------------------------------------------------------------------------


def _check_times(starts_at: dt.datetime, ends_at: dt.datetime) -> None:
    if ends_at <= starts_at:
        raise WeekError(_("The end must be after the start."))


@transaction.atomic
def add_event(*, actor: Person, celebration: Celebration, **fields: Any) -> Event:
    _require_manager(actor, celebration)
    _check_times(fields["starts_at"], fields["ends_at"])
    event = Event.objects.create(celebration=celebration, **fields)
    audit.record(actor, "week.event_added", event, {"title": event.title})
    return event


@transaction.atomic
def update_event(*, actor: Person, event: Event, **fields: Any) -> Event:
    _require_manager(actor, event.celebration)
    _check_times(fields.get("starts_at", event.starts_at), fields.get("ends_at", event.ends_at))
    changes = audit.diff(event, fields)
    for field, value in fields.items():
        setattr(event, field, value)
    event.save()
    audit.record(actor, "week.event_updated", event, changes)
    return event


@transaction.atomic
def remove_event(*, actor: Person, event: Event) -> None:
    _require_manager(actor, event.celebration)
    audit.record(actor, "week.event_removed", event, {"title": event.title})
    event.delete()


@transaction.atomic
def set_attendance(*, person: Person, event: Event, attending: bool) -> bool:
    if attending:
        _, created = Attendance.objects.get_or_create(event=event, person=person)
        if created:
            audit.record(person, "week.attending", event)
        return True
    deleted, _ = Attendance.objects.filter(event=event, person=person).delete()
    if deleted:
        audit.record(person, "week.not_attending", event)
    return False


def feed_for(person: Person) -> CalendarFeed:
    feed, _ = CalendarFeed.objects.get_or_create(person=person)
    return feed


@transaction.atomic
def rotate_feed(*, person: Person) -> CalendarFeed:
    feed = feed_for(person)
    feed.token = CalendarFeed._meta.get_field("token").get_default()
    feed.save(update_fields=["token"])
    audit.record(person, "week.feed_rotated", feed)
    return feed


def add_idea(
    *, actor: Person, celebration: Celebration, key: str, day: dt.date, language: str = "en"
) -> Event:
    """Add a practice from the ideas library to the programme in one step.

    The event gets the idea's title and description in `language`; ideas that need a
    sign-up sheet, a contest or a rota get an empty one to fill in.
    """
    idea = ideas.get(key)
    if idea is None:
        raise WeekError(_("There is no such idea."))
    if not celebration.starts_on <= day <= celebration.ends_on:
        raise WeekError(_("The day must be within the week."))
    text = idea.text(language)
    with transaction.atomic():
        event = add_event(
            actor=actor,
            celebration=celebration,
            title=text.title,
            description=text.description,
            starts_at=dates.at(day, idea.hour),
            ends_at=dates.at(day, idea.hour) + dt.timedelta(minutes=idea.minutes),
            audience=idea.audience,
            idea_key=key,
            host=actor,
        )
        if idea.adds == "sheet":
            sheet = SignupSheet.objects.create(
                celebration=celebration, event=event, title=text.title, policy=text.extra
            )
            for hour in range(0, 24, 4):
                SignupSlot.objects.create(
                    sheet=sheet,
                    starts_at=dates.at(day, hour),
                    ends_at=dates.at(day, hour) + dt.timedelta(hours=4),
                    capacity=4,
                )
        elif idea.adds in ("essay", "costume"):
            Contest.objects.create(
                celebration=celebration,
                title=text.title,
                kind=idea.adds,
                entrant=EntrantKind.TEAM if idea.adds == "costume" else EntrantKind.PERSON,
                brief=text.extra or text.description,
            )
        elif idea.adds == "coverage":
            CoverageSlot.objects.create(
                celebration=celebration,
                queue=_("Phone and email"),
                starts_at=event.starts_at,
                ends_at=event.ends_at,
                needed=2,
            )
    return event


# --- Sign-up sheets ---------------------------------------------------------------------


@transaction.atomic
def add_sheet(
    *,
    actor: Person,
    celebration: Celebration,
    title: str,
    policy: str = "",
    event: Event | None = None,
) -> SignupSheet:
    _require_manager(actor, celebration)
    sheet = SignupSheet.objects.create(
        celebration=celebration, title=title, policy=policy, event=event
    )
    audit.record(actor, "week.sheet_added", sheet, {"title": title})
    return sheet


@transaction.atomic
def add_slot(
    *,
    actor: Person,
    sheet: SignupSheet,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    capacity: int,
    label: str = "",
) -> SignupSlot:
    _require_manager(actor, sheet.celebration)
    _check_times(starts_at, ends_at)
    slot = SignupSlot.objects.create(
        sheet=sheet, starts_at=starts_at, ends_at=ends_at, capacity=capacity, label=label
    )
    audit.record(actor, "week.slot_added", slot, {"capacity": capacity})
    return slot


def _confirmed(slot: SignupSlot) -> int:
    return slot.signups.filter(status=SignupStatus.CONFIRMED).count()


@transaction.atomic
def sign_up(*, person: Person, slot: SignupSlot, contribution: str = "") -> Signup:
    """Take a place, or a place on the waiting list when the slot is full.

    The slot row is locked so two people cannot both take the last place.
    """
    slot = SignupSlot.objects.select_for_update().get(pk=slot.pk)
    existing = slot.signups.filter(person=person).first()
    if existing is not None:
        return existing
    status = SignupStatus.CONFIRMED if _confirmed(slot) < slot.capacity else SignupStatus.WAITLISTED
    signup = Signup.objects.create(
        slot=slot, person=person, status=status, contribution=contribution
    )
    audit.record(person, "week.signed_up", signup, {"status": status})
    return signup


@transaction.atomic
def cancel_signup(*, actor: Person, signup: Signup) -> Signup | None:
    """Give the place up; the first on the waiting list moves up. Returns who moved up."""
    slot = SignupSlot.objects.select_for_update().get(pk=signup.slot_id)
    if actor.pk != signup.person_id and not can_manage(actor, slot.sheet.celebration):
        raise WeekError(_("You can only cancel your own sign-up."))
    audit.record(actor, "week.signup_cancelled", signup, {"person": signup.person_id})
    signup.delete()
    promoted = None
    if _confirmed(slot) < slot.capacity:
        promoted = (
            slot.signups.filter(status=SignupStatus.WAITLISTED).order_by("created_at", "pk").first()
        )
        if promoted is not None:
            promoted.status = SignupStatus.CONFIRMED
            promoted.save(update_fields=["status"])
            audit.record(actor, "week.signup_promoted", promoted, {"person": promoted.person_id})
            from everyweek.notifications.services import send_email

            send_email(
                to=promoted.person,
                template="week/email/promoted",
                context={"sheet": slot.sheet.title, "slot": slot},
            )
    return promoted


# --- Contests and the improvement backlog -------------------------------------------------


@transaction.atomic
def add_contest(
    *,
    actor: Person,
    celebration: Celebration,
    title: str,
    kind: str,
    entrant: str = EntrantKind.PERSON,
    brief: str = "",
    judges: list[Person] | None = None,
) -> Contest:
    _require_manager(actor, celebration)
    contest = Contest.objects.create(
        celebration=celebration, title=title, kind=kind, entrant=entrant, brief=brief
    )
    if judges:
        contest.judges.set(judges)
    audit.record(actor, "week.contest_added", contest, {"title": title})
    return contest


@transaction.atomic
def set_judges(*, actor: Person, contest: Contest, judges: list[Person]) -> None:
    _require_manager(actor, contest.celebration)
    contest.judges.set(judges)
    audit.record(actor, "week.judges_set", contest, {"judges": [j.pk for j in judges]})


@transaction.atomic
def submit_entry(
    *, person: Person, contest: Contest, title: str, text: str = "", team: Team | None = None
) -> Entry:
    if not contest.is_open:
        raise WeekError(_("This contest is closed."))
    if contest.entrant == EntrantKind.TEAM:
        team = team or person.team
        if team is None:
            raise WeekError(_("This contest takes team entries and you are not in a team."))
        if contest.entries.filter(team=team).exists():
            raise WeekError(_("Your team has already entered."))
    elif contest.entries.filter(person=person).exists():
        raise WeekError(_("You have already entered."))
    entry = Entry.objects.create(
        contest=contest,
        person=person,
        team=team if contest.entrant == EntrantKind.TEAM else None,
        title=title,
        text=text,
    )
    audit.record(person, "week.entry_submitted", entry, {"contest": contest.pk})
    return entry


@transaction.atomic
def score_entry(*, judge: Person, entry: Entry, points: int, comment: str = "") -> Score:
    if not entry.contest.judges.filter(pk=judge.pk).exists():
        raise WeekError(_("Only the contest's judges can score."))
    if entry.person_id == judge.pk:
        raise WeekError(_("Judges do not score their own entry."))
    if not 1 <= points <= 10:
        raise WeekError(_("Points go from 1 to 10."))
    score, _created = Score.objects.update_or_create(
        entry=entry, judge=judge, defaults={"points": points, "comment": comment}
    )
    audit.record(judge, "week.scored", score, {"points": points})
    return score


@transaction.atomic
def close_contest(*, actor: Person, contest: Contest) -> Contest:
    _require_manager(actor, contest.celebration)
    contest.is_open = False
    contest.save(update_fields=["is_open"])
    audit.record(actor, "week.contest_closed", contest)
    return contest


@transaction.atomic
def add_backlog_item(
    *,
    actor: Person,
    title: str,
    description: str = "",
    owner: Person | None = None,
    celebration: Celebration | None = None,
    source_entry: Entry | None = None,
) -> BacklogItem:
    """An improvement idea, typically pulled out of an essay when the department reads them."""
    if source_entry is not None:
        celebration = source_entry.contest.celebration
    if celebration is None or not can_manage(actor, celebration):
        raise WeekError(_("Only the organisers can change the programme."))
    item = BacklogItem.objects.create(
        celebration=celebration,
        source_entry=source_entry,
        title=title,
        description=description,
        owner=owner,
    )
    audit.record(actor, "week.backlog_added", item, {"title": title})
    return item


@transaction.atomic
def update_backlog_item(
    *, actor: Person, item: BacklogItem, status: str | None = None, owner: Person | None = None
) -> BacklogItem:
    allowed = (
        item.owner_id == actor.pk
        or (item.celebration is not None and can_manage(actor, item.celebration))
        or is_admin(actor)
    )
    if not allowed:
        raise WeekError(_("Only the owner or the organisers can update this item."))
    values: dict[str, Any] = {}
    if status is not None:
        values["status"] = BacklogStatus(status)
    if owner is not None:
        values["owner"] = owner
    changes = audit.diff(item, values)
    for field, value in values.items():
        setattr(item, field, value)
    item.save()
    audit.record(actor, "week.backlog_updated", item, changes)
    return item


# --- Sponsors, coverage, tips -------------------------------------------------------------


@transaction.atomic
def sponsor_day(
    *, actor: Person, celebration: Celebration, day: dt.date, department: Department, message: str
) -> DaySponsor:
    """A department sponsors a day and says how the service team helps it."""
    if not celebration.starts_on <= day <= celebration.ends_on:
        raise WeekError(_("The day must be within the week."))
    if actor.department_id != department.pk and not can_manage(actor, celebration):
        raise WeekError(_("You can sponsor a day for your own department."))
    if not message.strip():
        raise WeekError(_("Tell the service team how they help you."))
    try:
        with transaction.atomic():
            sponsor = DaySponsor.objects.create(
                celebration=celebration,
                day=day,
                department=department,
                message=message,
                created_by=actor,
            )
    except IntegrityError as exc:
        raise WeekError(_("Another department already sponsors that day.")) from exc
    audit.record(actor, "week.day_sponsored", sponsor, {"day": day, "department": department})
    return sponsor


@transaction.atomic
def add_coverage_slot(
    *,
    actor: Person,
    celebration: Celebration,
    queue: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    needed: int,
) -> CoverageSlot:
    _require_manager(actor, celebration)
    _check_times(starts_at, ends_at)
    slot = CoverageSlot.objects.create(
        celebration=celebration, queue=queue, starts_at=starts_at, ends_at=ends_at, needed=needed
    )
    audit.record(actor, "week.coverage_added", slot, {"queue": queue, "needed": needed})
    return slot


@transaction.atomic
def cover_slot(*, person: Person, slot: CoverageSlot) -> CoverageSlot:
    """Volunteer to take the queue; the slot is locked so it is never over-filled."""
    slot = CoverageSlot.objects.select_for_update().get(pk=slot.pk)
    if slot.covers.filter(pk=person.pk).exists():
        return slot
    if slot.covers.count() >= slot.needed:
        raise WeekError(_("This slot is already covered."))
    slot.covers.add(person)
    audit.record(person, "week.covering", slot)
    return slot


@transaction.atomic
def uncover_slot(*, person: Person, slot: CoverageSlot) -> None:
    slot.covers.remove(person)
    audit.record(person, "week.not_covering", slot)


@transaction.atomic
def add_tip(
    *, actor: Person, celebration: Celebration, day: dt.date, title: str, text: str
) -> ServiceTip:
    _require_manager(actor, celebration)
    tip = ServiceTip.objects.create(celebration=celebration, day=day, title=title, text=text)
    audit.record(actor, "week.tip_added", tip, {"day": day})
    return tip


def send_daily_tip(today: dt.date) -> int:
    """Email today's tips to everyone in the company; a tip is sent once, however often this runs."""
    from everyweek.notifications.services import send_email

    sent = 0
    for tip_id in ServiceTip.objects.filter(day=today, sent_at__isnull=True).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            tip = (
                ServiceTip.objects.select_for_update()
                .filter(pk=tip_id, sent_at__isnull=True)
                .first()
            )
            if tip is None:
                continue
            for person in Person.objects.filter(is_active=True).order_by("pk"):
                send_email(to=person, template="week/email/tip", context={"tip": tip})
                sent += 1
            tip.sent_at = timezone.now()
            tip.save(update_fields=["sent_at"])
            audit.record(None, "week.tip_sent", tip, {"recipients": sent})
    return sent


# --- Thank-you wall -----------------------------------------------------------------------


def media_kind_of(upload: UploadedFile) -> str:
    """'image' or 'video' from the file's content and name; WeekError with the reason otherwise."""
    try:
        return media.kind_of(upload)
    except media.MediaError as exc:
        raise WeekError(exc.messages) from exc


def _new_thanks(
    *,
    actor: Person | None,
    celebration: Celebration,
    source: str,
    author_name: str,
    text: str,
    upload: UploadedFile | None,
    status: str,
) -> ThankYou:
    if not text.strip() and upload is None:
        raise WeekError(_("Write a message or add an image or a video."))
    kind = MediaKind.TEXT if upload is None else MediaKind(media_kind_of(upload))
    message = ThankYou(
        celebration=celebration,
        source=source,
        author_name=author_name,
        author=actor,
        text=text,
        media_kind=kind,
        status=status,
    )
    if upload is not None:
        message.media.save(media.stored_name(upload), upload, save=False)
    message.save()
    return message


@transaction.atomic
def post_thanks(
    *,
    actor: Person | None,
    celebration: Celebration,
    source: str,
    author_name: str,
    text: str = "",
    media: UploadedFile | None = None,
) -> ThankYou:
    """A message for the wall: colleagues post their own, leaders as leaders, and the
    organisers post customers' messages on their behalf. Shown at once."""
    from everyweek.core.access import is_leader

    if source == "customer" and (actor is None or not can_manage(actor, celebration)):
        raise WeekError(_("Only the organisers can post on behalf of customers."))
    if source == "leader" and not (is_leader(actor) or can_manage(actor, celebration)):
        raise WeekError(_("Only leaders can post as a leader."))
    message = _new_thanks(
        actor=actor,
        celebration=celebration,
        source=source,
        author_name=author_name,
        text=text,
        upload=media,
        status=Moderation.APPROVED,
    )
    audit.record(
        actor, "week.thanks_posted", message, {"source": source, "kind": message.media_kind}
    )
    return message


def celebration_for_wall_key(key: str) -> Celebration | None:
    if not key:
        return None
    return Celebration.objects.filter(wall_key=key).first()


@transaction.atomic
def open_customer_wall(*, actor: Person, celebration: Celebration) -> Celebration:
    """Make the customers' link to the wall; making it again replaces (and cuts off) the old one."""
    _require_manager(actor, celebration)
    renewed = bool(celebration.wall_key)
    celebration.wall_key = new_token()
    celebration.save(update_fields=["wall_key"])
    audit.record(actor, "week.customer_wall_opened", celebration, {"renewed": renewed})
    return celebration


@transaction.atomic
def close_customer_wall(*, actor: Person, celebration: Celebration) -> Celebration:
    _require_manager(actor, celebration)
    if celebration.wall_key:
        celebration.wall_key = ""
        celebration.save(update_fields=["wall_key"])
        audit.record(actor, "week.customer_wall_closed", celebration)
    return celebration


@transaction.atomic
def submit_customer_thanks(
    *,
    key: str,
    author_name: str,
    text: str = "",
    company: str = "",
    upload: UploadedFile | None = None,
) -> ThankYou:
    """A customer's own message through the wall's link: it waits for an organiser's approval."""
    celebration = celebration_for_wall_key(key)
    if celebration is None:
        raise WeekError(_("This link no longer works."))
    if not author_name.strip():
        raise WeekError(_("Tell us your name."))
    name = f"{author_name.strip()}, {company.strip()}" if company.strip() else author_name.strip()
    message = _new_thanks(
        actor=None,
        celebration=celebration,
        source=MessageSource.CUSTOMER,
        author_name=name[:150],
        text=text,
        upload=upload,
        status=Moderation.PENDING,
    )
    audit.record(None, "week.thanks_submitted", message, {"kind": message.media_kind})
    return message


@transaction.atomic
def moderate_thanks(*, actor: Person, message: ThankYou, approve: bool) -> ThankYou:
    """Approve a customer's message for the wall and slideshow, or reject it."""
    message = ThankYou.objects.select_for_update().select_related("celebration").get(pk=message.pk)
    if not can_manage(actor, message.celebration):
        raise WeekError(_("Only the organisers can approve messages."))
    new = Moderation.APPROVED if approve else Moderation.REJECTED
    if message.status != new:
        old = message.status
        message.status = new
        message.moderated_by = actor
        message.moderated_at = timezone.now()
        message.save(update_fields=["status", "moderated_by", "moderated_at"])
        action = "week.thanks_approved" if approve else "week.thanks_rejected"
        audit.record(actor, action, message, {"status": [old, new]})
    return message


# --- Notice to customers ------------------------------------------------------------------


def coverage_window(celebration: Celebration) -> tuple[dt.datetime, dt.datetime] | None:
    """From the first coverage slot's start to the last one's end, when there are slots."""
    slots = list(celebration.coverage.values_list("starts_at", "ends_at"))
    if not slots:
        return None
    return min(s for s, _e in slots), max(e for _s, e in slots)


@transaction.atomic
def draft_notice(
    *,
    actor: Person,
    celebration: Celebration,
    starts_at: dt.datetime | None = None,
    ends_at: dt.datetime | None = None,
    contacted_within_days: int = 90,
) -> CustomerNotice:
    """A draft notice for the time the team steps out (by default the coverage rota's window)."""
    _require_manager(actor, celebration)
    if starts_at is None or ends_at is None:
        window = coverage_window(celebration)
        if window is None:
            raise WeekError(_("Add coverage slots first: the notice gives their times."))
        starts_at, ends_at = starts_at or window[0], ends_at or window[1]
    _check_times(starts_at, ends_at)
    if not 1 <= contacted_within_days <= 730:
        raise WeekError(_("Choose between 1 and 730 days."))
    notice = CustomerNotice.objects.create(
        celebration=celebration,
        starts_at=starts_at,
        ends_at=ends_at,
        contacted_within_days=contacted_within_days,
        created_by=actor,
    )
    audit.record(
        actor,
        "week.notice_drafted",
        notice,
        {"starts_at": starts_at, "ends_at": ends_at, "days": contacted_within_days},
    )
    return notice


@transaction.atomic
def send_notice(*, actor: Person, notice: CustomerNotice) -> CustomerNotice:
    """Mark the notice sent and queue the task that emails it.

    Sending again is safe: the task emails only customers without a delivery yet (for example
    customers contacted since the first send).
    """
    from everyweek.core.tasks import enqueue_on_commit
    from everyweek.week.tasks import send_customer_notice

    notice = (
        CustomerNotice.objects.select_for_update().select_related("celebration").get(pk=notice.pk)
    )
    _require_manager(actor, notice.celebration)
    first = notice.status != NoticeStatus.SENT
    if first:
        notice.status = NoticeStatus.SENT
        notice.sent_at = timezone.now()
        notice.sent_by = actor
        notice.save(update_fields=["status", "sent_at", "sent_by"])
    audit.record(actor, "week.notice_sent", notice, {"again": not first})
    enqueue_on_commit(send_customer_notice, notice.pk)
    return notice


def deliver_notice(notice_id: int, now: dt.datetime | None = None) -> int:
    """Email a sent notice to every recipient not reached yet; returns how many were emailed.

    The delivery row and the email are written in one transaction, and the row is unique per
    customer, so a duplicate task or two workers never email a customer twice.
    """
    from everyweek.notifications.services import send_email
    from everyweek.week import selectors

    notice = (
        CustomerNotice.objects.select_related("celebration")
        .filter(pk=notice_id, status=NoticeStatus.SENT)
        .first()
    )
    if notice is None:
        return 0
    recipients = selectors.notice_recipients(notice, now).exclude(
        pk__in=notice.deliveries.values("customer_id")
    )
    sent = 0
    texts: dict[tuple[str, str], notices.Notice] = {}  # one text per language and time zone
    for customer in recipients.iterator():
        language = notices.language_for(customer.locale)
        zone = notices.safe_zone(customer.time_zone)
        text = texts.get((language, zone))
        if text is None:
            text = texts[(language, zone)] = notices.notice(
                notice.starts_at, notice.ends_at, language, zone
            )
        with transaction.atomic():
            try:
                with transaction.atomic():
                    delivery = NoticeDelivery.objects.create(
                        notice=notice, customer=customer, language=language
                    )
            except IntegrityError:
                continue  # another worker got there first
            delivery.email = send_email(
                to=customer.email,
                template="week/email/notice",
                context={"notice": text, "customer": customer},
                language=language,
            )
            delivery.save(update_fields=["email"])
            sent += 1
    if sent:
        audit.record(None, "week.notice_delivered", notice, {"recipients": sent})
    return sent


# --- Customer surprises -------------------------------------------------------------------


@transaction.atomic
def add_surprise_rule(
    *, actor: Person, celebration: Celebration, kind: str, gift: str, every: int = 5
) -> SurpriseRule:
    _require_manager(actor, celebration)
    if kind == SurpriseKind.EVERY_NTH and every < 1:
        raise WeekError(_("Every n-th must be at least 1."))
    rule = SurpriseRule.objects.create(celebration=celebration, kind=kind, gift=gift, every=every)
    audit.record(actor, "week.surprise_added", rule, {"kind": kind, "gift": gift})
    return rule


@transaction.atomic
def build_fulfilment(*, actor: Person | None, rule: SurpriseRule) -> int:
    """Fill the rule's fulfilment list from the interactions; returns how many were added.

    "Every n-th customer served this week": customers in order of their first interaction
    during the week (so a customer served twice counts once), every n-th of them.
    "Every customer contacted this year": everyone with an interaction since 1 January.
    Running it again adds only customers not yet on the list.
    """
    from everyweek.feedback.models import Interaction

    celebration = rule.celebration
    zone = dates.local_zone()
    if rule.kind == SurpriseKind.EVERY_NTH:
        start = dt.datetime.combine(celebration.starts_on, dt.time.min, tzinfo=zone)
        end = dt.datetime.combine(
            celebration.ends_on + dt.timedelta(days=1), dt.time.min, tzinfo=zone
        )
    else:
        start = dt.datetime(celebration.year, 1, 1, tzinfo=zone)
        end = dt.datetime(celebration.year + 1, 1, 1, tzinfo=zone)
    rows = (
        Interaction.objects.filter(
            created_at__gte=start, created_at__lt=end, customer__isnull=False
        )
        .order_by("created_at", "pk")
        .values_list("pk", "customer_id")
    )
    chosen: list[tuple[int, int]] = []
    seen: set[int] = set()
    for interaction_id, customer_id in rows.iterator():
        if customer_id in seen:
            continue
        seen.add(customer_id)
        if rule.kind == SurpriseKind.EVERY_NTH and len(seen) % rule.every:
            continue
        chosen.append((interaction_id, customer_id))
    existing = set(rule.fulfilments.values_list("customer_id", flat=True))
    new = [
        Fulfilment(rule=rule, customer_id=customer_id, interaction_id=interaction_id)
        for interaction_id, customer_id in chosen
        if customer_id not in existing
    ]
    Fulfilment.objects.bulk_create(new, ignore_conflicts=True)
    audit.record(actor, "week.fulfilment_built", rule, {"added": len(new)})
    return len(new)


@transaction.atomic
def mark_fulfilled(*, actor: Person, fulfilment: Fulfilment) -> Fulfilment:
    _require_manager(actor, fulfilment.rule.celebration)
    if fulfilment.sent_at is None:
        fulfilment.sent_at = timezone.now()
        fulfilment.save(update_fields=["sent_at"])
        audit.record(actor, "week.gift_sent", fulfilment)
    return fulfilment


@transaction.atomic
def record_swap(
    *,
    actor: Person,
    celebration: Celebration,
    customer: Customer,
    shirts_received: int,
    shirts_sent: int,
    photo_sent: bool,
) -> ShirtSwap:
    _require_manager(actor, celebration)
    swap, _created = ShirtSwap.objects.update_or_create(
        celebration=celebration,
        customer=customer,
        defaults={
            "shirts_received": shirts_received,
            "shirts_sent": shirts_sent,
            "photo_sent": photo_sent,
        },
    )
    audit.record(actor, "week.swap_recorded", swap, {"received": shirts_received})
    return swap


# --- Hidden-item hunt ---------------------------------------------------------------------


@transaction.atomic
def hide_item(
    *, actor: Person, celebration: Celebration, label: str, hint: str = "", tickets: int = 1
) -> HuntItem:
    _require_manager(actor, celebration)
    item = HuntItem.objects.create(celebration=celebration, label=label, hint=hint, tickets=tickets)
    audit.record(actor, "week.item_hidden", item, {"label": label})
    return item


def claim_find(*, person: Person, code: str) -> tuple[HuntFind, bool]:
    """Scanning a hidden item's code: the first scan per person earns its tickets.

    Returns (find, new). Later scans by the same person return the first find.
    """
    item = HuntItem.objects.select_related("celebration").filter(code=code).first()
    if item is None:
        raise WeekError(_("This code is not part of the hunt."))
    try:
        with transaction.atomic():
            find = HuntFind.objects.create(item=item, person=person, tickets=item.tickets)
            audit.record(person, "week.item_found", find, {"tickets": item.tickets})
            find.credited = raffle.grant_tickets(person, item.tickets, f"hunt: {item.label}")
            if find.credited:
                find.save(update_fields=["credited"])
    except IntegrityError:
        return HuntFind.objects.get(item=item, person=person), False
    return find, True


def tickets_of(person: Person, celebration: Celebration) -> int:
    return sum(
        HuntFind.objects.filter(person=person, item__celebration=celebration).values_list(
            "tickets", flat=True
        )
    )


# --- After the week -----------------------------------------------------------------------


@transaction.atomic
def add_retro_note(*, person: Person, celebration: Celebration, kind: str, text: str) -> RetroNote:
    if not text.strip():
        raise WeekError(_("Write a note."))
    note = RetroNote.objects.create(celebration=celebration, kind=kind, text=text, author=person)
    audit.record(person, "week.retro_note", note, {"kind": kind})
    return note


# --- Reminders ----------------------------------------------------------------------------

REMINDER_LEAD = dt.timedelta(hours=24)


def people_to_remind(event: Event) -> set[int]:
    ids = set(event.attendances.values_list("person_id", flat=True))
    if event.host_id:
        ids.add(event.host_id)
    for sheet in event.signupsheet_set.all():
        ids.update(
            Signup.objects.filter(slot__sheet=sheet, status=SignupStatus.CONFIRMED).values_list(
                "person_id", flat=True
            )
        )
    return ids


def send_reminders(now: dt.datetime | None = None) -> int:
    """Remind hosts, attendees and confirmed sign-ups of events in the next 24 hours, once each."""
    from everyweek.notifications.services import send_email
    from everyweek.week.models import Reminder

    now = now or timezone.now()
    sent = 0
    events = Event.objects.filter(starts_at__gt=now, starts_at__lte=now + REMINDER_LEAD)
    for event in events.select_related("celebration"):
        already = set(event.reminders.values_list("person_id", flat=True))
        for person in Person.objects.filter(
            pk__in=people_to_remind(event) - already, is_active=True
        ):
            with transaction.atomic():
                try:
                    with transaction.atomic():
                        Reminder.objects.create(event=event, person=person)
                except IntegrityError:
                    continue  # another worker got there first
                send_email(to=person, template="week/email/reminder", context={"event": event})
                sent += 1
    return sent


def counts_by_status(queryset: Any) -> dict[str, int]:
    return dict(queryset.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
