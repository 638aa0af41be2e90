"""Shared fixtures: persona users whose names say their role (as healthchecks' alice/bob/charlie).

The organisation:

    Customer Care (service)            Sales
      Team Alpha: alice (agent), lenny (lead)     Team Hunters: sam (agent)
      Team Beta:  bruno (agent)
      mona (manager of Customer Care)
    erin (executive), ada (admin)

Reports-to: alice -> lenny -> mona -> erin; bruno -> mona; sam -> erin.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation

from everyweek.people.models import Department, DepartmentKind, Person, Role, Team

PASSWORD = "correct horse battery 42"


@dataclass
class Org:
    care: Department
    sales: Department
    alpha: Team
    beta: Team
    hunters: Team
    alice: Person
    bruno: Person
    lenny: Person
    mona: Person
    sam: Person
    erin: Person
    ada: Person

    def client_for(self, person: Person) -> Client:
        client = Client()
        client.force_login(person)
        return client


@pytest.fixture(autouse=True)
def _fast_and_eager(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _no_language_left_behind() -> Any:
    # A request as a person activates their language on this thread; the next test must not inherit it.
    yield
    translation.deactivate()
    timezone.deactivate()


def can_sign_in(email: str, password: str) -> bool:
    """Sign in through the real form (django-axes needs a request, so Client.login won't do)."""
    response = Client().post("/account/login/", {"username": email, "password": password})
    return response.status_code == 302


def make_person(email: str, full_name: str, role: str, **fields: Any) -> Person:
    return Person.objects.create_user(email, PASSWORD, full_name=full_name, role=role, **fields)


@pytest.fixture
def org(db: Any) -> Org:
    care = Department.objects.create(name="Customer Care", kind=DepartmentKind.SERVICE)
    sales = Department.objects.create(name="Sales", kind=DepartmentKind.SALES)
    alpha = Team.objects.create(name="Alpha", department=care)
    beta = Team.objects.create(name="Beta", department=care)
    hunters = Team.objects.create(name="Hunters", department=sales)
    erin = make_person("erin@example.com", "Erin Executive", Role.EXECUTIVE)
    ada = make_person("ada@example.com", "Ada Admin", Role.ADMIN)
    mona = make_person(
        "mona@example.com", "Mona Manager", Role.MANAGER, department=care, reports_to=erin
    )
    lenny = make_person(
        "lenny@example.com", "Lenny Lead", Role.LEAD, department=care, team=alpha, reports_to=mona
    )
    alice = make_person(
        "alice@example.com",
        "Alice Agent",
        Role.AGENT,
        department=care,
        team=alpha,
        reports_to=lenny,
    )
    bruno = make_person(
        "bruno@example.com",
        "Bruno Agent",
        Role.AGENT,
        department=care,
        team=beta,
        reports_to=mona,
        locale="it",
        time_zone="Europe/Rome",
    )
    sam = make_person(
        "sam@example.com", "Sam Seller", Role.AGENT, department=sales, team=hunters, reports_to=erin
    )
    return Org(care, sales, alpha, beta, hunters, alice, bruno, lenny, mona, sam, erin, ada)


# The browser fixtures every app's browser tests share (imported last: they use PASSWORD).
from everyweek.core.tests.browser.fixtures import (  # noqa: E402, F401
    browser,
    new_context,
    page,
    signed_in,
)
