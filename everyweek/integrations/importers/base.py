"""The import engine: parsed rows in, stored interactions and responses out.

Every importer (Zendesk, Freshdesk, spreadsheets) and every webhook turns the vendor's data
into `ResponseRow`s or `InteractionRow`s. `Importer` then, chunk by chunk:

1. resolves agents (external ids and emails -> people, unknown ones queued for mapping),
   customers (by email, created when new) and tickets (interactions; a ticket not imported
   yet gets a minimal interaction that a later helpdesk import completes);
2. works out what `record_response` would store and compares it with what is stored, so a
   re-run counts every row as unchanged and writes nothing;
3. writes the rest either per row through `feedback.services.record_response` (webhooks,
   small files, the reference) or through the bulk path (`BulkResponseWriter`): one
   executemany INSERT … ON CONFLICT per chunk plus bulk follow-up cases. A test proves both
   store the same thing.

Each chunk is one transaction, together with the progress counters: the progress bar moves,
and an import stopped half-way is simply run again (nothing already stored changes).
Policy for bad rows: every good row is kept; every bad row is reported with its line, field
and reason, and nothing of it is stored.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from everyweek.core.fastsql import copy_rows
from everyweek.core.models import AuditEvent
from everyweek.core.tasks import enqueue_on_commit, enqueue_with_transaction
from everyweek.customers.models import Customer
from everyweek.feedback import tasks as feedback_tasks
from everyweek.feedback.invitations import MAX_AGE_TO_EMAIL
from everyweek.feedback.models import (
    FeedbackSettings,
    FollowUpCase,
    FollowUpReason,
    Interaction,
    InteractionCredit,
    ServiceStandard,
    Survey,
    SurveyResponse,
)
from everyweek.feedback.services import (
    FeedbackError,
    InteractionInput,
    ResponseInput,
    record_interaction,
    record_response,
    validate_scores,
)
from everyweek.integrations.models import (
    ExternalIdentity,
    IdentityStatus,
    Integration,
    PendingCredit,
)
from everyweek.people.models import Person

CHUNK_SIZE = 5000
UTC = dt.UTC


class ImportFileError(FeedbackError):
    """The file as a whole cannot be read (not JSON, not a spreadsheet, no usable columns)."""


@dataclass(slots=True)
class AgentRef:
    external_id: str = ""
    email: str = ""
    name: str = ""

    @property
    def key(self) -> str:
        if self.external_id:
            return self.external_id
        if self.email:
            return f"email:{self.email}"
        return f"name:{self.name.strip().lower()}"[:150] if self.name.strip() else ""


@dataclass(slots=True)
class ResponseRow:
    line: int
    external_id: str
    submitted_at: dt.datetime
    nps: int | None = None
    csat: int | None = None
    csat_scale: int = 5
    ces: int | None = None
    comment: str = ""
    reason_codes: list[str] = field(default_factory=list)
    language: str = ""
    channel: str = ""
    agent: AgentRef | None = None
    customer_email: str = ""
    customer_name: str = ""
    ticket_id: str = ""


@dataclass(slots=True)
class InteractionRow:
    """A ticket; fields left as None keep what is already stored (a merge, not a replace)."""

    line: int
    external_id: str
    created_at: dt.datetime
    channel: str | None = None
    subject: str | None = None
    priority: str | None = None
    status: str | None = None
    first_response_at: dt.datetime | None = None
    resolved_at: dt.datetime | None = None
    handle_time_seconds: int | None = None
    pending_seconds: int | None = None
    reopen_count: int | None = None
    reply_count: int | None = None
    tags: list[str] | None = None
    agent: AgentRef | None = None
    customer_email: str = ""
    customer_name: str = ""


@dataclass(slots=True)
class RowProblem:
    line: int
    field: str
    reason: str


@dataclass(slots=True)
class Skipped:
    """A row that is valid but carries nothing to store (e.g. a survey offered, not answered)."""

    line: int


Parsed = ResponseRow | InteractionRow | RowProblem | Skipped


@dataclass
class ImportReport:
    total: int = 0
    processed: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    error_count: int = 0
    errors: list[RowProblem] = field(default_factory=list)
    response_ids: list[int] = field(default_factory=list)

    KEEP_ERRORS = 1000

    def add_errors(self, problems: list[RowProblem]) -> None:
        self.error_count += len(problems)
        room = self.KEEP_ERRORS - len(self.errors)
        if room > 0:
            self.errors.extend(problems[:room])


Progress = Callable[[ImportReport, list[RowProblem]], None]


@dataclass(slots=True)
class PersonInfo:
    pk: int
    team_id: int | None
    reports_to_id: int | None


@dataclass(slots=True)
class AgentResolution:
    identity_id: int
    person: PersonInfo | None
    pending: bool


@dataclass(slots=True)
class InteractionInfo:
    pk: int
    agent_id: int | None
    customer_id: int | None
    team_id: int | None
    channel: str


# What `record_response` stores, in this order; compared with the stored row to count changes.
COMPARED = (
    "interaction_id",
    "survey_id",
    "customer_id",
    "agent_id",
    "team_id",
    "channel",
    "nps",
    "csat",
    "csat_scale",
    "ces",
    "comment",
    "reason_codes",
    "language",
    "submitted_at",
    "is_generated",
)


def select_in(sql: str, fixed: list[Any], keys: list[Any]) -> list[tuple[Any, ...]]:
    """Run `sql` (ending in "IN") for `keys`, in slices; raw SQL because the ORM's `__in`
    costs several microseconds per value, which adds up over a million rows."""
    found: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        for start in range(0, len(keys), 5000):
            part = keys[start : start + 5000]
            cursor.execute(f"{sql} ({', '.join(['%s'] * len(part))})", [*fixed, *part])
            found.extend(cursor.fetchall())
    return found


def table(model: type[Any]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


class Resolver:
    """Agents, customers and tickets for one integration, cached across chunks."""

    PRELOAD_CUSTOMERS = 500_000

    def __init__(self, integration: Integration) -> None:
        self.integration = integration
        self.ticket_source = str(integration.config.get("ticket_source") or integration.source)
        self.agents: dict[str, AgentResolution] = {}
        self.customers: dict[str, int] = {}
        self._customers_loaded = False
        self._customers_complete = False
        self._people_by_email: dict[str, PersonInfo] | None = None
        self._people_by_pk: dict[int, PersonInfo] = {}

    # --- people ---------------------------------------------------------------------
    def _load_people(self) -> dict[str, PersonInfo]:
        if self._people_by_email is None:
            self._people_by_email = {}
            for pk, email, team_id, reports_to_id, active in Person.objects.values_list(
                "pk", "email", "team_id", "reports_to_id", "is_active"
            ):
                info = PersonInfo(pk, team_id, reports_to_id)
                self._people_by_pk[pk] = info
                if active:
                    self._people_by_email[email.lower()] = info
        return self._people_by_email

    def person(self, pk: int | None) -> PersonInfo | None:
        if pk is None:
            return None
        self._load_people()
        return self._people_by_pk.get(pk)

    def resolve_agents(self, refs: Iterable[AgentRef]) -> None:
        wanted: dict[str, AgentRef] = {}
        for ref in refs:
            key = ref.key
            if key and key not in self.agents and key not in wanted:
                wanted[key] = ref
        if not wanted:
            return
        people = self._load_people()
        found = ExternalIdentity.objects.filter(
            integration=self.integration, external_id__in=list(wanted)
        ).values_list("external_id", "pk", "person_id", "status")
        for key, pk, person_id, status in found:
            self._remember(key, pk, person_id, status)
            wanted.pop(key, None)
        if not wanted:
            return
        new = []
        for key, ref in wanted.items():
            # An exact match on a colleague's address maps at once; ids and names wait.
            match = people.get(ref.email) if ref.email else None
            new.append(
                ExternalIdentity(
                    integration=self.integration,
                    external_id=key,
                    email=ref.email,
                    name=ref.name[:150],
                    person_id=match.pk if match else None,
                    status=IdentityStatus.MAPPED if match else IdentityStatus.PENDING,
                )
            )
        ExternalIdentity.objects.bulk_create(new, ignore_conflicts=True)
        for key, pk, person_id, status in ExternalIdentity.objects.filter(
            integration=self.integration, external_id__in=list(wanted)
        ).values_list("external_id", "pk", "person_id", "status"):
            self._remember(key, pk, person_id, status)

    def _remember(self, key: str, pk: int, person_id: int | None, status: str) -> None:
        person = self.person(person_id) if status == IdentityStatus.MAPPED else None
        self.agents[key] = AgentResolution(pk, person, status == IdentityStatus.PENDING)

    def agent(self, ref: AgentRef | None) -> AgentResolution | None:
        if ref is None or not ref.key:
            return None
        return self.agents.get(ref.key)

    # --- customers ---------------------------------------------------------------------
    def resolve_customers(self, pairs: Iterable[tuple[str, str, str]]) -> None:
        """(email, name, language) triples -> customer ids; new addresses become customers."""
        if not self._customers_loaded:
            self._customers_loaded = True
            if Customer.objects.count() <= self.PRELOAD_CUSTOMERS:
                self._customers_complete = True
                for email, pk in (
                    Customer.objects.exclude(email="").order_by("-pk").values_list("email", "pk")
                ):
                    self.customers[email] = pk  # newest first, so the oldest wins
        wanted: dict[str, tuple[str, str]] = {}
        for email, name, language in pairs:
            if email and email not in self.customers and email not in wanted:
                wanted[email] = (name, language)
        if not wanted:
            return
        by_email = f"SELECT email, id FROM {table(Customer)} WHERE email IN"  # noqa: S608
        if not self._customers_complete:
            for email, pk in sorted(
                select_in(by_email, [], list(wanted)), key=lambda pair: -pair[1]
            ):
                self.customers[email] = pk
                wanted.pop(email, None)
        if wanted:
            # Raw executemany, then one look-up: bulk_create costs ~100 µs per customer here.
            insert = RawInsert(Customer, ["name", "email", "locale"])
            insert.run(
                [
                    ((name or email)[:200], email, (language or "en")[:10])
                    for email, (name, language) in wanted.items()
                ]
            )
            for email, pk in sorted(
                select_in(by_email, [], list(wanted)), key=lambda pair: -pair[1]
            ):
                self.customers[email] = pk

    # --- tickets ------------------------------------------------------------------------
    def interactions(self, ticket_ids: Iterable[str]) -> dict[str, InteractionInfo]:
        ids = list({t for t in ticket_ids if t})
        if not ids:
            return {}
        return {
            ext: InteractionInfo(pk, agent_id, customer_id, team_id, channel)
            for ext, pk, agent_id, customer_id, team_id, channel in select_in(
                "SELECT external_id, id, agent_id, customer_id, team_id, channel "  # noqa: S608 - quoted table names; values are parameters
                f"FROM {table(Interaction)} WHERE source = %s AND external_id IN",
                [self.ticket_source],
                ids,
            )
        }


@dataclass(slots=True)
class Planned:
    """One response as `record_response` would store it (values in COMPARED order)."""

    row: ResponseRow
    values: list[Any]
    agent: AgentResolution | None
    stub_ticket: str = ""  # a ticket to create first; its id then fills values[0]


I_INTERACTION, I_AGENT, I_NPS, I_CSAT, I_SCALE = 0, 3, 6, 7, 8
I_REASONS, I_SUBMITTED = 11, 13


class ResponseImporter:
    """Stores `ResponseRow`s for one integration, per row or in bulk, counting what changed."""

    def __init__(
        self, integration: Integration, *, bulk: bool = True, collect_ids: bool = False
    ) -> None:
        self.integration = integration
        self.bulk = bulk
        self.collect_ids = collect_ids
        self.resolver = Resolver(integration)
        self.survey: Survey | None = integration.survey
        self.config = FeedbackSettings.load()
        self.standards = list(ServiceStandard.objects.filter(is_active=True))
        self.writer = BulkResponseWriter(self) if bulk else None
        # A source with no responses yet needs no look-ups, only a memory of this import's ids.
        self.fresh = not SurveyResponse.objects.filter(source=integration.source).exists()
        self.seen: set[str] = set()

    # --- planning ---------------------------------------------------------------------
    def plan(self, rows: list[ResponseRow]) -> tuple[list[Planned], dict[str, ResponseRow]]:
        r = self.resolver
        r.resolve_agents(row.agent for row in rows if row.agent is not None)
        r.resolve_customers(
            (row.customer_email, row.customer_name, row.language)
            for row in rows
            if row.customer_email
        )
        tickets = r.interactions(row.ticket_id for row in rows if row.ticket_id)
        stubs: dict[str, ResponseRow] = {}
        planned = []
        survey_id = self.survey.pk if self.survey else None
        agents = r.agents
        customers = r.customers
        person = r.person
        for row in rows:
            ref = row.agent
            agent = agents.get(ref.key) if ref is not None else None
            agent_id = agent.person.pk if agent is not None and agent.person is not None else None
            customer_id = customers.get(row.customer_email) if row.customer_email else None
            info = tickets.get(row.ticket_id) if row.ticket_id else None
            stub = ""
            if info is None and row.ticket_id:
                stub = row.ticket_id
                first = stubs.setdefault(stub, row)
                # The stub carries the first row's agent, customer and channel.
                first_agent = agents.get(first.agent.key) if first.agent is not None else None
                stub_agent = first_agent.person if first_agent is not None else None
                info = InteractionInfo(
                    0,
                    stub_agent.pk if stub_agent else None,
                    customers.get(first.customer_email) if first.customer_email else None,
                    stub_agent.team_id if stub_agent else None,
                    first.channel or "email",
                )
            if info is None:
                final_agent = agent_id
                team_id = None
                final_customer = customer_id
                channel = row.channel
                interaction_id = None
            else:
                final_agent = agent_id if agent_id is not None else info.agent_id
                team_id = info.team_id
                final_customer = customer_id if customer_id else info.customer_id
                channel = row.channel or info.channel
                interaction_id = info.pk or None
            if team_id is None and final_agent is not None:
                if (
                    agent is not None
                    and agent.person is not None
                    and agent.person.pk == final_agent
                ):
                    team_id = agent.person.team_id
                else:
                    found = person(final_agent)
                    team_id = found.team_id if found else None
            values = [
                interaction_id,
                survey_id,
                final_customer,
                final_agent,
                team_id,
                channel,
                row.nps,
                row.csat,
                row.csat_scale,
                row.ces,
                row.comment,
                row.reason_codes,
                row.language,
                row.submitted_at,
                False,
            ]
            planned.append(Planned(row, values, agent, stub))
        return planned, stubs

    def existing(self, external_ids: list[str]) -> dict[str, tuple[int, list[Any]]]:
        if self.fresh:
            known = [e for e in external_ids if e in self.seen]
            self.seen.update(external_ids)
            if not known:
                return {}
            external_ids = known
        found: dict[str, tuple[int, list[Any]]] = {}
        for values in SurveyResponse.objects.filter(
            source=self.integration.source, external_id__in=external_ids
        ).values_list("external_id", "pk", *COMPARED):
            found[values[0]] = (values[1], list(values[2:]))
        return found

    # --- writing ----------------------------------------------------------------------
    def store(self, rows: list[ResponseRow], report: ImportReport) -> None:
        """Store one chunk (called inside a transaction). Duplicate ids: the last row wins."""
        batch: list[ResponseRow] = []
        seen: set[str] = set()
        for row in rows:
            if row.external_id in seen:
                self._store_batch(batch, report)
                batch, seen = [], set()
            batch.append(row)
            seen.add(row.external_id)
        if batch:
            self._store_batch(batch, report)

    def _store_batch(self, rows: list[ResponseRow], report: ImportReport) -> None:
        planned, stubs = self.plan(rows)
        stored = self.existing([p.row.external_id for p in planned])
        changed: list[Planned] = []
        updated_ids: list[int] = []
        if stored:
            for item in planned:
                before = stored.get(item.row.external_id)
                if before is None:
                    report.created += 1
                elif not item.stub_ticket and before[1] == item.values:
                    report.unchanged += 1
                    if self.collect_ids:
                        report.response_ids.append(before[0])
                    continue
                else:
                    report.updated += 1
                    updated_ids.append(before[0])
                changed.append(item)
        else:
            changed = planned
            report.created += len(planned)
        if not changed:
            return
        if self.writer is not None:
            from everyweek.scorecards import rollups

            # The scorecards' rollups learn of per-row writes from model signals; bulk writes
            # tell them: the keys updated rows counted in before and after, plus the new ones.
            with rollups.tracking(response_ids=updated_ids):
                new_ids = self.writer.write(changed, stubs, all_new=not stored)
            rollups.mark_dirty(self.writer.new_keys(changed, stubs))
            self._queue_analysis(changed, new_ids)
        else:
            new_ids = None
            self._write_per_row(changed, stubs)  # record_response queues the analysis itself
        needs_id = [
            p.row.external_id
            for p in changed
            if self.collect_ids or (p.agent is not None and p.agent.pending)
        ]
        if needs_id:
            ids = new_ids if new_ids is not None else self.response_ids(needs_id)
            if self.collect_ids:
                report.response_ids.extend(ids[p.row.external_id] for p in changed)
            self._queue_pending_credits(changed, ids)

    def _queue_analysis(self, planned: list[Planned], known: dict[str, int] | None) -> None:
        """As record_response does for each comment, one background analysis per chunk."""
        with_comment = [p.row.external_id for p in planned if p.row.comment.strip()]
        if not with_comment:
            return
        # Imported lazily, as feedback.services does: the analysis app imports feedback.
        from everyweek.analysis.tasks import analyse_response_range_task, analyse_responses_task

        if known is not None:
            # Keys assigned here (`reserve_ids`): consecutive and all this chunk's, so the
            # worker takes the range and skips the blank comments itself.
            ids = [known[e] for e in with_comment]
            enqueue_on_commit(analyse_response_range_task, min(ids), max(ids))
            return
        ids = sorted(self.response_ids(with_comment).values())
        enqueue_on_commit(analyse_responses_task, ids)

    def response_ids(self, external_ids: list[str]) -> dict[str, int]:
        return dict(
            select_in(
                f"SELECT external_id, id FROM {table(SurveyResponse)} WHERE source = %s AND external_id IN",  # noqa: S608 - quoted table names; values are parameters
                [self.integration.source],
                external_ids,
            )
        )

    def _write_per_row(self, planned: list[Planned], stubs: dict[str, ResponseRow]) -> None:
        r = self.resolver
        people = Person.objects.in_bulk(
            {p.values[I_AGENT] for p in planned if p.values[I_AGENT]}
            | {
                a.person.pk
                for row in stubs.values()
                if (a := r.agent(row.agent)) is not None and a.person is not None
            }
        )
        customers = Customer.objects.in_bulk(
            {
                r.customers[p.row.customer_email]
                for p in planned
                if p.row.customer_email in r.customers
            }
            | {
                r.customers[row.customer_email]
                for row in stubs.values()
                if row.customer_email in r.customers
            }
        )
        created: dict[str, Interaction] = {}
        for item in planned:
            row = item.row
            interaction: Interaction | None = None
            if item.stub_ticket:
                interaction = created.get(item.stub_ticket)
                if interaction is None:
                    first = stubs[item.stub_ticket]
                    agent = r.agent(first.agent)
                    interaction, _created = record_interaction(
                        InteractionInput(
                            source=r.ticket_source,
                            external_id=item.stub_ticket,
                            created_at=first.submitted_at,
                            channel=first.channel or "email",
                            customer=customers.get(r.customers.get(first.customer_email, 0)),
                            agent=people.get(agent.person.pk) if agent and agent.person else None,
                            status="solved",
                        )
                    )
                    created[item.stub_ticket] = interaction
            elif item.values[I_INTERACTION]:
                interaction = Interaction.objects.get(pk=item.values[I_INTERACTION])
            agent = r.agent(row.agent)
            record_response(
                ResponseInput(
                    source=self.integration.source,
                    external_id=row.external_id,
                    submitted_at=row.submitted_at,
                    interaction=interaction,
                    survey=self.survey,
                    customer=customers.get(r.customers.get(row.customer_email, 0)),
                    agent=people.get(agent.person.pk) if agent and agent.person else None,
                    channel=row.channel,
                    nps=row.nps,
                    csat=row.csat,
                    csat_scale=row.csat_scale,
                    ces=row.ces,
                    comment=row.comment,
                    reason_codes=row.reason_codes,
                    language=row.language,
                )
            )

    def _queue_pending_credits(self, planned: list[Planned], ids: dict[str, int]) -> None:
        pending = [p for p in planned if p.agent is not None and p.agent.pending]
        if not pending:
            return
        response_ids = [ids[p.row.external_id] for p in pending]
        already = set(
            PendingCredit.objects.filter(response_id__in=response_ids).values_list(
                "response_id", flat=True
            )
        )
        credits = []
        for item, response_id in zip(pending, response_ids, strict=True):
            if response_id not in already and item.agent is not None:
                credits.append(
                    PendingCredit(identity_id=item.agent.identity_id, response_id=response_id)
                )
                already.add(response_id)
        stub_tickets = {p.stub_ticket: p for p in pending if p.stub_ticket}
        if stub_tickets:
            for ext, pk in Interaction.objects.filter(
                source=self.resolver.ticket_source, external_id__in=list(stub_tickets)
            ).values_list("external_id", "pk"):
                agent = stub_tickets[ext].agent
                if agent is not None:
                    credits.append(PendingCredit(identity_id=agent.identity_id, interaction_id=pk))
        PendingCredit.objects.bulk_create(credits, ignore_conflicts=True)

    # --- follow-up rule, shared with the bulk path ----------------------------------------
    def follow_up_reason(self, values: list[Any]) -> str | None:
        nps = values[I_NPS]
        if nps is not None and nps <= self.config.nps_detractor_max:
            return str(FollowUpReason.DETRACTOR)
        csat, scale = values[I_CSAT], values[I_SCALE]
        if csat is not None and scale >= 2:
            on_five = 1 + (csat - 1) * 4 / (scale - 1)
            if on_five <= self.config.csat_unhappy_max:
                return str(FollowUpReason.LOW_CSAT)
        return None


class RawInsert:
    """A bulk INSERT for one model: the given columns, every other column its default.

    Far cheaper than `bulk_create` per row (no model instances, no per-value compilation),
    which is what makes a million rows fit in the benchmark's time. On SQLite an executemany;
    on PostgreSQL a COPY (see `copy_rows`), straight into the table, or through a staging table
    when there is an ON CONFLICT clause.
    """

    def __init__(self, model: type[Any], columns: list[str], *, on_conflict: str = "") -> None:
        # The primary key only when the caller assigns it (see `reserve_ids`).
        fields = [
            f for f in model._meta.concrete_fields if not f.primary_key or f.attname in columns
        ]
        by_name = {f.attname: f for f in fields}
        self.now = timezone.now()
        extra: list[str] = []
        self.constants: list[Any] = []
        for f in fields:
            if f.attname in columns:
                continue
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value = f.get_db_prep_save(self.now, connection)
            else:
                value = f.get_db_prep_save(f.get_default(), connection)
            extra.append(f.attname)
            self.constants.append(value)
        unknown = [c for c in columns if c not in by_name]
        if unknown:
            raise ValueError(f"{model.__name__} has no column {unknown}")
        qn = connection.ops.quote_name
        names = [*columns, *extra]
        self.table = qn(model._meta.db_table)
        self.column_list = ", ".join(qn(by_name[n].column) for n in names)
        self.on_conflict = on_conflict
        self.sql = (
            f"INSERT INTO {self.table} ({self.column_list}) "  # noqa: S608 - quoted table names; values are parameters
            f"VALUES ({', '.join('%s' for _ in names)}) {on_conflict}"
        )
        self.constants_tuple = tuple(self.constants)

    def run(self, rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        constants = self.constants_tuple
        params = [row + constants for row in rows] if constants else rows
        if connection.vendor == "postgresql":
            copy_rows(self.table, self.column_list, params, on_conflict=self.on_conflict)
            return
        with connection.cursor() as cursor:
            cursor.executemany(self.sql, params)


def reserve_ids(model: type[Any], count: int) -> int | None:
    """The first of `count` consecutive free primary keys of `model`, on SQLite; else None.

    Assigning the keys in the import saves looking each new row up again by its natural key
    (three look-ups per chunk). Exact on SQLite only: each chunk's transaction begins
    IMMEDIATE, so no other connection can write between this read and the inserts. The
    AUTOINCREMENT counter moves past the keys used, so no key is ever handed out twice.
    """
    if connection.vendor != "sqlite" or count <= 0:
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "  # noqa: S608 - quoted table names; values are parameters
            f"coalesce((SELECT max(id) FROM {table(model)}), 0))",
            [model._meta.db_table],
        )
        return int(cursor.fetchone()[0]) + 1


class BulkResponseWriter:
    """The bulk path: what `record_response` and `record_interaction` do, a chunk at a time."""

    def __init__(self, importer: ResponseImporter) -> None:
        self.importer = importer
        self.sqlite = connection.vendor == "sqlite"
        self.now = timezone.now()
        self.adapt_json = connection.ops.adapt_json_value
        qn = connection.ops.quote_name
        update = ", ".join(f"{qn(c)} = EXCLUDED.{qn(c)}" for c in (*COMPARED, "updated_at"))
        on_conflict = f"ON CONFLICT ({qn('source')}, {qn('external_id')}) DO UPDATE SET {update}"
        self.responses = RawInsert(
            SurveyResponse,
            ["source", "external_id", *COMPARED, "updated_at"],
            on_conflict=on_conflict,
        )
        self.new_responses = RawInsert(
            SurveyResponse,
            ["id", "source", "external_id", *COMPARED, "updated_at"],
            on_conflict=on_conflict,
        )
        self.interactions = RawInsert(
            Interaction,
            [
                "source",
                "external_id",
                "created_at",
                "channel",
                "customer_id",
                "agent_id",
                "team_id",
                "status",
            ],
        )
        self.credits = RawInsert(
            InteractionCredit, ["interaction_id", "person_id", "weight", "replies"]
        )
        case_columns = ["response_id", "reason", "agent_id", "owner_id", "status", "due_at"]
        self.cases = RawInsert(FollowUpCase, case_columns)
        self.new_cases = RawInsert(FollowUpCase, ["id", *case_columns])
        self.audits = RawInsert(
            AuditEvent, ["action", "target_type", "target_id", "target_repr", "changes"]
        )
        self._stub_keys: set[tuple[int | None, int | None, dt.date]] = set()
        self._case_keys: set[tuple[int | None, int | None]] = set()

    def _dt(self, value: dt.datetime | None) -> Any:
        if value is None or not self.sqlite:
            return value
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")

    def new_keys(
        self, planned: list[Planned], stubs: dict[str, ResponseRow]
    ) -> set[tuple[int | None, int | None, dt.date]]:
        """Rollup keys (agent, team, UTC day) of the rows this chunk created."""
        keys = {
            (v[I_AGENT], v[4], v[I_SUBMITTED].astimezone(UTC).date())
            for v in (item.values for item in planned)
        }
        keys.update(self._stub_keys)
        opened = self.cases.now.astimezone(UTC).date()
        keys.update((agent, team, opened) for agent, team in self._case_keys)
        self._stub_keys, self._case_keys = set(), set()
        return keys

    def write(
        self, planned: list[Planned], stubs: dict[str, ResponseRow], *, all_new: bool = False
    ) -> dict[str, int] | None:
        """Store the chunk; for rows all new (none stored before), returns their ids by
        external id when the keys could be assigned here (`reserve_ids`), else None."""
        if stubs:
            ids = self._create_stubs(stubs)
            for item in planned:
                if item.stub_ticket:
                    item.values[I_INTERACTION] = ids[item.stub_ticket]
        first = reserve_ids(SurveyResponse, len(planned)) if all_new else None
        self._upsert(planned, first)
        new_ids = (
            None
            if first is None
            else {item.row.external_id: first + n for n, item in enumerate(planned)}
        )
        self._follow_ups(planned, new_ids)
        return new_ids

    def _create_stubs(self, stubs: dict[str, ResponseRow]) -> dict[str, int]:
        r = self.importer.resolver
        source = r.ticket_source
        rows = []
        for ticket, row in stubs.items():
            agent = r.agent(row.agent)
            person = agent.person if agent else None
            rows.append(
                (
                    source,
                    ticket,
                    self._dt(row.submitted_at),
                    row.channel or "email",
                    r.customers.get(row.customer_email) if row.customer_email else None,
                    person.pk if person else None,
                    person.team_id if person else None,
                    "solved",
                )
            )
        self.interactions.run(rows)
        self._stub_keys.update(
            (
                row[5],
                row[6],
                row[2].date()
                if isinstance(row[2], dt.datetime)
                else dt.date.fromisoformat(row[2][:10]),
            )
            for row in rows
        )
        ids = dict(
            select_in(
                f"SELECT external_id, id FROM {table(Interaction)} WHERE source = %s AND external_id IN",  # noqa: S608 - quoted table names; values are parameters
                [source],
                list(stubs),
            )
        )
        # The credit rule of record_interaction: one full credit for the agent, if any.
        self.credits.run([(ids[row[1]], row[5], 1.0, 0) for row in rows if row[5] is not None])
        if self.importer.standards:
            self._evaluate_standards([Interaction(pk=pk) for pk in ids.values()])
        return ids

    def _evaluate_standards(self, interactions: list[Interaction]) -> None:
        from everyweek.feedback import standards as rules

        # The standards' own bulk evaluator: the same rules record_interaction applies.
        rules.evaluate_many(
            Interaction.objects.filter(pk__in=[i.pk for i in interactions]), now=self.now
        )

    def _upsert(self, planned: list[Planned], first_id: int | None) -> None:
        source = self.importer.integration.source
        now = self._dt(self.now)
        adapt_json = self.adapt_json
        no_reasons = adapt_json([], None)
        sqlite = self.sqlite
        params = []
        for item in planned:
            v = item.values
            submitted = v[I_SUBMITTED]
            if sqlite:
                if submitted.tzinfo is UTC:  # the usual case: already UTC, drop "+00:00"
                    submitted = submitted.isoformat(" ")[:-6]
                else:
                    submitted = submitted.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
            reasons = v[I_REASONS]
            params.append(
                (
                    source,
                    item.row.external_id,
                    *v[:I_REASONS],
                    adapt_json(reasons, None) if reasons else no_reasons,
                    v[12],
                    submitted,
                    v[14],
                    now,
                )
            )
        if first_id is None:
            self.responses.run(params)
        else:
            self.new_responses.run([(first_id + n, *row) for n, row in enumerate(params)])

    def _follow_ups(self, planned: list[Planned], new_ids: dict[str, int] | None) -> None:
        importer = self.importer
        # As record_response: a recovery survey reports on its case instead of opening one.
        if importer.survey is not None and getattr(importer.survey, "is_recovery", False):
            return
        reason_of = importer.follow_up_reason
        unhappy = [(item, reason) for item in planned if (reason := reason_of(item.values))]
        if not unhappy:
            return
        has_case: set[int] = set()
        if new_ids is not None:
            ids = new_ids  # responses created just now: none has a case yet
        else:
            ids = importer.response_ids([item.row.external_id for item, _ in unhappy])
            has_case = {
                pk
                for (pk,) in select_in(
                    f"SELECT response_id FROM {table(FollowUpCase)} WHERE response_id IN",  # noqa: S608 - quoted table names; values are parameters
                    [],
                    list(ids.values()),
                )
            }
        due = self._dt(self.now + dt.timedelta(hours=importer.config.follow_up_due_hours))
        rows = []
        for item, reason in unhappy:
            response_id = ids[item.row.external_id]
            if response_id in has_case:
                continue
            has_case.add(response_id)
            agent = importer.resolver.person(item.values[I_AGENT])
            owner = (
                agent.reports_to_id
                if agent and agent.reports_to_id
                else (agent.pk if agent else None)
            )
            rows.append((response_id, reason, agent.pk if agent else None, owner, "open", due))
            self._case_keys.add((agent.pk if agent else None, item.values[4]))
        if not rows:
            return
        reasons = {row[0]: row[1] for row in rows}
        first = reserve_ids(FollowUpCase, len(rows))
        if first is None:
            self.cases.run(rows)
            cases = select_in(
                f"SELECT response_id, id FROM {table(FollowUpCase)} WHERE response_id IN",  # noqa: S608
                [],
                list(reasons),
            )
        else:
            self.new_cases.run([(first + n, *row) for n, row in enumerate(rows)])
            cases = [(row[0], first + n) for n, row in enumerate(rows)]
        # As open_follow_up does: one audit event per case opened.
        label = FollowUpCase._meta.label_lower
        labels = {value: str(text) for value, text in FollowUpReason.choices}
        changes = {value: self.adapt_json({"reason": value}, None) for value in labels}
        self.audits.run(
            [
                (
                    "follow_up.open",
                    label,
                    str(pk),
                    f"{labels[reasons[response_id]]} #{pk}"[:200],
                    changes[reasons[response_id]],
                )
                for response_id, pk in cases
            ]
        )


class InteractionImporter:
    """Stores `InteractionRow`s through `record_interaction`, merging with what is stored."""

    MERGED = (
        "channel",
        "subject",
        "priority",
        "status",
        "first_response_at",
        "resolved_at",
        "handle_time_seconds",
        "pending_seconds",
        "reopen_count",
        "reply_count",
        "tags",
    )

    def __init__(self, integration: Integration) -> None:
        self.integration = integration
        self.resolver = Resolver(integration)

    def store(self, rows: list[InteractionRow], report: ImportReport) -> None:
        r = self.resolver
        r.resolve_agents(row.agent for row in rows if row.agent is not None)
        r.resolve_customers((row.customer_email, row.customer_name, "") for row in rows)
        stored = {
            i.external_id: i
            for i in Interaction.objects.filter(
                source=self.integration.source, external_id__in=[row.external_id for row in rows]
            ).select_related("agent", "customer", "team")
        }
        people = Person.objects.in_bulk(
            {
                a.person.pk
                for row in rows
                if (a := r.agent(row.agent)) is not None and a.person is not None
            }
        )
        customers = Customer.objects.in_bulk(
            {r.customers[row.customer_email] for row in rows if row.customer_email in r.customers}
        )
        pending = []
        now = timezone.now()
        for row in rows:
            existing = stored.get(row.external_id)
            agent = r.agent(row.agent)
            person = people.get(agent.person.pk) if agent and agent.person else None
            customer = customers.get(r.customers.get(row.customer_email, 0))
            data = InteractionInput(
                source=self.integration.source,
                external_id=row.external_id,
                created_at=row.created_at,
                agent=person or (existing.agent if existing else None),
                customer=customer or (existing.customer if existing else None),
                team=None if person else (existing.team if existing else None),
            )
            for name in self.MERGED:
                new = getattr(row, name)
                if new is None and existing is not None:
                    new = getattr(existing, name)
                if new is not None:
                    setattr(data, name, new)
            if existing is not None and self._same(existing, data):
                report.unchanged += 1
                continue
            interaction, created = record_interaction(data)
            stored[row.external_id] = interaction
            if _newly_resolved(existing, interaction, now):
                # As for a contact resolved in the app: its survey is planned (by a task, so
                # the import does not wait on it; scheduling is idempotent).
                enqueue_with_transaction(feedback_tasks.schedule_invitation, interaction.pk)
            if created:
                report.created += 1
            else:
                report.updated += 1
            if agent is not None and agent.pending:
                pending.append(
                    PendingCredit(identity_id=agent.identity_id, interaction=interaction)
                )
        PendingCredit.objects.bulk_create(pending, ignore_conflicts=True)

    def _same(self, existing: Interaction, data: InteractionInput) -> bool:
        team = data.team or (data.agent.team if data.agent else None)
        if (
            existing.created_at != data.created_at
            or existing.agent_id != (data.agent.pk if data.agent else None)
            or existing.customer_id != (data.customer.pk if data.customer else None)
            or existing.team_id != (team.pk if team else None)
        ):
            return False
        return all(getattr(existing, name) == getattr(data, name) for name in self.MERGED)


def _newly_resolved(
    existing: Interaction | None, interaction: Interaction, now: dt.datetime
) -> bool:
    """Resolved by this import (not before it), recently enough that its customer is asked.

    Older contacts are left alone: a history import must not make an invitation for every
    ticket of past years (`invitations.MAX_AGE_TO_EMAIL` would only make them links anyway).
    """
    resolved = interaction.resolved_at
    if resolved is None or (existing is not None and existing.resolved_at is not None):
        return False
    return now - resolved <= MAX_AGE_TO_EMAIL


def chunked(items: Iterator[Parsed], size: int) -> Iterator[list[Parsed]]:
    chunk: list[Parsed] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class SecondaryIndexes:
    """On SQLite, a large bulk import drops the non-unique indexes of the tables it fills and
    rebuilds them at the end: building an index once over sorted data costs a fraction of
    updating eight indexes row by row (measured: 12 µs a row instead of 27 for responses).

    Unique indexes stay, so upserts and constraints hold throughout. Each chunk still commits
    on its own, so other writers are never locked out for long; pages read meanwhile are
    slower, not wrong. If the process dies half-way, the next import (or `restore()`)
    recreates whatever is missing from the models' own definitions.
    """

    MODELS = (SurveyResponse, Interaction, InteractionCredit, FollowUpCase, AuditEvent)

    def __init__(self) -> None:
        editor = connection.schema_editor()
        self.statements: list[tuple[str, str, str]] = []  # (table, index name, CREATE INDEX …)
        for model in self.MODELS:
            for statement in editor._model_indexes_sql(model):  # type: ignore[attr-defined]
                sql = str(statement)
                if not sql.startswith("CREATE INDEX "):
                    continue
                name = sql.split('"')[1]
                self.statements.append((model._meta.db_table, name, sql))

    def drop(self) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            for _table, name, _sql in self.statements:
                cursor.execute(f'DROP INDEX IF EXISTS "{name}"')

    def restore(self) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            for _table, _name, sql in self.statements:
                cursor.execute(sql.replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1))


def fast_load_rows() -> int:
    from everyweek.env import envint

    return envint("EVERYWEEK_IMPORT_FAST_LOAD_ROWS", 100_000)


def run_rows(
    integration: Integration,
    parsed: Iterator[Parsed],
    *,
    bulk: bool = True,
    total: int = 0,
    chunk_size: int = CHUNK_SIZE,
    on_chunk: Progress | None = None,
) -> ImportReport:
    """Store parsed rows chunk by chunk; `on_chunk` runs inside each chunk's transaction."""
    indexes = SecondaryIndexes() if connection.vendor == "sqlite" else None
    if indexes is not None:
        indexes.restore()  # after an import that died half-way
    fast = indexes is not None and bulk and total >= fast_load_rows()
    with few_collections() if bulk else contextlib.nullcontext():
        return _run_rows(integration, parsed, indexes, fast, bulk, total, chunk_size, on_chunk)


@contextlib.contextmanager
def few_collections() -> Iterator[None]:
    """Rare garbage collections while a bulk import runs, as before afterwards (even if it raises).

    A chunk allocates tens of thousands of short-lived objects (rows, tuples, dates), so the
    collector's default threshold (700 allocations) ran it thousands of times per import, each
    run also walking the import's long-lived caches. Objects alive at the start are frozen (never
    walked); cycles made meanwhile are still collected, only less often.
    """
    threshold = gc.get_threshold()
    # Someone else's frozen objects (a preloading server's) stay frozen: then we leave it be.
    freeze = gc.get_freeze_count() == 0
    if freeze:
        gc.freeze()
    gc.set_threshold(200_000, threshold[1], threshold[2])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        if freeze:
            gc.unfreeze()


def _run_rows(
    integration: Integration,
    parsed: Iterator[Parsed],
    indexes: SecondaryIndexes | None,
    fast: bool,
    bulk: bool,
    total: int,
    chunk_size: int,
    on_chunk: Progress | None,
) -> ImportReport:
    before: dict[str, Any] = {}
    if fast and indexes is not None:
        with connection.cursor() as cursor:
            for name, value in FAST_PRAGMAS.items():
                cursor.execute(f"PRAGMA {name}")
                before[name] = cursor.fetchone()[0]
                cursor.execute(f"PRAGMA {name} = {value}")
        indexes.drop()
    try:
        return _run_chunks(integration, parsed, bulk, total, chunk_size, on_chunk)
    finally:
        if fast and indexes is not None:
            indexes.restore()
            with connection.cursor() as cursor:
                for name, value in before.items():  # the connection's own settings again
                    cursor.execute(f"PRAGMA {name} = {int(value)}")


# SQLite settings for a large import, put back afterwards: a 256 MB page cache while loading;
# the index rebuild sorts in memory (temp_store 2), with a helper thread on the second core;
# the WAL is copied back into the database every 64 MB instead of every 4 MB (the default
# 1,000 pages), so not at every chunk's commit: each copy costs two fsyncs.
FAST_PRAGMAS = {"cache_size": -262144, "temp_store": 2, "threads": 2, "wal_autocheckpoint": 16384}


@dataclass(slots=True)
class Batch:
    """One chunk of parsed rows, sorted by kind: what a chunk's transaction stores."""

    size: int  # parsed items, good and bad
    responses: list[ResponseRow]
    interactions: list[InteractionRow]
    problems: list[RowProblem]
    skipped: int


def sort_chunk(chunk: list[Parsed]) -> Batch:
    """Sort a chunk's items; scores out of range become problems. Pure: no database."""
    batch = Batch(len(chunk), [], [], [], 0)
    for item in chunk:
        if isinstance(item, ResponseRow):
            try:
                validate_scores(item.nps, item.csat, item.csat_scale, item.ces)
            except FeedbackError as exc:
                batch.problems.append(RowProblem(item.line, "score", str(exc)))
                continue
            batch.responses.append(item)
        elif isinstance(item, InteractionRow):
            batch.interactions.append(item)
        elif isinstance(item, RowProblem):
            batch.problems.append(item)
        else:
            batch.skipped += 1
    return batch


def batches(
    parsed: Iterator[Parsed], chunk_size: int, *, parallel: bool
) -> Generator[Batch, None, None]:
    """The chunks of `parsed`, sorted; parsed in a child process when `parallel`."""

    def make() -> Generator[Batch, None, None]:
        return (sort_chunk(chunk) for chunk in chunked(parsed, chunk_size))

    if parallel:
        from everyweek.integrations.importers import readahead

        return readahead.batches_in_child(make)
    return make()


def _run_chunks(
    integration: Integration,
    parsed: Iterator[Parsed],
    bulk: bool,
    total: int,
    chunk_size: int,
    on_chunk: Progress | None,
) -> ImportReport:
    from everyweek.integrations.importers import readahead

    report = ImportReport(total=total)
    responses: ResponseImporter | None = None
    interactions: InteractionImporter | None = None
    threshold = readahead.parallel_rows()
    parallel = bulk and 0 < threshold <= total and readahead.available()
    # Closed at once when storing fails, which stops and reaps a reader process then and there.
    with contextlib.closing(batches(parsed, chunk_size, parallel=parallel)) as sorted_chunks:
        for batch in sorted_chunks:
            with transaction.atomic():
                if batch.interactions:
                    interactions = interactions or InteractionImporter(integration)
                    interactions.store(batch.interactions, report)
                if batch.responses:
                    responses = responses or ResponseImporter(integration, bulk=bulk)
                    responses.store(batch.responses, report)
                report.processed += batch.size
                report.skipped += batch.skipped
                report.add_errors(batch.problems)
                if on_chunk is not None:
                    on_chunk(report, batch.problems)
    report.total = max(report.total, report.processed)
    return report


def describe(exc: Exception) -> str:
    return str(exc) or _("The file could not be read.")
