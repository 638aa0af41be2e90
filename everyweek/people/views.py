from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.tokens import default_token_generator
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from everyweek.core.access import can_edit_person, get_person_for_user, is_admin, visible_people
from everyweek.core.csvstream import stream_csv
from everyweek.core.decorators import admin_required, leader_required
from everyweek.core.types import AuthenticatedHttpRequest
from everyweek.people import services
from everyweek.people.forms import (
    InvitationAcceptForm,
    PeopleImportForm,
    PeopleSearchForm,
    PersonForm,
    ProfileForm,
)
from everyweek.people.imports import import_people_csv
from everyweek.people.models import Department, PartnerOrganisation, Person

EXPORT_COLUMNS = [
    "email",
    "full_name",
    "role",
    "department",
    "team",
    "reports_to",
    "job_title",
    "hire_date",
    "locale",
    "time_zone",
    "is_active",
]


@login_required
def person_list(request: HttpRequest) -> HttpResponseBase:
    form = PeopleSearchForm(request.GET or None)
    people = visible_people(request.user).select_related("department", "team", "reports_to")
    data = form.cleaned_data if form.is_valid() else {}
    if not data.get("inactive"):
        people = people.filter(is_active=True)
    if q := data.get("q"):
        people = people.filter(
            Q(full_name__icontains=q)
            | Q(email__icontains=q)
            | Q(preferred_name__icontains=q)
            | Q(job_title__icontains=q)
            | Q(team__name__icontains=q)
        )
    if department := data.get("department"):
        people = people.filter(department=department)
    if role := data.get("role"):
        people = people.filter(role=role)

    if request.GET.get("format") == "csv":
        rows = (
            [
                p.email,
                p.full_name,
                p.role,
                p.department or "",
                p.team or "",
                p.reports_to.email if p.reports_to else "",
                p.job_title,
                p.hire_date or "",
                p.locale,
                p.time_zone,
                p.is_active,
            ]
            for p in people.iterator(chunk_size=1000)
        )
        return stream_csv("people.csv", EXPORT_COLUMNS, rows)

    page = Paginator(people, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "people/person_list.html",
        {
            "form": form,
            "page": page,
            "query_string": query.urlencode(),
            "can_manage": is_admin(request.user),
        },
    )


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person_for_user(request.user, pk)
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "can_edit": can_edit_person(request.user, person),
            "direct_reports": visible_people(request.user).filter(
                reports_to=person, is_active=True
            ),
        },
    )


@login_required
def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    person = request.user
    form = ProfileForm(request.POST or None, request.FILES or None, instance=person)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        services.update_person(actor=person, person=person, **fields)
        messages.success(request, _("Changes saved."))
        return redirect("people:profile")
    return render(request, "people/profile.html", {"form": form, "person": person})


@admin_required
def person_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    person = get_object_or_404(Person, pk=pk) if pk else None
    form = PersonForm(request.POST or None, request.FILES or None, instance=person)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        if person is None:
            person = services.create_person(actor=request.user, **fields)
            messages.success(request, _("%(name)s was added.") % {"name": person})
        else:
            try:
                services.update_person(actor=request.user, person=person, **fields)
            except services.PeopleError as exc:
                form.add_error("reports_to", str(exc))
                return render(request, "people/person_form.html", {"form": form, "person": person})
            messages.success(request, _("Changes saved."))
        return redirect("people:detail", pk=person.pk)
    return render(request, "people/person_form.html", {"form": form, "person": person})


@admin_required
@require_POST
def person_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person, pk=pk)
    if person.pk == request.user.pk:
        messages.error(request, _("You cannot deactivate yourself."))
    else:
        services.deactivate_person(actor=request.user, person=person)
        messages.success(
            request, _("%(name)s can no longer sign in; their history is kept.") % {"name": person}
        )
    return redirect("people:detail", pk=pk)


@admin_required
@require_POST
def person_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person, pk=pk)
    services.reactivate_person(actor=request.user, person=person)
    messages.success(request, _("%(name)s is active again.") % {"name": person})
    return redirect("people:detail", pk=pk)


@admin_required
@require_POST
def person_invite(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person, pk=pk, is_active=True)
    services.invite_person(actor=request.user, person=person)
    messages.success(request, _("An invitation was sent to %(email)s.") % {"email": person.email})
    return redirect("people:detail", pk=pk)


@admin_required
def person_import(request: HttpRequest) -> HttpResponse:
    form = PeopleImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        raw = form.cleaned_data["file"].read()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")
        report = import_people_csv(io.StringIO(text, newline=""), actor=request.user)
        request.session["people_import_errors"] = report.errors_csv()
    return render(request, "people/person_import.html", {"form": form, "report": report})


@admin_required
def person_import_errors(request: HttpRequest) -> HttpResponse:
    body = request.session.get("people_import_errors")
    if not body:
        raise Http404
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="people-import-errors.csv"'
    return response


@leader_required
def organisation(request: HttpRequest) -> HttpResponse:
    departments = Department.objects.annotate(
        headcount=Count("people", filter=Q(people__is_active=True))
    ).prefetch_related("teams")
    return render(
        request,
        "people/organisation.html",
        {
            "departments": departments,
            "partners": PartnerOrganisation.objects.filter(is_active=True),
        },
    )


def invitation_accept(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    try:
        person = Person.objects.get(pk=force_str(urlsafe_base64_decode(uidb64)), is_active=True)
    except (Person.DoesNotExist, ValueError, TypeError, OverflowError):
        person = None
    if person is None or not default_token_generator.check_token(person, token):
        return render(request, "people/invitation_invalid.html", status=400)
    form = InvitationAcceptForm(person, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.accept_invitation(person=person, password=form.cleaned_data["new_password1"])
        messages.success(request, _("Your password is set. Welcome to everyweek!"))
        return redirect("login")
    return render(request, "people/invitation_accept.html", {"form": form, "person": person})
