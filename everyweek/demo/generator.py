"""Deterministic generator of the demo organisation. Everything it creates is marked generated.

People and customers carry `is_generated=True`; every other row the generator creates is
listed in `GeneratedObject`, so `delete_generated()` removes exactly the demo data.

The same seed gives the same organisation: each domain draws from its own
`random.Random(f"{seed}:{domain}")`, so adding a domain later (interactions, feedback,
scorecards...) never changes the people or customers generated before it. To add one,
write `_<domain>(ctx)` beside the others, call it from `generate()`, create rows with
`bulk_create` and pass them to `_register()` unless the model has an `is_generated` flag.
Dates are relative to today, so a loaded demo always looks current.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import itertools
import random
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.apps import apps as django_apps
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from everyweek.core import audit
from everyweek.customers.models import Customer
from everyweek.demo import avatars, names, plan
from everyweek.demo.models import GeneratedObject
from everyweek.people.models import Department, PartnerOrganisation, Person, Role, Team
from everyweek.scorecards import rollups

DEFAULT_SEED = 7
# Documented demo-only password, shared by every generated person (see the README).
DEMO_PASSWORD = "everyweek-demo"  # noqa: S105
DEMO_DOMAIN = "demo.everyweek.test"
PHOTO_PREFIX = "people/photos/demo-"
STAFF_LANGUAGES = ("en", "it", "de", "th")

T = TypeVar("T")
M = TypeVar("M", bound=models.Model)


@dataclass
class DemoSummary:
    people: int
    seed: int = DEFAULT_SEED
    departments: int = 0
    teams: int = 0
    executives: int = 0
    managers: int = 0
    leads: int = 0
    partners: int = 0
    customers: int = 0
    photos: int = 0
    # Rows per later domain (feedback, recognition, ...), as each domain's generator reports them.
    domains: dict[str, dict[str, Any]] = field(default_factory=dict)

    def describe(self) -> str:
        rows = [
            (_("Departments"), self.departments),
            (_("Teams"), self.teams),
            (_("People"), self.people),
            (_("Executives"), self.executives),
            (_("Department managers"), self.managers),
            (_("Team leads"), self.leads),
            (_("Partners and suppliers"), self.partners),
            (_("Customers"), self.customers),
            (_("Photos"), self.photos),
        ]
        lines = [
            _(
                "Generated the demo organisation from seed %(seed)s. All of it is "
                "generated demo data: no real people, customers or companies."
            )
            % {"seed": self.seed}
        ]
        lines += ["  " + _("%(label)s: %(count)s") % {"label": k, "count": v} for k, v in rows]
        for domain, counts in self.domains.items():
            details = ", ".join(f"{name} {count}" for name, count in counts.items())
            lines.append(f"  {domain}: {details}")
        return "\n".join(lines)


def demo_email(role: str) -> str:
    return f"{role}@{DEMO_DOMAIN}"


def is_loaded() -> bool:
    return (
        Person.objects.filter(is_generated=True).exists()
        or Customer.objects.filter(is_generated=True).exists()
        or GeneratedObject.objects.exists()
    )


def demo_logins() -> list[tuple[str, str]]:
    """(role, email) of the fixed demo sign-ins, agent first, administrator last."""
    emails = [demo_email(fixed.role) for fixed in plan.DEMO_ROLES]
    present = set(
        Person.objects.filter(email__in=emails, is_generated=True, is_active=True).values_list(
            "email", flat=True
        )
    )
    return [
        (str(f.role), demo_email(f.role)) for f in plan.DEMO_ROLES if demo_email(f.role) in present
    ]


# --- Generation --------------------------------------------------------------------------


@dataclass
class _Context:
    seed: int
    today: dt.date
    now: dt.datetime
    password_hash: str
    photos: bool
    departments: dict[str, Department] = field(default_factory=dict)
    teams: dict[tuple[str, str], Team] = field(default_factory=dict)
    people: list[Person] = field(default_factory=list)
    partners: list[PartnerOrganisation] = field(default_factory=list)
    customers: list[Customer] = field(default_factory=list)
    photo_count: int = 0

    def rng(self, domain: str) -> random.Random:
        # A string seed is hashed with SHA-512 by `random`, so this is stable across runs.
        return random.Random(f"{self.seed}:{domain}")  # noqa: S311 - demo data, not secrets


def _weighted(rng: random.Random, weights: Sequence[tuple[T, int]]) -> T:
    return rng.choices([v for v, _w in weights], [w for _v, w in weights])[0]


_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def _plain(text: str) -> str:
    """Lower-case ASCII: "Jürgen" -> "juergen", "Élodie" -> "elodie"."""
    text = unicodedata.normalize("NFKD", text.lower().translate(_UMLAUTS))
    return "".join(c for c in text if c.isascii())


def _ascii(text: str) -> str:
    """An address-safe form of a name: "D'Angelo" -> "dangelo", "De Luca" -> "deluca"."""
    return "".join(c for c in _plain(text) if c.isalnum() or c == ".")


def _domain(company: str) -> str:
    """A reserved .example domain: "Maple & Finch Ltd" -> "maple-finch-ltd.example"."""
    return "-".join(re.findall(r"[a-z0-9]+", _plain(company))) + ".example"


def _unique(local: str, domain: str, taken: set[str]) -> str:
    for n in itertools.count(1):
        email = f"{local}{n if n > 1 else ''}@{domain}"
        if email not in taken:
            taken.add(email)
            return email
    raise AssertionError("unreachable")


def _register(objects: Iterable[models.Model]) -> None:
    """Remember rows of models without an `is_generated` flag, for delete_generated()."""
    rows = [
        GeneratedObject(content_type=ContentType.objects.get_for_model(o), object_id=o.pk)
        for o in objects
    ]
    GeneratedObject.objects.bulk_create(rows)


def _get_or_create_all(model: type[M], wanted: list[M], key: str) -> list[M]:
    """Reuse rows an organisation already has (same name): they are theirs, not generated."""
    existing = {
        getattr(o, key): o
        for o in model._default_manager.filter(**{f"{key}__in": [getattr(w, key) for w in wanted]})
    }
    new = [w for w in wanted if getattr(w, key) not in existing]
    model._default_manager.bulk_create(new)
    _register(new)
    return [existing.get(getattr(w, key), w) for w in wanted]


def _departments(ctx: _Context) -> None:
    wanted = [Department(name=d.name, kind=d.kind) for d in plan.DEPARTMENTS]
    for department in _get_or_create_all(Department, wanted, "name"):
        ctx.departments[department.name] = department
    for dplan in plan.DEPARTMENTS:
        department = ctx.departments[dplan.name]
        names_wanted = [t.name for g in dplan.groups for t in g.teams]
        existing = {t.name: t for t in department.teams.filter(name__in=names_wanted)}
        new = [Team(name=n, department=department) for n in names_wanted if n not in existing]
        Team.objects.bulk_create(new)
        _register(new)
        for team in [*existing.values(), *new]:
            ctx.teams[(dplan.name, team.name)] = team


class _PeopleMaker:
    """Builds Person objects (unsaved) with names, addresses and dates drawn from one RNG."""

    def __init__(self, ctx: _Context) -> None:
        self.ctx = ctx
        self.rng = ctx.rng("people")
        self.taken = {demo_email(f.role) for f in plan.DEMO_ROLES}
        self.count = 0

    def _name(self, language: str) -> tuple[str, str, str]:
        """(full name, preferred name, the email local part)."""
        female = self.rng.random() < 0.5
        if language == "th":
            first = self.rng.choice(names.THAI_FEMALE if female else names.THAI_MALE)[0]
            last = self.rng.choice(names.THAI_FAMILY)[0]
            nick = self.rng.choice(
                names.THAI_NICKNAMES_FEMALE if female else names.THAI_NICKNAMES_MALE
            )
        else:
            women, men, families = names.NAMES[language]
            first = self.rng.choice(women if female else men)
            last = self.rng.choice(families)
            short = names.SHORT_FORMS.get(first, "")
            nick = short if short and self.rng.random() < 0.5 else ""
        return f"{first} {last}", nick, f"{_ascii(first)}.{_ascii(last)}"

    def make(
        self,
        *,
        role: Role,
        site: str,
        title: str,
        department: Department | None,
        team: Team | None,
        reports_to: Person | None,
        tenure: tuple[int, int],
        languages: plan.Weights | None = None,
        fixed: plan.FixedPerson | None = None,
    ) -> Person:
        site_plan = plan.SITES[site]
        language = _weighted(self.rng, languages or site_plan.languages)
        full_name, preferred, local = self._name(language)
        days = self.rng.randint(*tenure)
        if fixed is not None:
            # The demo sign-ins speak English so a first visit reads in English.
            full_name, preferred, language = fixed.full_name, fixed.preferred_name, "en"
            email, days = demo_email(fixed.role), fixed.tenure_days
            local = str(fixed.role)
        else:
            email = _unique(local, DEMO_DOMAIN, self.taken)
            local = email.split("@")[0]
        if role == Role.AGENT and days > 5 * 365 and not title.startswith("Senior"):
            title = f"Senior {title}"
        self.count += 1
        person = Person(
            email=email,
            full_name=full_name,
            preferred_name=preferred,
            role=role,
            department=department,
            team=team,
            reports_to=reports_to,
            job_title=title,
            employee_id=f"DEMO-{self.count:04d}",
            hire_date=self.ctx.today - dt.timedelta(days=days),
            locale=language if language in STAFF_LANGUAGES else "en",
            time_zone=site_plan.time_zone,
            password=self.ctx.password_hash,
            photo=f"{PHOTO_PREFIX}{local}.png" if self.ctx.photos else "",
            is_generated=True,
        )
        self.ctx.people.append(person)
        return person


# Tenure in days at hire: leaders have been here longer than most of the people they lead.
_TENURE = {
    Role.EXECUTIVE: (3 * 365, 10 * 365),
    Role.MANAGER: (2 * 365, 10 * 365),
    Role.LEAD: (500, 9 * 365),
    Role.AGENT: (20, 10 * 365),
}


def _people(ctx: _Context) -> None:
    """Executives -> department managers -> team leads -> agents, saved level by level."""
    maker = _PeopleMaker(ctx)
    fixed = {f.role: f for f in plan.DEMO_ROLES}
    levels: list[list[Person]] = [[], [], [], [], []]

    executives: dict[str, Person] = {}
    for i, eplan in enumerate(plan.EXECUTIVES):
        person = maker.make(
            role=Role.EXECUTIVE,
            site=eplan.site,
            title=eplan.title,
            department=ctx.departments[eplan.department] if eplan.department else None,
            team=None,
            reports_to=executives[plan.EXECUTIVES[0].key] if i else None,
            tenure=_TENURE[Role.EXECUTIVE],
            fixed=fixed[Role.EXECUTIVE] if eplan.key == plan.DEMO_EXECUTIVE else None,
        )
        executives[eplan.key] = person
        levels[0 if i == 0 else 1].append(person)

    for dplan in plan.DEPARTMENTS:
        department = ctx.departments[dplan.name]
        for g, group in enumerate(dplan.groups):
            is_demo_group = dplan.name == plan.DEMO_TEAM[0] and g == 0
            manager = maker.make(
                role=Role.MANAGER,
                site=group.site,
                title=group.manager_title,
                department=department,
                team=None,
                reports_to=executives[dplan.executive],
                tenure=_TENURE[Role.MANAGER],
                fixed=fixed[Role.MANAGER] if is_demo_group else None,
            )
            levels[2].append(manager)
            for tplan in group.teams:
                team = ctx.teams[(dplan.name, tplan.name)]
                is_demo_team = (dplan.name, tplan.name) == plan.DEMO_TEAM
                lead = maker.make(
                    role=Role.LEAD,
                    site=tplan.site,
                    title=f"Team Lead, {tplan.name}",
                    department=department,
                    team=team,
                    reports_to=manager,
                    tenure=_TENURE[Role.LEAD],
                    languages=tplan.languages,
                    fixed=fixed[Role.LEAD] if is_demo_team else None,
                )
                levels[3].append(lead)
                for n in range(tplan.agents):
                    agent = maker.make(
                        role=Role.AGENT,
                        site=tplan.site,
                        title=maker.rng.choice(tplan.titles),
                        department=department,
                        team=team,
                        reports_to=lead,
                        tenure=_TENURE[Role.AGENT],
                        languages=tplan.languages,
                        fixed=fixed[Role.AGENT] if is_demo_team and n == 0 else None,
                    )
                    levels[4].append(agent)
                if (dplan.name, tplan.name) == plan.ADMIN_TEAM:
                    levels[4].append(
                        maker.make(
                            role=Role.ADMIN,
                            site=tplan.site,
                            title=plan.ADMIN_TITLE,
                            department=department,
                            team=team,
                            reports_to=lead,
                            tenure=_TENURE[Role.AGENT],
                            fixed=fixed[Role.ADMIN],
                        )
                    )

    _mark_leavers(ctx, maker.rng, levels[4])
    for level in levels:
        # Each level's leaders are saved (and have ids) before the people who report to them.
        Person.objects.bulk_create(level)


def _mark_leavers(ctx: _Context, rng: random.Random, agents: list[Person]) -> None:
    demo = {demo_email(f.role) for f in plan.DEMO_ROLES}
    care = [
        a
        for a in agents
        if a.role == Role.AGENT and a.department == ctx.departments["Customer Care"]
    ]
    for person in rng.sample([a for a in care if a.email not in demo], plan.LEAVERS):
        person.is_active = False
        person.deactivated_at = ctx.now - dt.timedelta(days=rng.randint(10, 300))


def _photos(ctx: _Context) -> None:
    """Initials avatars, written after the rows exist; the names are fixed per person."""
    if not ctx.photos:
        return
    for person in ctx.people:
        name = str(person.photo)
        # Overwrite a file left by an earlier demo rather than getting a renamed copy.
        default_storage.delete(name)
        saved = default_storage.save(name, ContentFile(avatars.render(person.full_name)))
        if saved != name:
            Person.objects.filter(pk=person.pk).update(photo=saved)
        ctx.photo_count += 1


def _partners(ctx: _Context) -> None:
    wanted = [
        PartnerOrganisation(
            name=p.name,
            kind=p.kind,
            contact_name=p.contact_name,
            contact_email=f"{_ascii(p.contact_name.split()[0])}@{_domain(p.name)}",
            locale=p.locale,
            description=p.description,
        )
        for p in plan.PARTNERS
    ]
    ctx.partners = _get_or_create_all(PartnerOrganisation, wanted, "name")


def _customers(ctx: _Context) -> None:
    rng = ctx.rng("customers")
    taken: set[str] = set()
    for _n in range(plan.CUSTOMERS):
        language = _weighted(rng, plan.CUSTOMER_LANGUAGES)
        female = rng.random() < 0.5
        if language == "th":
            first_rom, first_th = rng.choice(names.THAI_FEMALE if female else names.THAI_MALE)
            last_rom, last_th = rng.choice(names.THAI_FAMILY)
            # Many Thai customers give their name in Thai script.
            name = f"{first_th} {last_th}" if rng.random() < 0.6 else f"{first_rom} {last_rom}"
            first, last = first_rom, last_rom
        else:
            women, men, families = names.NAMES[language]
            first, last = rng.choice(women if female else men), rng.choice(families)
            name = f"{first} {last}"
        company = rng.choice(names.COMPANIES[language]) if rng.random() < 0.25 else ""
        if rng.random() < 0.05:
            email = ""  # phone-only customers exist too
        elif company:
            email = _unique(_ascii(first), _domain(company), taken)
        else:
            style = rng.randrange(3)
            local = [f"{first}.{last}", f"{first}{last}", f"{first[0]}.{last}"][style]
            email = _unique(_ascii(local), rng.choice(names.MAIL_DOMAINS[language]), taken)
        ctx.customers.append(
            Customer(
                name=name,
                email=email,
                company=company,
                locale=language,
                time_zone=_weighted(rng, plan.CUSTOMER_TIME_ZONES[language]),
                is_generated=True,
            )
        )
    Customer.objects.bulk_create(ctx.customers, batch_size=500)


# Each later domain's generator: (name, module, function). They run in this order because
# later ones read what earlier ones made (recognition reads feedback's praise, for example).
DOMAIN_GENERATORS: tuple[tuple[str, str, str], ...] = (
    ("feedback", "everyweek.feedback.demo", "generate_feedback"),
    # Service standards measured over those interactions, before scorecards roll them up.
    ("standards", "everyweek.feedback.demo_standards", "generate_standards"),
    ("recognition", "everyweek.recognition.demo", "generate_recognition"),
    ("listening", "everyweek.listening.demo", "generate_listening"),
    ("servicedesk", "everyweek.servicedesk.demo", "generate_servicedesk"),
    ("careers", "everyweek.careers.demo", "generate_careers"),
    ("week", "everyweek.week.demo", "generate_week"),
    # The text engine's reading of every generated comment (praise, complaints, topics pages).
    ("analysis", "everyweek.analysis.demo", "generate_analysis"),
    # Last: it rebuilds the rollups over everything the generators above wrote in bulk.
    ("scorecards", "everyweek.scorecards.demo", "generate_scorecards"),
)


def _domains(ctx: _Context, days: int) -> dict[str, dict[str, Any]]:
    results: dict[str, dict[str, Any]] = {}
    for name, module, function in DOMAIN_GENERATORS:
        generate_domain = getattr(importlib.import_module(module), function)
        # Generators of dated activity take how far back to go; the others ignore the span.
        accepts = inspect.signature(generate_domain).parameters
        span = {"days": days} if "days" in accepts else {}
        if "weeks" in accepts:
            span = {"weeks": max(1, days // 7)}
        results[name] = generate_domain(ctx.rng(name), **span) or {}
    return results


class DemoAlreadyLoaded(RuntimeError):
    """Generating twice would clash on the fixed sign-in addresses; delete first."""


@transaction.atomic
def generate(
    seed: int = DEFAULT_SEED, *, photos: bool = True, with_domains: bool = True, days: int = 365
) -> DemoSummary:
    """The organisation, then `days` of each domain's data (`with_domains=False` skips those)."""
    if is_loaded():
        raise DemoAlreadyLoaded("The demo organisation is already loaded; delete it first.")
    ctx = _Context(
        seed=seed,
        today=timezone.localdate(),
        now=timezone.now(),
        # Hashed once and shared: hashing 200 passwords one by one would take most of a minute.
        password_hash=make_password(DEMO_PASSWORD),
        photos=photos,
    )
    _departments(ctx)
    _people(ctx)
    _partners(ctx)
    _customers(ctx)
    _photos(ctx)
    # The generators write in bulk and the scorecards one rebuilds the rollups last; marks that
    # standards evaluation and per-row saves would leave on the way are only collected here.
    with rollups.bulk_change():
        domains = _domains(ctx, days) if with_domains else {}
    by_role = {role: sum(p.role == role for p in ctx.people) for role in Role}
    summary = DemoSummary(
        people=len(ctx.people),
        seed=seed,
        departments=len(ctx.departments),
        teams=len(ctx.teams),
        executives=by_role[Role.EXECUTIVE],
        managers=by_role[Role.MANAGER],
        leads=by_role[Role.LEAD],
        partners=len(ctx.partners),
        customers=len(ctx.customers),
        photos=ctx.photo_count,
        domains=domains,
    )
    audit.record(None, "demo.generate", None, {"seed": seed, **_counts(summary)})
    return summary


def _counts(summary: DemoSummary) -> dict[str, Any]:
    return {k: v for k, v in vars(summary).items() if k not in ("seed", "domains")}


# --- Deletion ----------------------------------------------------------------------------


def _delete_registered(rows: list[tuple[int, int]]) -> int:
    """Delete (content type id, object id) rows, newest first, one query per run of a model."""
    deleted = 0
    for ct_id, group in itertools.groupby(rows, key=lambda r: r[0]):
        model = ContentType.objects.get_for_id(ct_id).model_class()
        if model is None:  # the model's app was removed; nothing left to delete
            continue
        ids = [object_id for _ct, object_id in group]
        deleted += model._base_manager.filter(pk__in=ids).delete()[0]
    return deleted


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


def _delete_flagged() -> int:
    """Rows of every other model with an `is_generated` flag (interactions, responses, ...)."""
    deleted = 0
    for model in django_apps.get_models():
        if model in (Person, Customer):
            continue
        if any(f.name == "is_generated" for f in model._meta.concrete_fields):
            deleted += model._base_manager.filter(is_generated=True).delete()[0]
    return deleted


def delete_generated() -> int:
    """Remove every generated row; returns how many. Real records are never touched.

    Departments and teams that real people or teams have since been put in are kept
    (they have become part of the real organisation) and simply stop being listed.
    Rollups are rebuilt once for the days the deleted rows counted in, not row by row.
    """
    with transaction.atomic(), rollups.bulk_change():
        return _delete_generated()


def _delete_generated() -> int:
    registry = list(
        GeneratedObject.objects.order_by("-id").values_list("content_type_id", "object_id")
    )
    structure = {
        ContentType.objects.get_for_model(Team).pk: "team",
        ContentType.objects.get_for_model(Department).pk: "department",
    }
    # Later domains first (they may point at people), then people and customers, then the
    # teams and departments people belonged to.
    deleted = _delete_registered([r for r in registry if r[0] not in structure])
    deleted += _delete_flagged()
    photos = list(
        Person.objects.filter(is_generated=True, photo__startswith=PHOTO_PREFIX).values_list(
            "photo", flat=True
        )
    )
    deleted += Person.objects.filter(is_generated=True).delete()[0]
    deleted += Customer.objects.filter(is_generated=True).delete()[0]
    team_ids = [oid for ct, oid in registry if structure.get(ct) == "team"]
    department_ids = [oid for ct, oid in registry if structure.get(ct) == "department"]
    deleted += Team.objects.filter(pk__in=team_ids, members__isnull=True).delete()[0]
    deleted += Department.objects.filter(
        pk__in=department_ids, teams__isnull=True, people__isnull=True
    ).delete()[0]
    GeneratedObject.objects.all().delete()
    audit.record(None, "demo.delete", None, {"deleted": deleted})
    # Files are not transactional: remove the avatars only once the rows are gone for good.
    transaction.on_commit(lambda: _delete_files(photos))
    return deleted
