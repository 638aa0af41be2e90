from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.validators import validate_email
from django.http import HttpRequest
from django.test import Client
from django.utils import timezone

from everyweek.core.models import AuditEvent
from everyweek.customers.models import Customer
from everyweek.demo import generator
from everyweek.demo.models import GeneratedObject
from everyweek.feedback import demo_standards
from everyweek.feedback.models import (
    BusinessCalendar,
    Interaction,
    ServiceStandard,
    StandardResult,
    SurveyResponse,
)
from everyweek.people.models import (
    Department,
    PartnerOrganisation,
    Person,
    Role,
    Team,
    validate_time_zone,
)
from everyweek.scorecards import selectors

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def _snapshot() -> list[tuple[str, str, str, str, str, str, str | None]]:
    return list(
        Person.objects.filter(is_generated=True)
        .order_by("employee_id")
        .values_list(
            "email", "full_name", "role", "team__name", "locale", "time_zone", "reports_to__email"
        )
    )


def test_same_seed_gives_the_same_organisation() -> None:
    generator.generate(seed=3, photos=False, with_domains=False)
    first = _snapshot()
    first_customers = list(Customer.objects.order_by("pk").values_list("name", "email"))
    generator.delete_generated()
    generator.generate(seed=3, photos=False, with_domains=False)
    assert _snapshot() == first
    assert list(Customer.objects.order_by("pk").values_list("name", "email")) == first_customers


def test_different_seeds_give_different_people_but_the_same_demo_logins() -> None:
    generator.generate(seed=1, photos=False, with_domains=False)
    first = _snapshot()
    logins = generator.demo_logins()
    generator.delete_generated()
    generator.generate(seed=2, photos=False, with_domains=False)
    second = _snapshot()
    assert [p[1] for p in first] != [p[1] for p in second]
    assert generator.demo_logins() == logins


def test_organisation_has_departments_people_and_three_levels_of_leaders() -> None:
    summary = generator.generate(photos=False, with_domains=False)
    assert Department.objects.count() == summary.departments == 8
    assert 180 <= Person.objects.count() == summary.people <= 220
    assert Person.objects.filter(role=Role.ADMIN).count() == 1
    assert 8 <= PartnerOrganisation.objects.count() <= 10
    assert 550 <= Customer.objects.count() <= 650
    care = Department.objects.get(name="Customer Care")
    assert {"Email & Chat", "Phone", "Technical Support", "Italia", "DACH", "Thailand"} <= set(
        care.teams.values_list("name", flat=True)
    )
    # Customer Care is the largest department.
    sizes = {d.name: d.people.count() for d in Department.objects.all()}
    assert max(sizes, key=lambda name: sizes[name]) == "Customer Care"

    people = {p.pk: p for p in Person.objects.all()}
    for person in people.values():
        if person.role != Role.AGENT:
            continue
        lead = people[person.reports_to_id or 0]
        manager = people[lead.reports_to_id or 0]
        executive = people[manager.reports_to_id or 0]
        assert (lead.role, manager.role, executive.role) == (
            Role.LEAD,
            Role.MANAGER,
            Role.EXECUTIVE,
        ), person.email
        assert lead.team_id == person.team_id
        assert manager.department_id == person.department_id


def test_teams_have_consistent_languages_and_time_zones() -> None:
    generator.generate(photos=False, with_domains=False)
    italia = Person.objects.filter(team__name="Italia")
    assert set(italia.values_list("locale", "time_zone")) == {("it", "Europe/Rome")}
    thailand = Person.objects.filter(team__name="Thailand")
    assert set(thailand.values_list("locale", "time_zone")) == {("th", "Asia/Bangkok")}
    # Thai colleagues go by their nickname.
    assert all(thailand.values_list("preferred_name", flat=True))
    assert set(Customer.objects.values_list("locale", flat=True)) == {
        "en",
        "it",
        "de",
        "th",
        "es",
        "fr",
    }
    # Many Thai customers give their name in Thai script.
    thai_names = Customer.objects.filter(locale="th").values_list("name", flat=True)
    assert any("\u0e00" <= name[0] <= "\u0e7f" for name in thai_names)
    hires = [d for d in Person.objects.values_list("hire_date", flat=True) if d]
    assert (max(hires) - min(hires)).days > 8 * 365


def test_generated_addresses_and_time_zones_are_valid() -> None:
    generator.generate(photos=False, with_domains=False)
    emails = [
        *Person.objects.values_list("email", flat=True),
        *Customer.objects.exclude(email="").values_list("email", flat=True),
        *PartnerOrganisation.objects.values_list("contact_email", flat=True),
    ]
    for email in emails:
        validate_email(email)
    assert len(set(emails)) == len(emails)
    for zone in {
        *Person.objects.values_list("time_zone", flat=True),
        *Customer.objects.values_list("time_zone", flat=True),
    }:
        validate_time_zone(zone)


def test_everything_generated_is_marked_and_deleted_without_touching_real_data(
    org: Any, django_capture_on_commit_callbacks: Any
) -> None:
    real_customer = Customer.objects.create(name="Real Customer", email="real@example.com")
    summary = generator.generate(days=21)
    assert Person.objects.filter(is_generated=True).count() == summary.people
    assert Customer.objects.filter(is_generated=True).count() == summary.customers
    assert summary.photos == summary.people
    agent = Person.objects.get(email="agent@demo.everyweek.test")
    assert Path(agent.photo.path).read_bytes().startswith(b"\x89PNG")
    assert "generated" in summary.describe()
    assert AuditEvent.objects.filter(action="demo.generate").count() == 1

    # A real person moved into a generated team keeps their team after the demo is removed.
    phone = Team.objects.get(name="Phone")
    org.bruno.team, org.bruno.department = phone, phone.department
    org.bruno.save()
    with django_capture_on_commit_callbacks(execute=True):
        generator.delete_generated()

    assert not generator.is_loaded()
    assert not Person.objects.filter(is_generated=True).exists()
    assert not GeneratedObject.objects.exists()
    assert list(Customer.objects.all()) == [real_customer]
    # A year of every domain's data went with it.
    assert summary.domains["feedback"]["responses"] > 0
    assert not Interaction.objects.exists()
    assert not SurveyResponse.objects.exists()
    assert not Path(agent.photo.path).exists()
    assert set(Person.objects.values_list("email", flat=True)) == {
        p.email for p in (org.alice, org.bruno, org.lenny, org.mona, org.sam, org.erin, org.ada)
    }
    assert set(Department.objects.values_list("name", flat=True)) == {
        "Customer Care",
        "Sales",
    }
    assert set(Team.objects.values_list("name", flat=True)) == {"Alpha", "Beta", "Hunters", "Phone"}
    assert PartnerOrganisation.objects.count() == 0


def test_demo_logins_sign_in_with_the_demo_password_and_form_one_chain() -> None:
    generator.generate(photos=False, with_domains=False)
    logins = generator.demo_logins()
    assert logins == [
        ("agent", "agent@demo.everyweek.test"),
        ("lead", "lead@demo.everyweek.test"),
        ("manager", "manager@demo.everyweek.test"),
        ("executive", "executive@demo.everyweek.test"),
        ("admin", "admin@demo.everyweek.test"),
    ]
    for role, email in logins:
        # django-axes needs the request it checks for lockouts.
        assert Client().login(
            request=HttpRequest(), username=email, password=generator.DEMO_PASSWORD
        ), role
        assert not Client().login(request=HttpRequest(), username=email, password="wrong!")
    by_role = {p.role: p for p in Person.objects.filter(email__in=[e for _r, e in logins])}
    assert by_role[Role.AGENT].reports_to == by_role[Role.LEAD]
    assert by_role[Role.LEAD].reports_to == by_role[Role.MANAGER]
    assert by_role[Role.MANAGER].reports_to == by_role[Role.EXECUTIVE]
    assert str(by_role[Role.AGENT].department) == "Customer Care"
    assert by_role[Role.ADMIN].role == Role.ADMIN


def test_demo_command_loads_once() -> None:
    call_command("demo", "--no-serve", "--days", "14", stdout=io.StringIO())
    people, customers = Person.objects.count(), Customer.objects.count()
    out = io.StringIO()
    call_command("demo", "--no-serve", stdout=out)
    assert (Person.objects.count(), Customer.objects.count()) == (people, customers)
    assert "already loaded" in out.getvalue()
    with pytest.raises(generator.DemoAlreadyLoaded):
        generator.generate()
    assert "agent@demo.everyweek.test" in out.getvalue()
    assert Interaction.objects.filter(is_generated=True).exists()


def test_demo_scorecards_show_realistic_service_standard_attainment() -> None:
    summary = generator.generate(photos=False, days=21)
    assert summary.domains["standards"]["standards"] >= 7
    # Two calendars with their countries' public holidays, e.g. Christmas in Italy.
    europe = BusinessCalendar.objects.get(name=demo_standards.EUROPE.name)
    thailand = BusinessCalendar.objects.get(name=demo_standards.THAILAND.name)
    year = timezone.localdate().year
    assert europe.holidays.filter(date=dt.date(year, 12, 25)).exists()
    assert thailand.holidays.filter(date=dt.date(year, 4, 13)).exists()  # Songkran
    assert StandardResult.objects.filter(interaction__is_generated=True).exists()

    organisation = selectors.Subject("organisation", 0, "Organisation")
    today = timezone.localdate()
    period = selectors.period_for("custom", today, today - dt.timedelta(days=21), today)
    card = selectors.build(organisation, period, with_ranking=False)
    values = {line.metric.key: line.value for line in [*card.lines, *card.extra]}
    for key in ("first_response", "resolution"):
        value = values[key]
        assert value is not None and 0 < value < 100, (key, value)
    # Thailand's standard runs on Bangkok hours: it judged only that team's interactions.
    thai = ServiceStandard.objects.get(team__name="Thailand")
    assert set(thai.results.values_list("interaction__team__name", flat=True)) == {"Thailand"}
