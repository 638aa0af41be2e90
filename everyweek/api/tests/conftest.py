from __future__ import annotations

from everyweek.api.tests.helpers import fresh_cache

__all__ = ["fresh_cache"]
