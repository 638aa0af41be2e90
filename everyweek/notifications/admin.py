from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from everyweek.notifications import services
from everyweek.notifications.models import EmailStatus, OutboundEmail


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin[OutboundEmail]):
    """Read-only: emails are written by the services; the outbox at /outbox/ is the main view."""

    list_display = ["created_at", "to_email", "subject", "language", "status", "attempts"]
    list_filter = ["status", "language", "template"]
    search_fields = ["to_email", "subject"]
    readonly_fields = [f.name for f in OutboundEmail._meta.fields]
    actions = ["retry_selected"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Retry the selected unsent emails"))
    def retry_selected(self, request: HttpRequest, queryset: QuerySet[OutboundEmail]) -> None:
        retried = 0
        for email in queryset.exclude(status=EmailStatus.SENT):
            services.retry_email(actor=request.user, email=email)
            retried += 1
        self.message_user(
            request,
            ngettext("%(count)d email queued again.", "%(count)d emails queued again.", retried)
            % {"count": retried},
            messages.SUCCESS,
        )
