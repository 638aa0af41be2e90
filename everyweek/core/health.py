"""`/healthz`: a bare "ok" for load balancers and for benchmarks to compare against.

It touches neither the database nor the session, so it measures the web stack alone.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
