from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from everyweek.core import home as home_panels
from everyweek.core.decorators import admin_required
from everyweek.core.models import AuditEvent
from everyweek.core.types import AuthenticatedHttpRequest
from everyweek.people import services as people_services
from everyweek.people.models import Person

HOME_LIST_SIZE = 12


class SignInView(LoginView):
    """Django's sign-in; in the demo it also lists the generated sign-ins, one per role."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if settings.ENVIRONMENT == "demo":
            from everyweek.demo import generator

            context["demo_logins"] = generator.demo_logins()
            context["demo_password"] = generator.DEMO_PASSWORD
        return context


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"panels": home_panels.render_context(request)})


def profile_panel(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    person = request.user
    return {
        "person": person,
        "leader": person.reports_to,
        "skip_leader": person.reports_to.reports_to if person.reports_to else None,
    }


def team_panel(request: AuthenticatedHttpRequest) -> dict[str, Any] | None:
    """Colleagues in the same team; a leader's own reports are listed in their own panel."""
    person = request.user
    if not person.team_id:
        return None
    peers = (
        Person.objects.filter(team_id=person.team_id, is_active=True)
        .exclude(pk=person.pk)
        .exclude(reports_to=person)
        .order_by("full_name")
    )
    count = peers.count()
    if not count:
        return None
    return {"team": person.team, "members": peers[:HOME_LIST_SIZE], "count": count}


def reports_panel(request: AuthenticatedHttpRequest) -> dict[str, Any] | None:
    reports = request.user.direct_reports.filter(is_active=True).order_by("full_name")
    count = reports.count()
    if not count:
        return None
    return {"reports": reports[:HOME_LIST_SIZE], "count": count}


home_panels.register(home_panels.Panel("core/panels/profile.html", profile_panel, order=0))
home_panels.register(home_panels.Panel("core/panels/reports.html", reports_panel, order=80))
home_panels.register(home_panels.Panel("core/panels/team.html", team_panel, order=90))


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; a signed-in person keeps the choice on their profile."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if language not in dict(settings.LANGUAGES):
        return response
    if request.user.is_authenticated and request.user.locale != language:
        people_services.update_person(actor=request.user, person=request.user, locale=language)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


@admin_required
def audit_list(request: HttpRequest) -> HttpResponse:
    events = AuditEvent.objects.select_related("actor")
    action = request.GET.get("action", "").strip()
    if action:
        events = events.filter(action__startswith=action)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "core/audit_list.html", {"page": page, "action": action})
