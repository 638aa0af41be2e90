"""Pages of the career path. A person's progress is for them and their leaders; pay bands for
administrators and executives only (403 for everyone else)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from everyweek.careers import selectors, services
from everyweek.careers.forms import AssessForm, PositionForm
from everyweek.careers.metrics import METRICS
from everyweek.careers.models import CareerLevel, CareerTrack, LevelCriterion, LevelSkill
from everyweek.core.access import get_person_for_user, is_admin, visible_people
from everyweek.core.decorators import leader_required
from everyweek.core.types import AuthenticatedHttpRequest

View = Callable[..., HttpResponse]


def pay_required(view: View) -> View:
    @wraps(view)
    def wrapped(request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not selectors.can_see_pay(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


@login_required
def mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    return redirect("careers:person", pk=request.user.pk)


@login_required
def person_progress(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = get_person_for_user(request.user, pk)
    progress = selectors.progress_for([person])[person.pk]
    leads = services.is_leader_of(request.user, person)
    can_place = leads or is_admin(request.user)
    levels = (
        CareerLevel.objects.filter(track=progress.track)
        if progress.track
        else CareerLevel.objects.all()
    ).select_related("track")
    return render(
        request,
        "careers/person.html",
        {
            "person": person,
            "progress": progress,
            "is_self": person.pk == request.user.pk,
            "assess_form": AssessForm() if leads or person.pk == request.user.pk else None,
            "position_form": PositionForm(
                levels=levels.order_by("track__name", "rank"),
                initial={
                    "level": progress.target.pk if progress.target else None,
                    "since": timezone.localdate(),
                },
            )
            if can_place
            else None,
        },
    )


@login_required
@require_POST
def assess(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = get_person_for_user(request.user, pk)
    form = AssessForm(request.POST)
    if form.is_valid():
        try:
            services.assess_skill(actor=request.user, person=person, **form.cleaned_data)
        except services.CareerError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Assessment saved."))
    return redirect("careers:person", pk=pk)


@login_required
@require_POST
def place(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = get_person_for_user(request.user, pk)
    form = PositionForm(request.POST, levels=CareerLevel.objects.all())
    if form.is_valid():
        try:
            services.set_position(actor=request.user, person=person, **form.cleaned_data)
        except services.CareerError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Level saved."))
    return redirect("careers:person", pk=pk)


@leader_required
def team(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Progress of everyone you lead, ready-for-next-level first."""
    people = (
        visible_people(request.user)
        .filter(is_active=True)
        .exclude(pk=request.user.pk)
        .select_related("department", "team")
        .order_by("full_name", "pk")
    )
    if q := request.GET.get("q", "").strip():
        people = people.filter(full_name__icontains=q)
    page = Paginator(people, 50).get_page(request.GET.get("page"))
    progress = selectors.progress_for(list(page.object_list))
    rows = sorted(progress.values(), key=lambda p: (not p.ready, -(p.percent or 0)))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "careers/team.html",
        {"page": page, "rows": rows, "q": q, "query_string": query.urlencode()},
    )


@login_required
def ladder(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The levels and what each asks, for everyone: a career path people can see. No pay."""
    tracks = CareerTrack.objects.prefetch_related(
        Prefetch(
            "levels",
            queryset=CareerLevel.objects.order_by("rank").prefetch_related(
                Prefetch("criteria", queryset=LevelCriterion.objects.order_by("metric")),
                Prefetch("skills", queryset=LevelSkill.objects.select_related("skill")),
            ),
        )
    )
    for track in tracks:
        for level in track.levels.all():
            level.requirements = [  # type: ignore[attr-defined]
                (
                    METRICS[c.metric].label if c.metric in METRICS else c.metric,
                    c.threshold,
                    METRICS[c.metric].unit if c.metric in METRICS else "",
                )
                for c in level.criteria.all()
            ]
    return render(request, "careers/ladder.html", {"tracks": tracks})


@pay_required
def pay_bands(request: AuthenticatedHttpRequest) -> HttpResponse:
    tracks, rows = selectors.pay_band_comparison()
    return render(request, "careers/pay_bands.html", {"tracks": tracks, "rows": rows})
