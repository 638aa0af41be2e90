from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile

from everyweek.conftest import Org
from everyweek.core.models import AuditEvent
from everyweek.people.imports import import_people_csv
from everyweek.people.models import Department, Person, Team

HR_EXPORT = """Work Email,Name,Role,Department,Team,Manager Email,Job Title,Start Date,Language,Timezone
giulia@example.com,Giulia Bianchi,agent,Customer Care,Italia,marco@example.com,Service Specialist,2021-03-01,it,Europe/Rome
marco@example.com,Marco Rossi,lead,Customer Care,Italia,mona@example.com,Team Lead,15/06/2018,it-IT,Europe/Rome
not-an-email,Broken Row,agent,Customer Care,Italia,,,,,
ploy@example.com,Ploy Srisuk,wizard,Customer Care,Thailand,,,,th,Asia/Bangkok
nok@example.com,Nok Chaiyaporn,agent,Customer Care,Thailand,ghost@example.com,,2022-13-40,th,Asia/Bangkok
hans@example.com,Hans Müller,agent,Customer Care,DACH,,Agent,2020-01-01,de,Europe/Berlin
"""


def _run(text: str, org: Org):  # type: ignore[no-untyped-def]
    return import_people_csv(io.StringIO(text), actor=org.ada)


def test_good_rows_are_kept_and_bad_rows_reported_with_line_and_reason(org: Org) -> None:
    report = _run(HR_EXPORT, org)
    assert report.created == 3
    assert {(e.line, e.column) for e in report.errors} == {
        (4, "email"),
        (5, "role"),
        (6, "hire_date"),
    }
    assert (
        Person.objects.filter(
            email__in=["giulia@example.com", "marco@example.com", "hans@example.com"]
        ).count()
        == 3
    )
    assert not Person.objects.filter(email="ploy@example.com").exists()
    assert "line,column,error" in report.errors_csv()


def test_leaders_are_resolved_wherever_they_appear(org: Org) -> None:
    _run(HR_EXPORT, org)
    giulia = Person.objects.select_related("reports_to__reports_to").get(email="giulia@example.com")
    assert giulia.reports_to is not None
    assert giulia.reports_to.email == "marco@example.com"  # defined later in the file
    assert giulia.skip_leader == org.mona  # already in the database
    assert giulia.team == Team.objects.get(name="Italia", department=org.care)
    assert str(giulia.hire_date) == "2021-03-01"
    marco = Person.objects.get(email="marco@example.com")
    assert str(marco.hire_date) == "2018-06-15"
    assert marco.locale == "it"


def test_unknown_leader_is_reported_but_the_person_is_kept(org: Org) -> None:
    text = "email,full_name,reports_to\nnew@example.com,New Person,ghost@example.com\n"
    report = _run(text, org)
    assert [(e.line, e.column) for e in report.errors] == [(2, "reports_to")]
    assert Person.objects.get(email="new@example.com").reports_to is None


def test_importing_the_same_file_twice_changes_nothing(org: Org) -> None:
    _run(HR_EXPORT, org)
    people_before = list(Person.objects.order_by("pk").values())
    departments_before = Department.objects.count()
    report = _run(HR_EXPORT, org)
    assert report.created == 0
    assert report.updated == 0
    assert report.unchanged == 3
    assert list(Person.objects.order_by("pk").values()) == people_before
    assert Department.objects.count() == departments_before


def test_a_changed_row_updates_the_person(org: Org) -> None:
    _run(HR_EXPORT, org)
    report = _run(HR_EXPORT.replace("Service Specialist", "Senior Specialist"), org)
    assert report.updated == 1
    assert Person.objects.get(email="giulia@example.com").job_title == "Senior Specialist"


def test_missing_required_columns_are_reported_once(org: Org) -> None:
    report = _run("name,team\nSomeone,Alpha\n", org)
    assert len(report.errors) == 1
    assert report.errors[0].line == 1


def test_duplicate_rows_are_reported(org: Org) -> None:
    text = "email,full_name\na@example.com,A\nA@example.com,A again\n"
    report = _run(text, org)
    assert [(e.line, e.column) for e in report.errors] == [(3, "email")]


def test_import_is_audited(org: Org) -> None:
    _run(HR_EXPORT, org)
    event = AuditEvent.objects.get(action="people.import")
    assert event.actor == org.ada
    assert event.changes["created"] == 3


def test_admin_uploads_a_file_and_downloads_the_error_report(org: Org) -> None:
    client = org.client_for(org.ada)
    upload = SimpleUploadedFile(
        "hr.csv", ("\ufeff" + HR_EXPORT).encode("utf-8"), content_type="text/csv"
    )
    response = client.post("/people/import/", {"file": upload})
    body = response.content.decode()
    assert response.status_code == 200
    assert "3 added" in body
    assert "not-an-email" in body
    errors = client.get("/people/import/errors.csv")
    assert errors.status_code == 200
    assert errors.content.decode().splitlines()[1].startswith("4,email")


def test_customer_text_in_an_import_is_escaped(org: Org) -> None:
    client = org.client_for(org.ada)
    text = "email,full_name,role\nx@example.com,<script>alert(1)</script>,boss\n"
    upload = SimpleUploadedFile("hr.csv", text.encode(), content_type="text/csv")
    body = client.post("/people/import/", {"file": upload}).content.decode()
    assert "<script>alert(1)</script>" not in body
