"""The JSON API: one NinjaAPI; each app contributes a router from its own api.py."""

from __future__ import annotations

from ninja import NinjaAPI

from everyweek.api.auth import SessionOrTokenAuth

api = NinjaAPI(
    title="everyweek API",
    version="1",
    description="Customer feedback, scorecards and recognition. Authenticate with `Authorization: Bearer <token>`.",
    docs_url="/docs",
    auth=SessionOrTokenAuth(),
    urls_namespace="api",
)
