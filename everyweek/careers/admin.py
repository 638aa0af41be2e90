from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin

from everyweek.careers import metrics
from everyweek.careers.models import (
    CareerLevel,
    CareerPosition,
    CareerTrack,
    LevelCriterion,
    LevelSkill,
    Skill,
    SkillAssessment,
)
from everyweek.core.admin import AuditedModelAdmin


class CriterionForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = LevelCriterion
        fields = ["metric", "threshold"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Offer the registered metrics by name instead of a free-text key.
        self.fields["metric"] = forms.ChoiceField(
            label=self.fields["metric"].label, choices=metrics.choices()
        )


class CriterionInline(admin.TabularInline):  # type: ignore[type-arg]
    model = LevelCriterion
    form = CriterionForm
    extra = 0


class LevelSkillInline(admin.TabularInline):  # type: ignore[type-arg]
    model = LevelSkill
    extra = 0


@admin.register(CareerTrack)
class CareerTrackAdmin(AuditedModelAdmin):
    list_display = ["name", "department_kind"]


@admin.register(CareerLevel)
class CareerLevelAdmin(AuditedModelAdmin):
    list_display = ["name", "track", "rank", "pay_min", "pay_max", "currency"]
    list_filter = ["track"]
    list_select_related = ["track"]
    inlines = [CriterionInline, LevelSkillInline]


@admin.register(Skill)
class SkillAdmin(AuditedModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]


@admin.register(CareerPosition)
class CareerPositionAdmin(AuditedModelAdmin):
    list_display = ["person", "level", "since"]
    list_select_related = ["person", "level", "level__track"]
    raw_id_fields = ["person"]
    search_fields = ["person__full_name"]


@admin.register(SkillAssessment)
class SkillAssessmentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["person", "skill", "kind", "rating", "assessed_at"]
    list_filter = ["kind", "skill"]
    raw_id_fields = ["person", "assessed_by"]
