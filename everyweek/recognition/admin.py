from __future__ import annotations

from django.contrib import admin

from everyweek.recognition.models import (
    AwardProgramme,
    Badge,
    Commendation,
    CompanyValue,
    Kudos,
    PointsEntry,
    Raffle,
    RecognitionSettings,
    Redemption,
    Reward,
    TeamGoal,
    TopPerformerResult,
    TopPerformerRule,
)


@admin.register(CompanyValue)
class CompanyValueAdmin(admin.ModelAdmin[CompanyValue]):
    list_display = ["name", "is_active"]


@admin.register(Reward)
class RewardAdmin(admin.ModelAdmin[Reward]):
    list_display = ["name", "cost", "is_active"]


@admin.register(RecognitionSettings)
class RecognitionSettingsAdmin(admin.ModelAdmin[RecognitionSettings]):
    list_display = ["__str__", "monthly_allowance", "alert_skip_leader", "post_public_kudos"]


@admin.register(Commendation)
class CommendationAdmin(admin.ModelAdmin[Commendation]):
    list_display = ["agent", "detected_at", "thanked_at", "thanked_by"]
    raw_id_fields = ["agent", "response", "thanked_by"]
    readonly_fields = ["detected_at", "thanked_at"]


@admin.register(Kudos)
class KudosAdmin(admin.ModelAdmin[Kudos]):
    list_display = ["__str__", "points", "visibility", "created_at", "withdrawn_at"]
    raw_id_fields = ["author", "recipient"]

    def has_change_permission(self, request: object, obj: Kudos | None = None) -> bool:
        # Edits go through the pages, which audit them.
        return False


@admin.register(PointsEntry)
class PointsEntryAdmin(admin.ModelAdmin[PointsEntry]):
    list_display = ["person", "account", "kind", "amount", "created_at"]
    list_filter = ["account", "kind"]

    def has_change_permission(self, request: object, obj: PointsEntry | None = None) -> bool:
        return False  # a ledger is only ever appended to

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: PointsEntry | None = None) -> bool:
        return False


@admin.register(Redemption)
class RedemptionAdmin(admin.ModelAdmin[Redemption]):
    list_display = ["person", "reward", "cost", "status", "requested_at"]
    list_filter = ["status"]


@admin.register(AwardProgramme)
class AwardProgrammeAdmin(admin.ModelAdmin[AwardProgramme]):
    list_display = ["name", "nominations_open", "nominations_close", "published_at"]
    filter_horizontal = ["judges"]
    readonly_fields = ["published_at"]


@admin.register(Raffle)
class RaffleAdmin(admin.ModelAdmin[Raffle]):
    """Raffles are created on the pages (the seed and its commitment are generated there)."""

    list_display = ["name", "prize", "commitment", "drawn_at"]
    readonly_fields = ["commitment", "drawn_at", "winners"]
    exclude = ["seed"]

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(TeamGoal)
class TeamGoalAdmin(admin.ModelAdmin[TeamGoal]):
    list_display = ["title", "team", "metric", "progress", "target", "reached_at"]
    readonly_fields = ["metric_value", "measured_at"]


@admin.register(TopPerformerRule)
class TopPerformerRuleAdmin(admin.ModelAdmin[TopPerformerRule]):
    list_display = ["name", "metric", "period", "top_n", "threshold", "min_volume", "team"]
    list_filter = ["is_active", "period"]


@admin.register(TopPerformerResult)
class TopPerformerResultAdmin(admin.ModelAdmin[TopPerformerResult]):
    """Places are kept by the scheduled job; here they are only looked at."""

    list_display = ["rule", "period_start", "rank", "person", "value", "volume"]
    list_filter = ["rule"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: TopPerformerResult | None = None) -> bool:
        return False


@admin.register(Badge)
class BadgeAdmin(admin.ModelAdmin[Badge]):
    list_display = ["__str__", "description"]
