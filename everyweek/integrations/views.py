from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from everyweek.api import ratelimit
from everyweek.core.csvstream import stream_csv
from everyweek.core.decorators import admin_required
from everyweek.env import envint
from everyweek.integrations import services
from everyweek.integrations.forms import (
    ColumnsForm,
    IdentityMapForm,
    IntegrationEditForm,
    IntegrationForm,
    UploadForm,
)
from everyweek.integrations.importers import spreadsheet
from everyweek.integrations.importers.base import ImportFileError
from everyweek.integrations.models import (
    ExternalIdentity,
    IdentityStatus,
    ImportJob,
    Integration,
    Vendor,
)
from everyweek.integrations.webhooks import HANDLERS
from everyweek.people.models import Person


def webhook_url(integration: Integration) -> str:
    path = reverse("integrations:hook", args=[integration.vendor, integration.endpoint])
    return f"{settings.SITE_URL}{path}"


@admin_required
def integration_list(request: HttpRequest) -> HttpResponse:
    integrations = Integration.objects.annotate(
        pending=Count("identities", filter=Q(identities__status=IdentityStatus.PENDING))
    )
    jobs = ImportJob.objects.select_related("integration")[:10]
    pending = ExternalIdentity.objects.filter(status=IdentityStatus.PENDING).count()
    return render(
        request,
        "integrations/integration_list.html",
        {"integrations": integrations, "jobs": jobs, "pending": pending, "form": IntegrationForm()},
    )


@admin_required
def integration_create(request: HttpRequest) -> HttpResponse:
    form = IntegrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            integration, token = services.create_integration(
                actor=request.user, **form.cleaned_data
            )
        except services.IntegrationError as exc:
            form.add_error(None, str(exc))
        else:
            # Rendered, not redirected: the URL token exists only in this one response.
            url = webhook_url(integration)
            return render(
                request,
                "integrations/integration_created.html",
                {
                    "integration": integration,
                    "webhook_url": f"{url}?token={token}" if token else url,
                    "token": token,
                    "receives_webhooks": integration.vendor in HANDLERS,
                },
            )
    return render(request, "integrations/integration_form.html", {"form": form})


@admin_required
def integration_detail(request: HttpRequest, pk: int) -> HttpResponse:
    integration = get_object_or_404(Integration, pk=pk)
    form = IntegrationEditForm(
        request.POST or None,
        initial={
            "name": integration.name,
            "is_active": integration.is_active,
            "secret_env": integration.secret_env,
            "survey": integration.survey,
            "config": integration.config,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_integration(
                actor=request.user, integration=integration, **form.cleaned_data
            )
        except services.IntegrationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Saved."))
            return redirect("integrations:detail", pk=integration.pk)
    return render(
        request,
        "integrations/integration_detail.html",
        {
            "integration": integration,
            "form": form,
            "upload_form": UploadForm(integration=integration),
            "webhook_url": webhook_url(integration),
            "receives_webhooks": integration.vendor in HANDLERS,
            "has_secret": bool(integration.secret or integration.secret_env),
            "events": integration.events.all()[:20],
            "jobs": integration.imports.all()[:10],
        },
    )


@admin_required
@require_POST
def import_upload(request: HttpRequest, pk: int) -> HttpResponse:
    integration = get_object_or_404(Integration, pk=pk)
    form = UploadForm(request.POST, request.FILES, integration=integration)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("integrations:detail", pk=integration.pk)
    try:
        job = services.create_import_job(
            actor=request.user,
            integration=integration,
            kind=form.cleaned_data["kind"],
            upload=form.cleaned_data["file"],
            mapping=form.cleaned_data["mapping"],
        )
    except services.IntegrationError as exc:
        messages.error(request, str(exc))
        return redirect("integrations:detail", pk=integration.pk)
    if services.needs_columns(job):
        return redirect("integrations:columns", pk=job.pk)
    return redirect("integrations:job", pk=job.pk)


@admin_required
def import_columns(request: HttpRequest, pk: int) -> HttpResponse:
    """The column mapper: which column of this file is the score, the comment, the agent…"""
    job = get_object_or_404(ImportJob.objects.select_related("integration"), pk=pk)
    if not services.needs_columns(job):
        return redirect("integrations:job", pk=job.pk)
    try:
        with job.file.open("rb") as stream:
            headers = spreadsheet.headers_of(stream)
    except ImportFileError as exc:
        messages.error(request, str(exc))
        return redirect("integrations:detail", pk=job.integration_id)
    guessed = spreadsheet.guess_columns(headers)
    form = ColumnsForm(
        request.POST or None,
        headers=headers,
        initial={
            "name": f"{job.integration.name} - {job.original_name}"[:120],
            **{f"col_{name}": column for name, column in guessed.items()},
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            mapping = services.save_column_mapping(
                actor=request.user,
                name=form.cleaned_data["name"],
                columns=form.columns(),
                score_kind=form.cleaned_data["score_kind"],
                csat_scale=form.cleaned_data["csat_scale"],
            )
            services.start_import_job(actor=request.user, job=job, mapping=mapping)
        except services.IntegrationError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("integrations:job", pk=job.pk)
    field_names = [name for name in form.fields if name.startswith("col_")]
    return render(
        request,
        "integrations/import_columns.html",
        {"job": job, "form": form, "column_fields": [form[name] for name in field_names]},
    )


@admin_required
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(ImportJob.objects.select_related("integration"), pk=pk)
    template = (
        "integrations/_job_progress.html" if request.htmx else "integrations/import_job.html"  # type: ignore[attr-defined]
    )
    return render(
        request,
        template,
        {"job": job, "row_errors": job.row_errors.all()[:50] if job.is_finished else []},
    )


@admin_required  # type: ignore[arg-type]
def import_errors(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    """Every problem of the import as CSV: line, field, reason."""
    job = get_object_or_404(ImportJob, pk=pk)
    rows = job.row_errors.values_list("line", "field", "reason").iterator(chunk_size=2000)
    return stream_csv(f"import-{job.pk}-problems.csv", ["line", "field", "reason"], rows)


@admin_required
def identity_list(request: HttpRequest) -> HttpResponse:
    """External agents: the pending ones first, each with colleagues who match its email."""
    status = request.GET.get("status") or IdentityStatus.PENDING
    identities = ExternalIdentity.objects.select_related("integration", "person").filter(
        status=status
    )
    page = Paginator(identities, 50).get_page(request.GET.get("page"))
    rows = [(identity, list(services.suggestions(identity))) for identity in page]
    return render(
        request,
        "integrations/identity_list.html",
        {
            "page": page,
            "rows": rows,
            "status": status,
            "statuses": IdentityStatus.choices,
            "people": Person.objects.filter(is_active=True)
            .order_by("email")
            .values_list("email", "full_name"),
            "query_string": f"status={status}",
        },
    )


@admin_required
@require_POST
def identity_map(request: HttpRequest, pk: int) -> HttpResponse:
    identity = get_object_or_404(ExternalIdentity, pk=pk)
    if request.POST.get("action") == "ignore":
        services.map_identity(actor=request.user, identity=identity, person=None)
        messages.success(request, _("“%(agent)s” will be ignored.") % {"agent": identity})
    else:
        form = IdentityMapForm(request.POST)
        if not form.is_valid():
            for error in form.non_field_errors() or [_("Choose a person.")]:
                messages.error(request, str(error))
            return redirect(
                f"{reverse('integrations:identities')}?status={request.POST.get('status', '')}"
            )
        count = services.map_identity(
            actor=request.user, identity=identity, person=form.cleaned_data["person"]
        )
        messages.success(
            request,
            _("“%(agent)s” is %(person)s; %(count)s records credited.")
            % {"agent": identity, "person": form.cleaned_data["person"], "count": count},
        )
    return redirect(f"{reverse('integrations:identities')}?status={request.POST.get('status', '')}")


# --- Webhooks ----------------------------------------------------------------------------


def _webhook_limit() -> ratelimit.Limit:
    return ratelimit.Limit("webhook", envint("EVERYWEEK_WEBHOOK_RATE_LIMIT", 600), 60)


@csrf_exempt  # vendors cannot send our CSRF token; they sign the body instead
def webhook(request: HttpRequest, vendor: str, endpoint: uuid.UUID) -> HttpResponse:
    if request.method != "POST":
        return JsonResponse({"error": _("Only POST is accepted.")}, status=405)
    integration = Integration.objects.filter(
        vendor=vendor, endpoint=endpoint, is_active=True
    ).first()
    if integration is None or vendor not in HANDLERS or vendor == Vendor.GENERIC:
        return JsonResponse({"error": _("Not found.")}, status=404)
    # Per integration and sender, so a flood of forged requests cannot starve the real tool.
    sender = ratelimit.client_ip(request)
    retry_after = ratelimit.hit(_webhook_limit(), f"integration:{integration.pk}:{sender}")
    if retry_after is not None:
        response = JsonResponse({"error": _("Too many requests.")}, status=429)
        response["Retry-After"] = str(retry_after)
        return response
    limit = envint("EVERYWEEK_WEBHOOK_MAX_BYTES", 1024 * 1024)
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return JsonResponse({"error": _("The body is too large.")}, status=413)
    body = request.read(limit + 1)
    if len(body) > limit:
        return JsonResponse({"error": _("The body is too large.")}, status=413)
    result = services.receive_webhook(
        integration, request.headers, body, token=request.GET.get("token", "")
    )
    return JsonResponse(result.body, status=result.status)
