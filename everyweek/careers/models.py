"""A career path for service roles, on a par with sales.

A `CareerTrack` (customer service, sales…) has ordered `CareerLevel`s with a pay band. A level
is reached by meeting its `LevelCriterion`s (a metric key and a threshold, evaluated by
everyweek.careers.metrics so later metrics such as scorecards and kudos plug in) and its
`LevelSkill`s (a skill rated at least so high by the person's leader). `CareerPosition` says
where each person stands; `SkillAssessment` keeps self and leader ratings.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from everyweek.people.models import DepartmentKind


class CareerTrack(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    department_kind = models.CharField(
        _("for departments of kind"), max_length=20, choices=DepartmentKind.choices
    )
    description = models.TextField(_("description"), blank=True)
    is_generated = models.BooleanField(_("generated demo data"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("career track")
        verbose_name_plural = _("career tracks")

    def __str__(self) -> str:
        return self.name


class CareerLevel(models.Model):
    track = models.ForeignKey(
        CareerTrack, verbose_name=_("track"), on_delete=models.CASCADE, related_name="levels"
    )
    rank = models.PositiveSmallIntegerField(
        _("rank"), help_text=_("1 is the first level; comparable ranks are compared across tracks.")
    )
    name = models.CharField(_("name"), max_length=80)
    description = models.TextField(_("what this level does"), blank=True)
    # Yearly base pay. Only administrators and executives ever see these.
    pay_min = models.DecimalField(
        _("pay from"), max_digits=12, decimal_places=2, default=Decimal(0)
    )
    pay_max = models.DecimalField(_("pay to"), max_digits=12, decimal_places=2, default=Decimal(0))
    currency = models.CharField(_("currency"), max_length=3, default="EUR")

    class Meta:
        ordering = ["track__name", "rank"]
        verbose_name = _("career level")
        verbose_name_plural = _("career levels")
        constraints = [
            models.UniqueConstraint(fields=["track", "rank"], name="career_level_unique_rank"),
            models.CheckConstraint(
                condition=models.Q(pay_max__gte=models.F("pay_min")),
                name="career_level_pay_band_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.track}: {self.name}"

    @property
    def pay_midpoint(self) -> Decimal:
        return (self.pay_min + self.pay_max) / 2


class LevelCriterion(models.Model):
    """ "At least 4.2 internal CSAT", "12 months in the role": a metric key and a threshold."""

    level = models.ForeignKey(CareerLevel, on_delete=models.CASCADE, related_name="criteria")
    metric = models.CharField(
        _("metric"), max_length=60, help_text=_("A key from everyweek.careers.metrics.")
    )
    threshold = models.DecimalField(_("at least"), max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["level", "metric"]
        verbose_name = _("level criterion")
        verbose_name_plural = _("level criteria")
        constraints = [
            models.UniqueConstraint(fields=["level", "metric"], name="career_criterion_unique")
        ]

    def __str__(self) -> str:
        return f"{self.metric} >= {self.threshold}"


class Skill(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    is_generated = models.BooleanField(_("generated demo data"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")

    def __str__(self) -> str:
        return self.name


RATING_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]


class LevelSkill(models.Model):
    level = models.ForeignKey(CareerLevel, on_delete=models.CASCADE, related_name="skills")
    skill = models.ForeignKey(Skill, verbose_name=_("skill"), on_delete=models.CASCADE)
    min_rating = models.PositiveSmallIntegerField(
        _("rated at least"), default=3, validators=RATING_VALIDATORS
    )

    class Meta:
        verbose_name = _("required skill")
        verbose_name_plural = _("required skills")
        constraints = [
            models.UniqueConstraint(fields=["level", "skill"], name="career_level_skill_unique")
        ]

    def __str__(self) -> str:
        return f"{self.skill} >= {self.min_rating}"


class CareerPosition(models.Model):
    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="career_position"
    )
    level = models.ForeignKey(
        CareerLevel, verbose_name=_("level"), on_delete=models.PROTECT, related_name="positions"
    )
    since = models.DateField(_("since"))
    # The level the person's leader was last told they are ready for, so it is said once.
    ready_notified_for = models.ForeignKey(
        CareerLevel,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_generated = models.BooleanField(_("generated demo data"), default=False)

    class Meta:
        verbose_name = _("career position")
        verbose_name_plural = _("career positions")

    def __str__(self) -> str:
        return f"{self.person_id}: {self.level}"


class AssessmentKind(models.TextChoices):
    SELF = "self", _("Self-assessment")
    LEADER = "leader", _("Leader's assessment")


class SkillAssessment(models.Model):
    """One rating of one skill; the latest of each kind counts."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="skill_assessments"
    )
    skill = models.ForeignKey(Skill, verbose_name=_("skill"), on_delete=models.CASCADE)
    kind = models.CharField(_("kind"), max_length=10, choices=AssessmentKind.choices)
    rating = models.PositiveSmallIntegerField(_("rating"), validators=RATING_VALIDATORS)
    note = models.CharField(_("note"), max_length=300, blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assessed_at = models.DateTimeField(_("assessed"), db_index=True)
    is_generated = models.BooleanField(_("generated demo data"), default=False)

    class Meta:
        ordering = ["-assessed_at", "-id"]
        verbose_name = _("skill assessment")
        verbose_name_plural = _("skill assessments")
        indexes = [models.Index(fields=["person", "skill", "kind", "assessed_at"])]

    def __str__(self) -> str:
        return f"{self.person_id} {self.skill_id} {self.kind}={self.rating}"
