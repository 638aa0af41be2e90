from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from everyweek.api.models import ApiToken


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    tokens = ApiToken.objects.filter(owner=request.user)
    return render(request, "api/token_list.html", {"tokens": tokens})
