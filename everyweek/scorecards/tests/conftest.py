from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from everyweek.api.tests.helpers import fresh_cache
from everyweek.scorecards import rollups

__all__ = ["fresh_cache"]


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Callable[[], Any]:
    """Run the block, then what would run on commit (rollup recomputation), as in production."""

    @contextmanager
    def run() -> Iterator[None]:
        with django_capture_on_commit_callbacks(execute=True):
            yield
        rollups.flush()

    return run
