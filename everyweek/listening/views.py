"""Pages of skip-level listening. Thin: reads from selectors, writes through services."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from everyweek.core.access import is_leader
from everyweek.core.decorators import leader_required
from everyweek.core.types import AuthenticatedHttpRequest
from everyweek.listening import selectors, services
from everyweek.listening.forms import (
    ActionItemForm,
    ActionSearchForm,
    ActionUpdateForm,
    AnswerForm,
    CadenceForm,
    QuestionForm,
    RecordForm,
    ScheduleForm,
    SessionForm,
)
from everyweek.listening.ics import session_ics
from everyweek.listening.models import (
    CLOSED_ACTION_STATUSES,
    ActionItem,
    AnonymousQuestion,
    ListeningSession,
    SessionStatus,
)
from everyweek.people.models import Person


def get_session_for_user(user: Any, pk: int) -> ListeningSession:
    session = selectors.visible_sessions(user).select_related("leader").filter(pk=pk).first()
    if session is None:
        raise Http404
    return session


def get_action_for_user(user: Any, pk: int) -> ActionItem:
    item = (
        selectors.visible_actions(user)
        .select_related("owner", "session", "session__leader")
        .filter(pk=pk)
        .first()
    )
    if item is None:
        raise Http404
    return item


def _managed_session(request: AuthenticatedHttpRequest, pk: int) -> ListeningSession:
    session = get_session_for_user(request.user, pk)
    if not selectors.can_manage_session(request.user, session):
        raise Http404
    return session


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    person = request.user
    now = timezone.now()
    invited = (
        ListeningSession.objects.filter(participants__person=person, starts_at__gte=now)
        .exclude(status=SessionStatus.CANCELLED)
        .select_related("leader")
        .order_by("starts_at")
    )
    my_actions = (
        selectors.visible_actions(person)
        .filter(Q(owner=person) | Q(raised_by=person))
        .exclude(status__in=CLOSED_ACTION_STATUSES)
        .select_related("owner", "session__leader")
        .distinct()
        .order_by("due_on", "pk")
    )
    context: dict[str, Any] = {"invited": invited, "my_actions": my_actions, "today": now.date()}
    if is_leader(person):
        context.update(
            cadence=selectors.cadence_for(person),
            cadence_form=CadenceForm(instance=selectors.cadence_for(person)),
            proposal=selectors.proposal(person),
            led=ListeningSession.objects.filter(leader=person)
            .prefetch_related("participants__person")
            .order_by("-starts_at")[:12],
            mine=selectors.leader_listening([person])[0],
            has_leaders_below=selectors.leaders_below(person).exists(),
        )
    return render(request, "listening/home.html", context)


@leader_required
@require_POST
def cadence(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = CadenceForm(request.POST, instance=selectors.cadence_for(request.user))
    if form.is_valid():
        services.set_cadence(actor=request.user, leader=request.user, **form.cleaned_data)
        messages.success(request, _("Your listening cadence was saved."))
    else:
        messages.error(request, _("Choose a cadence of 1 to 52 weeks and 1 to 30 people."))
    return redirect("listening:home")


@leader_required
def schedule(request: AuthenticatedHttpRequest) -> HttpResponse:
    leader = request.user
    cadence = selectors.cadence_for(leader)
    people = selectors.people_below(leader, min_depth=cadence.min_levels_below).select_related(
        "team"
    )
    proposed = selectors.proposal(leader)
    form = ScheduleForm(
        request.POST or None,
        people=people,
        initial={"participants": [p.pk for p in proposed]},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = services.schedule_session(
                actor=leader,
                leader=leader,
                starts_at=data["starts_at"],
                participants=list(data["participants"]),
                duration_minutes=data["duration_minutes"],
                location=data["location"],
                agenda=data["agenda"],
                questions_open=data["questions_open"],
            )
        except services.ListeningError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The session is scheduled and the invitations are sent."))
            return redirect("listening:session", pk=session.pk)
    return render(
        request,
        "listening/schedule.html",
        {"form": form, "proposed": proposed, "people_count": people.count()},
    )


@login_required
def session_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request.user, pk)
    manage = selectors.can_manage_session(request.user, session)
    participants = list(
        session.participants.select_related("person", "person__team").order_by("person__full_name")
    )
    invited = any(p.person_id == request.user.pk for p in participants)
    people = Person.objects.filter(pk__in=[p.person_id for p in participants])
    actions = (
        selectors.visible_actions(request.user)
        .filter(session=session)
        .select_related("owner")
        .prefetch_related("raised_by")
    )
    context = {
        "session": session,
        "participants": participants,
        "manage": manage,
        "read_notes": selectors.can_read_notes(request.user, session),
        "questions": session.questions.all(),
        "can_ask": invited and session.status == SessionStatus.PLANNED and session.questions_open,
        "actions": actions,
        "question_form": QuestionForm(),
    }
    if manage:
        owners = Person.objects.filter(
            Q(pk__in=people) | Q(pk=session.leader_id) | Q(reports_to=session.leader_id),
            is_active=True,
        )
        context.update(
            record_form=RecordForm(
                people=people,
                initial={
                    "notes": session.notes,
                    "attended": [p.person_id for p in participants if p.attended is not False],
                },
            ),
            action_form=ActionItemForm(
                owners=owners.order_by("full_name"),
                raisers=people,
                initial={"owner": session.leader_id},
            ),
            answer_form=AnswerForm(),
        )
    return render(request, "listening/session_detail.html", context)


@login_required
def session_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = _managed_session(request, pk)
    form = SessionForm(
        request.POST or None,
        initial={
            "starts_at": timezone.localtime(session.starts_at),
            "duration_minutes": session.duration_minutes,
            "location": session.location,
            "agenda": session.agenda,
            "questions_open": session.questions_open,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.reschedule_session(actor=request.user, session=session, **form.cleaned_data)
        except services.ListeningError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Changes saved; everyone invited was told."))
            return redirect("listening:session", pk=session.pk)
    return render(request, "listening/session_edit.html", {"form": form, "session": session})


@login_required
@require_POST
def session_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = _managed_session(request, pk)
    try:
        services.cancel_session(actor=request.user, session=session)
    except services.ListeningError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The session is cancelled; everyone invited was told."))
    return redirect("listening:session", pk=pk)


@login_required
@require_POST
def session_record(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = _managed_session(request, pk)
    people = Person.objects.filter(listening_participations__session=session)
    form = RecordForm(request.POST, people=people)
    if form.is_valid():
        try:
            services.record_session(
                actor=request.user,
                session=session,
                notes=form.cleaned_data["notes"],
                attended=[p.pk for p in form.cleaned_data["attended"]],
            )
        except services.ListeningError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Notes saved. Thank you for listening."))
    return redirect("listening:session", pk=pk)


@login_required
def session_ics_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request.user, pk)
    body = session_ics(session, language=request.LANGUAGE_CODE, method="PUBLISH")
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="listening-session-{session.pk}.ics"'
    return response


@login_required
@require_POST
def question_ask(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request.user, pk)
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            services.ask_question(
                actor=request.user, session=session, text=form.cleaned_data["text"]
            )
        except services.ListeningError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Your question was added without your name."))
    return redirect("listening:session", pk=pk)


@login_required
@require_POST
def question_answer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    question = (
        AnonymousQuestion.objects.filter(
            pk=pk, session__in=selectors.visible_sessions(request.user)
        )
        .select_related("session__leader")
        .first()
    )
    if question is None or not selectors.can_manage_session(request.user, question.session):
        raise Http404
    form = AnswerForm(request.POST)
    if form.is_valid():
        services.answer_question(
            actor=request.user, question=question, answer=form.cleaned_data["answer"]
        )
        messages.success(request, _("Answer saved."))
    return redirect("listening:session", pk=question.session_id)


@login_required
@require_POST
def action_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = _managed_session(request, pk)
    people = Person.objects.filter(listening_participations__session=session)
    form = ActionItemForm(
        request.POST, owners=Person.objects.filter(is_active=True), raisers=people
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.add_action_item(
                actor=request.user,
                session=session,
                title=data["title"],
                description=data["description"],
                owner=data["owner"],
                due_on=data["due_on"],
                raised_by=list(data["raised_by"]),
            )
        except services.ListeningError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Action item added."))
    else:
        messages.error(request, _("The action item needs an impediment, an owner and a due date."))
    return redirect("listening:session", pk=pk)


@login_required
def action_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ActionSearchForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    items = selectors.visible_actions(request.user).select_related("owner", "session__leader")
    if q := data.get("q"):
        items = items.filter(Q(title__icontains=q) | Q(description__icontains=q))
    if status := data.get("status"):
        items = (
            items.exclude(status__in=CLOSED_ACTION_STATUSES)
            if status == "active"
            else items.filter(status=status)
        )
    items = items.order_by("due_on", "pk")
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="listening-actions.csv"'
        writer = csv.writer(response)
        writer.writerow(["id", "title", "status", "owner", "due_on", "leader", "closed_at"])
        for item in items.iterator(chunk_size=500):
            writer.writerow(
                [
                    item.pk,
                    item.title,
                    item.status,
                    item.owner.email,
                    item.due_on.isoformat(),
                    item.session.leader.email,
                    item.closed_at.isoformat() if item.closed_at else "",
                ]
            )
        return response
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "listening/action_list.html",
        {
            "form": form,
            "page": page,
            "query_string": query.urlencode(),
            "today": timezone.localdate(),
        },
    )


@login_required
def action_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = get_action_for_user(request.user, pk)
    can_update = services.can_update_action(request.user, item)
    form = ActionUpdateForm(
        request.POST or None,
        initial={"status": item.status, "resolution": item.resolution, "due_on": item.due_on},
    )
    if request.method == "POST":
        if not can_update:
            raise Http404
        if form.is_valid():
            try:
                services.update_action_item(actor=request.user, item=item, **form.cleaned_data)
            except services.ListeningError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Changes saved."))
                return redirect("listening:action", pk=pk)
    return render(
        request,
        "listening/action_detail.html",
        {
            "item": item,
            "form": form if can_update else None,
            "raised_by": item.raised_by.all(),
            "can_see_session": selectors.visible_sessions(request.user)
            .filter(pk=item.session_id)
            .exists(),
        },
    )


@leader_required
def leaders(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Cadence kept and closure rate of the leaders below you (executives: of every leader)."""
    people = list(selectors.leaders_below(request.user).select_related("team", "department"))
    page = Paginator(people, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "listening/leaders.html",
        {"page": page, "rows": selectors.leader_listening(list(page.object_list))},
    )
