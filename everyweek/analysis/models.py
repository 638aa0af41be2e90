"""What the offline engine read in each customer comment, the topics it looks for, and the
corrections leaders make so the next model learns from the organisation."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class Sentiment(models.TextChoices):
    NEGATIVE = "negative", _("negative")
    NEUTRAL = "neutral", _("neutral")
    POSITIVE = "positive", _("positive")


class TopicDefinition(models.Model):
    """A topic of the taxonomy: a key, its name per language and example phrases in any language."""

    key = models.SlugField(_("key"), max_length=40, unique=True)
    names = models.JSONField(
        _("names"), default=dict, blank=True, help_text=_('Per language, e.g. {"en": "Billing"}.')
    )
    examples = models.JSONField(
        _("example phrases"),
        default=list,
        blank=True,
        help_text=_("A few short phrases, in any language, that mean this topic."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.name()

    def name(self, language: str | None = None) -> str:
        lang = (language or translation.get_language() or "en").split("-")[0]
        return str(self.names.get(lang) or self.names.get("en") or self.key)


class TextAnalysis(models.Model):
    """The engine's reading of one response's comment, with the model version that made it."""

    response = models.OneToOneField(
        "feedback.SurveyResponse", on_delete=models.CASCADE, related_name="analysis"
    )
    language = models.CharField(_("language"), max_length=10, blank=True)
    language_confidence = models.FloatField(_("language confidence"), default=0.0)
    sentiment = models.CharField(
        _("sentiment"), max_length=10, choices=Sentiment.choices, default=Sentiment.NEUTRAL
    )
    negative = models.FloatField(_("negative probability"), default=0.0)
    neutral = models.FloatField(_("neutral probability"), default=0.0)
    positive = models.FloatField(_("positive probability"), default=0.0)
    praise = models.BooleanField(_("praise"), default=False)
    praise_confidence = models.FloatField(_("praise confidence"), default=0.0)
    praised_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("praised person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    matched_name = models.CharField(_("matched name"), max_length=200, blank=True)
    complaint = models.BooleanField(_("complaint"), default=False)
    complaint_confidence = models.FloatField(_("complaint confidence"), default=0.0)
    # [{"key", "score", "nearest_example"}], best first
    topics = models.JSONField(_("topics"), default=list, blank=True)
    # ",billing,delivery," so a topic filter is a portable LIKE on SQLite and PostgreSQL
    topic_keys = models.CharField(max_length=500, blank=True, db_index=True)
    model_version = models.CharField(_("model version"), max_length=80)
    analysed_at = models.DateTimeField(_("analysed"))

    class Meta:
        ordering = ["-analysed_at"]
        verbose_name = _("text analysis")
        verbose_name_plural = _("text analyses")
        indexes = [
            models.Index(fields=["praise", "analysed_at"]),
            models.Index(fields=["complaint", "analysed_at"]),
            models.Index(fields=["sentiment", "analysed_at"]),
            models.Index(fields=["language"]),
            models.Index(fields=["model_version"]),
        ]

    def __str__(self) -> str:
        return f"{self.response_id}: {self.sentiment}"

    def sentiment_confidence(self) -> float:
        return float(getattr(self, self.sentiment, 0.0))

    def topic_key_list(self) -> list[str]:
        return [k for k in self.topic_keys.split(",") if k]

    def topic_rows(self) -> list[dict[str, Any]]:
        names = {
            t.key: t.name() for t in TopicDefinition.objects.filter(key__in=self.topic_key_list())
        }
        return [{**t, "name": names.get(t["key"], t["key"])} for t in self.topics]


class LabelKind(models.TextChoices):
    PRAISE = "praise", _("praise")
    COMPLAINT = "complaint", _("complaint")
    SENTIMENT = "sentiment", _("sentiment")
    TOPIC = "topic", _("topic")


class LabelCorrection(models.Model):
    """A leader's correction of one label; the retraining command learns from these."""

    analysis = models.ForeignKey(TextAnalysis, on_delete=models.CASCADE, related_name="corrections")
    kind = models.CharField(_("label"), max_length=10, choices=LabelKind.choices)
    # "true"/"false" for praise and complaint, a sentiment, or "<topic key>:true|false"
    value = models.CharField(_("corrected value"), max_length=80)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("corrected by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("corrected"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("label correction")
        verbose_name_plural = _("label corrections")

    def __str__(self) -> str:
        return f"{self.kind}={self.value}"


class ModelVersion(models.Model):
    """A model directory the organisation trained; the active one is what analysis uses.

    None active means the model shipped with the package.
    """

    version = models.CharField(_("version"), max_length=80, unique=True)
    path = models.CharField(_("directory"), max_length=500)
    base_version = models.CharField(_("trained from"), max_length=80, blank=True)
    corrections = models.PositiveIntegerField(_("corrections"), default=0)
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    is_active = models.BooleanField(_("active"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("model version")
        verbose_name_plural = _("model versions")

    def __str__(self) -> str:
        return self.version
