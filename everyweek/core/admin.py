from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from everyweek.core import audit
from everyweek.core.models import AuditEvent


class AuditedModelAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Admin edits land in the audit trail like any service-function write."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        changes = (
            {name: form.cleaned_data.get(name) for name in form.changed_data} if change else {}
        )
        super().save_model(request, obj, form, change)
        action = f"{obj._meta.model_name}.{'update' if change else 'create'}"
        audit.record(request.user, f"admin.{action}", obj, changes)

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        audit.record(request.user, f"admin.{obj._meta.model_name}.delete", obj)
        super().delete_model(request, obj)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["at", "actor", "action", "target_repr"]
    list_filter = ["action"]
    search_fields = ["action", "target_repr", "actor__email"]
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
