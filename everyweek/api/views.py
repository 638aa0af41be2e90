from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from everyweek.api import services
from everyweek.api.forms import TokenForm
from everyweek.api.models import ApiToken
from everyweek.people.models import Person


@never_cache
@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    """Your API tokens: create one (its secret is shown on this response only) or revoke one."""
    person = request.user
    assert isinstance(person, Person)  # login_required
    form = TokenForm(person)
    secret = None
    if request.method == "POST" and request.POST.get("action") == "revoke":
        token_id = request.POST.get("token", "")
        token = (
            ApiToken.objects.filter(owner=person, pk=int(token_id)).first()
            if token_id.isdigit()
            else None
        )
        if token is None:
            raise Http404
        services.revoke_token(actor=person, token=token)
        messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
        return redirect("api-tokens")
    if request.method == "POST":
        form = TokenForm(person, request.POST)
        if form.is_valid():
            try:
                _token, secret = services.create_token(
                    actor=person,
                    owner=person,
                    name=form.cleaned_data["name"],
                    scope=form.cleaned_data["scope"],
                    expires_at=form.expires_at(),
                )
            except services.TokenError as exc:
                form.add_error(exc.field, str(exc))
            else:
                form = TokenForm(person)
    tokens = ApiToken.objects.filter(owner=person).order_by("-created_at", "-pk")
    return render(
        request,
        "api/token_list.html",
        {
            "tokens": tokens,
            "form": form,
            "secret": secret,
            "me_url": request.build_absolute_uri("/api/me"),
        },
    )
