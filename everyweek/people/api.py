"""People and the organisation over the JSON API.

Reads go through everyweek.core.access (an agent's token sees the agent, a lead's the team…);
writes are for administrators and go through everyweek.people.services.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from ninja import Field, File, Router, Schema, UploadedFile
from ninja.responses import Status

from everyweek.api import errors
from everyweek.api.auth import caller, require_admin
from everyweek.api.pagination import paginated
from everyweek.api.schemas import NamedRef, as_dict
from everyweek.core.access import get_person_for_user, visible_people
from everyweek.people import services
from everyweek.people.imports import import_people_csv
from everyweek.people.models import (
    Department,
    DepartmentKind,
    PartnerKind,
    PartnerOrganisation,
    Person,
    Role,
    Team,
)

MAX_IMPORT_MB = 20

router = Router()
people = Router(tags=["people"])
departments = Router(tags=["organisation"])
teams = Router(tags=["organisation"])
partners = Router(tags=["organisation"])


# --- Schemas ----------------------------------------------------------------------------


class PersonOut(Schema):
    id: int
    email: str
    full_name: str
    preferred_name: str
    role: Role
    department: NamedRef | None
    team: NamedRef | None
    reports_to_id: int | None
    job_title: str
    employee_id: str
    hire_date: dt.date | None
    locale: str
    time_zone: str
    is_active: bool


class PersonIn(Schema):
    email: str = Field(max_length=254)
    full_name: str = Field(min_length=1, max_length=150)
    preferred_name: str = Field("", max_length=80)
    role: Role = Role.AGENT
    department_id: int | None = None
    team_id: int | None = None
    reports_to_id: int | None = None
    job_title: str = Field("", max_length=120)
    employee_id: str = Field("", max_length=64)
    hire_date: dt.date | None = None
    locale: str = "en"
    time_zone: str = "UTC"


class PersonPatch(Schema):
    """Only the fields sent are changed; send null to clear department, team or leader."""

    email: str | None = Field(None, max_length=254)
    full_name: str | None = Field(None, min_length=1, max_length=150)
    preferred_name: str | None = Field(None, max_length=80)
    role: Role | None = None
    department_id: int | None = None
    team_id: int | None = None
    reports_to_id: int | None = None
    job_title: str | None = Field(None, max_length=120)
    employee_id: str | None = Field(None, max_length=64)
    hire_date: dt.date | None = None
    locale: str | None = None
    time_zone: str | None = None


class ImportRowErrorOut(Schema):
    line: int
    column: str
    message: str


class ImportReportOut(Schema):
    ok: bool
    created: int
    updated: int
    unchanged: int
    errors: list[ImportRowErrorOut]


class DepartmentOut(Schema):
    id: int
    name: str
    kind: DepartmentKind


class DepartmentIn(Schema):
    name: str = Field(min_length=1, max_length=120)
    kind: DepartmentKind = DepartmentKind.OTHER


class DepartmentPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=120)
    kind: DepartmentKind | None = None


class TeamOut(Schema):
    id: int
    name: str
    department: NamedRef


class TeamIn(Schema):
    name: str = Field(min_length=1, max_length=120)
    department_id: int


class TeamPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=120)
    department_id: int | None = None


class PartnerOut(Schema):
    id: int
    name: str
    kind: PartnerKind
    contact_name: str
    contact_email: str
    locale: str
    description: str
    is_active: bool


class PartnerIn(Schema):
    name: str = Field(min_length=1, max_length=160)
    kind: PartnerKind = PartnerKind.PARTNER
    contact_name: str = Field("", max_length=150)
    contact_email: str = Field("", max_length=254)
    locale: str = "en"
    description: str = ""
    is_active: bool = True


class PartnerPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=160)
    kind: PartnerKind | None = None
    contact_name: str | None = Field(None, max_length=150)
    contact_email: str | None = Field(None, max_length=254)
    locale: str | None = None
    description: str | None = None
    is_active: bool | None = None


# --- Helpers ----------------------------------------------------------------------------

# API field -> (model field, model): the API takes ids, the services take objects.
RELATIONS: dict[str, tuple[str, type[Any]]] = {
    "department_id": ("department", Department),
    "team_id": ("team", Team),
    "reports_to_id": ("reports_to", Person),
}


def _resolve(data: dict[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for key, value in data.items():
        if key not in RELATIONS:
            fields[key] = value
            continue
        name, model = RELATIONS[key]
        if value is None:
            fields[name] = None
            continue
        obj = model.objects.filter(pk=value).first()
        if obj is None:
            raise errors.unknown_reference(key)
        fields[name] = obj
    return fields


def _person_fields(data: dict[str, Any], person: Person | None = None) -> dict[str, Any]:
    fields = _resolve(data)
    # The same rule as the person form: a team sits inside the person's department.
    team = fields.get("team", person.team if person and "team" not in fields else None)
    department = fields.get(
        "department", person.department if person and "department" not in fields else None
    )
    if team is not None and department is not None and team.department_id != department.pk:
        raise errors.team_outside_department()
    return fields


def _person_out(actor: Person, pk: int) -> Person:
    return get_person_for_user(actor, pk)


# --- People -----------------------------------------------------------------------------


@people.get("", response=list[PersonOut], summary="List the people you may see")
@paginated
def list_people(
    request: HttpRequest,
    q: str = "",
    department: int | None = None,
    team: int | None = None,
    role: Role | None = None,
    active: bool | None = None,
) -> QuerySet[Person]:
    """Agents see themselves, leads their team, managers their department, executives and
    administrators everyone. `q` searches name, email, job title and team."""
    found = visible_people(caller(request)).select_related("department", "team")
    if q := q.strip():
        found = found.filter(
            Q(full_name__icontains=q)
            | Q(email__icontains=q)
            | Q(preferred_name__icontains=q)
            | Q(job_title__icontains=q)
            | Q(team__name__icontains=q)
        )
    if department is not None:
        found = found.filter(department_id=department)
    if team is not None:
        found = found.filter(team_id=team)
    if role is not None:
        found = found.filter(role=role)
    if active is not None:
        found = found.filter(is_active=active)
    return found.order_by("full_name", "pk")


@people.get("/{int:person_id}", response=PersonOut, summary="One person")
def get_person(request: HttpRequest, person_id: int) -> Person:
    """404 for anyone outside what you may see, exactly as for someone who does not exist."""
    return get_person_for_user(caller(request), person_id)


@people.post("", response={201: PersonOut}, summary="Add a person (administrators)")
def create_person(request: HttpRequest, payload: PersonIn) -> Status[Person]:
    actor = require_admin(request)
    person = services.create_person(actor=actor, **_person_fields(payload.model_dump()))
    return Status(201, _person_out(actor, person.pk))


@people.patch("/{int:person_id}", response=PersonOut, summary="Change a person (administrators)")
def update_person(request: HttpRequest, person_id: int, payload: PersonPatch) -> Person:
    actor = require_admin(request)
    person = get_person_for_user(actor, person_id)
    services.update_person(actor=actor, person=person, **_person_fields(as_dict(payload), person))
    return _person_out(actor, person.pk)


@people.post(
    "/{int:person_id}/deactivate",
    response=PersonOut,
    summary="Deactivate a person (administrators)",
)
def deactivate_person(request: HttpRequest, person_id: int) -> Person:
    """Sign-in and API tokens stop; their history stays for scorecards and recognition."""
    actor = require_admin(request)
    person = get_person_for_user(actor, person_id)
    if person.pk == actor.pk:
        raise errors.cannot_deactivate_yourself()
    services.deactivate_person(actor=actor, person=person)
    return _person_out(actor, person.pk)


@people.post(
    "/{int:person_id}/reactivate",
    response=PersonOut,
    summary="Reactivate a person (administrators)",
)
def reactivate_person(request: HttpRequest, person_id: int) -> Person:
    actor = require_admin(request)
    person = get_person_for_user(actor, person_id)
    services.reactivate_person(actor=actor, person=person)
    return _person_out(actor, person.pk)


@people.post("/import", response=ImportReportOut, summary="Import people from a CSV file")
def import_people(request: HttpRequest, file: File[UploadedFile]) -> dict[str, Any]:
    """The HR export as multipart field `file`. Valid rows are kept, every invalid row is
    reported with its line and column; importing the same file twice changes nothing."""
    actor = require_admin(request)
    if file.size and file.size > MAX_IMPORT_MB * 1024 * 1024:
        raise errors.file_too_large(MAX_IMPORT_MB)
    raw = file.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    report = import_people_csv(io.StringIO(text, newline=""), actor=actor)
    return {
        "ok": report.ok,
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "errors": [
            {"line": e.line, "column": e.column, "message": str(e.message)} for e in report.errors
        ],
    }


# --- Departments, teams, partners -------------------------------------------------------


@departments.get("", response=list[DepartmentOut], summary="List departments")
@paginated
def list_departments(request: HttpRequest, q: str = "") -> QuerySet[Department]:
    caller(request)
    found = Department.objects.all()
    if q := q.strip():
        found = found.filter(name__icontains=q)
    return found.order_by("name", "pk")


@departments.get("/{int:department_id}", response=DepartmentOut, summary="One department")
def get_department(request: HttpRequest, department_id: int) -> Department:
    caller(request)
    return _get(Department, department_id)


@departments.post("", response={201: DepartmentOut}, summary="Add a department (administrators)")
def create_department(request: HttpRequest, payload: DepartmentIn) -> Status[Department]:
    actor = require_admin(request)
    return Status(201, services.save_department(actor=actor, **payload.model_dump()))


@departments.patch(
    "/{int:department_id}", response=DepartmentOut, summary="Change a department (administrators)"
)
def update_department(
    request: HttpRequest, department_id: int, payload: DepartmentPatch
) -> Department:
    actor = require_admin(request)
    department = _get(Department, department_id)
    return services.save_department(actor=actor, department=department, **as_dict(payload))


@teams.get("", response=list[TeamOut], summary="List teams")
@paginated
def list_teams(request: HttpRequest, department: int | None = None) -> QuerySet[Team]:
    caller(request)
    found = Team.objects.select_related("department")
    if department is not None:
        found = found.filter(department_id=department)
    return found.order_by("department__name", "name", "pk")


@teams.get("/{int:team_id}", response=TeamOut, summary="One team")
def get_team(request: HttpRequest, team_id: int) -> Team:
    caller(request)
    return _get(Team.objects.select_related("department"), team_id)


@teams.post("", response={201: TeamOut}, summary="Add a team (administrators)")
def create_team(request: HttpRequest, payload: TeamIn) -> Status[Team]:
    actor = require_admin(request)
    return Status(201, services.save_team(actor=actor, **_resolve(payload.model_dump())))


@teams.patch("/{int:team_id}", response=TeamOut, summary="Change a team (administrators)")
def update_team(request: HttpRequest, team_id: int, payload: TeamPatch) -> Team:
    actor = require_admin(request)
    team = _get(Team.objects.select_related("department"), team_id)
    fields = _resolve(as_dict(payload))
    if "department" in fields and fields["department"] is None:
        raise errors.invalid("department_id", errors.default_message(422))
    return services.save_team(actor=actor, team=team, **fields)


@partners.get("", response=list[PartnerOut], summary="List partners and suppliers")
@paginated
def list_partners(
    request: HttpRequest, q: str = "", kind: PartnerKind | None = None, active: bool | None = None
) -> QuerySet[PartnerOrganisation]:
    caller(request)
    found = PartnerOrganisation.objects.all()
    if q := q.strip():
        found = found.filter(name__icontains=q)
    if kind is not None:
        found = found.filter(kind=kind)
    if active is not None:
        found = found.filter(is_active=active)
    return found.order_by("name", "pk")


@partners.get("/{int:partner_id}", response=PartnerOut, summary="One partner or supplier")
def get_partner(request: HttpRequest, partner_id: int) -> PartnerOrganisation:
    caller(request)
    return _get(PartnerOrganisation, partner_id)


@partners.post("", response={201: PartnerOut}, summary="Add a partner or supplier (administrators)")
def create_partner(request: HttpRequest, payload: PartnerIn) -> Status[PartnerOrganisation]:
    actor = require_admin(request)
    return Status(201, services.save_partner(actor=actor, **payload.model_dump()))


@partners.patch(
    "/{int:partner_id}",
    response=PartnerOut,
    summary="Change a partner or supplier (administrators)",
)
def update_partner(
    request: HttpRequest, partner_id: int, payload: PartnerPatch
) -> PartnerOrganisation:
    actor = require_admin(request)
    partner = _get(PartnerOrganisation, partner_id)
    return services.save_partner(actor=actor, partner=partner, **as_dict(payload))


def _get(source: Any, pk: int) -> Any:
    found = (source.objects if hasattr(source, "objects") else source).filter(pk=pk).first()
    if found is None:
        raise errors.not_found()
    return found


router.add_router("/people", people)
router.add_router("/departments", departments)
router.add_router("/teams", teams)
router.add_router("/partners", partners)
