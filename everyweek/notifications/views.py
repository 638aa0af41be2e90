from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from everyweek.core.decorators import admin_required
from everyweek.notifications.models import OutboundEmail


@admin_required
def outbox(request: HttpRequest) -> HttpResponse:
    emails = OutboundEmail.objects.only(
        "created_at", "to_email", "subject", "status", "attempts", "language", "sent_at"
    )
    page = Paginator(emails, 50).get_page(request.GET.get("page"))
    return render(request, "notifications/outbox.html", {"page": page})
