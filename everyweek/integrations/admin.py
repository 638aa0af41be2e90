from __future__ import annotations

from django.contrib import admin

from everyweek.integrations.models import (
    ColumnMapping,
    ExternalIdentity,
    ImportJob,
    Integration,
    WebhookEvent,
)


@admin.register(Integration)
class IntegrationAdmin(admin.ModelAdmin[Integration]):
    list_display = ["name", "vendor", "source", "is_active"]
    # Secrets are write-only: set them on the integration's own page, never shown here.
    exclude = ["secret", "url_token_digest"]
    readonly_fields = ["endpoint", "source"]


@admin.register(WebhookEvent)
class WebhookEventAdmin(admin.ModelAdmin[WebhookEvent]):
    list_display = ["received_at", "integration", "event_type", "event_id", "status"]
    list_filter = ["status", "integration"]
    readonly_fields = [f.name for f in WebhookEvent._meta.fields]


@admin.register(ExternalIdentity)
class ExternalIdentityAdmin(admin.ModelAdmin[ExternalIdentity]):
    list_display = ["external_id", "email", "name", "integration", "person", "status"]
    list_filter = ["status", "integration"]
    search_fields = ["external_id", "email", "name"]
    # Mapping re-credits responses, so it goes through the agents page, not here.
    readonly_fields = ["person", "status"]


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin[ImportJob]):
    list_display = [
        "created_at",
        "integration",
        "kind",
        "original_name",
        "status",
        "processed",
        "error_count",
    ]
    list_filter = ["status", "kind"]
    readonly_fields = [f.name for f in ImportJob._meta.fields]


@admin.register(ColumnMapping)
class ColumnMappingAdmin(admin.ModelAdmin[ColumnMapping]):
    list_display = ["name", "score_kind", "csat_scale", "created_at"]
