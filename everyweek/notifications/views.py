from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from everyweek.core.decorators import admin_required
from everyweek.core.types import AuthenticatedHttpRequest
from everyweek.notifications import services
from everyweek.notifications.forms import EmailPreferencesForm, OutboxFilterForm
from everyweek.notifications.models import EmailStatus, OutboundEmail

# Shown inside the preview frame: nothing may load or run, only inline styles and inline images.
PREVIEW_POLICY = (
    '<meta http-equiv="Content-Security-Policy" '
    "content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
)


@admin_required
def outbox(request: HttpRequest) -> HttpResponse:
    form = OutboxFilterForm(request.GET or None)
    emails = OutboundEmail.objects.only(
        "created_at", "to_email", "subject", "template", "status", "attempts", "language"
    )
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            emails = emails.filter(
                Q(to_email__icontains=data["q"]) | Q(subject__icontains=data["q"])
            )
        if data["status"]:
            emails = emails.filter(status=data["status"])
        if data["template"]:
            emails = emails.filter(template=data["template"])
    page = Paginator(emails, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "notifications/outbox.html",
        {"form": form, "page": page, "query_string": query.urlencode()},
    )


@admin_required
def outbox_detail(request: HttpRequest, pk: int) -> HttpResponse:
    email = get_object_or_404(OutboundEmail.objects.select_related("recipient"), pk=pk)
    return render(
        request,
        "notifications/outbox_detail.html",
        {
            "email": email,
            # Escaped into the srcdoc attribute by the template and shown in a sandboxed frame
            # without scripts, so customer text in an email can never run in the admin's page.
            "html_preview": PREVIEW_POLICY + email.body_html if email.body_html else "",
            "can_retry": email.status not in (EmailStatus.SENT, EmailStatus.SKIPPED),
        },
    )


@admin_required
@require_POST
def outbox_retry(request: HttpRequest, pk: int) -> HttpResponse:
    email = get_object_or_404(OutboundEmail, pk=pk)
    try:
        services.retry_email(actor=request.user, email=email)
    except services.NotificationError as exc:
        messages.info(request, str(exc))
    else:
        messages.success(
            request, _("The email to %(address)s is queued again.") % {"address": email.to_email}
        )
    return redirect("notifications:outbox-detail", pk=pk)


@login_required
def preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The signed-in person's own email settings; there is no way to name anyone else's."""
    person = request.user
    form = EmailPreferencesForm(request.POST or None, disabled=services.disabled_kinds(person))
    if request.method == "POST" and form.is_valid():
        services.set_email_preferences(person=person, enabled=form.choices())
        messages.success(request, _("Your email settings are saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})
