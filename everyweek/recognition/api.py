"""Recognition over the JSON API: kudos, customer praise and thanks, points and rewards.

Reads go through the same visibility rules as the pages; writes through the same services.
"""

from __future__ import annotations

import datetime as dt
from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from everyweek.api import errors
from everyweek.api.auth import caller, require_leader, require_scope
from everyweek.api.models import TokenScope
from everyweek.api.pagination import paginated
from everyweek.api.schemas import NamedRef, PersonRef
from everyweek.core.access import visible_people
from everyweek.people.models import PartnerOrganisation, Person, Team
from everyweek.recognition import performers, programmes, selectors, services
from everyweek.recognition.models import (
    AwardProgramme,
    Commendation,
    CompanyValue,
    Kudos,
    Nomination,
    PointsAccount,
    Raffle,
    Reward,
    TeamGoal,
    Visibility,
)

router = Router(tags=["recognition"])
M = TypeVar("M", bound=Model)


class KudosOut(Schema):
    id: int
    author: PersonRef | None
    customer_name: str
    recipient: PersonRef | None
    team: NamedRef | None
    partner: NamedRef | None
    message: str
    values: list[str]
    points: int
    visibility: Visibility
    created_at: dt.datetime
    withdrawn_at: dt.datetime | None

    @staticmethod
    def resolve_values(obj: Kudos) -> list[str]:
        return [v.name for v in obj.values.all()]


class KudosIn(Schema):
    message: str = Field(..., min_length=1, max_length=2000)
    recipient_id: int | None = None
    team_id: int | None = None
    partner_id: int | None = None
    values: list[str] = Field([], description="Names of company values.")
    points: int = Field(0, ge=0)
    visibility: Visibility = Visibility.PUBLIC


class KudosEditIn(Schema):
    message: str = Field(..., min_length=1, max_length=2000)
    visibility: Visibility


class CommendationOut(Schema):
    id: int
    agent: PersonRef
    source: str
    quote: str
    language: str
    detected_at: dt.datetime
    thanked_at: dt.datetime | None
    thanked_by: PersonRef | None
    thank_note: str
    on_wall: bool


class PraiseIn(Schema):
    agent_id: int
    quote: str = Field(..., min_length=1, max_length=5000)
    language: str = Field("", max_length=10)
    source: str = Field("message", description="survey, message or import")


class ThankIn(Schema):
    note: str = Field(..., min_length=1, max_length=2000)
    on_wall: bool = False


class PointsOut(Schema):
    earned: int
    left_to_give: int


class RewardOut(Schema):
    id: int
    name: str
    description: str
    cost: int


class RedemptionOut(Schema):
    id: int
    reward: NamedRef
    cost: int
    status: str
    requested_at: dt.datetime


def _invalid(exc: services.RecognitionError) -> errors.ApiError:
    return errors.invalid("body", " ".join(exc.messages))


def _kudos(request: HttpRequest, kudos_id: int) -> Kudos:
    try:
        return selectors.get_kudos_for_user(caller(request), kudos_id)
    except Http404 as exc:
        raise errors.not_found() from exc


def _ref(queryset: QuerySet[M], pk: int | None, field: str) -> M | None:
    if pk is None:
        return None
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise errors.unknown_reference(field)
    return obj


@router.get("/kudos", response=list[KudosOut], summary="List kudos you may see")
@paginated
def list_kudos(request: HttpRequest, recipient_id: int | None = None) -> QuerySet[Kudos]:
    qs = selectors.visible_kudos(caller(request)).filter(withdrawn_at__isnull=True)
    if recipient_id:
        qs = qs.filter(recipient_id=recipient_id)
    return qs.prefetch_related("values").order_by("-created_at", "-pk")


@router.get("/kudos/{int:kudos_id}", response=KudosOut, summary="One kudos")
def get_kudos(request: HttpRequest, kudos_id: int) -> Kudos:
    return _kudos(request, kudos_id)


@router.post("/kudos", response={201: KudosOut}, summary="Give kudos")
def give_kudos(request: HttpRequest, payload: KudosIn) -> Status[Kudos]:
    author = require_scope(request, TokenScope.WRITE)
    values = list(CompanyValue.objects.filter(name__in=payload.values, is_active=True))
    try:
        kudos = services.give_kudos(
            author=author,
            message=payload.message,
            recipient=_ref(
                Person.objects.filter(is_active=True), payload.recipient_id, "recipient_id"
            ),
            team=_ref(Team.objects.all(), payload.team_id, "team_id"),
            partner=_ref(
                PartnerOrganisation.objects.filter(is_active=True), payload.partner_id, "partner_id"
            ),
            values=values,
            points=payload.points,
            visibility=payload.visibility,
        )
    except services.RecognitionError as exc:
        raise _invalid(exc) from exc
    return Status(201, kudos)


@router.patch("/kudos/{int:kudos_id}", response=KudosOut, summary="Edit your kudos")
def edit_kudos(request: HttpRequest, kudos_id: int, payload: KudosEditIn) -> Kudos:
    actor = require_scope(request, TokenScope.WRITE)
    kudos = _kudos(request, kudos_id)
    try:
        return services.edit_kudos(
            actor=actor, kudos=kudos, message=payload.message, visibility=payload.visibility
        )
    except PermissionDenied as exc:
        raise errors.permission_denied() from exc
    except services.RecognitionError as exc:
        raise _invalid(exc) from exc


@router.delete("/kudos/{int:kudos_id}", response={204: None}, summary="Withdraw your kudos")
def withdraw_kudos(request: HttpRequest, kudos_id: int) -> Status[None]:
    actor = require_scope(request, TokenScope.WRITE)
    kudos = _kudos(request, kudos_id)
    try:
        services.withdraw_kudos(actor=actor, kudos=kudos)
    except PermissionDenied as exc:
        raise errors.permission_denied() from exc
    return Status(204, None)


@router.get("/praise", response=list[CommendationOut], summary="Customer praise you may see")
@paginated
def list_praise(request: HttpRequest, waiting: bool = False) -> QuerySet[Commendation]:
    """An agent sees praise for them; a leader their people's. `waiting`: not thanked yet."""
    qs = selectors.visible_commendations(caller(request))
    if waiting:
        qs = qs.filter(thanked_at__isnull=True)
    return qs.order_by("-detected_at", "-pk")


@router.post("/praise", response={201: CommendationOut}, summary="Record customer praise")
def record_praise(request: HttpRequest, payload: PraiseIn) -> Status[Commendation]:
    """For praise found outside everyweek's surveys, e.g. a forwarded email (leaders)."""
    require_leader(request, TokenScope.WRITE)
    person = visible_people(caller(request)).filter(pk=payload.agent_id).first()
    if person is None:
        raise errors.unknown_reference("agent_id")
    if payload.source not in ("survey", "message", "import"):
        raise errors.invalid("source", "survey, message or import")
    try:
        commendation = services.commend_from_praise(
            agent=person, quote=payload.quote, language=payload.language, source=payload.source
        )
    except services.RecognitionError as exc:
        raise _invalid(exc) from exc
    return Status(201, commendation)


@router.post("/praise/{int:praise_id}/thanks", response=CommendationOut, summary="Thank the agent")
def thank(request: HttpRequest, praise_id: int, payload: ThankIn) -> Commendation:
    actor = require_leader(request, TokenScope.WRITE)
    try:
        commendation = selectors.get_commendation_for_user(actor, praise_id)
        return services.thank_for_praise(
            actor=actor, commendation=commendation, note=payload.note, on_wall=payload.on_wall
        )
    except Http404 as exc:
        raise errors.not_found() from exc
    except PermissionDenied as exc:
        raise errors.permission_denied() from exc
    except services.RecognitionError as exc:
        raise errors.conflict(" ".join(exc.messages)) from exc


@router.get("/points", response=PointsOut, summary="Your points")
def my_points(request: HttpRequest) -> dict[str, int]:
    person = caller(request)
    return {
        "earned": selectors.balance(person, PointsAccount.EARNED),
        "left_to_give": services.giving_balance(person),
    }


@router.get("/rewards", response=list[RewardOut], summary="The rewards catalogue")
@paginated
def list_rewards(request: HttpRequest) -> QuerySet[Reward]:
    return Reward.objects.filter(is_active=True)


@router.post(
    "/rewards/{int:reward_id}/redemptions",
    response={201: RedemptionOut},
    summary="Redeem points for a reward",
)
def redeem(request: HttpRequest, reward_id: int) -> Status[object]:
    person = require_scope(request, TokenScope.WRITE)
    reward = Reward.objects.filter(pk=reward_id, is_active=True).first()
    if reward is None:
        raise errors.not_found()
    try:
        redemption = services.request_redemption(person=person, reward=reward)
    except services.RecognitionError as exc:
        raise errors.conflict(" ".join(exc.messages)) from exc
    return Status(201, redemption)


# --- Awards, raffles and goals -----------------------------------------------------------


class AwardOut(Schema):
    id: int
    name: str
    description: str
    nominations_open: dt.datetime
    nominations_close: dt.datetime
    published_at: dt.datetime | None
    winners: list[PersonRef]

    @staticmethod
    def resolve_winners(obj: AwardProgramme) -> list[Person]:
        if not obj.published_at:
            return []
        return [
            n.nominee
            for n in obj.nominations.filter(rank__lte=obj.winners).select_related("nominee")
        ]


class NominationIn(Schema):
    nominee_id: int
    reason: str = Field(..., min_length=1, max_length=2000)


class NominationOut(Schema):
    id: int
    nominee: PersonRef
    reason: str
    created_at: dt.datetime


class RaffleOut(Schema):
    id: int
    name: str
    prize: str
    winners_count: int
    commitment: str = Field(description="sha256 of the seed, published before the drawing.")
    seed: str = Field(description="Revealed once drawn; empty before.")
    drawn_at: dt.datetime | None
    winner_ids: list[int]
    tickets: list[list[int]] = Field(
        description="[ticket id, person id] for every ticket, to re-run the drawing."
    )

    @staticmethod
    def resolve_seed(obj: Raffle) -> str:
        return obj.revealed_seed

    @staticmethod
    def resolve_winner_ids(obj: Raffle) -> list[int]:
        return list(obj.winners or [])

    @staticmethod
    def resolve_tickets(obj: Raffle) -> list[list[int]]:
        return [list(t) for t in obj.tickets.order_by("pk").values_list("pk", "person_id")]


class GoalOut(Schema):
    id: int
    team: NamedRef
    title: str
    target: int
    progress: int
    percent: int
    dare: str
    due: dt.date | None
    reached_at: dt.datetime | None
    metric: str = Field(description="Scorecard metric key; empty for a goal counted by hand.")
    metric_target: float | None
    starts_on: dt.date | None
    metric_value: float | None = Field(description="The latest scheduled measurement.")
    measured_at: dt.datetime | None


class TopPerformerOut(Schema):
    rule: str
    metric: str
    period_start: dt.date
    period_end: dt.date = Field(description="Exclusive, as scorecard periods.")
    rank: int
    person: PersonRef
    value: float
    volume: int


@router.get("/awards", response=list[AwardOut], summary="Awards and their published winners")
@paginated
def list_awards(request: HttpRequest) -> QuerySet[AwardProgramme]:
    return AwardProgramme.objects.all()


@router.post(
    "/awards/{int:award_id}/nominations", response={201: NominationOut}, summary="Nominate someone"
)
def nominate(request: HttpRequest, award_id: int, payload: NominationIn) -> Status[Nomination]:
    actor = require_scope(request, TokenScope.WRITE)
    programme = AwardProgramme.objects.filter(pk=award_id).first()
    if programme is None:
        raise errors.not_found()
    nominee = _ref(Person.objects.filter(is_active=True), payload.nominee_id, "nominee_id")
    assert nominee is not None
    try:
        nomination = programmes.nominate(
            actor=actor, programme=programme, nominee=nominee, reason=payload.reason
        )
    except services.RecognitionError as exc:
        raise _invalid(exc) from exc
    return Status(201, nomination)


@router.get("/raffles", response=list[RaffleOut], summary="Raffles, verifiable once drawn")
@paginated
def list_raffles(request: HttpRequest) -> QuerySet[Raffle]:
    """Re-run a drawn raffle: `random.Random(seed)` over `tickets` sorted by ticket id, drawing
    tickets without replacement until `winners_count` different people have won."""
    caller(request)
    return Raffle.objects.all()


@router.get("/goals", response=list[GoalOut], summary="Team goals you may see")
@paginated
def list_goals(request: HttpRequest) -> QuerySet[TeamGoal]:
    person = caller(request)
    teams = visible_people(person).values("team_id")
    return TeamGoal.objects.filter(team_id__in=teams).select_related("team")


@router.get(
    "/top-performers",
    response=list[TopPerformerOut],
    summary="Top service performers of each rule's last closed period",
)
def list_top_performers(request: HttpRequest) -> list[dict[str, object]]:
    caller(request)
    return [
        {
            "rule": place.rule.name,
            "metric": place.rule.metric,
            "period_start": place.period.start,
            "period_end": place.period.end,
            "rank": place.rank,
            "person": place.person,
            "value": place.value,
            "volume": place.volume,
        }
        for place in performers.latest_places()
    ]
