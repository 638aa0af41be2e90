"""Pages: the leaders' list of what the analysis found, and corrections from a response page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from everyweek.analysis import selectors, services
from everyweek.analysis.forms import AnalysisFilterForm, CorrectionForm
from everyweek.analysis.models import TopicDefinition
from everyweek.core.decorators import leader_required
from everyweek.core.types import AuthenticatedHttpRequest


@leader_required
def analysis_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = AnalysisFilterForm(request.GET or None)
    qs = selectors.analyses_for(request.user).select_related(
        "response", "response__agent", "praised_person"
    )
    found = "either"
    if form.is_valid():
        data = form.cleaned_data
        found = data["found"] or "either"
        qs = selectors.filtered(
            qs,
            found="" if found == "all" else found,
            language=data["language"],
            topic=data["topic"],
            sentiment=data["sentiment"],
        )
    else:
        qs = selectors.filtered(qs, found=found)
    page = Paginator(qs.order_by("-analysed_at", "-pk"), 50).get_page(request.GET.get("page"))
    names = {t.key: t.name() for t in TopicDefinition.objects.all()}
    for analysis in page:
        analysis.topic_labels = [names.get(k, k) for k in analysis.topic_key_list()]  # type: ignore[attr-defined]
    return render(request, "analysis/list.html", {"form": form, "page": page})


@login_required
@require_POST
def correct(request: AuthenticatedHttpRequest, response_id: int) -> HttpResponse:
    analysis = selectors.get_correctable_analysis(request.user, response_id)
    form = CorrectionForm(request.POST)
    if form.is_valid():
        try:
            services.correct_label(
                actor=request.user,
                analysis=analysis,
                kind=form.cleaned_data["kind"],
                value=form.cleaned_data["value"],
                topic=form.cleaned_data["topic"] or "",
            )
        except services.AnalysisError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("Thank you: the correction is saved and the next model will learn from it."),
            )
    else:
        messages.error(request, _("That correction could not be read."))
    return redirect("feedback:detail", response_id)
