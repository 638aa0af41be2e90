"""A fixed-window rate limiter on the shared cache (Redis in production), so it holds across
every web process. Counting uses cache.add + cache.incr, which are atomic on Redis.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limit:
    name: str
    count: int  # 0 switches the limit off
    window: int  # seconds


def auth_failures() -> Limit:
    return Limit(
        "authfail", settings.API_AUTH_FAILURE_LIMIT, max(1, settings.API_AUTH_FAILURE_WINDOW)
    )


def requests() -> Limit:
    return Limit("requests", settings.API_RATE_LIMIT, max(1, settings.API_RATE_WINDOW))


def client_ip(request: HttpRequest) -> str:
    """The caller's address; X-Forwarded-For only counts as far as our own proxies wrote it."""
    proxies = settings.API_TRUSTED_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies > 0 and forwarded:
        addresses = [a.strip() for a in forwarded.split(",") if a.strip()]
        if addresses:
            return addresses[-min(proxies, len(addresses))]
    return str(request.META.get("REMOTE_ADDR", ""))


def _bucket(limit: Limit, ident: str) -> tuple[str, int]:
    now = time.time()
    index = int(now // limit.window)
    retry_after = max(1, math.ceil((index + 1) * limit.window - now))
    digest = hashlib.sha256(ident.encode()).hexdigest()[:32]
    return f"everyweek:ratelimit:{limit.name}:{index}:{digest}", retry_after


def exceeded(limit: Limit, ident: str) -> int | None:
    """Seconds to wait if `ident` has used up this window, without counting anything."""
    if limit.count <= 0:
        return None
    key, retry_after = _bucket(limit, ident)
    try:
        used = int(cache.get(key) or 0)
    except Exception:  # a cache outage must not take the API down with it
        logger.warning("Rate limiter cache unavailable", exc_info=True)
        return None
    return retry_after if used >= limit.count else None


def hit(limit: Limit, ident: str) -> int | None:
    """Count one hit; seconds to wait if this hit went over the limit."""
    if limit.count <= 0:
        return None
    key, retry_after = _bucket(limit, ident)
    try:
        cache.add(key, 0, timeout=limit.window + 1)
        used = cache.incr(key)
    except ValueError:  # the key expired between add and incr: a new window
        cache.set(key, 1, timeout=limit.window + 1)
        used = 1
    except Exception:
        logger.warning("Rate limiter cache unavailable", exc_info=True)
        return None
    return retry_after if used > limit.count else None
