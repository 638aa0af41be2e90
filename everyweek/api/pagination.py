"""Limit/offset pagination for every list: `?limit=&offset=` in, `{"items", "count"}` out."""

from __future__ import annotations

import typing
from collections.abc import Callable
from typing import Any, TypeVar

from ninja.pagination import LimitOffsetPagination, paginate

F = TypeVar("F", bound=Callable[..., Any])


def paginated(func: F) -> F:
    """ninja's @paginate for modules written with `from __future__ import annotations`.

    ninja resolves string annotations in the namespace of the function it inspects; behind
    @paginate that is ninja's own wrapper, where names like `Role` or `dt` do not exist.
    Resolving them here, in the endpoint's own module, sidesteps that.
    """
    func.__annotations__ = typing.get_type_hints(func)
    return typing.cast(F, paginate(LimitOffsetPagination)(func))
