"""Service standards: did an interaction meet "first response within N business minutes"?

(A first version: elapsed wall-clock minutes minus time waiting on the customer. Business-hours
calendars and holidays are applied by `business_minutes_between` once calendars are set up.)
"""

from __future__ import annotations

from django.db.models import Q

from everyweek.feedback.models import (
    Interaction,
    ServiceStandard,
    ServiceStandardMetric,
    StandardResult,
)


def applicable_standards(interaction: Interaction) -> list[ServiceStandard]:
    return list(
        ServiceStandard.objects.filter(is_active=True)
        .filter(Q(channel="") | Q(channel=interaction.channel))
        .filter(Q(team__isnull=True) | Q(team_id=interaction.team_id))
        .filter(Q(priority="") | Q(priority=interaction.priority))
    )


def elapsed_minutes(interaction: Interaction, standard: ServiceStandard) -> float | None:
    end = (
        interaction.first_response_at
        if standard.metric == ServiceStandardMetric.FIRST_RESPONSE
        else interaction.resolved_at
    )
    if end is None:
        return None
    minutes = (end - interaction.created_at).total_seconds() / 60
    if standard.pause_while_pending and standard.metric == ServiceStandardMetric.RESOLUTION:
        minutes -= interaction.pending_seconds / 60
    return max(minutes, 0.0)


def evaluate_interaction(interaction: Interaction) -> None:
    for standard in applicable_standards(interaction):
        elapsed = elapsed_minutes(interaction, standard)
        StandardResult.objects.update_or_create(
            interaction=interaction,
            standard=standard,
            defaults={
                "elapsed_minutes": elapsed,
                "met": None if elapsed is None else elapsed <= standard.threshold_minutes,
            },
        )
