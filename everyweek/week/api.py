"""Customer Service Week over the JSON API, through the same selectors and services as the pages.

Everyone reads the programme they may see and signs up; organisers and administrators
manage; a broken rule (full slot, closed contest, day already sponsored…) answers 422 with
the reason.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema

from everyweek.api import errors
from everyweek.api.auth import caller, require_scope
from everyweek.api.models import TokenScope
from everyweek.api.pagination import paginated
from everyweek.api.schemas import PersonRef
from everyweek.week import ideas, notices, selectors, services
from everyweek.week.models import (
    Audience,
    BacklogItem,
    BacklogStatus,
    Celebration,
    Contest,
    ContestKind,
    CoverageSlot,
    CustomerNotice,
    EntrantKind,
    Entry,
    Event,
    SignupSheet,
    SignupSlot,
    SignupStatus,
    ThankYou,
)

router = Router(tags=["week"])


# --- Schemas ----------------------------------------------------------------------------


class CelebrationOut(Schema):
    year: int
    starts_on: dt.date
    ends_on: dt.date
    rule: str
    theme: str
    budget: Decimal | None = Field(None, description="Only for organisers and administrators.")
    currency: str
    organisers: list[PersonRef]


class CelebrationIn(Schema):
    year: int = Field(..., ge=2000, le=2100)
    rule: str = "first_full_week"
    rule_month: int = Field(10, ge=1, le=12)
    week_starts_on: int = Field(0, ge=0, le=6)
    working_days: int = Field(5, ge=1, le=7)
    fixed_start: dt.date | None = None
    fixed_end: dt.date | None = None
    theme: str = Field("", max_length=200)
    budget: Decimal = Decimal("0")
    currency: str = Field("EUR", max_length=3)
    organiser_ids: list[int] | None = None


class CopyIn(Schema):
    from_year: int


class EventOut(Schema):
    id: int
    title: str
    description: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str
    online_url: str
    host: PersonRef | None
    audience: Audience
    idea_key: str


class EventIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    description: str = ""
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str = Field("", max_length=200)
    online_url: str = Field("", max_length=200)
    host_id: int | None = None
    audience: Audience = Audience.EVERYONE


class AttendanceIn(Schema):
    attending: bool


class SlotOut(Schema):
    id: int
    label: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int
    confirmed: int
    waiting: int


class SheetOut(Schema):
    id: int
    title: str
    policy: str
    slots: list[SlotOut]


class SignupIn(Schema):
    contribution: str = Field("", max_length=200)


class SignupOut(Schema):
    id: int
    slot_id: int
    status: SignupStatus
    contribution: str


class ContestOut(Schema):
    id: int
    title: str
    kind: ContestKind
    entrant: EntrantKind
    brief: str
    is_open: bool
    judges: list[PersonRef]


class EntryIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    text: str = ""


class EntryOut(Schema):
    id: int
    contest_id: int
    person: PersonRef | None
    team: str | None
    title: str
    text: str
    submitted_at: dt.datetime


class ScoreIn(Schema):
    points: int = Field(..., ge=1, le=10)
    comment: str = Field("", max_length=2000)


class ResultOut(Schema):
    entry: EntryOut
    average: float | None
    scores: int


class BacklogIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    description: str = ""
    owner_id: int | None = None


class BacklogPatch(Schema):
    status: BacklogStatus


class BacklogOut(Schema):
    id: int
    title: str
    description: str
    owner: PersonRef | None
    status: BacklogStatus
    year: int | None
    source_entry_id: int | None
    updated_at: dt.datetime


class SponsorIn(Schema):
    day: dt.date
    department_id: int
    message: str = Field(..., min_length=1, max_length=4000)


class SponsorOut(Schema):
    day: dt.date
    department: str
    message: str


class CoverageOut(Schema):
    id: int
    queue: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    needed: int
    covered_by: list[PersonRef]
    gap: int


class NoticeOut(Schema):
    language: str
    subject: str
    text: str
    banner_html: str


class CustomerNoticeOut(Schema):
    id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    contacted_within_days: int
    status: str
    created_at: dt.datetime
    sent_at: dt.datetime | None
    recipients: int = Field(..., description="Customers it goes to (or went to) now.")
    delivered: int = Field(..., description="Customers emailed so far.")
    by_language: dict[str, int]
    previews: list[NoticeOut]


class CustomerNoticeIn(Schema):
    starts_at: dt.datetime | None = Field(None, description="Default: the coverage rota's start.")
    ends_at: dt.datetime | None = Field(None, description="Default: the coverage rota's end.")
    contacted_within_days: int = Field(90, ge=1, le=730)


class ModerateIn(Schema):
    approve: bool


class TipOut(Schema):
    day: dt.date
    title: str
    text: str
    sent: bool


class ThanksOut(Schema):
    id: int
    status: str
    created_at: dt.datetime
    source: str
    author_name: str
    text: str
    media_kind: str
    media_url: str | None


class FindOut(Schema):
    item: str
    tickets: int
    new: bool
    total_tickets: int


class IdeaOut(Schema):
    key: str
    title: str
    description: str
    extra: str
    adds: str


class IdeaIn(Schema):
    key: str
    day: dt.date
    language: str = "en"


class RetroIn(Schema):
    kind: str = Field(..., pattern="^(went_well|improve)$")
    text: str = Field(..., min_length=1, max_length=4000)


# --- Helpers ------------------------------------------------------------------------------


def _celebration(year: int) -> Celebration:
    celebration = Celebration.objects.filter(year=year).first()
    if celebration is None:
        raise errors.not_found()
    return celebration


def _managed_celebration(
    request: HttpRequest, year: int, *, write: bool = False
) -> tuple[Any, Celebration]:
    """The caller and the year's celebration, for organisers only (404 to anyone else)."""
    user = require_scope(request, TokenScope.WRITE) if write else caller(request)
    celebration = _celebration(year)
    if not services.can_manage(user, celebration):
        raise errors.not_found()
    return user, celebration


def _ref(person: Any) -> dict[str, Any] | None:
    return {"id": person.pk, "full_name": person.full_name} if person is not None else None


def _celebration_out(user: Any, c: Celebration) -> dict[str, Any]:
    return {
        "year": c.year,
        "starts_on": c.starts_on,
        "ends_on": c.ends_on,
        "rule": c.rule,
        "theme": c.theme,
        "budget": c.budget if services.can_manage(user, c) else None,
        "currency": c.currency,
        "organisers": [_ref(p) for p in c.organisers.all()],
    }


def _people(ids: list[int] | None) -> list[Any] | None:
    if ids is None:
        return None
    from everyweek.people.models import Person

    people = list(Person.objects.filter(pk__in=ids, is_active=True))
    if len(people) != len(set(ids)):
        raise errors.unknown_reference("organiser_ids")
    return people


def _entry_out(entry: Entry) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "contest_id": entry.contest_id,
        "person": _ref(entry.person),
        "team": entry.team.name if entry.team else None,
        "title": entry.title,
        "text": entry.text,
        "submitted_at": entry.submitted_at,
    }


def _backlog_out(item: BacklogItem) -> dict[str, Any]:
    return {
        "id": item.pk,
        "title": item.title,
        "description": item.description,
        "owner": _ref(item.owner),
        "status": item.status,
        "year": item.celebration.year if item.celebration else None,
        "source_entry_id": item.source_entry_id,
        "updated_at": item.updated_at,
    }


# --- The week and its agenda ---------------------------------------------------------------


@router.get("/celebrations", response=list[CelebrationOut], summary="Every year's week")
@paginated
def list_celebrations(request: HttpRequest) -> list[dict[str, Any]]:
    user = caller(request)
    return [_celebration_out(user, c) for c in Celebration.objects.prefetch_related("organisers")]


@router.get("/celebrations/{year}", response=CelebrationOut, summary="One year's week")
def get_celebration(request: HttpRequest, year: int) -> Any:
    return _celebration_out(caller(request), _celebration(year))


@router.post(
    "/celebrations", response={200: CelebrationOut}, summary="Plan or update a year's week"
)
def plan_celebration(request: HttpRequest, payload: CelebrationIn) -> Any:
    actor = require_scope(request, TokenScope.WRITE)
    data = payload.dict()
    organisers = _people(data.pop("organiser_ids"))
    celebration = services.plan_celebration(actor=actor, organisers=organisers, **data)
    return _celebration_out(actor, celebration)


@router.post(
    "/celebrations/{year}/copy",
    response=CelebrationOut,
    summary="Start this year from an earlier year's programme (idempotent)",
)
def copy_programme(request: HttpRequest, year: int, payload: CopyIn) -> Any:
    actor = require_scope(request, TokenScope.WRITE)
    source = _celebration(payload.from_year)
    return _celebration_out(actor, services.copy_programme(actor=actor, source=source, year=year))


@router.get(
    "/celebrations/{year}/events",
    response=list[EventOut],
    summary="The programme you may see, times in UTC",
)
@paginated
def list_events(request: HttpRequest, year: int) -> QuerySet[Event]:
    return selectors.visible_events(caller(request), _celebration(year))


@router.post("/celebrations/{year}/events", response=EventOut, summary="Add an event (organisers)")
def add_event(request: HttpRequest, year: int, payload: EventIn) -> Any:
    actor = require_scope(request, TokenScope.WRITE)
    data = payload.dict()
    host_id = data.pop("host_id")
    host = _people([host_id])[0] if host_id else None  # type: ignore[index]
    return services.add_event(actor=actor, celebration=_celebration(year), host=host, **data)


@router.post("/events/{event_id}/attendance", summary="Say you will come (or not)")
def set_attendance(request: HttpRequest, event_id: int, payload: AttendanceIn) -> Any:
    person = require_scope(request, TokenScope.WRITE)
    event = Event.objects.select_related("celebration").filter(pk=event_id).first()
    if (
        event is None
        or not selectors.visible_events(person, event.celebration).filter(pk=event_id).exists()
    ):
        raise errors.not_found()
    return {
        "attending": services.set_attendance(
            person=person, event=event, attending=payload.attending
        )
    }


# --- Sign-up sheets -------------------------------------------------------------------------


@router.get("/celebrations/{year}/sheets", response=list[SheetOut], summary="Sign-up sheets")
def list_sheets(request: HttpRequest, year: int) -> list[dict[str, Any]]:
    caller(request)
    out = []
    for sheet in _celebration(year).sheets.all():
        out.append(_sheet_out(sheet))
    return out


def _sheet_out(sheet: SignupSheet) -> dict[str, Any]:
    slots = sheet.slots.annotate(
        n_confirmed=Count("signups", filter=_status(SignupStatus.CONFIRMED)),
        n_waiting=Count("signups", filter=_status(SignupStatus.WAITLISTED)),
    )
    return {
        "id": sheet.pk,
        "title": sheet.title,
        "policy": sheet.policy,
        "slots": [
            {
                "id": s.pk,
                "label": s.label,
                "starts_at": s.starts_at,
                "ends_at": s.ends_at,
                "capacity": s.capacity,
                "confirmed": s.n_confirmed,
                "waiting": s.n_waiting,
            }
            for s in slots
        ],
    }


def _status(status: str) -> Any:
    from django.db.models import Q

    return Q(signups__status=status)


@router.post(
    "/slots/{slot_id}/signups",
    response=SignupOut,
    summary="Sign up (or join the waiting list when full)",
)
def sign_up(request: HttpRequest, slot_id: int, payload: SignupIn) -> Any:
    person = require_scope(request, TokenScope.WRITE)
    slot = SignupSlot.objects.filter(pk=slot_id).first()
    if slot is None:
        raise errors.not_found()
    return services.sign_up(person=person, slot=slot, contribution=payload.contribution)


@router.delete(
    "/signups/{signup_id}",
    summary="Cancel a sign-up; the first on the waiting list moves up",
)
def cancel_signup(request: HttpRequest, signup_id: int) -> Any:
    actor = require_scope(request, TokenScope.WRITE)
    from everyweek.week.models import Signup

    signup = Signup.objects.select_related("slot__sheet__celebration").filter(pk=signup_id).first()
    if signup is None or (
        signup.person_id != actor.pk
        and not services.can_manage(actor, signup.slot.sheet.celebration)
    ):
        raise errors.not_found()
    promoted = services.cancel_signup(actor=actor, signup=signup)
    return {"promoted_signup_id": promoted.pk if promoted else None}


# --- Contests and the backlog -----------------------------------------------------------------


@router.get("/celebrations/{year}/contests", response=list[ContestOut], summary="Contests")
def list_contests(request: HttpRequest, year: int) -> list[dict[str, Any]]:
    caller(request)
    return [
        {
            "id": c.pk,
            "title": c.title,
            "kind": c.kind,
            "entrant": c.entrant,
            "brief": c.brief,
            "is_open": c.is_open,
            "judges": [_ref(j) for j in c.judges.all()],
        }
        for c in _celebration(year).contests.prefetch_related("judges")
    ]


def _contest(contest_id: int) -> Contest:
    contest = Contest.objects.select_related("celebration").filter(pk=contest_id).first()
    if contest is None:
        raise errors.not_found()
    return contest


@router.get(
    "/contests/{contest_id}/entries",
    response=list[EntryOut],
    summary="Entries: all for judges and organisers, your own (or your team's) otherwise",
)
def list_entries(request: HttpRequest, contest_id: int) -> list[dict[str, Any]]:
    user = caller(request)
    contest = _contest(contest_id)
    manager = services.can_manage(user, contest.celebration)
    return [_entry_out(e) for e in selectors.visible_entries(user, contest, manager=manager)]


@router.post("/contests/{contest_id}/entries", response=EntryOut, summary="Enter a contest")
def submit_entry(request: HttpRequest, contest_id: int, payload: EntryIn) -> Any:
    person = require_scope(request, TokenScope.WRITE)
    entry = services.submit_entry(person=person, contest=_contest(contest_id), **payload.dict())
    return _entry_out(entry)


@router.post("/entries/{entry_id}/score", summary="Score an entry (the contest's judges)")
def score_entry(request: HttpRequest, entry_id: int, payload: ScoreIn) -> Any:
    judge = require_scope(request, TokenScope.WRITE)
    entry = Entry.objects.select_related("contest").filter(pk=entry_id).first()
    if entry is None or not selectors.is_judge(judge, entry.contest):
        raise errors.not_found()
    score = services.score_entry(judge=judge, entry=entry, **payload.dict())
    return {"entry_id": entry.pk, "points": score.points}


@router.get(
    "/contests/{contest_id}/results",
    response=list[ResultOut],
    summary="Results by average score (organisers; everyone once the contest is closed)",
)
def contest_results(request: HttpRequest, contest_id: int) -> list[dict[str, Any]]:
    user = caller(request)
    contest = _contest(contest_id)
    if contest.is_open and not services.can_manage(user, contest.celebration):
        raise errors.not_found()
    return [
        {"entry": _entry_out(r.entry), "average": r.average, "scores": r.scores}
        for r in selectors.results(contest)
    ]


@router.post(
    "/entries/{entry_id}/backlog",
    response=BacklogOut,
    summary="Turn an idea from an entry into an improvement backlog item (organisers)",
)
def entry_to_backlog(request: HttpRequest, entry_id: int, payload: BacklogIn) -> Any:
    actor = require_scope(request, TokenScope.WRITE)
    entry = Entry.objects.select_related("contest__celebration").filter(pk=entry_id).first()
    if entry is None:
        raise errors.not_found()
    data = payload.dict()
    owner_id = data.pop("owner_id")
    owner = _people([owner_id])[0] if owner_id else None  # type: ignore[index]
    item = services.add_backlog_item(actor=actor, source_entry=entry, owner=owner, **data)
    return _backlog_out(item)


@router.get("/backlog", response=list[BacklogOut], summary="The improvement backlog")
@paginated
def list_backlog(request: HttpRequest, status: BacklogStatus | None = None) -> list[Any]:
    caller(request)
    items = BacklogItem.objects.select_related("owner", "celebration")
    if status is not None:
        items = items.filter(status=status)
    return [_backlog_out(i) for i in items]


@router.patch("/backlog/{item_id}", response=BacklogOut, summary="Move a backlog item on")
def update_backlog(request: HttpRequest, item_id: int, payload: BacklogPatch) -> Any:
    actor = require_scope(request, TokenScope.WRITE)
    item = BacklogItem.objects.select_related("celebration", "owner").filter(pk=item_id).first()
    if item is None:
        raise errors.not_found()
    return _backlog_out(services.update_backlog_item(actor=actor, item=item, status=payload.status))


# --- Sponsors, coverage, tips, wall -----------------------------------------------------------


@router.get("/celebrations/{year}/sponsors", response=list[SponsorOut], summary="Sponsored days")
def list_sponsors(request: HttpRequest, year: int) -> list[dict[str, Any]]:
    caller(request)
    return [
        {"day": s.day, "department": s.department.name, "message": s.message}
        for s in _celebration(year).sponsors.select_related("department")
    ]


@router.post("/celebrations/{year}/sponsors", response=SponsorOut, summary="Sponsor a day")
def sponsor_day(request: HttpRequest, year: int, payload: SponsorIn) -> Any:
    actor = require_scope(request, TokenScope.WRITE)
    from everyweek.people.models import Department

    department = Department.objects.filter(pk=payload.department_id).first()
    if department is None:
        raise errors.unknown_reference("department_id")
    s = services.sponsor_day(
        actor=actor,
        celebration=_celebration(year),
        day=payload.day,
        department=department,
        message=payload.message,
    )
    return {"day": s.day, "department": department.name, "message": s.message}


@router.get(
    "/celebrations/{year}/coverage",
    response=list[CoverageOut],
    summary="The coverage rota with its gaps",
)
def list_coverage(request: HttpRequest, year: int) -> list[dict[str, Any]]:
    caller(request)
    return [
        {
            "id": slot.pk,
            "queue": slot.queue,
            "starts_at": slot.starts_at,
            "ends_at": slot.ends_at,
            "needed": slot.needed,
            "covered_by": [_ref(p) for p in slot.covers.all()],
            "gap": gap,
        }
        for slot, gap in selectors.coverage_with_gaps(_celebration(year))
    ]


@router.post("/coverage/{slot_id}/cover", summary="Volunteer to cover the queue")
def cover_slot(request: HttpRequest, slot_id: int) -> Any:
    person = require_scope(request, TokenScope.WRITE)
    slot = CoverageSlot.objects.filter(pk=slot_id).first()
    if slot is None:
        raise errors.not_found()
    services.cover_slot(person=person, slot=slot)
    return {"covering": True}


@router.get(
    "/celebrations/{year}/notice",
    response=list[NoticeOut],
    summary="The notice to customers (en, it, de, th, es, fr), for the coverage window",
)
def customer_notice(request: HttpRequest, year: int, zone: str = "UTC") -> list[Any]:
    _user, celebration = _managed_celebration(request, year)
    slots = list(celebration.coverage.all())
    if not slots:
        return []
    try:
        return notices.notices(min(s.starts_at for s in slots), max(s.ends_at for s in slots), zone)
    except (ValueError, KeyError) as exc:
        raise errors.invalid("zone", "Unknown time zone.", location="query") from exc


@router.get("/celebrations/{year}/tips", response=list[TipOut], summary="Daily service tips")
def list_tips(request: HttpRequest, year: int) -> list[dict[str, Any]]:
    caller(request)
    return [
        {"day": t.day, "title": t.title, "text": t.text, "sent": t.sent_at is not None}
        for t in _celebration(year).tips.all()
    ]


def _thanks_out(m: ThankYou) -> dict[str, Any]:
    return {
        "id": m.pk,
        "status": m.status,
        "created_at": m.created_at,
        "source": m.source,
        "author_name": m.author_name,
        "text": m.text,
        "media_kind": m.media_kind,
        "media_url": m.media.url if m.media else None,
    }


@router.get(
    "/celebrations/{year}/thanks", response=list[ThanksOut], summary="Thank-you wall (approved)"
)
def list_thanks(request: HttpRequest, year: int) -> list[dict[str, Any]]:
    caller(request)
    return [_thanks_out(m) for m in selectors.wall_messages(_celebration(year))]


@router.get(
    "/celebrations/{year}/thanks/pending",
    response=list[ThanksOut],
    summary="Customers' messages waiting for approval (organisers)",
)
def list_pending_thanks(request: HttpRequest, year: int) -> list[dict[str, Any]]:
    _user, celebration = _managed_celebration(request, year)
    return [_thanks_out(m) for m in selectors.pending_messages(celebration)]


@router.post(
    "/thanks/{message_id}/moderate",
    response=ThanksOut,
    summary="Approve or reject a customer's message (organisers)",
)
def moderate_thanks(request: HttpRequest, message_id: int, payload: ModerateIn) -> Any:
    actor = require_scope(request, TokenScope.WRITE)
    message = ThankYou.objects.select_related("celebration").filter(pk=message_id).first()
    if message is None or not services.can_manage(actor, message.celebration):
        raise errors.not_found()
    message = services.moderate_thanks(actor=actor, message=message, approve=payload.approve)
    return _thanks_out(message)


# --- Notices to customers ---------------------------------------------------------------------


def _notice_out(notice: CustomerNotice, zone: str = "UTC") -> dict[str, Any]:
    counts = selectors.recipient_languages(notice)
    return {
        "id": notice.pk,
        "starts_at": notice.starts_at,
        "ends_at": notice.ends_at,
        "contacted_within_days": notice.contacted_within_days,
        "status": notice.status,
        "created_at": notice.created_at,
        "sent_at": notice.sent_at,
        "recipients": sum(counts.values()),
        "delivered": notice.deliveries.count(),
        "by_language": counts,
        "previews": notices.notices(notice.starts_at, notice.ends_at, zone),
    }


def _managed_notice(request: HttpRequest, notice_id: int, *, write: bool) -> tuple[Any, Any]:
    user = require_scope(request, TokenScope.WRITE) if write else caller(request)
    notice = CustomerNotice.objects.select_related("celebration").filter(pk=notice_id).first()
    if notice is None or not services.can_manage(user, notice.celebration):
        raise errors.not_found()
    return user, notice


@router.get(
    "/celebrations/{year}/notices",
    response=list[CustomerNoticeOut],
    summary="The notices to customers, drafts and sent (organisers)",
)
def list_notices(request: HttpRequest, year: int) -> list[dict[str, Any]]:
    _user, celebration = _managed_celebration(request, year)
    return [_notice_out(n) for n in celebration.notices.all()]


@router.post(
    "/celebrations/{year}/notices",
    response=CustomerNoticeOut,
    summary="Draft a notice to customers (organisers)",
)
def draft_notice(request: HttpRequest, year: int, payload: CustomerNoticeIn) -> Any:
    actor, celebration = _managed_celebration(request, year, write=True)
    notice = services.draft_notice(actor=actor, celebration=celebration, **payload.dict())
    return _notice_out(notice)


@router.get(
    "/notices/{notice_id}",
    response=CustomerNoticeOut,
    summary="A notice with its texts in every language, in a time zone",
)
def get_notice(request: HttpRequest, notice_id: int, zone: str = "UTC") -> Any:
    _user, notice = _managed_notice(request, notice_id, write=False)
    try:
        return _notice_out(notice, zone)
    except (ValueError, KeyError) as exc:
        raise errors.invalid("zone", "Unknown time zone.", location="query") from exc


@router.post(
    "/notices/{notice_id}/send",
    response=CustomerNoticeOut,
    summary="Email the notice to customers (again: only those who have not had it)",
)
def send_notice(request: HttpRequest, notice_id: int) -> Any:
    actor, notice = _managed_notice(request, notice_id, write=True)
    return _notice_out(services.send_notice(actor=actor, notice=notice))


@router.post("/hunt/{code}/claim", response=FindOut, summary="Claim a hidden item's tickets")
def claim_find(request: HttpRequest, code: str) -> Any:
    person = require_scope(request, TokenScope.WRITE)
    try:
        find, new = services.claim_find(person=person, code=code)
    except services.WeekError as exc:
        raise errors.not_found() from exc
    return {
        "item": find.item.label,
        "tickets": find.tickets,
        "new": new,
        "total_tickets": services.tickets_of(person, find.item.celebration),
    }


@router.post("/celebrations/{year}/retro", summary="Add a retrospective note")
def add_retro(request: HttpRequest, year: int, payload: RetroIn) -> Any:
    person = require_scope(request, TokenScope.WRITE)
    note = services.add_retro_note(
        person=person, celebration=_celebration(year), kind=payload.kind, text=payload.text
    )
    return {"id": note.pk}


# --- Ideas library ----------------------------------------------------------------------------


@router.get("/ideas", response=list[IdeaOut], summary="The ideas library in a language")
def list_ideas(request: HttpRequest, language: str = "en") -> list[dict[str, Any]]:
    caller(request)
    out = []
    for idea in ideas.IDEAS:
        text = idea.text(language)
        out.append(
            {
                "key": idea.key,
                "title": text.title,
                "description": text.description,
                "extra": text.extra,
                "adds": idea.adds,
            }
        )
    return out


@router.post(
    "/celebrations/{year}/ideas", response=EventOut, summary="Add an idea to the programme"
)
def add_idea(request: HttpRequest, year: int, payload: IdeaIn) -> Any:
    actor = require_scope(request, TokenScope.WRITE)
    return services.add_idea(
        actor=actor,
        celebration=_celebration(year),
        key=payload.key,
        day=payload.day,
        language=payload.language,
    )
