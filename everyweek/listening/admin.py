from __future__ import annotations

from django.contrib import admin

from everyweek.core.admin import AuditedModelAdmin
from everyweek.listening.models import (
    ActionItem,
    AnonymousQuestion,
    ListeningCadence,
    ListeningSession,
    SessionParticipant,
)


@admin.register(ListeningCadence)
class ListeningCadenceAdmin(AuditedModelAdmin):
    list_display = ["leader", "every_weeks", "group_size", "min_levels_below", "started_on"]
    list_select_related = ["leader"]
    raw_id_fields = ["leader"]
    search_fields = ["leader__full_name", "leader__email"]


class ParticipantInline(admin.TabularInline):  # type: ignore[type-arg]
    model = SessionParticipant
    raw_id_fields = ["person"]
    extra = 0


@admin.register(ListeningSession)
class ListeningSessionAdmin(AuditedModelAdmin):
    list_display = ["leader", "starts_at", "status", "questions_open"]
    list_filter = ["status"]
    list_select_related = ["leader"]
    raw_id_fields = ["leader"]
    search_fields = ["leader__full_name", "location"]
    date_hierarchy = "starts_at"
    inlines = [ParticipantInline]


@admin.register(ActionItem)
class ActionItemAdmin(AuditedModelAdmin):
    list_display = ["title", "owner", "due_on", "status"]
    list_filter = ["status"]
    list_select_related = ["owner"]
    raw_id_fields = ["owner", "session", "raised_by"]
    search_fields = ["title"]


@admin.register(AnonymousQuestion)
class AnonymousQuestionAdmin(AuditedModelAdmin):
    """Text, day and answer: the model has no author, so there is none to show."""

    list_display = ["text", "session", "asked_on"]
    raw_id_fields = ["session"]
    readonly_fields = ["asked_on"]
