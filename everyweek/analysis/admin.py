from __future__ import annotations

from django.contrib import admin

from everyweek.analysis.models import LabelCorrection, ModelVersion, TextAnalysis, TopicDefinition


@admin.register(TopicDefinition)
class TopicDefinitionAdmin(admin.ModelAdmin):
    list_display = ("key", "__str__", "is_active")
    list_filter = ("is_active",)
    search_fields = ("key",)


@admin.register(TextAnalysis)
class TextAnalysisAdmin(admin.ModelAdmin):
    list_display = ("response", "language", "sentiment", "praise", "complaint", "model_version")
    list_filter = ("praise", "complaint", "sentiment", "language", "model_version")
    raw_id_fields = ("response", "praised_person")


@admin.register(LabelCorrection)
class LabelCorrectionAdmin(admin.ModelAdmin):
    list_display = ("analysis", "kind", "value", "corrected_by", "created_at")
    list_filter = ("kind",)
    raw_id_fields = ("analysis", "corrected_by")


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    list_display = ("version", "base_version", "corrections", "is_active", "created_at")
    readonly_fields = ("version", "path", "base_version", "corrections", "figures", "created_at")
