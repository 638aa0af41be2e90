"""Pages of the week planner. Thin: reads from selectors, writes through services.

Everyone signed in sees the programme and signs up; organisers and administrators manage it
(anything else answers 404); judges see the entries of the contests they judge.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from everyweek.core.access import is_admin
from everyweek.core.types import AuthenticatedHttpRequest
from everyweek.week import dates, forms, ics, ideas, notices, printing, selectors, services
from everyweek.week.models import (
    BacklogItem,
    BacklogStatus,
    CalendarFeed,
    Celebration,
    Contest,
    CoverageSlot,
    CustomerNotice,
    Entry,
    Event,
    Fulfilment,
    HuntItem,
    RetroKind,
    Score,
    Signup,
    SignupSheet,
    SignupSlot,
    SignupStatus,
    SurpriseRule,
    ThankYou,
)


def _celebration(year: int) -> Celebration:
    return get_object_or_404(Celebration, year=year)


def _managed(request: AuthenticatedHttpRequest, celebration: Celebration) -> None:
    if not services.can_manage(request.user, celebration):
        raise Http404


def _attempt(
    request: AuthenticatedHttpRequest, action: Callable[[], Any], success: str = ""
) -> Any:
    """Run a service call; a broken rule becomes a message instead of an error page."""
    try:
        result = action()
    except services.WeekError as exc:
        messages.error(request, " ".join(exc.messages))
        return None
    if success:
        messages.success(request, success)
    return result


def _base(
    request: AuthenticatedHttpRequest, celebration: Celebration, section: str
) -> dict[str, Any]:
    return {
        "celebration": celebration,
        "can_manage": services.can_manage(request.user, celebration),
        "section": section,
    }


def _organiser_form(
    request: AuthenticatedHttpRequest,
    celebration: Celebration,
    base: dict[str, Any],
    form_class: Any,
    add: Callable[..., Any],
    url_name: str,
) -> tuple[Any, HttpResponse | None]:
    """An organisers' "add" form on a section page: (form or None, redirect after a valid POST)."""
    form = form_class(request.POST or None) if base["can_manage"] else None
    if form is not None and request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        _attempt(
            request,
            lambda: add(actor=request.user, celebration=celebration, **data),
            _("Saved."),
        )
        return form, redirect(url_name, year=celebration.year)
    return form, None


# --- The week ---------------------------------------------------------------------------


@login_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    celebration = selectors.latest()
    if celebration is None:
        return render(
            request,
            "week/empty.html",
            {
                "year_form": forms.YearForm(initial={"year": timezone.localdate().year}),
                "is_admin": is_admin(request.user),
            },
        )
    return redirect("week:programme", year=celebration.year)


@login_required
def programme(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    celebration = _celebration(year)
    events = list(selectors.visible_events(request.user, celebration))
    attending = set(
        celebration.events.filter(attendances__person=request.user).values_list("pk", flat=True)
    )
    sponsors = {s.day: s for s in celebration.sponsors.select_related("department")}
    days = []
    for day in dates.days_of(celebration.starts_on, celebration.ends_on):
        day_events = [e for e in events if timezone.localtime(e.starts_at).date() == day]
        days.append({"day": day, "events": day_events, "sponsor": sponsors.get(day)})
    return render(
        request,
        "week/programme.html",
        {
            **_base(request, celebration, "programme"),
            "days": days,
            "attending": attending,
            "countdown": selectors.countdown(celebration, timezone.localdate()),
            "sheets": celebration.sheets.all(),
            "contests": celebration.contests.all(),
            "years": Celebration.objects.values_list("year", flat=True),
            "previous": Celebration.objects.filter(year__lt=year).order_by("-year").first(),
            "year_form": forms.YearForm(initial={"year": year + 1}),
            "goals": selectors.stretch_goals(celebration),
            "goals_url": selectors.goals_url(),
        },
    )


@login_required
def plan(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    celebration = _celebration(year)
    _managed(request, celebration)
    form = forms.CelebrationForm(request.POST or None, instance=celebration)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["organisers"] = list(data["organisers"])
        if _attempt(
            request,
            lambda: services.plan_celebration(actor=request.user, year=year, **data),
            _("Saved."),
        ):
            return redirect("week:programme", year=year)
    return render(
        request,
        "week/form.html",
        {
            **_base(request, celebration, "programme"),
            "form": form,
            "title": _("Plan the week"),
        },
    )


@login_required
@require_POST
def start_year(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Start a new year, copying the latest earlier programme when there is one."""
    form = forms.YearForm(request.POST)
    if not form.is_valid():
        raise Http404
    year = form.cleaned_data["year"]
    source = Celebration.objects.filter(year__lt=year).order_by("-year").first()
    if source is not None and request.POST.get("copy"):
        result = _attempt(
            request,
            lambda: services.copy_programme(actor=request.user, source=source, year=year),
            _("Last year's programme was copied; check the dates and times."),
        )
    else:
        result = _attempt(
            request, lambda: services.plan_celebration(actor=request.user, year=year), _("Saved.")
        )
    if result is None:
        return redirect("week:index")
    return redirect("week:programme", year=year)


# --- Agenda -------------------------------------------------------------------------------


def _event(request: AuthenticatedHttpRequest, pk: int) -> Event:
    event = get_object_or_404(Event.objects.select_related("celebration", "host"), pk=pk)
    if not selectors.visible_events(request.user, event.celebration).filter(pk=pk).exists():
        raise Http404
    return event


@login_required
def event_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    return render(
        request,
        "week/event.html",
        {
            **_base(request, event.celebration, "programme"),
            "event": event,
            "attending": event.attendances.filter(person=request.user).exists(),
            "attendees": event.attendances.count(),
            "sheets": event.signupsheet_set.all(),
        },
    )


@login_required
def event_edit(request: AuthenticatedHttpRequest, year: int, pk: int | None = None) -> HttpResponse:
    celebration = _celebration(year)
    _managed(request, celebration)
    event = get_object_or_404(Event, pk=pk, celebration=celebration) if pk else None
    form = forms.EventForm(request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in form.Meta.fields}
        if event is None:
            saved = _attempt(
                request,
                lambda: services.add_event(actor=request.user, celebration=celebration, **data),
                _("Saved."),
            )
        else:
            saved = _attempt(
                request,
                lambda: services.update_event(actor=request.user, event=event, **data),
                _("Saved."),
            )
        if saved is not None:
            return redirect("week:event", pk=saved.pk)
    return render(
        request,
        "week/form.html",
        {
            **_base(request, celebration, "programme"),
            "form": form,
            "title": _("Edit event") if event else _("Add an event"),
        },
    )


@login_required
@require_POST
def event_attend(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    services.set_attendance(
        person=request.user, event=event, attending=request.POST.get("attending") == "1"
    )
    return redirect("week:event", pk=pk)


@login_required
@require_POST
def event_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(Event.objects.select_related("celebration"), pk=pk)
    _managed(request, event.celebration)
    year = event.celebration.year
    _attempt(request, lambda: services.remove_event(actor=request.user, event=event), _("Removed."))
    return redirect("week:programme", year=year)


@login_required
def calendar_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    feed = services.feed_for(request.user)
    url = request.build_absolute_uri(reverse("week:feed", args=[feed.token]))
    return render(request, "week/calendar.html", {"feed_url": url})


@login_required
@require_POST
def calendar_rotate(request: AuthenticatedHttpRequest) -> HttpResponse:
    services.rotate_feed(person=request.user)
    messages.success(request, _("A new address was made; the old one no longer works."))
    return redirect("week:calendar")


def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The personal calendar feed; the secret in the address is the only credential."""
    found = CalendarFeed.objects.select_related("person").filter(token=token).first()
    if found is None or not found.person.is_active:
        raise Http404
    person = found.person
    today = timezone.localdate()
    celebrations = list(Celebration.objects.filter(ends_on__gte=today - dt.timedelta(days=365)))
    events = [e for c in celebrations for e in selectors.visible_events(person, c)]
    body = ics.calendar(person, celebrations, events)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="customer-service-week.ics"'
    return response


# --- Sign-up sheets -----------------------------------------------------------------------


@login_required
def sheet_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    sheet = get_object_or_404(SignupSheet.objects.select_related("celebration"), pk=pk)
    slots = sheet.slots.prefetch_related(
        Prefetch("signups", queryset=Signup.objects.select_related("person"))
    )
    rows = []
    for slot in slots:
        signups = list(slot.signups.all())
        rows.append(
            {
                "slot": slot,
                "confirmed": [s for s in signups if s.status == SignupStatus.CONFIRMED],
                "waiting": [s for s in signups if s.status == SignupStatus.WAITLISTED],
                "mine": next((s for s in signups if s.person_id == request.user.pk), None),
            }
        )
    can_manage = services.can_manage(request.user, sheet.celebration)
    slot_form = forms.SlotForm(request.POST or None) if can_manage else None
    if slot_form is not None and request.method == "POST" and slot_form.is_valid():
        _attempt(
            request,
            lambda: services.add_slot(actor=request.user, sheet=sheet, **slot_form.cleaned_data),
            _("Saved."),
        )
        return redirect("week:sheet", pk=pk)
    return render(
        request,
        "week/sheet.html",
        {
            **_base(request, sheet.celebration, "programme"),
            "sheet": sheet,
            "rows": rows,
            "signup_form": forms.SignupForm(),
            "slot_form": slot_form,
        },
    )


@login_required
@require_POST
def sheet_add(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    celebration = _celebration(year)
    _managed(request, celebration)
    form = forms.SheetForm(request.POST)
    if form.is_valid():
        sheet = _attempt(
            request,
            lambda: services.add_sheet(
                actor=request.user, celebration=celebration, **form.cleaned_data
            ),
        )
        if sheet:
            return redirect("week:sheet", pk=sheet.pk)
    return redirect("week:programme", year=year)


@login_required
@require_POST
def slot_signup(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    slot = get_object_or_404(SignupSlot, pk=pk)
    form = forms.SignupForm(request.POST)
    if form.is_valid():
        signup = services.sign_up(
            person=request.user, slot=slot, contribution=form.cleaned_data["contribution"]
        )
        if signup.status == SignupStatus.WAITLISTED:
            messages.info(request, _("The slot is full: you are on the waiting list."))
        else:
            messages.success(request, _("You are signed up."))
    return redirect("week:sheet", pk=slot.sheet_id)


@login_required
@require_POST
def signup_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    signup = get_object_or_404(Signup.objects.select_related("slot"), pk=pk)
    sheet_id = signup.slot.sheet_id
    _attempt(
        request,
        lambda: services.cancel_signup(actor=request.user, signup=signup),
        _("Your sign-up was cancelled."),
    )
    return redirect("week:sheet", pk=sheet_id)


# --- Contests and backlog -----------------------------------------------------------------


@login_required
def contests(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    celebration = _celebration(year)
    base = _base(request, celebration, "contests")
    form = forms.ContestForm(request.POST or None) if base["can_manage"] else None
    if form is not None and request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["judges"] = list(data["judges"])
        contest = _attempt(
            request,
            lambda: services.add_contest(actor=request.user, celebration=celebration, **data),
            _("Saved."),
        )
        if contest:
            return redirect("week:contest", pk=contest.pk)
    return render(
        request,
        "week/contests.html",
        {
            **base,
            "contests": celebration.contests.annotate(n=Count("entries")),
            "judging": set(
                celebration.contests.filter(judges=request.user).values_list("pk", flat=True)
            ),
            "form": form,
        },
    )


@login_required
def contest_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contest = get_object_or_404(Contest.objects.select_related("celebration"), pk=pk)
    can_manage = services.can_manage(request.user, contest.celebration)
    judge = selectors.is_judge(request.user, contest)
    entries = list(selectors.visible_entries(request.user, contest, manager=can_manage))
    my_scores = {
        s.entry_id: s for s in Score.objects.filter(judge=request.user, entry__contest=contest)
    }
    show_results = can_manage or not contest.is_open
    return render(
        request,
        "week/contest.html",
        {
            **_base(request, contest.celebration, "contests"),
            "contest": contest,
            "entries": entries,
            "is_judge": judge,
            "my_scores": my_scores,
            "results": selectors.results(contest) if show_results else None,
            "entry_form": forms.EntryForm(),
            "score_form": forms.ScoreForm(),
            "backlog_form": forms.BacklogForm() if can_manage else None,
        },
    )


@login_required
@require_POST
def contest_enter(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contest = get_object_or_404(Contest, pk=pk)
    form = forms.EntryForm(request.POST)
    if form.is_valid():
        _attempt(
            request,
            lambda: services.submit_entry(
                person=request.user, contest=contest, **form.cleaned_data
            ),
            _("Your entry is in."),
        )
    return redirect("week:contest", pk=pk)


@login_required
@require_POST
def contest_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contest = get_object_or_404(Contest.objects.select_related("celebration"), pk=pk)
    _managed(request, contest.celebration)
    services.close_contest(actor=request.user, contest=contest)
    return redirect("week:contest", pk=pk)


@login_required
@require_POST
def entry_score(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(Entry.objects.select_related("contest"), pk=pk)
    form = forms.ScoreForm(request.POST)
    if form.is_valid():
        _attempt(
            request,
            lambda: services.score_entry(judge=request.user, entry=entry, **form.cleaned_data),
            _("Score saved."),
        )
    else:
        messages.error(request, _("Points go from 1 to 10."))
    return redirect("week:contest", pk=entry.contest_id)


@login_required
@require_POST
def entry_to_backlog(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(Entry.objects.select_related("contest__celebration"), pk=pk)
    _managed(request, entry.contest.celebration)
    form = forms.BacklogForm(request.POST)
    if form.is_valid():
        _attempt(
            request,
            lambda: services.add_backlog_item(
                actor=request.user, source_entry=entry, **form.cleaned_data
            ),
            _("Added to the improvement backlog."),
        )
    return redirect("week:contest", pk=entry.contest_id)


@login_required
def backlog(request: AuthenticatedHttpRequest) -> HttpResponse:
    items = BacklogItem.objects.select_related("owner", "celebration", "source_entry")
    status = request.GET.get("status", "")
    if status in BacklogStatus.values:
        items = items.filter(status=status)
    return render(
        request,
        "week/backlog.html",
        {
            "items": items[:500],
            "statuses": BacklogStatus.choices,
            "status": status,
            "status_form": forms.BacklogStatusForm(),
        },
    )


@login_required
@require_POST
def backlog_update(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(BacklogItem.objects.select_related("celebration"), pk=pk)
    form = forms.BacklogStatusForm(request.POST)
    if form.is_valid():
        _attempt(
            request,
            lambda: services.update_backlog_item(
                actor=request.user, item=item, status=form.cleaned_data["status"]
            ),
            _("Saved."),
        )
    return redirect("week:backlog")


# --- Sponsors, coverage, tips -------------------------------------------------------------


@login_required
def sponsors(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    celebration = _celebration(year)
    days = dates.days_of(celebration.starts_on, celebration.ends_on)
    form = forms.SponsorForm(
        request.POST or None,
        days=days,
        initial={"department": getattr(request.user, "department_id", None)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        _attempt(
            request,
            lambda: services.sponsor_day(
                actor=request.user,
                celebration=celebration,
                day=dt.date.fromisoformat(data["day"]),
                department=data["department"],
                message=data["message"],
            ),
            _("Thank you for sponsoring a day!"),
        )
        return redirect("week:sponsors", year=year)
    return render(
        request,
        "week/sponsors.html",
        {
            **_base(request, celebration, "sponsors"),
            "sponsors": celebration.sponsors.select_related("department", "created_by"),
            "form": form,
        },
    )


@login_required
def coverage(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    celebration = _celebration(year)
    base = _base(request, celebration, "coverage")
    form, done = _organiser_form(
        request, celebration, base, forms.CoverageForm, services.add_coverage_slot, "week:coverage"
    )
    if done:
        return done
    slots = selectors.coverage_with_gaps(celebration)
    return render(
        request,
        "week/coverage.html",
        {
            **base,
            "slots": slots,
            "gaps": sum(1 for _slot, gap in slots if gap),
            "form": form,
        },
    )


@login_required
@require_POST
def coverage_toggle(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    slot = get_object_or_404(CoverageSlot.objects.select_related("celebration"), pk=pk)
    if request.POST.get("cover") == "1":
        _attempt(
            request,
            lambda: services.cover_slot(person=request.user, slot=slot),
            _("Thank you for covering the queue!"),
        )
    else:
        services.uncover_slot(person=request.user, slot=slot)
    return redirect("week:coverage", year=slot.celebration.year)


@login_required
def customer_notice(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    """The notices to customers for the time the service team steps out: draft one, see them."""
    celebration = _celebration(year)
    _managed(request, celebration)
    window = services.coverage_window(celebration)
    form = forms.NoticeForm(
        request.POST or None,
        initial={"starts_at": window[0], "ends_at": window[1]} if window else None,
    )
    if request.method == "POST" and form.is_valid():
        notice = _attempt(
            request,
            lambda: services.draft_notice(
                actor=request.user, celebration=celebration, **form.cleaned_data
            ),
        )
        if notice is not None:
            return redirect("week:notice-detail", pk=notice.pk)
    items = []
    if window:
        items = notices.notices(window[0], window[1], timezone.get_current_timezone_name())
    return render(
        request,
        "week/notice.html",
        {
            **_base(request, celebration, "coverage"),
            "notices": items,
            "drafts": celebration.notices.annotate(delivered=Count("deliveries")),
            "form": form,
        },
    )


def _notice(request: AuthenticatedHttpRequest, pk: int) -> CustomerNotice:
    notice = get_object_or_404(CustomerNotice.objects.select_related("celebration"), pk=pk)
    _managed(request, notice.celebration)
    return notice


@login_required
def notice_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Preview a notice in each language, with how many customers read it in that language."""
    notice = _notice(request, pk)
    counts = selectors.recipient_languages(notice)
    zone = timezone.get_current_timezone_name()
    previews = [
        (item, counts.get(item.language, 0))
        for item in notices.notices(notice.starts_at, notice.ends_at, zone)
    ]
    return render(
        request,
        "week/notice_detail.html",
        {
            **_base(request, notice.celebration, "coverage"),
            "notice": notice,
            "previews": previews,
            "recipients": sum(counts.values()),
            "delivered": notice.deliveries.count(),
        },
    )


@login_required
@require_POST
def notice_send(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    notice = _notice(request, pk)
    _attempt(
        request,
        lambda: services.send_notice(actor=request.user, notice=notice),
        _("The notice is on its way to the customers."),
    )
    return redirect("week:notice-detail", pk=pk)


@login_required
def tips(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    celebration = _celebration(year)
    base = _base(request, celebration, "tips")
    form, done = _organiser_form(
        request, celebration, base, forms.TipForm, services.add_tip, "week:tips"
    )
    if done:
        return done
    return render(request, "week/tips.html", {**base, "tips": celebration.tips.all(), "form": form})


@login_required
def tips_booklet(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    celebration = _celebration(year)
    title = _("Service tips for the whole year")
    subtitle = _("From the service team, Customer Service Week %(year)s") % {"year": year}
    pdf = printing.tips_booklet(title, subtitle, celebration.tips.all())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="service-tips-{year}.pdf"'
    return response


# --- Thank-you wall -----------------------------------------------------------------------


@login_required
def wall(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    celebration = _celebration(year)
    form = forms.ThanksForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        _attempt(
            request,
            lambda: services.post_thanks(
                actor=request.user, celebration=celebration, **form.cleaned_data
            ),
            _("Your message is on the wall."),
        )
        return redirect("week:wall", year=year)
    base = _base(request, celebration, "wall")
    customer_link = ""
    if base["can_manage"] and celebration.wall_key:
        customer_link = request.build_absolute_uri(
            reverse("week:customer-thanks", args=[celebration.wall_key])
        )
    return render(
        request,
        "week/wall.html",
        {
            **base,
            "messages_": selectors.wall_messages(celebration),
            "pending": selectors.pending_messages(celebration) if base["can_manage"] else None,
            "customer_link": customer_link,
            "form": form,
        },
    )


@login_required
@require_POST
def wall_link(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    """Make (or replace) the customers' link to the wall, or withdraw it."""
    celebration = _celebration(year)
    _managed(request, celebration)
    if request.POST.get("close") == "1":
        services.close_customer_wall(actor=request.user, celebration=celebration)
        messages.success(request, _("The customers' link no longer works."))
    else:
        services.open_customer_wall(actor=request.user, celebration=celebration)
        messages.success(request, _("A new link for customers was made."))
    return redirect("week:wall", year=year)


@login_required
@require_POST
def thanks_moderate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(ThankYou.objects.select_related("celebration"), pk=pk)
    _managed(request, message.celebration)
    approve = request.POST.get("decision") == "approve"
    _attempt(
        request,
        lambda: services.moderate_thanks(actor=request.user, message=message, approve=approve),
        _("The message is on the wall.") if approve else _("The message was rejected."),
    )
    return redirect("week:wall", year=message.celebration.year)


@login_required
def slideshow(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    celebration = _celebration(year)
    return render(
        request,
        "week/slideshow.html",
        {
            "celebration": celebration,
            "slides": selectors.wall_messages(celebration),
        },
    )


# --- Customer surprises -------------------------------------------------------------------


@login_required
def surprises(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    celebration = _celebration(year)
    _managed(request, celebration)
    rule_form = forms.SurpriseForm(request.POST if "gift" in request.POST else None)
    swap_form = forms.SwapForm(request.POST if "customer" in request.POST else None)
    if request.method == "POST":
        if rule_form.is_bound and rule_form.is_valid():
            _attempt(
                request,
                lambda: services.add_surprise_rule(
                    actor=request.user, celebration=celebration, **rule_form.cleaned_data
                ),
                _("Saved."),
            )
            return redirect("week:surprises", year=year)
        if swap_form.is_bound and swap_form.is_valid():
            _attempt(
                request,
                lambda: services.record_swap(
                    actor=request.user, celebration=celebration, **swap_form.cleaned_data
                ),
                _("Saved."),
            )
            return redirect("week:surprises", year=year)
    rules = celebration.surprises.prefetch_related(
        Prefetch("fulfilments", queryset=Fulfilment.objects.select_related("customer"))
    )
    return render(
        request,
        "week/surprises.html",
        {
            **_base(request, celebration, "surprises"),
            "rules": rules,
            "swaps": celebration.swaps.select_related("customer"),
            "rule_form": rule_form,
            "swap_form": swap_form,
        },
    )


@login_required
@require_POST
def surprise_build(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    rule = get_object_or_404(SurpriseRule.objects.select_related("celebration"), pk=pk)
    _managed(request, rule.celebration)
    added = services.build_fulfilment(actor=request.user, rule=rule)
    messages.success(request, _("%(count)s customers added to the list.") % {"count": added})
    return redirect("week:surprises", year=rule.celebration.year)


@login_required
@require_POST
def fulfilment_sent(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    fulfilment = get_object_or_404(Fulfilment.objects.select_related("rule__celebration"), pk=pk)
    _managed(request, fulfilment.rule.celebration)
    services.mark_fulfilled(actor=request.user, fulfilment=fulfilment)
    return redirect("week:surprises", year=fulfilment.rule.celebration.year)


# --- Hunt ---------------------------------------------------------------------------------


@login_required
def hunt(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    celebration = _celebration(year)
    base = _base(request, celebration, "hunt")
    form, done = _organiser_form(
        request, celebration, base, forms.HuntItemForm, services.hide_item, "week:hunt"
    )
    if done:
        return done
    items = celebration.hunt.annotate(found=Count("finds"))
    return render(
        request,
        "week/hunt.html",
        {
            **base,
            "items": items if base["can_manage"] else None,
            "count": items.count(),
            "my_finds": celebration.hunt.filter(finds__person=request.user).count(),
            "tickets": services.tickets_of(request.user, celebration),
            "form": form,
        },
    )


@login_required
def hunt_print(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    celebration = _celebration(year)
    _managed(request, celebration)
    cards = [
        {
            "item": item,
            "svg": printing.qr_svg(
                request.build_absolute_uri(reverse("week:found", args=[item.code]))
            ),
        }
        for item in celebration.hunt.all()
    ]
    return render(request, "week/hunt_print.html", {"celebration": celebration, "cards": cards})


@login_required
def found(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    item = get_object_or_404(HuntItem.objects.select_related("celebration"), code=code)
    result = None
    if request.method == "POST":
        result = _attempt(request, lambda: services.claim_find(person=request.user, code=code))
    already = item.finds.filter(person=request.user).exists()
    return render(
        request,
        "week/found.html",
        {
            "item": item,
            "celebration": item.celebration,
            "already": already,
            "new": bool(result and result[1]),
            "tickets": services.tickets_of(request.user, item.celebration),
        },
    )


# --- After the week -----------------------------------------------------------------------


@login_required
def retro(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    celebration = _celebration(year)
    form = forms.RetroForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _attempt(
            request,
            lambda: services.add_retro_note(
                person=request.user, celebration=celebration, **form.cleaned_data
            ),
            _("Saved."),
        )
        return redirect("week:retro", year=year)
    notes = celebration.retro.select_related("author")
    return render(
        request,
        "week/retro.html",
        {
            **_base(request, celebration, "retro"),
            "went_well": [n for n in notes if n.kind == RetroKind.WENT_WELL],
            "improve": [n for n in notes if n.kind == RetroKind.IMPROVE],
            "form": form,
        },
    )


@login_required
def fifty_one_weeks(request: AuthenticatedHttpRequest) -> HttpResponse:
    from everyweek.week import continuity

    celebration = selectors.latest()
    return render(
        request,
        "week/fifty_one.html",
        {
            "celebration": celebration,
            "report": continuity.report(request.user, celebration),
        },
    )


# --- Ideas library ------------------------------------------------------------------------


@login_required
def ideas_library(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    celebration = _celebration(year)
    base = _base(request, celebration, "ideas")
    language = translation.get_language() or "en"
    if request.method == "POST":
        _managed(request, celebration)
        form = forms.IdeaForm(request.POST)
        if form.is_valid():
            event = _attempt(
                request,
                lambda: services.add_idea(
                    actor=request.user,
                    celebration=celebration,
                    key=form.cleaned_data["key"],
                    day=form.cleaned_data["day"],
                    language=language,
                ),
                _("Added to the programme."),
            )
            if event:
                return redirect("week:event", pk=event.pk)
    used = set(celebration.events.exclude(idea_key="").values_list("idea_key", flat=True))
    return render(
        request,
        "week/ideas.html",
        {
            **base,
            "ideas": [(idea, idea.text(language), idea.key in used) for idea in ideas.IDEAS],
            "days": dates.days_of(celebration.starts_on, celebration.ends_on),
        },
    )
