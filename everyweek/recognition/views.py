"""Recognition pages. Thin: forms in, service functions do the work, selectors decide visibility."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from everyweek.api import ratelimit
from everyweek.core.access import is_leader, visible_people
from everyweek.core.decorators import admin_required, leader_required
from everyweek.people.models import Person, Team
from everyweek.recognition import selectors, services
from everyweek.recognition.forms import (
    BoostForm,
    CommentForm,
    CustomerKudosForm,
    EditKudosForm,
    KudosForm,
    ThankForm,
)
from everyweek.recognition.models import (
    Notification,
    PointsAccount,
    PointsEntry,
    Redemption,
    RedemptionStatus,
    Reward,
)
from everyweek.recognition.panels import me

PAGE_SIZE = 25
PUBLIC_SALT = "everyweek.recognition.public-kudos"
# Customers may leave this many kudos per address per hour.
PUBLIC_LIMIT = ratelimit.Limit("public-kudos", 10, 3600)


# --- Kudos -------------------------------------------------------------------------------


@login_required
def kudos_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.visible_kudos(me(request)).filter(withdrawn_at__isnull=True)
    if request.GET.get("mine") == "received":
        qs = qs.filter(recipient=me(request))
    elif request.GET.get("mine") == "given":
        qs = qs.filter(author=me(request))
    page = Paginator(qs.prefetch_related("values"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "recognition/kudos_list.html", {"page": page, "mine": request.GET.get("mine", "")}
    )


@login_required
def give(request: HttpRequest) -> HttpResponse:
    user = me(request)
    initial = {}
    if request.GET.get("to"):
        initial["recipient"] = request.GET["to"]
    form = KudosForm(request.POST or None, author=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            kudos = services.give_kudos(
                author=user,
                message=data["message"],
                recipient=data["recipient"],
                team=data["team"],
                partner=data["partner"],
                values=data["values"],
                points=data["points"] or 0,
                visibility=data["visibility"],
            )
        except services.RecognitionError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, gettext("Kudos sent."))
            return redirect("recognition:kudos", kudos.pk)
    return render(
        request,
        "recognition/give.html",
        {"form": form, "left_to_give": services.giving_balance(user)},
    )


@login_required
def kudos_detail(request: HttpRequest, pk: int) -> HttpResponse:
    kudos = selectors.get_kudos_for_user(me(request), pk)
    reactions: dict[str, int] = {}
    for reaction in kudos.reactions.all():
        reactions[reaction.emoji] = reactions.get(reaction.emoji, 0) + 1
    return render(
        request,
        "recognition/kudos_detail.html",
        {
            "kudos": kudos,
            "can_change": services.can_change(me(request), kudos),
            "reactions": [(e, reactions.get(e, 0)) for e in services.REACTIONS],
            "comments": kudos.comments.select_related("author"),
            "comment_form": CommentForm(),
        },
    )


@login_required
def kudos_edit(request: HttpRequest, pk: int) -> HttpResponse:
    kudos = selectors.get_kudos_for_user(me(request), pk)
    if not services.can_change(me(request), kudos):
        raise PermissionDenied
    form = EditKudosForm(
        request.POST or None,
        initial={
            "message": kudos.message,
            "visibility": kudos.visibility,
            "values": list(kudos.values.all()),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_kudos(
                actor=me(request),
                kudos=kudos,
                message=form.cleaned_data["message"],
                visibility=form.cleaned_data["visibility"],
                values=form.cleaned_data["values"],
            )
        except services.RecognitionError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, gettext("Kudos updated."))
            return redirect("recognition:kudos", kudos.pk)
    return render(request, "recognition/kudos_edit.html", {"form": form, "kudos": kudos})


@login_required
@require_POST
def kudos_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    kudos = selectors.get_kudos_for_user(me(request), pk)
    services.withdraw_kudos(actor=me(request), kudos=kudos)
    messages.success(request, gettext("Kudos withdrawn."))
    return redirect("recognition:kudos-list")


@login_required
@require_POST
def kudos_react(request: HttpRequest, pk: int) -> HttpResponse:
    kudos = selectors.get_kudos_for_user(me(request), pk)
    try:
        services.toggle_reaction(
            person=me(request),
            kudos=kudos,
            emoji=request.POST.get("emoji", ""),
        )
    except services.RecognitionError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("recognition:kudos", kudos.pk)


@login_required
@require_POST
def kudos_comment(request: HttpRequest, pk: int) -> HttpResponse:
    kudos = selectors.get_kudos_for_user(me(request), pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        services.add_comment(person=me(request), kudos=kudos, text=form.cleaned_data["text"])
    return redirect("recognition:kudos", kudos.pk)


# --- The "wow" loop -------------------------------------------------------------------------


@leader_required
def praise_list(request: HttpRequest) -> HttpResponse:
    user = me(request)
    waiting = selectors.praise_to_thank(user)
    thanked = selectors.visible_commendations(user).filter(thanked_at__isnull=False)[:PAGE_SIZE]
    return render(
        request,
        "recognition/praise_list.html",
        {
            "waiting": waiting[:100],
            "waiting_count": waiting.count(),
            "thanked": thanked,
            "my_median": selectors.median_hours_to_thanks(user),
            "reports": selectors.thanks_times_of_reports(user),
        },
    )


@leader_required
def thank(request: HttpRequest, pk: int) -> HttpResponse:
    commendation = selectors.get_commendation_for_user(me(request), pk)
    if commendation.agent_id == me(request).pk:
        raise Http404
    if commendation.thanked_at is not None:
        return redirect("recognition:commendation", commendation.pk)
    form = ThankForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.thank_for_praise(
                actor=me(request),
                commendation=commendation,
                note=form.cleaned_data["note"],
                on_wall=form.cleaned_data["on_wall"],
            )
        except services.RecognitionError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, gettext("Your thanks are on their way."))
            return redirect("recognition:praise")
    return render(request, "recognition/thank.html", {"form": form, "commendation": commendation})


@login_required
def commendation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    commendation = selectors.get_commendation_for_user(me(request), pk)
    return render(request, "recognition/commendation.html", {"commendation": commendation})


@login_required
@require_POST
def commendation_wall(request: HttpRequest, pk: int) -> HttpResponse:
    commendation = selectors.get_commendation_for_user(me(request), pk)
    services.set_commendation_on_wall(
        actor=me(request),
        commendation=commendation,
        on_wall=request.POST.get("on_wall") == "1",
    )
    return redirect("recognition:commendation", commendation.pk)


@login_required
def commendation_card(request: HttpRequest, pk: int) -> HttpResponse:
    commendation = selectors.get_commendation_for_user(me(request), pk)
    response = HttpResponse(services.card_for(commendation), content_type="image/png")
    response["Content-Disposition"] = f'inline; filename="praise-{commendation.pk}.png"'
    return response


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    items = Notification.objects.filter(recipient=me(request))
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    response = render(request, "recognition/notifications.html", {"page": page})
    services.mark_notifications_read(person=me(request))
    return response


# --- The wall ------------------------------------------------------------------------------


def _seconds(request: HttpRequest) -> int:
    try:
        return min(120, max(2, int(request.GET.get("seconds", "8"))))
    except ValueError:
        return 8


def _wall(request: HttpRequest, team: Team | None) -> HttpResponse:
    team_id = team.pk if team else None
    return render(
        request,
        "recognition/wall.html",
        {
            "team": team,
            "kudos": selectors.wall_kudos(team_id)[:40],
            "commendations": selectors.wall_commendations(team_id)[:20],
            "teams": Team.objects.all(),
            # ?screen=1: no navigation, slides only, for a screen in the office.
            "screen": request.GET.get("screen") == "1",
            "interval_ms": _seconds(request) * 1000,
            "customer_link": (
                request.build_absolute_uri(public_link_for(team=team))
                if team is not None and is_leader(me(request))
                else ""
            ),
            "base_template": (
                "recognition/screen_base.html" if request.GET.get("screen") == "1" else "base.html"
            ),
        },
    )


@login_required
def wall(request: HttpRequest) -> HttpResponse:
    return _wall(request, None)


@login_required
def team_wall(request: HttpRequest, pk: int) -> HttpResponse:
    return _wall(request, get_object_or_404(Team, pk=pk))


# --- Points and rewards ------------------------------------------------------------------


@login_required
def points(request: HttpRequest) -> HttpResponse:
    user = me(request)
    entries = PointsEntry.objects.filter(person=user).select_related("kudos")
    return render(
        request,
        "recognition/points.html",
        {
            "earned": selectors.balance(user, PointsAccount.EARNED),
            "left_to_give": services.giving_balance(user),
            "entries": entries[:50],
            "rewards": Reward.objects.filter(is_active=True),
            "redemptions": Redemption.objects.filter(person=user).select_related("reward")[:20],
            "share_link": request.build_absolute_uri(public_link_for(person=user)),
        },
    )


@login_required
@require_POST
def redeem(request: HttpRequest, pk: int) -> HttpResponse:
    reward = get_object_or_404(Reward, pk=pk, is_active=True)
    try:
        services.request_redemption(person=me(request), reward=reward)
    except services.RecognitionError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, gettext("Reward requested."))
    return redirect("recognition:points")


@leader_required
def boost(request: HttpRequest) -> HttpResponse:
    people = visible_people(me(request)).filter(is_active=True)
    form = BoostForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        services.boost_points(
            actor=me(request),
            person=form.cleaned_data["person"],
            amount=form.cleaned_data["amount"],
            note=form.cleaned_data["note"],
        )
        messages.success(request, gettext("Points added."))
        return redirect("recognition:points")
    return render(request, "recognition/boost.html", {"form": form})


@admin_required
def redemptions(request: HttpRequest) -> HttpResponse:
    qs = Redemption.objects.select_related("person", "reward")
    if request.GET.get("all") != "1":
        qs = qs.filter(status=RedemptionStatus.REQUESTED)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "recognition/redemptions.html", {"page": page})


@admin_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    redemption = get_object_or_404(Redemption, pk=pk)
    try:
        services.decide_redemption(
            actor=me(request),
            redemption=redemption,
            fulfil=request.POST.get("decision") == "fulfil",
        )
    except services.RecognitionError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("recognition:redemptions")


# --- Customers' kudos (public, no sign-in) -------------------------------------------------


def public_link_for(*, person: Person | None = None, team: Team | None = None) -> str:
    """A shareable address where customers can thank this person or team."""
    payload = {"p": person.pk} if person is not None else {"t": team.pk if team else 0}
    return reverse("recognition:public-kudos", args=[signing.dumps(payload, salt=PUBLIC_SALT)])


def _public_target(token: str) -> tuple[Person | None, Team | None]:
    try:
        payload: dict[str, Any] = signing.loads(token, salt=PUBLIC_SALT)
    except signing.BadSignature as exc:
        raise Http404 from exc
    if "p" in payload:
        return get_object_or_404(Person, pk=payload["p"], is_active=True), None
    return None, get_object_or_404(Team, pk=payload.get("t"))


def public_kudos(request: HttpRequest, token: str) -> HttpResponse:
    person, team = _public_target(token)
    form = CustomerKudosForm(request.POST or None)
    if request.method == "POST":
        retry_after = ratelimit.hit(PUBLIC_LIMIT, f"kudos:{ratelimit.client_ip(request)}")
        if retry_after is not None:
            response = render(request, "recognition/public/limited.html", status=429)
            response["Retry-After"] = str(retry_after)
            return response
        if form.is_valid():
            if not form.cleaned_data["website"]:
                services.receive_customer_kudos(
                    customer_name=form.cleaned_data["name"],
                    message=form.cleaned_data["message"],
                    recipient=person,
                    team=team,
                )
            return render(
                request, "recognition/public/thanks.html", {"person": person, "team": team}
            )
    response = render(
        request, "recognition/public/kudos.html", {"form": form, "person": person, "team": team}
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
