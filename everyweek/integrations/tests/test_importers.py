from __future__ import annotations

import contextlib
import datetime as dt
import io
from typing import Any

import pytest
from openpyxl import Workbook

from everyweek.conftest import Org
from everyweek.core.models import AuditEvent
from everyweek.customers.models import Customer
from everyweek.feedback.models import (
    FollowUpCase,
    Interaction,
    InteractionCredit,
    ServiceStandard,
    StandardResult,
    Survey,
    SurveyResponse,
)
from everyweek.integrations import services
from everyweek.integrations.importers.base import ImportFileError
from everyweek.integrations.models import (
    ColumnMapping,
    ExternalIdentity,
    IdentityStatus,
    PendingCredit,
)
from everyweek.integrations.tests.conftest import fixture_bytes
from everyweek.scorecards.models import DirtyDay

UTC = dt.UTC


def run(
    integration: Any,
    kind: str,
    data: bytes,
    mapping: ColumnMapping | None = None,
    bulk: bool = True,
) -> Any:
    return services.import_file(
        integration=integration, kind=kind, stream=io.BytesIO(data), mapping=mapping, bulk=bulk
    )


def test_zendesk_ratings_become_two_point_csat_and_unknown_assignees_wait(
    org: Org, make_integration: Any
) -> None:
    zendesk = make_integration("zendesk")
    report = run(zendesk, "zendesk_ratings", fixture_bytes("zendesk_satisfaction_ratings.json"))

    assert (report.created, report.skipped, report.error_count) == (2, 1, 0)
    good = SurveyResponse.objects.get(source="zendesk", external_id="35436")
    bad = SurveyResponse.objects.get(source="zendesk", external_id="120447")
    assert (good.csat, good.csat_scale, good.comment) == (2, 2, "Awesome support!")
    assert (bad.csat, bad.reason_codes) == (1, ["zendesk_5"])
    assert good.interaction is not None
    assert good.agent is None and good.interaction.external_id == "208"
    assert FollowUpCase.objects.filter(response=bad).exists()
    assert not FollowUpCase.objects.filter(response=good).exists()
    assert set(ExternalIdentity.objects.values_list("external_id", "status")) == {
        ("135", IdentityStatus.PENDING),
        ("136", IdentityStatus.PENDING),
    }
    assert PendingCredit.objects.filter(response__isnull=False).count() == 2


def test_mapping_an_agent_credits_the_responses_that_waited(
    org: Org, make_integration: Any
) -> None:
    zendesk = make_integration("zendesk")
    run(zendesk, "zendesk_ratings", fixture_bytes("zendesk_satisfaction_ratings.json"))
    bruno_in_zendesk = ExternalIdentity.objects.get(external_id="136")

    count = services.map_identity(actor=org.ada, identity=bruno_in_zendesk, person=org.bruno)

    bad = SurveyResponse.objects.get(external_id="120447")
    assert count == 2  # the response and its ticket
    assert bad.interaction is not None
    assert (bad.agent, bad.team) == (org.bruno, org.beta)
    assert bad.interaction.agent == org.bruno
    assert InteractionCredit.objects.get(interaction=bad.interaction).person == org.bruno
    case = FollowUpCase.objects.get(response=bad)
    assert (case.agent, case.owner) == (org.bruno, org.mona)
    # A re-import now finds the mapping and changes nothing.
    again = run(zendesk, "zendesk_ratings", fixture_bytes("zendesk_satisfaction_ratings.json"))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_zendesk_metrics_complete_the_ticket_without_losing_its_agent(
    org: Org, make_integration: Any
) -> None:
    zendesk = make_integration("zendesk")
    run(zendesk, "zendesk_ratings", fixture_bytes("zendesk_satisfaction_ratings.json"))
    services.map_identity(
        actor=org.ada, identity=ExternalIdentity.objects.get(external_id="135"), person=org.alice
    )

    report = run(zendesk, "zendesk_metrics", fixture_bytes("zendesk_ticket_metrics.json"))

    assert (report.created, report.updated) == (0, 2)
    ticket = Interaction.objects.get(source="zendesk", external_id="208")
    created = dt.datetime(2011, 7, 20, 10, 30, tzinfo=UTC)
    assert ticket.agent == org.alice
    assert ticket.created_at == created
    assert ticket.first_response_at == created + dt.timedelta(minutes=45)
    assert ticket.resolved_at == dt.datetime(2011, 7, 20, 22, 50, tzinfo=UTC)
    assert (ticket.pending_seconds, ticket.reopen_count, ticket.reply_count, ticket.status) == (
        7200,
        1,
        3,
        "solved",
    )
    assert (
        run(zendesk, "zendesk_metrics", fixture_bytes("zendesk_ticket_metrics.json")).unchanged == 2
    )


def test_freshdesk_ratings_land_on_the_surveys_scale(org: Org, make_integration: Any) -> None:
    survey = Survey.objects.create(name="Classic", csat_scale=3)
    freshdesk = make_integration("freshdesk", survey=survey)

    report = run(
        freshdesk, "freshdesk_ratings", fixture_bytes("freshdesk_satisfaction_ratings.json")
    )

    assert report.created == 3
    scores = dict(SurveyResponse.objects.values_list("external_id", "csat"))
    assert scores == {"102": 3, "112": 2, "113": 1}
    assert set(SurveyResponse.objects.values_list("csat_scale", flat=True)) == {3}
    assert FollowUpCase.objects.filter(response__external_id="113").exists()


def test_freshdesk_ticket_export_derives_missing_times_and_reports_bad_rows(
    org: Org, make_integration: Any
) -> None:
    freshdesk = make_integration("freshdesk")

    report = run(freshdesk, "freshdesk_tickets", fixture_bytes("freshdesk_tickets.csv"))

    assert (report.created, report.error_count) == (3, 1)
    assert (report.errors[0].line, report.errors[0].field) == (5, "Created time")
    phone = Interaction.objects.get(source="freshdesk", external_id="433")
    created = dt.datetime(2015, 8, 27, 9, 0, tzinfo=UTC)
    assert (phone.channel, phone.priority, phone.status) == ("phone", "high", "solved")
    assert phone.first_response_at == created + dt.timedelta(hours=1.5)
    assert phone.resolved_at == created + dt.timedelta(hours=3)
    closed = Interaction.objects.get(external_id="432")
    assert closed.tags == ["login", "password"]
    assert closed.resolved_at == dt.datetime(2015, 8, 27, 15, 30, tzinfo=UTC)
    alice = ExternalIdentity.objects.get(external_id="name:alice agent")
    assert list(services.suggestions(alice)) == [org.alice]


def test_capitalisation_of_the_export_headers_does_not_matter(
    org: Org, make_integration: Any
) -> None:
    freshdesk = make_integration("freshdesk")
    data = (
        fixture_bytes("freshdesk_tickets.csv")
        .replace(b"Ticket ID", b"TICKET ID")
        .replace(b"Created time", b"Created Time")
    )
    assert run(freshdesk, "freshdesk_tickets", data).created == 3


SURVEY_CSV = (
    "Response ID,Submitted At,Rating,Comment,Agent Email,Ticket ID,Customer Email,Language\n"
    "R1,2026-03-01T10:00:00Z,5,Great help,alice@example.com,T1,laura@example.com,it\n"
    "R2,2026-03-01 11:00:00,1,Too slow,bruno@example.com,T2,hans@example.com,de\n"
    "R3,not a date,4,,alice@example.com,T3,,en\n"
    "R4,2026-03-02T10:00:00Z,9,,alice@example.com,T4,,en\n"
    "R5,2026-03-02T11:00:00Z,,,alice@example.com,T5,,en\n"
    "R6,2026-03-02T12:00:00Z,3,,someone@outsourcer.example,T2,laura@example.com,th\n"
)


def survey_columns() -> ColumnMapping:
    return services.save_column_mapping(
        actor=None,
        name="Survey export",
        columns={
            "response_id": "Response ID",
            "date": "Submitted At",
            "score": "Rating",
            "comment": "Comment",
            "agent_email": "Agent Email",
            "ticket_id": "Ticket ID",
            "customer_email": "Customer Email",
            "language": "Language",
        },
    )


@pytest.mark.parametrize("bulk", [True, False])
def test_a_spreadsheet_keeps_every_good_row_and_reports_each_bad_one(
    org: Org, make_integration: Any, bulk: bool
) -> None:
    generic = make_integration("generic")

    report = run(generic, "spreadsheet", SURVEY_CSV.encode(), survey_columns(), bulk=bulk)

    assert (report.created, report.error_count) == (3, 3)
    assert [(e.line, e.field) for e in report.errors] == [(4, "date"), (5, "csat"), (6, "score")]
    assert "outside 1-5" in report.errors[1].reason
    r1 = SurveyResponse.objects.get(external_id="R1")
    assert r1.customer is not None
    assert (r1.agent, r1.team, r1.language, r1.customer.email) == (
        org.alice,
        org.alpha,
        "it",
        "laura@example.com",
    )
    r6 = SurveyResponse.objects.get(external_id="R6")
    assert r6.agent == org.bruno  # unknown agent: credited to the ticket's agent
    assert (
        ExternalIdentity.objects.get(email="someone@outsourcer.example").status
        == IdentityStatus.PENDING
    )
    assert Interaction.objects.filter(source="generic").count() == 2
    assert FollowUpCase.objects.get(response__external_id="R2").owner == org.mona


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_apostrophes_in_cells_are_text_and_the_delimiter_comes_from_the_header(
    org: Org, make_integration: Any, delimiter: str
) -> None:
    # A lone ' used to be taken for the quote character and swallowed the rows that followed.
    lines = [line.split(",") for line in SURVEY_CSV.splitlines()]
    lines[1][3], lines[2][3], lines[6][3] = "'", "'", "l'agente"
    lines.append(['"Q7"', "2026-03-03T10:00:00Z", "2", '"a; b, c"', "", "", "", ""])
    data = "\n".join(delimiter.join(cells) for cells in lines) + "\n"

    report = run(make_integration("generic"), "spreadsheet", data.encode(), survey_columns())

    assert [(e.line, e.field) for e in report.errors] == [(4, "date"), (5, "csat"), (6, "score")]
    assert report.created == 4
    comments = dict(SurveyResponse.objects.values_list("external_id", "comment"))
    assert [comments[key] for key in ("R1", "R2", "R6", "Q7")] == ["'", "'", "l'agente", "a; b, c"]


def test_importing_the_same_file_again_changes_nothing(org: Org, make_integration: Any) -> None:
    generic = make_integration("generic")
    columns = survey_columns()
    run(generic, "spreadsheet", SURVEY_CSV.encode(), columns)
    before = list(SurveyResponse.objects.values_list("external_id", "updated_at").order_by("pk"))
    audits = AuditEvent.objects.count()

    again = run(generic, "spreadsheet", SURVEY_CSV.encode(), columns)

    assert (again.created, again.updated, again.unchanged, again.error_count) == (0, 0, 3, 3)
    assert (
        list(SurveyResponse.objects.values_list("external_id", "updated_at").order_by("pk"))
        == before
    )
    assert AuditEvent.objects.count() == audits + 1  # only the import itself is recorded


def test_an_excel_file_imports_like_a_csv(org: Org, make_integration: Any) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Response ID", "Submitted At", "Rating", "Comment", "Agent Email"])
    sheet.append(["X1", dt.datetime(2026, 3, 1, 10, 0), 4, "Bene", "alice@example.com"])
    sheet.append([2, "2026-03-01T11:00:00Z", 2.0, None, "bruno@example.com"])
    out = io.BytesIO()
    book.save(out)
    generic = make_integration("generic")
    columns = services.save_column_mapping(
        actor=None,
        name="Excel",
        columns={
            "response_id": "Response ID",
            "date": "Submitted At",
            "score": "Rating",
            "comment": "Comment",
            "agent_email": "Agent Email",
        },
    )

    report = run(generic, "spreadsheet", out.getvalue(), columns)

    assert (report.created, report.error_count) == (2, 0)
    assert SurveyResponse.objects.get(external_id="2").agent == org.bruno


def test_a_file_that_is_not_what_it_claims_stores_nothing(org: Org, make_integration: Any) -> None:
    zendesk = make_integration("zendesk")
    with pytest.raises(ImportFileError, match="not valid JSON"):
        run(zendesk, "zendesk_ratings", b"Ticket ID,Subject\n1,hello\n")
    with pytest.raises(ImportFileError, match="satisfaction_ratings"):
        run(zendesk, "zendesk_ratings", b'{"tickets": []}')
    assert not SurveyResponse.objects.exists()


def by_repr(items: Any) -> list[Any]:
    return sorted(items, key=repr)


def snapshot() -> dict[str, Any]:
    """Everything an import stores, with ids replaced by natural keys."""
    responses = by_repr(
        (
            r.external_id,
            r.interaction.external_id if r.interaction else None,
            r.customer.email if r.customer else None,
            r.agent.email if r.agent else None,
            r.team.name if r.team else None,
            r.channel,
            r.nps,
            r.csat,
            r.csat_scale,
            r.ces,
            r.comment,
            tuple(r.reason_codes),
            r.language,
            r.submitted_at,
            r.is_generated,
        )
        for r in SurveyResponse.objects.select_related("interaction", "customer", "agent", "team")
    )
    interactions = by_repr(
        (
            i.source,
            i.external_id,
            i.created_at,
            i.channel,
            i.customer.email if i.customer else None,
            i.agent.email if i.agent else None,
            i.team_id,
            i.status,
            i.priority,
            i.resolved_at,
            tuple(i.tags),
            tuple(sorted((c.person.email, c.weight, c.replies) for c in i.credits.all())),
            tuple(
                sorted((s.standard_id, s.met) for s in i.standard_results.all())
            ),  # elapsed grows with time
        )
        for i in Interaction.objects.select_related("customer", "agent")
    )
    cases = by_repr(
        (c.response.external_id, c.reason, c.agent_id, c.owner_id, c.status)
        for c in FollowUpCase.objects.select_related("response")
    )
    pending = by_repr(
        (
            p.identity.external_id,
            p.response.external_id if p.response else None,
            p.interaction.external_id if p.interaction else None,
        )
        for p in PendingCredit.objects.select_related("identity", "response", "interaction")
    )
    return {
        "responses": responses,
        "interactions": interactions,
        "cases": cases,
        "pending": pending,
        "customers": sorted(Customer.objects.values_list("email", "name", "locale")),
        "identities": sorted(
            ExternalIdentity.objects.values_list("external_id", "email", "person_id", "status"),
            key=repr,
        ),
        "case_audits": AuditEvent.objects.filter(action="follow_up.open").count(),
        # What the scorecards' rollups were told to recompute.
        "rollup_marks": set(DirtyDay.objects.values_list("agent_id_value", "team_id_value", "day")),
    }


def wipe() -> None:
    FollowUpCase.objects.all().delete()
    SurveyResponse.objects.all().delete()
    Interaction.objects.all().delete()
    Customer.objects.all().delete()
    ExternalIdentity.objects.all().delete()
    AuditEvent.objects.filter(action="follow_up.open").delete()
    DirtyDay.objects.all().delete()


@pytest.mark.parametrize("parallel", [False, True], ids=["one process", "file read in a child"])
def test_the_bulk_path_stores_exactly_what_record_response_stores(
    org: Org, make_integration: Any, monkeypatch: pytest.MonkeyPatch, parallel: bool
) -> None:
    ServiceStandard.objects.create(
        name="Solved in a day", metric="resolution", threshold_minutes=1440
    )
    lines = [
        "Response ID,Date,NPS,Comment,Agent Email,Ticket ID,Customer Email,Language,Channel,Reason"
    ]
    agents = ["alice@example.com", "bruno@example.com", "ghost@elsewhere.example", ""]
    for n in range(120):
        lines.append(
            ",".join(
                [
                    f"B{n % 100}",  # ids 0-19 come twice: the second row updates the first
                    f"2026-0{1 + n % 9}-1{n % 10}T0{n % 10}:15:00Z",
                    str(n % 11),
                    f"comment {n}" if n % 3 else "",
                    agents[n % 4],
                    f"TK{n % 37}" if n % 5 else "",
                    f"c{n % 13}@mail.example" if n % 2 else "",
                    ["en", "it", "de", "th"][n % 4],
                    ["email", "chat", ""][n % 3],
                    "waiting_time" if n % 11 < 4 else "",
                ]
            )
        )
    data = ("\n".join(lines) + "\n").encode()
    generic = make_integration("generic")
    columns = services.save_column_mapping(
        actor=None,
        name="NPS export",
        score_kind="nps",
        columns={
            "response_id": "Response ID",
            "date": "Date",
            "score": "NPS",
            "comment": "Comment",
            "agent_email": "Agent Email",
            "ticket_id": "Ticket ID",
            "customer_email": "Customer Email",
            "language": "Language",
            "channel": "Channel",
            "reason": "Reason",
        },
    )

    per_row = run(generic, "spreadsheet", data, columns, bulk=False)
    reference = snapshot()
    wipe()
    # Any file counts as large: the bulk path then parses in a forked child process.
    monkeypatch.setenv("EVERYWEEK_IMPORT_PARALLEL_ROWS", "1" if parallel else "0")
    bulk = run(generic, "spreadsheet", data, columns, bulk=True)

    assert snapshot() == reference
    assert (bulk.created, bulk.updated, bulk.unchanged) == (
        per_row.created,
        per_row.updated,
        per_row.unchanged,
    )
    assert reference["cases"] and reference["pending"] and reference["rollup_marks"]
    assert StandardResult.objects.exists()


@pytest.mark.parametrize("bulk", [True, False])
def test_every_imported_comment_is_analysed_as_record_response_does(
    org: Org, make_integration: Any, django_capture_on_commit_callbacks: Any, bulk: bool
) -> None:
    from everyweek.analysis.models import TextAnalysis

    generic = make_integration("generic")
    with django_capture_on_commit_callbacks(execute=True):
        run(generic, "spreadsheet", SURVEY_CSV.encode(), survey_columns(), bulk=bulk)

    with_comment = set(SurveyResponse.objects.exclude(comment="").values_list("pk", flat=True))
    assert (
        with_comment
        and set(TextAnalysis.objects.values_list("response_id", flat=True)) == with_comment
    )


def test_tickets_resolved_through_an_import_get_their_survey_planned_once(
    org: Org, make_integration: Any
) -> None:
    from everyweek.feedback.models import InvitationStatus, SurveyInvitation

    freshdesk = make_integration("freshdesk")
    now = dt.datetime.now(UTC).replace(microsecond=0)
    fmt = "%Y-%m-%d %H:%M:%S"
    created, resolved = (
        (now - dt.timedelta(hours=3)).strftime(fmt),
        (now - dt.timedelta(hours=1)).strftime(fmt),
    )
    data = (
        "Ticket ID,Subject,Status,Agent,Created time,Resolved time,Requester email\n"
        f"900,Parcel lost,Resolved,Alice Agent,{created},{resolved},carla@example.net\n"
        f"901,Still open,Open,Alice Agent,{created},,dora@example.net\n"
        "902,Old ticket,Closed,Alice Agent,2015-08-27 08:00:00,2015-08-27 15:30:00,"
        "emil@example.net\n"
    ).encode()

    assert run(freshdesk, "freshdesk_tickets", data).created == 3

    invitation = SurveyInvitation.objects.get()
    assert invitation.interaction.external_id == "900"
    assert invitation.status == InvitationStatus.SCHEDULED
    assert invitation.customer is not None and invitation.customer.email == "carla@example.net"
    # Importing again (or the open ticket being resolved later) never plans a second survey.
    later = data.replace(b"901,Still open,Open", b"901,Still open,Resolved").replace(
        f"{created},,dora".encode(), f"{created},{resolved},dora".encode()
    )
    run(freshdesk, "freshdesk_tickets", later)
    run(freshdesk, "freshdesk_tickets", later)
    assert sorted(SurveyInvitation.objects.values_list("interaction__external_id", flat=True)) == [
        "900",
        "901",
    ]


@pytest.mark.parametrize("fails", [False, True])
def test_a_bulk_import_collects_garbage_rarely_and_puts_the_collector_back(
    org: Org, make_integration: Any, fails: bool
) -> None:
    import gc

    before = (gc.get_threshold(), gc.get_freeze_count(), gc.isenabled())
    during: list[tuple[int, int, int]] = []

    def on_chunk(report: Any, problems: Any) -> None:
        during.append(gc.get_threshold())
        if fails:
            raise RuntimeError("stopped half-way")

    outcome = pytest.raises(RuntimeError) if fails else contextlib.nullcontext()
    with outcome:
        services.import_file(
            integration=make_integration("generic"),
            kind="spreadsheet",
            stream=io.BytesIO(SURVEY_CSV.encode()),
            mapping=survey_columns(),
            on_chunk=on_chunk,
        )
    # A failed import's chunk rolled back with its transaction.
    assert SurveyResponse.objects.exists() is not fails
    assert during and during[0][0] > before[0][0]
    assert (gc.get_threshold(), gc.get_freeze_count(), gc.isenabled()) == before


@pytest.mark.django_db(transaction=True)  # temp_store cannot change inside a transaction
def test_a_large_import_on_sqlite_gives_the_connection_its_own_settings_back(
    org: Org, make_integration: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("the fast load (indexes dropped, PRAGMAs) is SQLite's")
    monkeypatch.setenv("EVERYWEEK_IMPORT_FAST_LOAD_ROWS", "1")
    names = ("cache_size", "temp_store", "threads", "wal_autocheckpoint")

    def settings() -> list[int]:
        with connection.cursor() as cursor:
            found = []
            for name in names:
                cursor.execute(f"PRAGMA {name}")
                found.append(cursor.fetchone()[0])
            return found

    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size = -4000")
        cursor.execute("PRAGMA temp_store = 1")
        cursor.execute("PRAGMA wal_autocheckpoint = 500")
    before = settings()
    during: list[list[int]] = []
    run_report = services.import_file(
        integration=make_integration("generic"),
        kind="spreadsheet",
        stream=io.BytesIO(SURVEY_CSV.encode()),
        mapping=survey_columns(),
        on_chunk=lambda report, problems: during.append(settings()),
    )
    assert run_report.created
    assert during[0] == [-262144, 2, 2, 16384]
    assert settings() == before == [-4000, 1, 0, 500]


def test_ids_and_addresses_with_a_nul_character_are_row_problems_not_a_crash(
    org: Org, make_integration: Any
) -> None:
    # No database stores NUL in text (PostgreSQL refuses the whole statement), so such a row
    # is reported and the others kept. (A NUL in the first 4 KB means "not a CSV file".)
    good = "".join(
        f"P{n},2026-03-01T10:00:00Z,5,fine,alice@example.com,,laura@example.com,it\n"
        for n in range(80)
    )
    data = (
        "Response ID,Submitted At,Rating,Comment,Agent Email,Ticket ID,Customer Email,Language\n"
        + good
        + "R\x002,2026-03-01T10:00:00Z,5,fine,alice@example.com,,,it\n"
        "R3,2026-03-01T10:00:00Z,4,fine,alice@example.com,T\x003,,it\n"
        "R4,2026-03-01T10:00:00Z,4,fine\x00 indeed,alice@example.com,,hans\x00@example.com,de\n"
    ).encode()
    report = run(make_integration("generic"), "spreadsheet", data, survey_columns())

    assert [(e.line, e.field) for e in report.errors] == [(82, "response_id"), (83, "ticket_id")]
    r4 = SurveyResponse.objects.get(external_id="R4")
    assert (r4.comment, r4.customer) == ("fine indeed", None)
    assert SurveyResponse.objects.count() == 81
