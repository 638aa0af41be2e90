"""Offline multilingual understanding of customer feedback (no Django).

    from everyweek.textsense.engine import analyse, Person, Topic
    result = analyse(
        "Grazie alla Sig.ra Rossi, gentilissima!",
        agent=Person(id=7, name="Giulia Rossi"),
        colleagues=[Person(id=8, name="Marco Bianchi", nicknames=["Marchino"])],
        topics=[Topic("waiting_time", ["long wait", "attesa lunga"])],
    )
    result.praise, result.praised_person_id, result.sentiment, result.language

Models are plain arrays in ``everyweek/textsense/models`` (rebuilt by
``scripts/train_textsense.py``) and load lazily, once per process.
"""

from __future__ import annotations

from .analyser import Analysis, NameSpan, SentimentScores, analyse, analyse_many, warm_up
from .models import use_model_dir
from .names import Mention, Person
from .topics import Topic, TopicScore
from .training import LabelledExample, retrain_heads

__all__ = [
    "Analysis",
    "LabelledExample",
    "Mention",
    "NameSpan",
    "Person",
    "SentimentScores",
    "Topic",
    "TopicScore",
    "analyse",
    "analyse_many",
    "retrain_heads",
    "use_model_dir",
    "warm_up",
]
