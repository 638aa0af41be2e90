"""Background analysis. Tasks take primary keys and are safe to run twice."""

from __future__ import annotations

from django_tasks import task

from everyweek.analysis import services
from everyweek.feedback.models import SurveyResponse


@task()
def analyse_response_task(response_id: int) -> bool:
    response = SurveyResponse.objects.select_related("agent").filter(pk=response_id).first()
    if response is None:  # deleted before the worker got to it
        return False
    return services.analyse_response(response) is not None


@task()
def analyse_responses_task(response_ids: list[int]) -> int:
    return services.analyse_responses(response_ids)


@task()
def analyse_response_range_task(first: int, last: int) -> int:
    return services.analyse_response_range(first, last)
