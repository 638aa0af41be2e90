from __future__ import annotations

import zoneinfo
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class DepartmentKind(models.TextChoices):
    SERVICE = "service", _("Customer service")
    SALES = "sales", _("Sales")
    MARKETING = "marketing", _("Marketing")
    PRODUCT = "product", _("Product")
    OPERATIONS = "operations", _("Operations")
    FINANCE = "finance", _("Finance")
    HR = "hr", _("Human resources")
    IT = "it", _("IT")
    OTHER = "other", _("Other")


class Role(models.TextChoices):
    """Ordered from the narrowest view to the widest; see everyweek.core.access."""

    AGENT = "agent", _("Agent")
    LEAD = "lead", _("Team lead")
    MANAGER = "manager", _("Manager")
    EXECUTIVE = "executive", _("Executive")
    ADMIN = "admin", _("Administrator")


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


def validate_locale(value: str) -> None:
    if value not in dict(settings.LANGUAGES):
        raise ValidationError(_("%(value)s is not a supported language."), params={"value": value})


class Department(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=DepartmentKind.choices)

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    name = models.CharField(_("name"), max_length=120)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="teams"
    )

    class Meta:
        ordering = ["department__name", "name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        constraints = [
            models.UniqueConstraint(
                fields=["department", "name"], name="team_unique_name_per_department"
            )
        ]

    def __str__(self) -> str:
        return self.name


class PersonManager(BaseUserManager["Person"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> Person:
        if not email:
            raise ValueError("Every person needs an email address.")
        person = self.model(email=self.normalize_email(email).lower(), **fields)
        person.set_password(password)
        person.save(using=self._db)
        return person

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> Person:
        fields.setdefault("role", Role.ADMIN)
        fields.setdefault("full_name", email.split("@")[0])
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, username: str | None) -> Person:
        # Sign-in is case-insensitive on the address.
        return self.get(email__iexact=username or "")


class Person(AbstractBaseUser, PermissionsMixin):
    """Everyone who signs in: agents, leaders, other departments, administrators."""

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    preferred_name = models.CharField(
        _("preferred name"),
        max_length=80,
        blank=True,
        help_text=_("The name or nickname colleagues and customers use, e.g. 'Mai' or 'Beppe'."),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.AGENT)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    reports_to = models.ForeignKey(
        "self",
        verbose_name=_("reports to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="direct_reports",
    )
    job_title = models.CharField(_("job title"), max_length=120, blank=True)
    employee_id = models.CharField(_("employee id"), max_length=64, blank=True, db_index=True)
    hire_date = models.DateField(_("hire date"), null=True, blank=True)
    locale = models.CharField(
        _("language"), max_length=10, default="en", validators=[validate_locale]
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    photo = models.ImageField(_("photo"), upload_to="people/photos/", blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    deactivated_at = models.DateTimeField(_("deactivated at"), null=True, blank=True)
    date_joined = models.DateTimeField(_("joined"), auto_now_add=True)
    is_generated = models.BooleanField(
        _("generated demo data"), default=False, help_text=_("Created by the demo generator.")
    )

    objects: ClassVar[PersonManager] = PersonManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [
            models.Index(fields=["team", "is_active"]),
            models.Index(fields=["department", "is_active"]),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.preferred_name or self.full_name.split(" ")[0]

    def clean(self) -> None:
        super().clean()
        # Enforced here so forms, the API, imports and services all keep the same rule.
        team = self.team if self.team_id else None
        if team is not None and self.department_id and team.department_id != self.department_id:
            raise ValidationError({"team": _("This team belongs to another department.")})

    @property
    def is_staff(self) -> bool:
        """Administrators reach the Django admin; nobody else does."""
        return self.is_active and self.role == Role.ADMIN

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        if self.is_active and self.role == Role.ADMIN:
            return True
        return super().has_perm(perm, obj)

    def has_module_perms(self, app_label: str) -> bool:
        if self.is_active and self.role == Role.ADMIN:
            return True
        return super().has_module_perms(app_label)

    @property
    def leader(self) -> Person | None:
        return self.reports_to

    @property
    def skip_leader(self) -> Person | None:
        return self.reports_to.reports_to if self.reports_to else None


class PartnerKind(models.TextChoices):
    PARTNER = "partner", _("Partner")
    SUPPLIER = "supplier", _("Supplier")


class PartnerOrganisation(models.Model):
    """Partners and suppliers outside the company that people can thank."""

    name = models.CharField(_("name"), max_length=160, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=PartnerKind.choices)
    contact_name = models.CharField(_("contact name"), max_length=150, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    locale = models.CharField(
        _("language"), max_length=10, default="en", validators=[validate_locale]
    )
    description = models.TextField(_("how they help us"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner or supplier")
        verbose_name_plural = _("partners and suppliers")

    def __str__(self) -> str:
        return self.name


class Invitation(models.Model):
    """An emailed set-password link; the token itself is Django's password-reset token."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="invitations")
    invited_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.person} ({self.sent_at:%Y-%m-%d})"
