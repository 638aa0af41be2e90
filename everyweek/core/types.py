"""Types shared by views: a request whose user is known to be a signed-in Person.

Use it to annotate views behind login_required / admin_required / leader_required, so mypy
knows `request.user` is a Person and not AnonymousUser.
"""

from __future__ import annotations

from django.http import HttpRequest

from everyweek.people.models import Person


class AuthenticatedHttpRequest(HttpRequest):
    user: Person
