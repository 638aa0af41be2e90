"""The customers' page of the thank-you wall: no sign-in, the secret in the link is the key.

Organisers make the link on the wall page (and can replace or withdraw it). A customer's
message waits for an organiser's approval before it shows on the wall or the slideshow.
Every request is rate-limited per client address through the shared cache, like the survey
pages (WEEK_WALL_RATE_LIMIT requests per WEEK_WALL_RATE_WINDOW seconds; 0 = off).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_http_methods

from everyweek.api import ratelimit
from everyweek.env import envint
from everyweek.week import forms, media, services

WALL_RATE_LIMIT = envint("EVERYWEEK_WEEK_WALL_RATE_LIMIT", 30)
WALL_RATE_WINDOW = envint("EVERYWEEK_WEEK_WALL_RATE_WINDOW", 60)

View = Callable[..., HttpResponse]


def _limit() -> ratelimit.Limit:
    count = getattr(settings, "WEEK_WALL_RATE_LIMIT", WALL_RATE_LIMIT)
    window = getattr(settings, "WEEK_WALL_RATE_WINDOW", WALL_RATE_WINDOW)
    return ratelimit.Limit("week-wall", count, max(1, window))


def _language(request: HttpRequest) -> str:
    wanted = request.GET.get("lang", "") or request.POST.get("lang", "")
    return wanted if wanted in dict(settings.LANGUAGES) else translation.get_language() or "en"


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    language = _language(request)
    with translation.override(language):
        response = render(
            request,
            template,
            {"language": language, "languages": settings.LANGUAGES, **context},
            status=status,
        )
    response["Content-Language"] = language
    # The link is the key: keep it out of shared caches and search engines.
    response["Cache-Control"] = "no-store, private"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def rate_limited(view: View) -> View:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        retry_after = ratelimit.hit(_limit(), f"week-wall:{ratelimit.client_ip(request)}")
        if retry_after is not None:
            response = _page(
                request, "week/public/limited.html", {"retry_after": retry_after}, status=429
            )
            response["Retry-After"] = str(retry_after)
            return response
        return view(request, *args, **kwargs)

    return wrapped


def _done_url(request: HttpRequest, key: str) -> str:
    return f"{reverse('week:customer-thanks-done', args=[key])}?lang={_language(request)}"


@rate_limited
@require_http_methods(["GET", "POST"])
def customer_thanks(request: HttpRequest, key: str) -> HttpResponse:
    celebration = services.celebration_for_wall_key(key)
    if celebration is None:
        return _page(request, "week/public/invalid.html", {}, status=404)
    with translation.override(_language(request)):
        form = forms.CustomerThanksForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            if data["website"]:  # only bots fill in the hidden field: pretend it worked
                return redirect(_done_url(request, key))
            try:
                services.submit_customer_thanks(
                    key=key,
                    author_name=data["author_name"],
                    company=data["company"],
                    text=data["text"],
                    upload=data["media"],
                )
            except services.WeekError as exc:
                form.add_error("media" if data["media"] else "text", exc.messages)
            else:
                return redirect(_done_url(request, key))
    return _page(
        request,
        "week/public/thanks_form.html",
        {
            "celebration": celebration,
            "form": form,
            "key": key,
            "image_mb": media.MAX_IMAGE_BYTES // (1024 * 1024),
            "video_mb": media.MAX_VIDEO_BYTES // (1024 * 1024),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@rate_limited
@require_http_methods(["GET"])
def customer_thanks_done(request: HttpRequest, key: str) -> HttpResponse:
    celebration = services.celebration_for_wall_key(key)
    if celebration is None:
        return _page(request, "week/public/invalid.html", {}, status=404)
    return _page(request, "week/public/thanks_done.html", {"celebration": celebration, "key": key})
