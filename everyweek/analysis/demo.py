"""The generated survey comments, read by the text engine, for the demo's analysis pages.

`generate_analysis(rng)` runs after the feedback generator (see DOMAIN_GENERATORS in
everyweek/demo/generator.py): every generated comment is analysed in batches and stored in
bulk, dated when it arrived. Nothing is acted on: the demo's commendations and follow-up cases
come from their own generators, and a year of praise alerts would bury the demo leaders. The
analyses go with their responses when the demo is deleted (one-to-one, cascade).
"""

from __future__ import annotations

import random

from everyweek.analysis import services
from everyweek.feedback.models import SurveyResponse


def generate_analysis(rng: random.Random) -> dict[str, int]:
    """Analyse every generated comment not analysed yet; returns the count."""
    del rng  # the engine is deterministic: nothing to draw
    responses = (
        SurveyResponse.objects.filter(is_generated=True)
        .exclude(comment="")
        .select_related("agent")
        .order_by("pk")
    )
    return {"analysed": services.analyse_history(responses)}
