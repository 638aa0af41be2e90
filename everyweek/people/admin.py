from __future__ import annotations

from django.contrib import admin

from everyweek.core.admin import AuditedModelAdmin
from everyweek.people.models import Department, Invitation, PartnerOrganisation, Person, Team


@admin.register(Department)
class DepartmentAdmin(AuditedModelAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(Team)
class TeamAdmin(AuditedModelAdmin):
    list_display = ["name", "department"]
    list_filter = ["department"]
    search_fields = ["name"]
    list_select_related = ["department"]


@admin.register(Person)
class PersonAdmin(AuditedModelAdmin):
    list_display = ["full_name", "email", "role", "department", "team", "reports_to", "is_active"]
    list_filter = ["role", "department", "is_active", "locale"]
    search_fields = ["full_name", "email", "preferred_name", "employee_id"]
    list_select_related = ["department", "team", "reports_to"]
    raw_id_fields = ["reports_to"]
    readonly_fields = ["last_login", "date_joined", "deactivated_at"]
    exclude = ["password", "groups", "user_permissions", "is_superuser"]


@admin.register(PartnerOrganisation)
class PartnerOrganisationAdmin(AuditedModelAdmin):
    list_display = ["name", "kind", "contact_email", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["person", "invited_by", "sent_at", "accepted_at"]
    list_select_related = ["person", "invited_by"]
