"""One error shape for the whole API.

Every error, whatever raised it, answers with

    {"error": {"code": "not_found", "message": "…", "details": [...]}}

`code` is stable and meant for programs; `message` is for people, in the request's language;
`details` lists what was wrong, each item with `loc` (where), `message` and `type`.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from everyweek.api.services import TokenError
from everyweek.people.services import PeopleError

if TYPE_CHECKING:
    from ninja import NinjaAPI

logger = logging.getLogger("django.request")

Detail = dict[str, Any]
Handler = Callable[[HttpRequest, Any], HttpResponse]

# Codes for errors that carry no code of their own, by HTTP status.
STATUS_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid",
    429: "rate_limited",
    500: "server_error",
}


def default_message(status: int) -> str:
    messages = {
        400: _("The request could not be read."),
        401: _("Sign in, or send a valid API token in the Authorization header."),
        403: _("You do not have permission to do this."),
        404: _("Not found."),
        405: _("This method is not allowed here."),
        409: _("This conflicts with the current state of the data."),
        413: _("The request is too large."),
        422: _("Some of the data sent is not valid."),
        429: _("Too many requests. Try again later."),
    }
    return messages.get(status, _("Something went wrong on our side. It has been logged."))


class ApiError(HttpError):
    """An error with a stable code, a message for people and optional details."""

    def __init__(
        self,
        status_code: int,
        code: str | None = None,
        message: str | None = None,
        details: Sequence[Detail] = (),
        headers: dict[str, str] | None = None,
    ) -> None:
        message = message or default_message(status_code)
        super().__init__(status_code, message)
        self.code = code or STATUS_CODES.get(status_code, "error")
        self.details = list(details)
        self.headers = headers or {}


def not_found() -> ApiError:
    return ApiError(404)


def permission_denied(message: str | None = None) -> ApiError:
    return ApiError(403, "permission_denied", message)


def insufficient_scope(needed: str) -> ApiError:
    return ApiError(
        403,
        "insufficient_scope",
        _("This needs a token with the “%(scope)s” scope.") % {"scope": needed},
    )


def csrf_failed() -> ApiError:
    return ApiError(
        403,
        "csrf_failed",
        _("The CSRF check failed. Send the X-CSRFToken header with the csrftoken cookie's value."),
    )


def rate_limited(retry_after: int) -> ApiError:
    return ApiError(
        429,
        "rate_limited",
        _("Too many requests. Try again in %(seconds)s seconds.") % {"seconds": retry_after},
        headers={"Retry-After": str(retry_after)},
    )


def invalid(field: str, message: str, *, location: str = "body") -> ApiError:
    return ApiError(
        422, "invalid", details=[{"loc": [location, field], "message": message, "type": "invalid"}]
    )


def conflict(message: str) -> ApiError:
    return ApiError(409, "conflict", message)


def unknown_reference(field: str) -> ApiError:
    return invalid(field, _("Nothing with this id exists."))


def team_outside_department() -> ApiError:
    return invalid("team_id", _("This team belongs to another department."))


def cannot_deactivate_yourself() -> ApiError:
    return conflict(_("You cannot deactivate yourself."))


def file_too_large(limit_mb: int) -> ApiError:
    return ApiError(
        413, "too_large", _("The file is larger than %(size)s MB.") % {"size": limit_mb}
    )


def upload_too_large() -> ApiError:
    """413 for a file above EVERYWEEK_IMPORT_MAX_BYTES (the limit every import shares)."""
    from everyweek.core import uploads

    return ApiError(413, "too_large", uploads.too_large_message())


def body(code: str, message: str, details: Sequence[Detail] = ()) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": list(details)}}


def _respond(
    api: NinjaAPI,
    request: HttpRequest,
    status: int,
    code: str,
    message: str,
    details: Sequence[Detail] = (),
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    response = api.create_response(request, body(code, message, details), status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="everyweek"'
    return response


def _django_validation_details(exc: DjangoValidationError) -> list[Detail]:
    details: list[Detail] = []
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            loc = ["body"] if field == NON_FIELD_ERRORS else ["body", field]
            for error in errors:
                for message in error.messages:
                    details.append(
                        {"loc": loc, "message": message, "type": error.code or "invalid"}
                    )
    else:
        for error in exc.error_list:
            for message in error.messages:
                details.append(
                    {"loc": ["body"], "message": message, "type": error.code or "invalid"}
                )
    return details


def _register(api: NinjaAPI, exc_class: type[Exception], handler: Handler) -> None:
    api.add_exception_handler(exc_class, handler)


def install(api: NinjaAPI) -> None:
    """Replace ninja's default handlers so every error has the same shape."""

    def on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        details = [
            {
                "loc": [str(part) for part in error.get("loc", ())],
                "message": str(error.get("msg", "")),
                "type": str(error.get("type", "invalid")),
            }
            for error in exc.errors
        ]
        return _respond(api, request, 422, "invalid", default_message(422), details)

    def on_django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        details = _django_validation_details(exc)
        # A duplicate is a conflict with stored data, not a malformed request.
        if details and all(d["type"] in ("unique", "unique_together") for d in details):
            return _respond(api, request, 409, "conflict", default_message(409), details)
        return _respond(api, request, 422, "invalid", default_message(422), details)

    def on_api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return _respond(
            api, request, exc.status_code, exc.code, exc.message, exc.details, exc.headers
        )

    def on_authentication(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return _respond(api, request, 401, "not_authenticated", default_message(401))

    def on_throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        wait = max(1, math.ceil(exc.wait)) if exc.wait else 60
        error = rate_limited(wait)
        return on_api_error(request, error)

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        status = exc.status_code
        return _respond(
            api, request, status, STATUS_CODES.get(status, "error"), default_message(status)
        )

    def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return _respond(api, request, 404, "not_found", default_message(404))

    def on_permission_denied(request: HttpRequest, exc: Exception) -> HttpResponse:
        return _respond(api, request, 403, "permission_denied", default_message(403))

    def on_people_error(request: HttpRequest, exc: PeopleError) -> HttpResponse:
        return _respond(api, request, 409, "conflict", str(exc))

    def on_token_error(request: HttpRequest, exc: TokenError) -> HttpResponse:
        if exc.field:
            error = invalid(exc.field, str(exc))
            return _respond(api, request, 422, error.code, error.message, error.details)
        return _respond(api, request, 403, "permission_denied", str(exc))

    def on_integrity_error(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
        return _respond(api, request, 409, "conflict", default_message(409))

    def on_exception(request: HttpRequest, exc: Exception) -> HttpResponse:
        # Logged like Django's own unhandled errors, so admins' error mails still arrive.
        logger.error(
            "Internal Server Error: %s",
            request.path,
            exc_info=exc,
            extra={"status_code": 500, "request": request},
        )
        return _respond(api, request, 500, "server_error", default_message(500))

    _register(api, ValidationError, on_validation)
    _register(api, DjangoValidationError, on_django_validation)
    _register(api, ApiError, on_api_error)
    _register(api, AuthenticationError, on_authentication)
    _register(api, Throttled, on_throttled)
    _register(api, HttpError, on_http_error)
    _register(api, Http404, on_not_found)
    _register(api, PermissionDenied, on_permission_denied)
    _register(api, PeopleError, on_people_error)
    _register(api, TokenError, on_token_error)
    _register(api, IntegrityError, on_integrity_error)
    _register(api, Exception, on_exception)


# The shape above as OpenAPI components, added to every operation's documented responses.
OPENAPI_SCHEMAS: dict[str, Any] = {
    "Error": {
        "title": "Error",
        "type": "object",
        "required": ["error"],
        "properties": {"error": {"$ref": "#/components/schemas/ErrorBody"}},
    },
    "ErrorBody": {
        "title": "ErrorBody",
        "type": "object",
        "required": ["code", "message", "details"],
        "properties": {
            "code": {
                "type": "string",
                "description": "Stable, for programs: "
                + ", ".join(sorted({*STATUS_CODES.values(), "insufficient_scope", "csrf_failed"})),
            },
            "message": {"type": "string", "description": "For people, in the request's language."},
            "details": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/ErrorDetail"},
            },
        },
    },
    "ErrorDetail": {
        "title": "ErrorDetail",
        "type": "object",
        "properties": {
            "loc": {
                "type": "array",
                "items": {"type": "string"},
                "description": 'Where the problem is, e.g. ["body", "payload", "email"].',
            },
            "message": {"type": "string"},
            "type": {"type": "string", "description": "e.g. missing, invalid, unique."},
        },
    },
}

OPENAPI_RESPONSES = {
    "401": "Not signed in, or the token is unknown, revoked or expired.",
    "403": "Signed in, but this role or token scope may not do this (or the CSRF check failed).",
    "404": "Not found, or not visible to you.",
    "409": "Conflicts with stored data (a duplicate, a loop in reporting lines…).",
    "422": "The parameters or the body are not valid; `details` says which.",
    "429": "Too many requests or failed sign-ins; wait for `Retry-After` seconds.",
}
