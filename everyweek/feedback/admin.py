"""Django admin for what administrators configure: surveys and their wording, settings, standards.

Responses, invitations and cases are shown read-mostly here; the app's own pages are the place
to work on them (they go through the services and the audit trail).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from everyweek.feedback.models import (
    FeedbackSettings,
    FollowUpCase,
    FollowUpNote,
    Interaction,
    Survey,
    SurveyInvitation,
    SurveyResponse,
    SurveyText,
    Unsubscribe,
)


class SurveyTextInline(admin.StackedInline):
    model = SurveyText
    extra = 0
    fields = [
        "language",
        "intro",
        "nps_question",
        "csat_question",
        "ces_question",
        "comment_question",
        "thank_you",
        "reason_labels",
    ]


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "is_active",
        "is_default",
        "is_recovery",
        "ask_nps",
        "ask_csat",
        "ask_ces",
    ]
    list_filter = ["is_active", "is_recovery"]
    inlines = [SurveyTextInline]
    fieldsets = [
        (None, {"fields": ["name", "is_active", "is_default", "is_recovery", "channels"]}),
        (
            _("Questions"),
            {
                "fields": [
                    "ask_nps",
                    "ask_csat",
                    "csat_scale",
                    "ask_ces",
                    "ask_comment",
                    "reason_codes",
                    "show_agent",
                ]
            },
        ),
        (
            _("Sending"),
            {
                "fields": [
                    "send_delay_minutes",
                    "suppression_days",
                    "reminders_enabled",
                    "reminder_after_hours",
                    "link_valid_days",
                ]
            },
        ),
    ]


@admin.register(FeedbackSettings)
class FeedbackSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "credit_rule", "agents_see_detractor_comments"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not FeedbackSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Interaction)
class InteractionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "channel", "agent", "team", "status", "created_at", "resolved_at"]
    list_filter = ["channel", "status", "source", "is_generated"]
    search_fields = ["external_id", "subject"]
    raw_id_fields = ["customer", "agent", "team"]
    date_hierarchy = "created_at"


@admin.register(SurveyInvitation)
class SurveyInvitationAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "survey",
        "language",
        "status",
        "scheduled_for",
        "sent_at",
        "responded_at",
    ]
    list_filter = ["status", "survey", "language"]
    raw_id_fields = ["interaction", "customer"]
    readonly_fields = ["nonce"]


@admin.register(SurveyResponse)
class SurveyResponseAdmin(admin.ModelAdmin):
    list_display = ["__str__", "agent", "nps", "csat", "ces", "language", "submitted_at"]
    list_filter = ["source", "channel", "language", "is_generated"]
    search_fields = ["external_id", "comment"]
    raw_id_fields = ["invitation", "interaction", "customer", "agent", "team"]
    date_hierarchy = "submitted_at"


class FollowUpNoteInline(admin.TabularInline):
    model = FollowUpNote
    extra = 0
    raw_id_fields = ["author"]


@admin.register(FollowUpCase)
class FollowUpCaseAdmin(admin.ModelAdmin):
    list_display = ["__str__", "agent", "owner", "status", "due_at", "escalated_to"]
    list_filter = ["status", "reason"]
    raw_id_fields = ["response", "agent", "owner", "escalated_to", "recovery_invitation"]
    inlines = [FollowUpNoteInline]


@admin.register(Unsubscribe)
class UnsubscribeAdmin(admin.ModelAdmin):
    list_display = ["email", "source", "created_at"]
    search_fields = ["email"]


# Standards, calendars and holidays have their own screens.
from everyweek.feedback import admin_standards  # noqa: E402, F401
