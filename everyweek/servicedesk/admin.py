from __future__ import annotations

from django.contrib import admin

from everyweek.core.admin import AuditedModelAdmin
from everyweek.servicedesk.models import (
    DeskNotice,
    InternalRequest,
    RequestType,
    RequestUpdate,
    ServiceDesk,
)


class RequestTypeInline(admin.TabularInline):  # type: ignore[type-arg]
    model = RequestType
    extra = 0


class NoticeInline(admin.TabularInline):  # type: ignore[type-arg]
    model = DeskNotice
    extra = 0


@admin.register(ServiceDesk)
class ServiceDeskAdmin(AuditedModelAdmin):
    list_display = ["name", "department", "team", "acknowledge_within_minutes", "is_active"]
    list_filter = ["is_active", "department"]
    list_select_related = ["department", "team"]
    search_fields = ["name"]
    inlines = [RequestTypeInline, NoticeInline]


class UpdateInline(admin.TabularInline):  # type: ignore[type-arg]
    model = RequestUpdate
    extra = 0
    raw_id_fields = ["author"]


@admin.register(InternalRequest)
class InternalRequestAdmin(AuditedModelAdmin):
    list_display = [
        "title",
        "desk",
        "requester",
        "status",
        "created_at",
        "acknowledgement_breached",
        "on_time",
        "rating",
    ]
    list_filter = ["status", "acknowledgement_breached", "on_time", "desk"]
    list_select_related = ["desk", "requester"]
    raw_id_fields = ["requester", "assignee", "acknowledged_by"]
    search_fields = ["title", "requester__full_name"]
    date_hierarchy = "created_at"
    inlines = [UpdateInline]
