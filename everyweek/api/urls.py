"""The JSON API: one NinjaAPI; each app contributes a router from its own api.py."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, re_path
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema

from everyweek.api import errors
from everyweek.api.api import router as account_router
from everyweek.api.auth import session_or_token
from everyweek.core.api import router as audit_router
from everyweek.customers.api import router as customers_router
from everyweek.people.api import router as people_router

DESCRIPTION = """
Customer feedback, scorecards and recognition, over the same service functions as the pages.

## Authentication

* **Token**: `Authorization: Bearer ew_…`. Create one at `/account/tokens/` or with
  `POST /api/tokens`; the secret is shown once. Scopes: `read` (GET only), `write` (what your
  role may change), `admin` (administrators only; needed by administration endpoints).
* **Session**: a signed-in browser. Unsafe methods need the `X-CSRFToken` header.

Whatever the token, you see what your role lets you see: an agent's token sees the agent,
a lead's their team, a manager's their department.

Repeated failed token sign-ins from one address, and too many requests per token or person,
answer `429` with a `Retry-After` header.

## Lists

Every list takes `limit` and `offset` and answers `{"items": [...], "count": N}`.

## Errors

Every error has the same body:

```json
{"error": {"code": "not_found", "message": "Not found.", "details": []}}
```

`code` is stable, for programs (`not_authenticated`, `permission_denied`, `insufficient_scope`,
`csrf_failed`, `not_found`, `conflict`, `invalid`, `rate_limited`, `server_error`…); `message`
is for people, in the request's language; `details` lists each problem with `loc`, `message`
and `type` (for `422`, one item per invalid field).
"""


class EveryweekAPI(NinjaAPI):
    def _get_urls(self) -> list[URLPattern | URLResolver]:
        # Unknown /api/ addresses answer in the API's error shape too, not with an HTML page.
        @csrf_exempt
        def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            return self.on_exception(request, errors.not_found())

        return [*super()._get_urls(), re_path(r"^.*$", not_found)]

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema.setdefault("components", {}).setdefault("schemas", {}).update(errors.OPENAPI_SCHEMAS)
        for path, operations in schema.get("paths", {}).items():
            for method, operation in operations.items():
                statuses = ["401", "403", "422", "429"]
                if "{" in path:
                    statuses.append("404")
                if method != "get":
                    statuses.append("409")
                responses = operation.setdefault("responses", {})
                for status in sorted(statuses):
                    responses.setdefault(
                        status,
                        {
                            "description": errors.OPENAPI_RESPONSES[status],
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Error"}
                                }
                            },
                        },
                    )
        return schema


api = EveryweekAPI(
    title="everyweek API",
    version="1",
    description=DESCRIPTION,
    docs_url="/docs",
    auth=session_or_token(),
    urls_namespace="api",
)
errors.install(api)

api.add_router("", account_router)
api.add_router("", people_router)
api.add_router("/customers", customers_router)
api.add_router("/audit-events", audit_router)
api.add_router("/schedule", "everyweek.core.schedule_api.router")
api.add_router("/feedback", "everyweek.feedback.api.router")
api.add_router("", "everyweek.integrations.api.router")
api.add_router("/listening", "everyweek.listening.api.router")
api.add_router("/service-desk", "everyweek.servicedesk.api.router")
api.add_router("/careers", "everyweek.careers.api.router")
api.add_router("/recognition", "everyweek.recognition.api.router")
api.add_router("/week", "everyweek.week.api.router")
api.add_router("/scorecards", "everyweek.scorecards.api.router")
api.add_router("/interactions", "everyweek.scorecards.api.interactions_router")
api.add_router("/analysis", "everyweek.analysis.api.router")
