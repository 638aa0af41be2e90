from __future__ import annotations

from typing import Any

from django.db import migrations


def seed(apps: Any, schema_editor: Any) -> None:
    from everyweek.analysis.seed import SEED_TOPICS

    topic = apps.get_model("analysis", "TopicDefinition")
    for row in SEED_TOPICS:
        topic.objects.get_or_create(
            key=row["key"], defaults={"names": row["names"], "examples": row["examples"]}
        )


class Migration(migrations.Migration):
    dependencies = [("analysis", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
