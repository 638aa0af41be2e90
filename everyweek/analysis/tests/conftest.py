from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from django.utils import timezone

from everyweek.analysis import engine_state
from everyweek.feedback.models import SurveyResponse
from everyweek.feedback.services import ResponseInput, record_response
from everyweek.people.models import Person
from everyweek.textsense import engine

_ids = itertools.count(1)


@pytest.fixture(autouse=True)
def _packaged_model(settings: Any, tmp_path: Any) -> Any:
    """Each test starts on the packaged model, with retrained ones written to a tmp data dir."""
    settings.DATA_DIR = tmp_path
    engine.use_model_dir(None)
    engine_state._current = engine_state._UNSET
    yield
    engine.use_model_dir(None)
    engine_state._current = engine_state._UNSET


def respond(agent: Person | None, comment: str, **fields: Any) -> SurveyResponse:
    response, _created = record_response(
        ResponseInput(
            source="test",
            external_id=f"r{next(_ids)}",
            submitted_at=timezone.now() - dt.timedelta(minutes=5),
            agent=agent,
            comment=comment,
            **fields,
        )
    )
    return response
