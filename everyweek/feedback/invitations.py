"""Survey invitations: who is asked, when, in which language, and the signed link they answer on.

A link carries `signing` of [invitation id, nonce] (salt "everyweek.survey"): forging one needs
the SECRET_KEY, and replacing an invitation's nonce revokes its old links. How long a link works
is the invitation's `expires_at`, not the signature's age, so a reminder or a recovery survey can
give it its own lifetime.

"Single use" means one response per invitation: answering again updates the same row (the
response's external id is `inv-<invitation id>`), so a customer can fix a mis-click but never
counts twice.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, connection, transaction
from django.db.models import Field, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from everyweek.core import audit, fastsql
from everyweek.customers.models import Customer
from everyweek.feedback import services
from everyweek.feedback.models import (
    FeedbackSettings,
    Interaction,
    InvitationStatus,
    Survey,
    SurveyInvitation,
    SurveyResponse,
    SurveyText,
    Unsubscribe,
)
from everyweek.feedback.survey_texts import DEFAULT_TEXTS, REASON_CODES, RECOVERY_TEXTS

logger = logging.getLogger(__name__)

SALT = "everyweek.survey"
EMBED_SALT = "everyweek.survey.embed"
SOURCE = "everyweek"
FALLBACK_LANGUAGE = "en"
# A survey about a contact resolved longer ago than this is not emailed (an import of last
# year's tickets must not survey last year's customers); its link still works if embedded.
MAX_AGE_TO_EMAIL = dt.timedelta(days=7)
# Statuses in which an invitation was (or is about to be) emailed: these count for suppression.
ASKED_STATUSES = (
    InvitationStatus.SCHEDULED,
    InvitationStatus.SENT,
    InvitationStatus.RESPONDED,
    InvitationStatus.EXPIRED,
)
ANSWER_FIELDS = ("nps", "csat", "ces", "comment", "reason_codes")


class InvalidLink(Exception):
    """A forged, mangled or revoked link."""


class ExpiredLink(Exception):
    """A genuine link past its expiry; carries the invitation so the page speaks its language."""

    def __init__(self, invitation: SurveyInvitation) -> None:
        super().__init__("expired")
        self.invitation = invitation


# --- Surveys and their languages ---------------------------------------------------------


@transaction.atomic
def ensure_default_survey() -> Survey:
    """The default survey with wording in en, it, de, th, es and fr; created once, never overwritten."""
    survey = Survey.objects.filter(is_default=True, is_recovery=False).order_by("pk").first()
    if survey is None:
        survey = Survey.objects.create(
            name="Default survey",
            is_default=True,
            reason_codes=list(REASON_CODES),
        )
        audit.record(None, "survey.create", survey, {"default": True})
    _ensure_texts(survey, DEFAULT_TEXTS)
    return survey


@transaction.atomic
def ensure_recovery_survey() -> Survey:
    survey = Survey.objects.filter(is_recovery=True).order_by("pk").first()
    if survey is None:
        survey = Survey.objects.create(
            name="Recovery survey",
            is_recovery=True,
            ask_nps=False,
            ask_csat=True,
            ask_ces=False,
            send_delay_minutes=0,
            suppression_days=0,
        )
        audit.record(None, "survey.create", survey, {"recovery": True})
    _ensure_texts(survey, RECOVERY_TEXTS)
    return survey


def _ensure_texts(survey: Survey, texts: Mapping[str, Mapping[str, object]]) -> None:
    have = set(survey.texts.values_list("language", flat=True))
    SurveyText.objects.bulk_create(
        SurveyText(survey=survey, language=language, **dict(fields))
        for language, fields in texts.items()
        if language not in have
    )


def survey_for(interaction: Interaction) -> Survey:
    """The active survey for this channel: a channel-specific one first, else the default."""
    candidates = Survey.objects.filter(is_active=True, is_recovery=False).order_by(
        "-is_default", "pk"
    )
    specific = [s for s in candidates if interaction.channel in (s.channels or [])]
    if specific:
        return specific[0]
    general = [s for s in candidates if not s.channels]
    return general[0] if general else ensure_default_survey()


# Where `read_token(lean=True)` leaves the survey's language codes it read with the link.
_LANGUAGES_READ = "_everyweek_languages"


def survey_languages(survey: Survey) -> list[str]:
    read: list[str] | None = survey.__dict__.get(_LANGUAGES_READ)
    if read is not None:
        return list(read)
    return sorted(survey.texts.values_list("language", flat=True))


def pick_language(languages: list[str], wanted: str) -> str:
    """The customer's language if the survey speaks it (or its base, "pt-br" -> "pt"), else English."""
    wanted = (wanted or "").lower()
    for candidate in (wanted, wanted.split("-")[0].split("_")[0]):
        if candidate in languages:
            return candidate
    if FALLBACK_LANGUAGE in languages or not languages:
        return FALLBACK_LANGUAGE
    return languages[0]


def text_for(survey: Survey, language: str) -> SurveyText:
    """The survey's wording in `language`, falling back to English, then to any language."""
    texts = {t.language: t for t in survey.texts.all()}
    found = texts.get(language) or texts.get(FALLBACK_LANGUAGE)
    if found is None and texts:
        found = next(iter(texts.values()))
    return found or SurveyText(survey=survey, language=language)


def score_questions(survey: Survey) -> list[tuple[str, int, int]]:
    """(field, lowest, highest) for each score the survey asks, in the order they are shown.

    The first is the headline: the one the email offers as clickable scores (`?score=`).
    """
    questions = []
    if survey.ask_nps:
        questions.append(("nps", 0, 10))
    if survey.ask_csat:
        questions.append(("csat", 1, survey.csat_scale))
    if survey.ask_ces:
        questions.append(("ces", 1, 7))
    return questions


def question_text(text: SurveyText, field: str) -> str:
    return str(getattr(text, f"{field}_question", "") or "")


def reason_label(survey_text: SurveyText, code: str) -> str:
    labels = survey_text.reason_labels or {}
    return str(labels.get(code) or code.replace("_", " ").capitalize())


# --- Links --------------------------------------------------------------------------------


def make_token(invitation: SurveyInvitation) -> str:
    return signing.Signer(salt=SALT).sign_object([invitation.pk, invitation.nonce])


# What answering needs of an invitation: one narrow row, its survey joined (see `submit_answer`).
LEAN_COLUMNS = ("nonce", "survey", "interaction_id", "customer_id", "language", "expires_at")


def read_token(token: str, *, allow_expired: bool = False, lean: bool = False) -> SurveyInvitation:
    """The invitation a link names; InvalidLink if forged or revoked, ExpiredLink if too old.

    `lean` loads only the invitation's own columns and its survey (the answer's hot path); the
    customer and the interaction then load on first use.
    """
    try:
        value = signing.Signer(salt=SALT).unsign_object(token)
        pk, nonce = int(value[0]), str(value[1])
    except (signing.BadSignature, ValueError, TypeError, IndexError, KeyError) as exc:
        raise InvalidLink from exc
    invitation: SurveyInvitation | None
    if lean:
        invitation = _read_lean(pk)
    else:
        query = SurveyInvitation.objects.select_related(
            "survey", "customer", "interaction", "interaction__agent"
        )
        # No ORDER BY for a primary-key look-up (`first()` would compile the model's ordering).
        invitation = next(iter(query.filter(pk=pk).order_by()), None)
    if invitation is None or not constant_time_compare(invitation.nonce, nonce):
        raise InvalidLink
    if not allow_expired and invitation.expires_at <= timezone.now():
        raise ExpiredLink(invitation)
    return invitation


@dataclass(frozen=True)
class _LeanRead:
    sql: str
    invitation: fastsql.Reader
    survey: fastsql.Reader


_LEAN_READS: dict[str, _LeanRead] = {}


def _lean_read() -> _LeanRead:
    """One statement for what answering needs: the invitation's own columns, its whole survey
    and the survey's language codes (aggregated in a subquery). Written by hand because the
    ORM's compilation of the equivalent two querysets cost a quarter of an answer's CPU; the
    survey is read fresh with every link, so a changed survey applies at once."""
    found = _LEAN_READS.get(connection.vendor)
    if found is None:
        qn = connection.ops.quote_name
        inv_fields: list[Field[Any, Any]] = []
        for name in ("id", *LEAN_COLUMNS):
            field = SurveyInvitation._meta.get_field(name)
            assert isinstance(field, Field)
            inv_fields.append(field)
        invitation = fastsql.Reader(SurveyInvitation, inv_fields)
        survey = fastsql.Reader(Survey, Survey._meta.concrete_fields)
        columns = [f"inv.{qn(f.column)}" for f in invitation.fields]
        columns += [f"s.{qn(f.column)}" for f in survey.fields]
        aggregate = "string_agg" if connection.vendor == "postgresql" else "group_concat"
        texts = qn(SurveyText._meta.db_table)
        sql = (
            f"SELECT {', '.join(columns)}, "  # noqa: S608 - names from the models' meta
            f"(SELECT {aggregate}(t.{qn('language')}, ',') FROM {texts} t "
            f"WHERE t.{qn('survey_id')} = s.{qn('id')}) "
            f"FROM {qn(SurveyInvitation._meta.db_table)} inv "
            f"JOIN {qn(Survey._meta.db_table)} s ON s.{qn('id')} = inv.{qn('survey_id')} "
            f"WHERE inv.{qn('id')} = %s"
        )
        found = _LEAN_READS[connection.vendor] = _LeanRead(sql, invitation, survey)
    return found


def _read_lean(pk: int) -> SurveyInvitation | None:
    read = _lean_read()
    with connection.cursor() as cursor:
        cursor.execute(read.sql, [pk])
        row = cursor.fetchone()
    if row is None:
        return None
    split = len(read.invitation.fields)
    invitation = read.invitation.build(row[:split])
    survey = read.survey.build(row[split:-1])
    assert isinstance(invitation, SurveyInvitation) and isinstance(survey, Survey)
    survey.__dict__[_LANGUAGES_READ] = sorted(row[-1].split(",")) if row[-1] else []
    invitation.survey = survey
    return invitation


def survey_path(invitation: SurveyInvitation, **params: Any) -> str:
    path = reverse("feedback:survey", args=[make_token(invitation)])
    query = {k: v for k, v in params.items() if v is not None}
    return f"{path}?{urlencode(query)}" if query else path


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def embed_signature(source: str, external_id: str) -> str:
    return signing.Signer(salt=EMBED_SALT).signature(f"{source}/{external_id}")


def embed_path(interaction: Interaction) -> str:
    """A stable link a helpdesk can put in its own messages; the invitation is made on first use."""
    path = reverse("feedback:embed", args=[interaction.source, interaction.external_id])
    sig = embed_signature(interaction.source, interaction.external_id)
    return f"{path}?{urlencode({'sig': sig})}"


def check_embed_signature(source: str, external_id: str, sig: str) -> bool:
    return constant_time_compare(embed_signature(source, external_id), sig or "")


# --- Scheduling --------------------------------------------------------------------------


def is_unsubscribed(email: str) -> bool:
    return bool(email) and Unsubscribe.objects.filter(email__iexact=email.strip()).exists()


def _new_nonce() -> str:
    return secrets.token_urlsafe(16)


def _asked_recently(customer: Customer, since: dt.datetime) -> bool:
    """Has this customer been asked (or is about to be) since `since`? Recovery surveys aside."""
    return (
        SurveyInvitation.objects.filter(customer=customer, survey__is_recovery=False)
        .filter(
            Q(status=InvitationStatus.SCHEDULED, scheduled_for__gte=since)
            | Q(sent_at__gte=since, status__in=ASKED_STATUSES)
        )
        .exists()
    )


def _create_invitation(
    interaction: Interaction,
    survey: Survey,
    *,
    status: str,
    scheduled_for: dt.datetime | None,
    expires_at: dt.datetime,
) -> tuple[SurveyInvitation, bool]:
    customer = interaction.customer
    language = pick_language(survey_languages(survey), customer.locale if customer else "")
    try:
        with transaction.atomic():
            invitation = SurveyInvitation.objects.create(
                interaction=interaction,
                survey=survey,
                customer=customer,
                nonce=_new_nonce(),
                language=language,
                status=status,
                scheduled_for=scheduled_for,
                expires_at=expires_at,
            )
    except IntegrityError:
        # Another request made this interaction's invitation at the same moment.
        return SurveyInvitation.objects.get(interaction=interaction, survey=survey), False
    return invitation, True


@transaction.atomic
def schedule_invitation(
    interaction: Interaction,
    *,
    survey: Survey | None = None,
    now: dt.datetime | None = None,
    actor: Any = None,
) -> SurveyInvitation | None:
    """Plan the survey email for a resolved interaction. Idempotent: one invitation per survey.

    Sent `send_delay_minutes` after resolution by `send_due_invitations`, unless the customer was
    asked within `suppression_days` (then SUPPRESSED), unsubscribed (UNSUBSCRIBED), has no
    address or the contact is too old to ask about (LINK: the link works, nothing is emailed).
    Returns None for an interaction that is not resolved yet.
    """
    if interaction.resolved_at is None:
        return None
    now = now or timezone.now()
    survey = survey or survey_for(interaction)
    existing = SurveyInvitation.objects.filter(interaction=interaction, survey=survey).first()
    if existing is not None:
        return existing
    customer = interaction.customer
    send_at = max(interaction.resolved_at + dt.timedelta(minutes=survey.send_delay_minutes), now)
    status: str = InvitationStatus.SCHEDULED
    if customer is None or not customer.email or now - interaction.resolved_at > MAX_AGE_TO_EMAIL:
        status = InvitationStatus.LINK
    elif is_unsubscribed(customer.email):
        status = InvitationStatus.UNSUBSCRIBED
    else:
        # Serialise scheduling per customer so two contacts resolved together cannot both pass
        # the suppression check (SQLite's IMMEDIATE transactions serialise writers anyway).
        Customer.objects.select_for_update().filter(pk=customer.pk).first()
        since = send_at - dt.timedelta(days=survey.suppression_days)
        if survey.suppression_days and _asked_recently(customer, since):
            status = InvitationStatus.SUPPRESSED
    invitation, created = _create_invitation(
        interaction,
        survey,
        status=status,
        scheduled_for=send_at if status == InvitationStatus.SCHEDULED else None,
        expires_at=send_at + dt.timedelta(days=survey.link_valid_days),
    )
    if created:
        audit.record(actor, "survey_invitation.schedule", invitation, {"status": status})
    return invitation


@transaction.atomic
def link_invitation(
    interaction: Interaction, *, survey: Survey | None = None, actor: Any = None
) -> SurveyInvitation:
    """The interaction's invitation for a link a helpdesk embeds; made (not emailed) if missing."""
    survey = survey or survey_for(interaction)
    existing = SurveyInvitation.objects.filter(interaction=interaction, survey=survey).first()
    if existing is not None:
        return existing
    now = timezone.now()
    invitation, created = _create_invitation(
        interaction,
        survey,
        status=InvitationStatus.LINK,
        scheduled_for=None,
        expires_at=now + dt.timedelta(days=survey.link_valid_days),
    )
    if created:
        audit.record(actor, "survey_invitation.link", invitation)
    return invitation


# --- Sending ------------------------------------------------------------------------------


@dataclass
class SendReport:
    sent: int = 0
    reminded: int = 0
    unsubscribed: int = 0
    link_only: int = 0
    expired: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(vars(self))


def email_context(invitation: SurveyInvitation, *, reminder: bool = False) -> dict[str, Any]:
    """What the invitation email shows: the first question with every score as its own link."""
    survey = invitation.survey
    text = text_for(survey, invitation.language)
    interaction = invitation.interaction
    agent = interaction.agent if survey.show_agent else None
    questions = score_questions(survey)
    kind, low, high = questions[0] if questions else ("", 0, -1)
    question = question_text(text, kind) if kind else ""
    values = list(range(low, high + 1))
    token = make_token(invitation)
    base = reverse("feedback:survey", args=[token])
    return {
        "invitation": invitation,
        "language": invitation.language,
        "customer": invitation.customer,
        "agent_name": agent.get_short_name() if agent else "",
        "subject_line": interaction.subject,
        "intro": text.intro,
        "question": question,
        "kind": kind,
        "scores": [(v, absolute(f"{base}?{urlencode({'score': v})}")) for v in values],
        "survey_url": absolute(base),
        "unsubscribe_url": absolute(reverse("feedback:unsubscribe", args=[token])),
        "expires_at": invitation.expires_at,
        "reminder": reminder,
    }


def unsubscribe_headers(invitation: SurveyInvitation) -> dict[str, str]:
    """RFC 2369 / RFC 8058 headers that let the mail client unsubscribe in one click.

    Gmail and Yahoo require them of bulk senders. Only an https/http URL is given: everyweek has
    no mailbox that reads unsubscribe requests (DEFAULT_FROM_EMAIL is a no-reply address), so a
    mailto would promise what nobody honours.
    """
    url = absolute(reverse("feedback:unsubscribe-one-click", args=[make_token(invitation)]))
    return {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def _send(invitation: SurveyInvitation, *, reminder: bool) -> None:
    from everyweek.notifications.services import send_email

    assert invitation.customer is not None
    send_email(
        to=invitation.customer.email,
        template="feedback/email/invitation",
        context=email_context(invitation, reminder=reminder),
        language=invitation.language,
        headers=unsubscribe_headers(invitation),
    )


@transaction.atomic
def send_invitation(invitation_id: int, *, now: dt.datetime | None = None) -> str:
    """Email one scheduled invitation, under a row lock so it goes out once. Returns its status."""
    now = now or timezone.now()
    invitation = (
        SurveyInvitation.objects.select_for_update(of=("self",))
        .select_related("survey", "customer", "interaction", "interaction__agent")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or invitation.status != InvitationStatus.SCHEDULED:
        return invitation.status if invitation else "missing"
    customer = invitation.customer
    if customer is None or not customer.email:
        invitation.status = InvitationStatus.LINK
    elif is_unsubscribed(customer.email):
        invitation.status = InvitationStatus.UNSUBSCRIBED
    else:
        invitation.expires_at = max(
            invitation.expires_at, now + dt.timedelta(days=invitation.survey.link_valid_days)
        )
        invitation.status = InvitationStatus.SENT
        invitation.sent_at = now
        _send(invitation, reminder=False)
    invitation.save(update_fields=["status", "sent_at", "expires_at"])
    audit.record(None, "survey_invitation.send", invitation, {"status": invitation.status})
    return str(invitation.status)


@transaction.atomic
def send_reminder(invitation_id: int, *, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    invitation = (
        SurveyInvitation.objects.select_for_update(of=("self",))
        .select_related("survey", "customer", "interaction", "interaction__agent")
        .filter(pk=invitation_id)
        .first()
    )
    if (
        invitation is None
        or invitation.status != InvitationStatus.SENT
        or invitation.reminder_sent_at is not None
        or invitation.responded_at is not None
        or invitation.expires_at <= now
        or not invitation.survey.reminders_enabled
        or invitation.customer is None
        or not invitation.customer.email
    ):
        return False
    if is_unsubscribed(invitation.customer.email):
        invitation.status = InvitationStatus.UNSUBSCRIBED
        invitation.save(update_fields=["status"])
        return False
    invitation.reminder_sent_at = now
    invitation.save(update_fields=["reminder_sent_at"])
    _send(invitation, reminder=True)
    audit.record(None, "survey_invitation.remind", invitation)
    return True


def due_invitations(now: dt.datetime) -> QuerySet[SurveyInvitation]:
    return SurveyInvitation.objects.filter(
        status=InvitationStatus.SCHEDULED, scheduled_for__lte=now
    ).order_by("scheduled_for", "pk")


def due_reminders(now: dt.datetime) -> list[int]:
    # The reminder delay is per survey, so it is checked survey by survey.
    ids: list[int] = []
    for survey in Survey.objects.filter(reminders_enabled=True):
        ids += SurveyInvitation.objects.filter(
            survey=survey,
            status=InvitationStatus.SENT,
            reminder_sent_at__isnull=True,
            responded_at__isnull=True,
            sent_at__lte=now - dt.timedelta(hours=survey.reminder_after_hours),
            expires_at__gt=now,
        ).values_list("pk", flat=True)
    return sorted(ids)


def send_due_invitations(now: dt.datetime | None = None) -> SendReport:
    """The periodic job (`everyweek send_surveys`): send what is due, remind once, expire the rest.

    Idempotent: each invitation is sent under a lock and changes status as it goes, so running
    this twice at once, or every minute, emails nobody twice.
    """
    now = now or timezone.now()
    report = SendReport()
    for pk in list(due_invitations(now).values_list("pk", flat=True)):
        status = send_invitation(pk, now=now)
        if status == InvitationStatus.SENT:
            report.sent += 1
        elif status == InvitationStatus.UNSUBSCRIBED:
            report.unsubscribed += 1
        elif status == InvitationStatus.LINK:
            report.link_only += 1
    for pk in due_reminders(now):
        report.reminded += int(send_reminder(pk, now=now))
    report.expired = SurveyInvitation.objects.filter(
        status=InvitationStatus.SENT, responded_at__isnull=True, expires_at__lte=now
    ).update(status=InvitationStatus.EXPIRED)
    return report


# --- Unsubscribing ---------------------------------------------------------------------------


@transaction.atomic
def unsubscribe(email: str, *, source: str = SOURCE) -> Unsubscribe:
    """No more surveys to this address; invitations not yet emailed are withdrawn."""
    email = email.strip().lower()
    if not email:
        raise services.FeedbackError("An address is needed to unsubscribe.")
    entry, created = Unsubscribe.objects.get_or_create(email=email, defaults={"source": source})
    withdrawn = SurveyInvitation.objects.filter(
        customer__email__iexact=email, status=InvitationStatus.SCHEDULED
    ).update(status=InvitationStatus.UNSUBSCRIBED)
    if created:
        audit.record(None, "survey.unsubscribe", entry, {"withdrawn": withdrawn})
    return entry


# --- Answering -------------------------------------------------------------------------------


def external_id_for(invitation: SurveyInvitation) -> str:
    return f"inv-{invitation.pk}"


def response_for(invitation: SurveyInvitation) -> SurveyResponse | None:
    return SurveyResponse.objects.filter(
        source=SOURCE, external_id=external_id_for(invitation)
    ).first()


# The columns a new response gets; on a second answer only the answered ones (plus the language
# and `updated_at`) change, so the agent, team and submission time stay those of the first
# answer and the response never moves between rollup keys.
_INSERT_COLUMNS = (
    "source",
    "external_id",
    "invitation_id",
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
    "updated_at",
    "is_generated",
)


def _upsert_sql(update: tuple[str, ...]) -> str:
    """One statement that creates the invitation's response or updates the answered fields.

    The people come from the interaction as `record_response` takes them: its credited agent,
    its team (else the agent's), the invitation's customer (else the interaction's).
    """
    from everyweek.people.models import Person

    qn = connection.ops.quote_name
    values = (
        "%s, %s, inv.id, inv.interaction_id, inv.survey_id, "
        "COALESCE(inv.customer_id, i.customer_id), i.agent_id, COALESCE(i.team_id, p.team_id), "
        "i.channel, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s"
    )
    sets = ", ".join(f"{qn(c)} = excluded.{qn(c)}" for c in (*update, "language", "updated_at"))
    returning = ", ".join(qn(f.column) for f in SurveyResponse._meta.concrete_fields)
    table = qn(SurveyResponse._meta.db_table)
    # Table and column names are constants; every value is a parameter. The WHERE before
    # ON CONFLICT is also what SQLite needs to parse an INSERT ... SELECT upsert.
    return (
        f"INSERT INTO {table} ({', '.join(qn(c) for c in _INSERT_COLUMNS)}) "  # noqa: S608
        f"SELECT {values} FROM {qn(SurveyInvitation._meta.db_table)} inv "
        f"JOIN {qn(Interaction._meta.db_table)} i ON i.id = inv.interaction_id "
        f"LEFT JOIN {qn(Person._meta.db_table)} p ON p.id = i.agent_id "
        "WHERE inv.id = %s "
        f"ON CONFLICT ({qn('source')}, {qn('external_id')}) DO UPDATE SET {sets} "
        f"RETURNING {returning}"
    )


@dataclass(frozen=True)
class _AnswerStatements:
    mark_answered: str
    upsert: str
    response: fastsql.Reader
    now_field: Field[Any, Any]
    reasons_field: Field[Any, Any]

    def prep_now(self, now: dt.datetime) -> Any:
        return self.now_field.get_db_prep_save(now, connection)

    def prep_reasons(self, codes: list[str]) -> Any:
        return self.reasons_field.get_db_prep_save(codes, connection)


_ANSWER_STATEMENTS: dict[tuple[str, tuple[str, ...]], _AnswerStatements] = {}


def _answer_statements(update: tuple[str, ...]) -> _AnswerStatements:
    """The answer's two statements, prepared once per database and set of answered fields
    (the ORM compiled the same UPDATE, and a raw() the upsert's columns, on every answer)."""
    key = (connection.vendor, update)
    found = _ANSWER_STATEMENTS.get(key)
    if found is None:
        qn = connection.ops.quote_name
        mark = (
            f"UPDATE {qn(SurveyInvitation._meta.db_table)} "  # noqa: S608 - names from meta
            f"SET {qn('responded_at')} = %s, {qn('status')} = %s "
            f"WHERE {qn('id')} = %s AND {qn('responded_at')} IS NULL"
        )
        now_field = SurveyResponse._meta.get_field("submitted_at")
        reasons_field = SurveyResponse._meta.get_field("reason_codes")
        assert isinstance(now_field, Field) and isinstance(reasons_field, Field)
        found = _ANSWER_STATEMENTS[key] = _AnswerStatements(
            mark_answered=mark,
            upsert=_upsert_sql(update),
            response=fastsql.Reader(SurveyResponse, SurveyResponse._meta.concrete_fields),
            now_field=now_field,
            reasons_field=reasons_field,
        )
    return found


@transaction.atomic
def submit_answer(
    invitation: SurveyInvitation,
    answers: Mapping[str, Any],
    *,
    language: str = "",
    now: dt.datetime | None = None,
) -> SurveyResponse:
    """Store what the customer answered on the survey page; later answers update the same response.

    Only the keys given in `answers` change (the score from the first page survives the comment
    from the second). The response keeps the time of the first answer, so it stays in its period.

    The request does four writes: the invitation marked answered (first answer only), one
    upsert of the response on (source, external_id), the audit row and the after-answer task
    (`feedback.tasks.after_answer`: follow-up case, text analysis, rollups), queued with the
    transaction. Nothing here reads or locks what other answers write, so answers do not wait
    for each other; two answers on the same link meet on the invitation's row and the
    response's unique key, and the second updates what the first stored.
    """
    from everyweek.core.tasks import enqueue_with_transaction
    from everyweek.feedback import tasks

    now = now or timezone.now()
    survey = invitation.survey
    given = {k: v for k, v in answers.items() if k in ANSWER_FIELDS}
    if "reason_codes" in given:
        given["reason_codes"] = [c for c in given["reason_codes"] or [] if c in survey.reason_codes]
    if "comment" in given:
        given["comment"] = (given["comment"] or "")[:5000]
    services.validate_scores(
        given.get("nps"), given.get("csat"), survey.csat_scale, given.get("ces")
    )
    statements = _answer_statements(tuple(given))
    with connection.cursor() as cursor:
        # Only the first answer marks the invitation (responded_at IS NULL): later ones update
        # the response alone, so the first answer's time stays.
        cursor.execute(
            statements.mark_answered,
            [statements.prep_now(now), InvitationStatus.RESPONDED.value, invitation.pk],
        )
        first = cursor.rowcount > 0
        cursor.execute(
            statements.upsert,
            [
                SOURCE,
                external_id_for(invitation),
                given.get("nps"),
                given.get("csat"),
                survey.csat_scale,
                given.get("ces"),
                given.get("comment", ""),
                statements.prep_reasons(given.get("reason_codes", [])),
                language or invitation.language,
                statements.prep_now(now),
                statements.prep_now(now),
                False,
                invitation.pk,
            ],
        )
        row = cursor.fetchone()
    if row is None:  # the invitation row is gone (deleted with its interaction meanwhile)
        raise services.FeedbackError("This survey link no longer exists.")
    response = statements.response.build(row)
    assert isinstance(response, SurveyResponse)
    audit.record(
        None,
        "survey.answer" if first else "survey.answer_again",
        response,
        {k: answers[k] for k in answers if k in ("nps", "csat", "ces")},
    )
    enqueue_with_transaction(tasks.after_answer, response.pk)
    return response


@transaction.atomic
def _open_follow_up_once(response: SurveyResponse) -> None:
    if response.survey is not None and response.survey.is_recovery:
        return  # a recovery answer reports on its case (through the invitation), never opens one
    config = FeedbackSettings.load()
    reason = services.follow_up_reason(response, config)
    if reason is None:
        return
    try:
        with transaction.atomic():
            services.open_follow_up(response, reason, config)
    except IntegrityError:
        pass  # the same task running at the same time opened it (one case per response)


def after_answer(response_id: int) -> None:
    """What follows an answer on the survey page, out of the request: a follow-up case for an
    unhappy customer, the analysis of the comment (which commends praise and opens a case for
    a complaint) and the scorecard rollups the answer counts in.

    Idempotent: each step looks for what it would create, and rollups are recomputed from raw
    rows, so running this twice leaves the same state. Steps commit one by one so the text
    analysis never holds a write transaction open.
    """
    from everyweek.analysis import services as analysis
    from everyweek.scorecards import rollups

    response = (
        SurveyResponse.objects.select_related("survey", "agent", "agent__reports_to")
        .filter(pk=response_id)
        .first()
    )
    if response is None:
        return
    with rollups.flushed_here():
        _open_follow_up_once(response)
        if response.comment.strip():
            analysis.analyse_response(response)
        keys = rollups.response_keys([response.pk])
        if response.invitation_id is not None:
            keys |= rollups.invitation_keys([response.invitation_id])
        with transaction.atomic():
            rollups.mark_dirty(keys)


def mark_opened(invitation: SurveyInvitation) -> None:
    """When the customer first opened the link (a statistic; only the first visit writes)."""
    if invitation.opened_at is None:
        SurveyInvitation.objects.filter(pk=invitation.pk, opened_at__isnull=True).update(
            opened_at=timezone.now()
        )
