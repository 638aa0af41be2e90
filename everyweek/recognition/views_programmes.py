"""Pages for awards, raffles, goals and badges, and the recognition indices."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from everyweek.core.access import WIDE_ROLES, is_admin, is_leader, visible_people
from everyweek.core.decorators import leader_required
from everyweek.people.models import Person, Role, Team
from everyweek.recognition import certificates, indices, performers, programmes
from everyweek.recognition.forms import (
    GoalForm,
    GoalProgressForm,
    NominationForm,
    RaffleForm,
    ScoreForm,
    TopPerformerRuleForm,
)
from everyweek.recognition.models import (
    AwardProgramme,
    Nomination,
    Raffle,
    TeamGoal,
    TopPerformerResult,
)
from everyweek.recognition.panels import me
from everyweek.recognition.services import RecognitionError

# --- Awards ------------------------------------------------------------------------------


@login_required
def award_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "recognition/award_list.html",
        {
            "programmes": AwardProgramme.objects.all()[:50],
            "now": timezone.now(),
            "top_performers": indices.top_performers(
                timezone.localdate() - dt.timedelta(days=90), timezone.localdate()
            ),
        },
    )


@login_required
def award_detail(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_object_or_404(AwardProgramme, pk=pk)
    user = me(request)
    is_judge = programme.judges.filter(pk=user.pk).exists()
    form = NominationForm(request.POST or None, actor=user)
    if request.method == "POST" and form.is_valid():
        try:
            programmes.nominate(
                actor=user,
                programme=programme,
                nominee=form.cleaned_data["nominee"],
                reason=form.cleaned_data["reason"],
            )
        except RecognitionError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, gettext("Nomination received."))
            return redirect("recognition:award", programme.pk)
    nominations = programme.nominations.select_related("nominee")
    # Nominations and reasons are for the judges and admins until the results are out.
    if programme.published_at:
        shown = nominations.filter(rank__isnull=False).order_by("rank")[: programme.winners]
    elif is_judge or is_admin(user):
        shown = nominations.all()
    else:
        shown = nominations.filter(nominated_by=user)
    return render(
        request,
        "recognition/award_detail.html",
        {
            "programme": programme,
            "open": programmes.nominations_open(programme),
            "form": form,
            "nominations": shown,
            "is_judge": is_judge,
            "can_publish": is_admin(user) and not programme.published_at,
            "score_form": ScoreForm(),
        },
    )


@login_required
@require_POST
def award_score(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = get_object_or_404(Nomination, pk=pk)
    form = ScoreForm(request.POST)
    if form.is_valid():
        try:
            programmes.score_nomination(
                judge=me(request),
                nomination=nomination,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
            )
        except RecognitionError as exc:
            messages.error(request, " ".join(exc.messages))
    return redirect("recognition:award", nomination.programme_id)


@login_required
@require_POST
def award_publish(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_object_or_404(AwardProgramme, pk=pk)
    try:
        programmes.publish_results(actor=me(request), programme=programme)
    except RecognitionError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("recognition:award", programme.pk)


@login_required
def certificate(request: HttpRequest, pk: int) -> HttpResponse:
    """The winner's certificate: for the winner, their leaders and admins, once published."""
    nomination = get_object_or_404(
        Nomination.objects.select_related("programme", "nominee"), pk=pk, rank__isnull=False
    )
    programme = nomination.programme
    if not programme.published_at or nomination.rank > programme.winners:  # type: ignore[operator]
        raise Http404
    if not visible_people(me(request)).filter(pk=nomination.nominee_id).exists():
        raise Http404
    response = HttpResponse(
        certificates.certificate_pdf(nomination), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="certificate-{nomination.pk}.pdf"'
    return response


# --- Raffles -----------------------------------------------------------------------------


@login_required
def raffle_list(request: HttpRequest) -> HttpResponse:
    user = me(request)
    form = RaffleForm(request.POST or None) if is_leader(user) else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            raffle = programmes.create_raffle(actor=user, **form.cleaned_data)
            return redirect("recognition:raffle", raffle.pk)
    return render(
        request,
        "recognition/raffle_list.html",
        {"raffles": Raffle.objects.all()[:50], "form": form},
    )


@login_required
def raffle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    raffle = get_object_or_404(Raffle, pk=pk)
    user = me(request)
    return render(
        request,
        "recognition/raffle_detail.html",
        {
            "raffle": raffle,
            "my_tickets": raffle.tickets.filter(person=user).count(),
            "ticket_count": raffle.tickets.count(),
            "winners": Person.objects.filter(pk__in=raffle.winners or []),
            "verified": programmes.verify_raffle(raffle) if raffle.drawn_at else None,
            "can_draw": is_leader(user) and not raffle.drawn_at,
        },
    )


@leader_required
@require_POST
def raffle_draw(request: HttpRequest, pk: int) -> HttpResponse:
    raffle = get_object_or_404(Raffle, pk=pk)
    try:
        programmes.draw_raffle(actor=me(request), raffle=raffle)
    except RecognitionError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("recognition:raffle", raffle.pk)


# --- Goals -------------------------------------------------------------------------------


@login_required
def goals(request: HttpRequest) -> HttpResponse:
    user = me(request)
    qs = TeamGoal.objects.select_related("team")
    if user.role not in WIDE_ROLES:
        if user.role == Role.MANAGER and user.department_id:
            qs = qs.filter(team__department_id=user.department_id)
        elif user.team_id:
            qs = qs.filter(team_id=user.team_id)
        else:
            qs = qs.none()
    teams = programmes.goal_teams(user) if is_leader(user) else None
    form = GoalForm(request.POST or None, teams=teams) if teams is not None else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                programmes.set_goal(
                    actor=user,
                    team=data["team"],
                    title=data["title"],
                    target=data.get("target") or 0,
                    dare=data["dare"],
                    due=data["due"],
                    metric=data["metric"],
                    metric_target=data["metric_target"],
                    starts_on=data["starts_on"],
                )
            except RecognitionError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, gettext("Goal set."))
                return redirect("recognition:goals")
    shown = programmes.measure_goals(list(qs[:100]))
    return render(
        request,
        "recognition/goals.html",
        {
            "goals": shown,
            "form": form,
            "progress_form": GoalProgressForm(),
            "badges": user.badges.select_related("badge"),
        },
    )


@leader_required
@require_POST
def goal_progress(request: HttpRequest, pk: int) -> HttpResponse:
    goal = get_object_or_404(TeamGoal, pk=pk)
    form = GoalProgressForm(request.POST)
    if form.is_valid():
        try:
            programmes.record_progress(
                actor=me(request), goal=goal, progress=form.cleaned_data["progress"]
            )
        except PermissionDenied as exc:
            raise Http404 from exc
        except RecognitionError as exc:
            messages.error(request, " ".join(exc.messages))
    return redirect("recognition:goals")


# --- Indices -----------------------------------------------------------------------------


@leader_required
def indices_page(request: HttpRequest) -> HttpResponse:
    user = me(request)
    now = timezone.now()
    people = visible_people(user).filter(is_active=True)
    teams = Team.objects.filter(pk__in=people.values("team_id")).order_by("name")
    rows = []
    for team in teams:
        members = people.filter(team=team)
        rows.append(
            {
                "team": team,
                "coverage30": indices.coverage(members, 30, now),
                "coverage90": indices.coverage(members, 90, now),
                "gini": indices.distribution(members, now),
                "evenness": indices.evenness(members, now),
            }
        )
    return render(
        request,
        "recognition/indices.html",
        {
            "coverage30": indices.coverage(people, 30, now),
            "coverage90": indices.coverage(people, 90, now),
            "gini": indices.distribution(people, now),
            "evenness": indices.evenness(people, now),
            "trend": indices.trend(people, now),
            "rows": rows,
            "milestones": programmes.upcoming_anniversaries(people, timezone.localdate(), 60),
            "top_performers": indices.top_performers(
                timezone.localdate() - dt.timedelta(days=90), timezone.localdate()
            ),
        },
    )


PARITY_DAYS = (30, 90, 365)


@leader_required
def parity_page(request: HttpRequest) -> HttpResponse:
    """Recognition and rewards per kind of department: per-head figures without names, for
    every leader (agents do not see it)."""
    try:
        days = int(request.GET.get("days", "365"))
    except ValueError:
        days = 365
    if days not in PARITY_DAYS:
        days = 365
    return render(
        request,
        "recognition/parity.html",
        {"rows": indices.parity(timezone.now(), days), "days": days, "choices": PARITY_DAYS},
    )


# --- Top performers ----------------------------------------------------------------------


@login_required
def top_performers_page(request: HttpRequest) -> HttpResponse:
    """The last closed period's top performers of every rule, and the places kept before."""
    user = me(request)
    form = TopPerformerRuleForm(request.POST or None) if is_admin(user) else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                performers.create_rule(actor=user, **form.cleaned_data)
            except RecognitionError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, gettext("Rule saved."))
                return redirect("recognition:top-performers")
    places = performers.latest_places()
    current = {p.result.pk for p in places if p.result}
    history = (
        TopPerformerResult.objects.exclude(pk__in=current)
        .select_related("rule", "person")
        .order_by("-period_start", "rule__name", "rank")[:50]
    )
    commendable: set[int] = set()
    if is_leader(user):
        ids = {p.person.pk for p in places if p.result and not p.result.kudos_id}
        commendable = set(
            visible_people(user).filter(pk__in=ids).exclude(pk=user.pk).values_list("pk", flat=True)
        )
    return render(
        request,
        "recognition/top_performers.html",
        {"places": places, "history": history, "commendable": commendable, "form": form},
    )


@leader_required
@require_POST
def top_performer_thank(request: HttpRequest, pk: int) -> HttpResponse:
    result = get_object_or_404(TopPerformerResult, pk=pk)
    try:
        kudos = performers.commend(actor=me(request), result=result)
    except PermissionDenied as exc:
        raise Http404 from exc
    except RecognitionError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("recognition:top-performers")
    messages.success(request, gettext("Kudos sent."))
    return redirect("recognition:kudos", kudos.pk)
